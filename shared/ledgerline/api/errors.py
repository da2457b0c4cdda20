"""The one mapping from errors to HTTP responses with the error envelope."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ledgerline.domain import errors
from ledgerline.observability import logger

STATUS: dict[type[errors.LedgerlineError], tuple[int, str]] = {
    errors.InvalidRequest: (400, "invalid_request_error"),
    errors.Unauthenticated: (401, "authentication_error"),
    errors.Forbidden: (403, "permission_error"),
    errors.NotFound: (404, "invalid_request_error"),
    errors.AlreadyExists: (409, "invalid_request_error"),
    errors.Conflict: (409, "invalid_request_error"),
    errors.PreconditionFailed: (412, "invalid_request_error"),
    errors.ValidationFailed: (422, "invalid_request_error"),
    errors.RateLimited: (429, "rate_limit_error"),
    errors.ServiceUnavailable: (503, "api_error"),
    errors.PayloadTooLarge: (413, "invalid_request_error"),
    errors.UnsupportedFileType: (415, "invalid_request_error"),
}

HTTP_CODES = {404: "route_not_found", 405: "method_not_allowed", 400: "invalid_request"}


def envelope(
    request: Request,
    status: int,
    *,
    type: str,
    code: str,
    message: str,
    param: str | None = None,
    details: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = error_body(request, type=type, code=code, message=message, param=param, details=details)
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def error_body(
    request: Request,
    *,
    type: str,
    code: str,
    message: str,
    param: str | None = None,
    details: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """What goes inside the envelope's `error` (also one failed item of a bulk request)."""
    return {
        "type": type,
        "code": code,
        "message": message,
        "param": param,
        "details": details or [],
        "request_id": getattr(request.state, "request_id", None),
    }


def describe_domain_error(request: Request, exc: errors.LedgerlineError) -> tuple[int, dict[str, Any]]:
    """The status and `error` body a domain error answers with."""
    status, kind = next(v for k, v in STATUS.items() if isinstance(exc, k))
    details = [{"field": d.field, "message": d.message, **(d.extra or {})} for d in exc.details]
    return status, error_body(request, type=kind, code=exc.code, message=exc.message, param=exc.param,
                              details=details)


async def _domain_error(request: Request, exc: errors.LedgerlineError) -> JSONResponse:
    status, body = describe_domain_error(request, exc)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, errors.RateLimited) else None
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def _field(loc: tuple[Any, ...]) -> str:
    parts = (
        [str(p) for p in loc[1:]] if loc and loc[0] in ("body", "query", "path", "header") else [str(p) for p in loc]
    )
    if len(parts) > 1 and parts[-1] == "[key]":  # a bad dict key (metadata, issue 20) is named by the key itself
        parts.pop()
    return ".".join(parts) or str(loc[0] if loc else "body")


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    problems = exc.errors()
    if any(p.get("type") == "json_invalid" for p in problems):
        return envelope(
            request,
            400,
            type="invalid_request_error",
            code="invalid_json",
            message="The request body is not valid JSON",
        )
    if "json" not in request.headers.get("content-type", "") and any(
        tuple(p.get("loc", ())) == ("body",) for p in problems
    ):
        return envelope(
            request,
            400,
            type="invalid_request_error",
            code="unsupported_content_type",
            message="Send the request body as JSON with 'Content-Type: application/json'",
        )
    return JSONResponse({"error": describe_validation(request, problems)}, status_code=422)


def describe_validation(request: Request, problems: Sequence[Any]) -> dict[str, Any]:
    """The 422 `error` body for pydantic's validation problems (of a request, or of one bulk item)."""
    details = []
    for problem in problems:
        message = "unknown field" if problem.get("type") == "extra_forbidden" else problem.get("msg", "invalid")
        details.append({"field": _field(tuple(problem.get("loc", ()))), "message": message})
    first = details[0] if details else {"field": None, "message": "invalid request"}
    return error_body(
        request,
        type="invalid_request_error",
        code="validation_error",
        message=f"{first['field']}: {first['message']}",
        param=first["field"],
        details=details,
    )


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return envelope(
        request,
        exc.status_code,
        type="invalid_request_error",
        code=HTTP_CODES.get(exc.status_code, "http_error"),
        message=str(exc.detail),
        headers=getattr(exc, "headers", None),
    )


def unexpected(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"error": describe_unexpected(request, exc)}, status_code=500)


def describe_unexpected(request: Request, exc: Exception) -> dict[str, Any]:
    """Log an error nobody meant to raise; the client sees only a 500 `error` body with the request id."""
    logger.exception("unhandled error", exc_info=exc)
    return error_body(
        request,
        type="api_error",
        code="internal_error",
        message="An unexpected error occurred; it was logged with this request_id",
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(errors.LedgerlineError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    return unexpected(request, exc)


async def respond(request: Request, exc: Exception) -> JSONResponse:
    """The response for an error raised outside the routes (the app's middleware): as the handlers map it."""
    if isinstance(exc, errors.LedgerlineError):
        return await _domain_error(request, exc)
    return unexpected(request, exc)


def describe_outside_request(exc: errors.LedgerlineError) -> tuple[int, dict[str, Any]]:
    """The status and `error` body of a domain error met outside an HTTP route: the real-time stream's
    connection refusal and its error messages (issue 20, item 6)."""
    status, kind = next(v for k, v in STATUS.items() if isinstance(exc, k))
    details = [{"field": d.field, "message": d.message, **(d.extra or {})} for d in exc.details]
    return status, {"type": kind, "code": exc.code, "message": exc.message, "param": exc.param, "details": details}
