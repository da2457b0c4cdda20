"""Starts and stops the local event pipeline: the outbox relay and the delivery worker, in threads."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ledgerline.local.delivery_worker import DeliveryWorker
from ledgerline.local.queue import LocalQueue
from ledgerline.local.relay import OutboxRelay
from ledgerline.local.template import queue_of_setting
from ledgerline.webhooks.runtime import outbound

QUEUE_SETTING = "LEDGERLINE_WEBHOOK_QUEUE_URL"  # the functions that queue deliveries get its URL this way


@dataclass
class EventPipeline:
    relay: OutboxRelay
    worker: DeliveryWorker


def delivery_worker(queue: LocalQueue | None = None) -> DeliveryWorker:
    chosen = queue or outbound().queue
    if not isinstance(chosen, LocalQueue):
        raise RuntimeError("the local delivery worker needs the in-process queue (LEDGERLINE_WEBHOOK_QUEUE_URL is set)")
    return DeliveryWorker(chosen, queue_of_setting(QUEUE_SETTING))


@contextmanager
def running(checkpoint: Path | None = None, queue: LocalQueue | None = None) -> Iterator[EventPipeline]:
    worker = delivery_worker(queue).start()
    try:
        relay = OutboxRelay(checkpoint=checkpoint).start()
    except BaseException:
        worker.stop()
        raise
    try:
        yield EventPipeline(relay, worker)
    finally:
        relay.stop()
        worker.stop()
