"""Webhooks: the consumers of bus events and delivery messages, and the ports they send through."""
