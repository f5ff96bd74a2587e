rootProject.name = "billing-worker"
