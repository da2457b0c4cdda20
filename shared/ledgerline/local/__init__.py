"""The local runtime: DynamoDB Local, the table from template.yaml, one server for every router, the CLI."""
