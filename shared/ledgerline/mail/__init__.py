"""Sending documents by email: the MIME message, the transports (SMTP locally, SES v2 in AWS), the bus
consumer of `email.queued` and the SES bounce handler."""
