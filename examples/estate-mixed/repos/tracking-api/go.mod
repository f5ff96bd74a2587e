module git.northwind.example/freight/tracking-api

go 1.22
