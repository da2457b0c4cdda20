"""Powertools logger, metrics and tracer shared by every function and the local server."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths

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


def instrument(handler: Callable[..., Any],
               correlation_id_path: str | None = correlation_paths.API_GATEWAY_REST) -> Callable[..., Any]:
    """Wrap a Lambda handler in the one decorator stack every function uses.

    Order matters: the logger clears and sets the correlation id first, metrics flush
    after the handler, tracing wraps the innermost call. The correlation id is API Gateway's
    request id unless the function is fed by something else (EventBridge: the event id).
    """

    def invoke(event: dict[str, Any], context: Any) -> Any:
        return handler(event, context)

    get_settings()  # settings are validated at init: a misconfigured function refuses to start
    active = tracer()
    traced = active.capture_lambda_handler(invoke) if active else invoke
    with_metrics = metrics.log_metrics(traced)
    return logger.inject_lambda_context(
        with_metrics, correlation_id_path=correlation_id_path, clear_state=True
    )
