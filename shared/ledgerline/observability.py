"""Powertools logger, metrics and tracer shared by every function and the local server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths

SERVICE = "ledgerline"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace="Ledgerline", service=SERVICE)
tracer = Tracer(service=SERVICE)


def instrument(handler: Callable[..., Any],
               correlation_id_path: str | None = correlation_paths.API_GATEWAY_REST) -> Callable[..., Any]:
    """Wrap a Lambda handler in the one decorator stack every function uses.

    Order matters: the logger clears and sets the correlation id first, metrics flush
    after the handler, tracing wraps the innermost call. The correlation id is API Gateway's
    request id unless the function is fed by something else (EventBridge: the event id).
    """

    def invoke(event: dict[str, Any], context: Any) -> Any:
        return handler(event, context)

    traced = tracer.capture_lambda_handler(invoke)
    with_metrics = metrics.log_metrics(traced)
    return logger.inject_lambda_context(
        with_metrics, correlation_id_path=correlation_id_path, clear_state=True
    )
