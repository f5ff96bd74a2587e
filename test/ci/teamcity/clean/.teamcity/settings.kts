import jetbrains.buildServer.configs.kotlin.*
import jetbrains.buildServer.configs.kotlin.buildFeatures.dockerSupport
import jetbrains.buildServer.configs.kotlin.buildSteps.dockerCommand
import jetbrains.buildServer.configs.kotlin.buildSteps.script
import jetbrains.buildServer.configs.kotlin.projectFeatures.dockerRegistry

version = "2024.03"

project {
    buildType(BuildImage)

    features {
        dockerRegistry {
            id = "PROJECT_EXT_2"
            name = "Company registry"
            url = "https://registry.example.com"
            userName = "teamcity"
            password = "credentialsJSON:0b2f7c1e"
        }
    }
}

object BuildImage : BuildType({
    name = "Build image"

    params {
        param("env.IMAGE", "registry.example.com/inventory/api")
        param("image.tag", "%build.number%")
    }

    steps {
        dockerCommand {
            name = "Build"
            commandType = build {
                source = file {
                    path = "docker/api.Dockerfile"
                }
                contextDir = "."
                namesAndTags = "%env.IMAGE%:%image.tag%"
                commandArgs = "--pull"
            }
        }
        script {
            name = "Scan"
            scriptContent = """
                trivy image --exit-code 1 --severity CRITICAL %env.IMAGE%:%image.tag%
            """.trimIndent()
        }
        dockerCommand {
            name = "Push"
            commandType = push {
                namesAndTags = "%env.IMAGE%:%image.tag%"
            }
        }
    }

    features {
        dockerSupport {
            loginToRegistry = on {
                dockerRegistryId = "PROJECT_EXT_2"
            }
        }
    }
})
