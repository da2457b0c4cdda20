"""Persistence: PynamoDB models of the single table and the named access patterns over them."""
