"""Request headers several routers read."""

from __future__ import annotations

from fastapi import Header

IdempotencyKeyHeader = Header(
    None, alias="Idempotency-Key", min_length=1, max_length=255,
    description="Makes the request safe to retry: the same key and body replay the first response",
)
