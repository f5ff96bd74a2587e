module git.northwind.example/depots/scanner-agent

go 1.22
