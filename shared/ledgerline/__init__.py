"""Ledgerline: multi-tenant invoicing and double-entry accounting on AWS serverless."""
