import jetbrains.buildServer.configs.kotlin.*
import jetbrains.buildServer.configs.kotlin.buildSteps.*
import jetbrains.buildServer.configs.kotlin.buildFeatures.*

version = "2024.03"

val mirror = "mirror.example.org"

project {
    params {
        param("env.REGISTRY", "registry.example.com")
    }
    buildType(Worker)
    buildType {
        id("Nightly")
        name = "Nightly rebuild"
        steps {
            dockerCommand {
                commandType = build {
                    source = file { path = "Dockerfile" }
                    namesAndTags = """
                        %env.REGISTRY%/jobs/nightly:latest
                        %env.REGISTRY%/jobs/nightly:%build.vcs.number%
                    """.trimIndent()
                }
            }
        }
        features {
            dockerSupport {
                loginToRegistry = on {
                    dockerRegistryId = "PROJECT_EXT_9"
                }
            }
        }
    }
}

object Worker : BuildType({
    name = "Worker image"
    params {
        param("env.IMAGE", "%env.REGISTRY%/jobs/worker")
        password("env.REGISTRY_PASSWORD", "credentialsJSON:1234")
    }
    steps {
        script {
            name = "Build and push"
            workingDir = "worker"
            scriptContent = """
                #!/bin/sh
                TAG=${'$'}(git rev-parse --short HEAD)
                docker build -t ${'$'}IMAGE:${'$'}TAG \
                  -f build/Dockerfile .
                docker tag ${'$'}IMAGE:${'$'}TAG ${'$'}IMAGE:latest && docker push ${'$'}IMAGE:latest
                trivy image --exit-code 1 ${'$'}IMAGE:latest || true
                docker push $mirror/jobs/worker:latest
                grype ${'$'}IMAGE:latest --fail-on high
                echo done
            """.trimIndent()
        }
        dockerCommand {
            name = "Retag for mirror"
            commandType = other {
                subCommand = "tag"
                commandArgs = "%env.IMAGE%:latest $mirror/jobs/worker:latest"
            }
        }
    }
})
