"""Lambda entry points of the webhook pipeline (functions/webhook_dispatcher, functions/webhook_sender).

The bus rule sends every event to `on_bus_event`; the delivery queue feeds `on_delivery_messages`
batches, whose failed records go back to the queue (partial batch response) and, after the queue's
maxReceiveCount, to its dead-letter queue. An HTTP failure of a subscriber is not a failed record:
it is recorded on the delivery and retried on the backoff schedule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from ledgerline.domain.events import EventType as CatalogueType
from ledgerline.services import webhook_delivery
from ledgerline.webhooks.runtime import outbound


def _dispatch(detail: dict[str, Any]) -> int:
    return webhook_delivery.dispatch(detail, outbound())


# What the dispatcher handles: {event type: handler}. Every catalogued type (its bus rule takes every event);
# a type not (yet) in the catalogue, say from a newer deployment's outbox, is dispatched all the same.
HANDLERS: dict[CatalogueType, Callable[[dict[str, Any]], int]] = dict.fromkeys(CatalogueType, _dispatch)


def on_bus_event(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """An EventBridge event whose detail is an outbox event (at least `tenant_id` and `id`)."""
    detail = event["detail"]
    handler = HANDLERS.get(event.get("detail-type") or detail.get("type"), _dispatch)
    return {"deliveries": handler(detail)}


def _attempt(record: SQSRecord) -> str:
    return webhook_delivery.attempt(record.json_body, outbound())


def on_delivery_messages(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # One processor per batch: it keeps the batch's outcomes while it runs.
    return process_partial_response(event=event, record_handler=_attempt,
                                    processor=BatchProcessor(event_type=EventType.SQS), context=context)
