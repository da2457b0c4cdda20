"""Tenants as infrastructure: the `Custom::LedgerlineTenant` CloudFormation resource and the CLI share it."""
