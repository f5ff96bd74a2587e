import jetbrains.buildServer.configs.kotlin.*
import jetbrains.buildServer.configs.kotlin.buildFeatures.dockerSupport
import jetbrains.buildServer.configs.kotlin.buildSteps.dockerCommand
import jetbrains.buildServer.configs.kotlin.buildSteps.script
import jetbrains.buildServer.configs.kotlin.triggers.vcs

/*
 * Builds the inventory service image, scans it (report only) and pushes it to the production
 * registry on every commit to main.
 */
version = "2024.03"

project {
    buildType(BuildImage)
}

object BuildImage : BuildType({
    name = "Build and push image"

    params {
        param("image.name", "registry.shop.internal/shop/inventory-service")
        param("image.version", "2.3.1")
    }

    vcs {
        root(DslContext.settingsRoot)
    }

    steps {
        dockerCommand {
            name = "Build image"
            commandType = build {
                source = file {
                    path = "Dockerfile"
                }
                namesAndTags = "%image.name%:%image.version%"
                commandArgs = "--pull --build-arg VCS_REF=%build.vcs.number%"
            }
        }
        script {
            name = "Scan image"
            scriptContent = "trivy image --exit-code 0 --severity HIGH,CRITICAL %image.name%:%image.version%"
        }
        dockerCommand {
            name = "Push image"
            commandType = push {
                namesAndTags = "%image.name%:%image.version%"
            }
        }
    }

    triggers {
        vcs {
            branchFilter = "+:main"
        }
    }

    features {
        dockerSupport {
            loginToRegistry = on {
                dockerRegistryId = "PROJECT_EXT_3"
            }
        }
    }
})
