"""Domain errors. The API maps each to an HTTP status in exactly one place (api/errors.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class FieldIssue:
    field: str
    message: str
    extra: dict[str, str] | None = None  # more members of the detail (an e-invoice rule's id, severity, …)


class LedgerlineError(Exception):
    """Base of every error the domain and the store raise on purpose."""

    code = "error"

    def __init__(self, message: str, *, param: str | None = None, code: str | None = None,
                 details: list[FieldIssue] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        if code:
            self.code = code
        self.details = details or []


class InvalidRequest(LedgerlineError):
    """The request is malformed (bad cursor, unreadable header)."""

    code = "invalid_request"


class Unauthenticated(LedgerlineError):
    code = "invalid_api_key"


class Forbidden(LedgerlineError):
    code = "missing_scope"


class NotFound(LedgerlineError):
    code = "resource_missing"


class AlreadyExists(LedgerlineError):
    code = "already_exists"


class Conflict(LedgerlineError):
    """The resource is in a state that does not allow the operation."""

    code = "conflict"


class PreconditionFailed(LedgerlineError):
    code = "version_mismatch"


class ValidationFailed(LedgerlineError):
    code = "validation_error"


class RateLimited(LedgerlineError):
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServiceUnavailable(LedgerlineError):
    """A dependency refused the work for now (throttling, contention); retrying is safe."""

    code = "service_unavailable"


class DocumentTooLarge(ValidationFailed):
    """A document (or the event that carries it) would not fit in what the table or the event bus accepts."""

    code = "document_too_large"


class PayloadTooLarge(LedgerlineError):
    """An uploaded file is larger than a file may be (issue 15: at most 10 MB)."""

    code = "file_too_large"


class UnsupportedFileType(LedgerlineError):
    """An uploaded file is not of a type Ledgerline keeps (read from its bytes, never from the client)."""

    code = "unsupported_file_type"
