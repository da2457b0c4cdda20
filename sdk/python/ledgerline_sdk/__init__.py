"""The official Python SDK of the Ledgerline API (issue 20): `Client`, `AsyncClient`, typed errors, webhooks."""

from ledgerline_sdk import webhooks
from ledgerline_sdk._client import AsyncClient, Client
from ledgerline_sdk._core import RetryPolicy
from ledgerline_sdk.errors import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    ConflictError,
    IdempotencyError,
    InvalidRequestError,
    LedgerlineError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    PreconditionFailedError,
    RateLimitError,
    ServiceUnavailableError,
    UnsupportedMediaTypeError,
    ValidationError,
)
from ledgerline_sdk.webhooks import WebhookVerificationError

__version__ = "0.1.0"
__all__ = [
    "APIConnectionError", "APIError", "AsyncClient", "AuthenticationError", "Client", "ConflictError",
    "IdempotencyError", "InvalidRequestError", "LedgerlineError", "NotFoundError", "PayloadTooLargeError",
    "PermissionDeniedError", "PreconditionFailedError", "RateLimitError", "RetryPolicy", "ServiceUnavailableError",
    "UnsupportedMediaTypeError", "ValidationError", "WebhookVerificationError", "webhooks",
]
