"""E-invoice validation with the official rule sets (issue 17), vendored in `validators/`."""
