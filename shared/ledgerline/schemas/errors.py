"""The error envelope, as the OpenAPI description documents it (api/errors.py builds it)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    field: str
    message: str
    # An e-invoice the official rules refuse (POST /v1/bills/import, issue 17): each failed rule
    id: str | None = Field(None, description="E-invoice import: the failed rule's id, e.g. `BR-CO-16`")
    severity: str | None = Field(None, description="E-invoice import: `fatal` or `error`")
    location: str | None = Field(None, description="E-invoice import: XPath of the element the rule failed on")
    text: str | None = Field(None, description="E-invoice import: the rule's text")
    rule_set: str | None = Field(None, description="E-invoice import: the rule set that holds the rule")


class ErrorBody(BaseModel):
    type: str = Field(description="invalid_request_error, authentication_error, permission_error, "
                                  "rate_limit_error or api_error")
    code: str = Field(description="Machine-readable reason, e.g. validation_error, resource_missing, missing_scope")
    message: str
    param: str | None = Field(description="The field, parameter or header the error is about, if any")
    details: list[ErrorDetail] = Field(description="One entry per invalid field (validation errors)")
    request_id: str | None = Field(description="Also sent as the X-Request-ID header and written to the logs")


class ErrorResponse(BaseModel):
    error: ErrorBody


_WHEN = {
    400: "Malformed JSON, cursor or header",
    401: "No, unknown, revoked or expired API key",
    403: "The API key lacks the route's scope",
    404: "No such object (also another tenant's), or no such route",
    409: "Wrong state, taken code, locked period, or the same Idempotency-Key still in progress",
    412: "If-Match names a version that is no longer current",
    422: "Validation failed; `details` names each field",
    429: "Rate limit exceeded; retry after the Retry-After header's seconds",
    503: "Too many concurrent writers or the database is busy; retry",
}

# Declared on every route (api/app.py), replacing FastAPI's default 422 body, which this API never sends.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": when} for status, when in _WHEN.items()
}

# For routes whose success body is not JSON (CSV, PDF): FastAPI files a `model` under the route's own media
# type, but errors are always JSON, so these name the content type and reference the envelope's schema.
NON_JSON_ROUTE_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"description": when,
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}}
    for status, when in _WHEN.items()
}
