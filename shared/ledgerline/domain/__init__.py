"""Pure business rules: no boto3, no HTTP, no clock reads."""
