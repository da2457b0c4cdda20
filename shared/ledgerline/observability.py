"""Powertools logger, metrics and tracer shared by every function and the local server."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from functools import cache, wraps
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.logging.lambda_context import build_lambda_context_model
from aws_lambda_powertools.utilities.jmespath_utils import query

from ledgerline.settings import get_settings

SERVICE = "ledgerline"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace="Ledgerline", service=SERVICE)


@cache
def tracer() -> Tracer | None:
    """The Powertools Tracer where it traces (in Lambda, unless POWERTOOLS_TRACE_DISABLED), else None.

    Built on first use and only then: constructing a Tracer imports the X-Ray SDK (100+ ms of every
    cold start) even when tracing is disabled. Powertools itself decides whether tracing is on.
    """
    return None if Tracer._is_tracer_disabled() else Tracer(service=SERVICE)


_lambda_context: ContextVar[Any] = ContextVar("ledgerline_lambda_context", default=None)


def current_lambda_context() -> Any:
    """The Lambda context of the invocation being handled (None outside Lambda)."""
    return _lambda_context.get()


_cold_start = True


def invocation_keys(event: Any, context: Any, correlation_id_path: str | None) -> dict[str, Any]:
    """What Powertools' `inject_lambda_context` puts on every log line of an invocation: cold start, the
    Lambda context (function name, memory, ARN, request id) and the correlation id found in the event."""
    global _cold_start
    keys: dict[str, Any] = {"cold_start": _cold_start, **build_lambda_context_model(context).__dict__}
    _cold_start = False
    if correlation_id_path:
        keys["correlation_id"] = query(envelope=correlation_id_path, data=event)
    return keys


def instrument(handler: Callable[..., Any],
               correlation_id_path: str | None = correlation_paths.API_GATEWAY_REST) -> Callable[..., Any]:
    """Wrap a Lambda handler in the one decorator stack every function uses.

    Order matters: the invocation's log keys are set first, metrics flush after the handler, tracing
    wraps the innermost call. The correlation id is API Gateway's request id unless the function is
    fed by something else (EventBridge: the event id).

    Log keys are context-local (Powertools' `thread_safe_*` keys, a ContextVar), never the logger's
    shared keys: locally the relay and delivery threads invoke handlers while the server answers
    requests, and each log line must carry its own invocation's and request's ids (issue 11.21). In
    Lambda, one invocation per process, it makes no difference.
    """
    get_settings()  # settings are validated at init: a misconfigured function refuses to start

    def invoke(event: dict[str, Any], context: Any) -> Any:
        token = _lambda_context.set(context)
        try:
            return handler(event, context)
        finally:
            _lambda_context.reset(token)

    active = tracer()
    traced = active.capture_lambda_handler(invoke) if active else invoke
    with_metrics = metrics.log_metrics(traced)

    return with_log_keys(with_metrics, correlation_id_path)


def with_log_keys(handler: Callable[..., Any], correlation_id_path: str | None = None) -> Callable[..., Any]:
    """The handler with its invocation's keys on every log line it writes, in context-local keys only
    (what `logger.inject_lambda_context(clear_state=True)` does with the logger's shared keys)."""

    @wraps(handler)
    def logged(event: dict[str, Any], context: Any) -> Any:
        logger.thread_safe_clear_keys()
        logger.thread_safe_append_keys(**invocation_keys(event, context, correlation_id_path))
        try:
            return handler(event, context)
        finally:
            logger.thread_safe_clear_keys()

    return logged
