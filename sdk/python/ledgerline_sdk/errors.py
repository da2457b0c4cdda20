"""Typed errors: one class per kind of the API's error envelope (`{"error": {type, code, message, param, ...}}`).

Catch `LedgerlineError` for every failure the API answered, `APIConnectionError` when it could not be reached.
"""

from __future__ import annotations

from typing import Any

import httpx


class LedgerlineError(Exception):
    """An error answered by the API. `status`, `type`, `code`, `message`, `param`, `details` and `request_id`
    are the envelope's fields; `body` is the parsed response body and `headers` its headers."""

    def __init__(self, message: str, *, status: int | None = None, type: str | None = None,
                 code: str | None = None, param: str | None = None, details: list[dict[str, Any]] | None = None,
                 request_id: str | None = None, body: Any = None, headers: httpx.Headers | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.type = type
        self.code = code
        self.param = param
        self.details = details or []
        self.request_id = request_id
        self.body = body
        self.headers = headers if headers is not None else httpx.Headers()

    def __str__(self) -> str:
        where = f" (param: {self.param})" if self.param else ""
        return f"{self.status} {self.code}: {self.message}{where}"


class APIConnectionError(LedgerlineError):
    """The API could not be reached (connection refused, timeout) after every retry."""


class InvalidRequestError(LedgerlineError):
    """400: a malformed request (an unknown query parameter, a bad header, an unknown expansion)."""


class AuthenticationError(LedgerlineError):
    """401: no API key, or one the API does not know."""


class PermissionDeniedError(LedgerlineError):
    """403: the key lacks the scope the route (or an expansion) needs."""


class NotFoundError(LedgerlineError):
    """404: no such object for this tenant, or no such route."""


class ConflictError(LedgerlineError):
    """409: the object exists already, or its state does not allow the action (e.g. posting a posted invoice)."""


class PreconditionFailedError(LedgerlineError):
    """412: `If-Match` named a version that is no longer current."""


class PayloadTooLargeError(LedgerlineError):
    """413: the body is too large."""


class UnsupportedMediaTypeError(LedgerlineError):
    """415: a file of a type the API does not take."""


class ValidationError(LedgerlineError):
    """422: the body failed validation. `field` names the first field at fault (`param`, else the first detail's)."""

    @property
    def field(self) -> str | None:
        if self.param:
            return self.param
        return next((d.get("field") for d in self.details if d.get("field")), None)


class IdempotencyError(ValidationError):
    """422 `idempotency_error`: the Idempotency-Key was already used with another request."""


class RateLimitError(LedgerlineError):
    """429: too many requests; `retry_after` is the server's `Retry-After` in seconds (None if absent)."""

    @property
    def retry_after(self) -> float | None:
        return parse_retry_after(self.headers.get("retry-after"))


class ServiceUnavailableError(LedgerlineError):
    """503: the API is briefly unavailable (e.g. contention); retried automatically."""


class APIError(LedgerlineError):
    """Any other answer: 500 and unexpected statuses."""


BY_STATUS: dict[int, type[LedgerlineError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    412: PreconditionFailedError,
    413: PayloadTooLargeError,
    415: UnsupportedMediaTypeError,
    422: ValidationError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}


def parse_retry_after(value: str | None) -> float | None:
    """`Retry-After` in seconds (the API sends delta-seconds; an HTTP date or garbage is ignored)."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def error_from_response(response: httpx.Response) -> LedgerlineError:
    """The typed error an error response stands for."""
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        error = {}
    cls = BY_STATUS.get(response.status_code, APIError)
    if response.status_code == 422 and error.get("code") == "idempotency_error":
        cls = IdempotencyError
    message = error.get("message") or f"HTTP {response.status_code}"
    return cls(message, status=response.status_code, type=error.get("type"), code=error.get("code"),
               param=error.get("param"), details=error.get("details"),
               request_id=error.get("request_id") or response.headers.get("x-request-id"),
               body=body, headers=response.headers)
