import jetbrains.buildServer.configs.kotlin.*
import jetbrains.buildServer.configs.kotlin.buildFeatures.dockerSupport
import jetbrains.buildServer.configs.kotlin.buildSteps.dockerCommand
import jetbrains.buildServer.configs.kotlin.buildSteps.gradle
import jetbrains.buildServer.configs.kotlin.buildSteps.script
import jetbrains.buildServer.configs.kotlin.projectFeatures.dockerRegistry
import jetbrains.buildServer.configs.kotlin.triggers.vcs

/*
 * Billing worker: invoices delivered shipments. Gradle builds the distribution, Docker packages it,
 * Trivy gates the image before the push, cosign signs what was pushed.
 */
version = "2024.03"

project {
    buildType(BillingWorkerImage)

    features {
        dockerRegistry {
            id = "PROJECT_EXT_12"
            name = "Northwind registry"
            url = "https://registry.northwind.example"
            userName = "teamcity-billing"
            // a TeamCity secure-value reference, not a secret (illustrative)
            password = "credentialsJSON:00000000-0000-0000-0000-000000000000"
        }
    }
}

object BillingWorkerImage : BuildType({
    name = "Build, scan, push and sign the billing worker image"

    params {
        param("image.name", "registry.northwind.example/finance/billing-worker")
        param("image.version", "5.1.0")
        password("env.COSIGN_PASSWORD", "credentialsJSON:00000000-0000-0000-0000-000000000001")
    }

    vcs {
        root(DslContext.settingsRoot)
    }

    steps {
        gradle {
            name = "Build distribution"
            tasks = "clean test installDist"
        }
        dockerCommand {
            name = "Build image"
            commandType = build {
                source = file {
                    path = "Dockerfile"
                }
                contextDir = "."
                namesAndTags = "%image.name%:%image.version%"
                commandArgs = "--pull"
            }
        }
        script {
            name = "Scan image"
            scriptContent = """
                trivy image --exit-code 1 --severity HIGH,CRITICAL --ignore-unfixed %image.name%:%image.version%
            """.trimIndent()
        }
        dockerCommand {
            name = "Push image"
            commandType = push {
                namesAndTags = "%image.name%:%image.version%"
            }
        }
        script {
            name = "Sign image"
            scriptContent = """
                cosign sign --yes --key env://COSIGN_PRIVATE_KEY %image.name%:%image.version%
            """.trimIndent()
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
                dockerRegistryId = "PROJECT_EXT_12"
            }
        }
    }
})
