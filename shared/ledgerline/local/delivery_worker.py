"""The local consumer of the delivery queue: what the SQS event source mapping does in AWS.

It takes due messages from the in-process queue in batches of the template's BatchSize, calls the
function the template wires to the queue (functions/webhook_sender/app.py) with an SQS event, and gives
the records the function reports as failed back to the queue after the visibility timeout, until the
redrive policy's maxReceiveCount sends them to the dead letters.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from typing import Any

from ledgerline.local.functions import invoke
from ledgerline.local.queue import Envelope, LocalQueue
from ledgerline.local.template import queue_wiring
from ledgerline.observability import logger

WAKE_SECONDS = 0.1  # how often to look for messages whose delay has run out


def sqs_event(queue_name: str, envelopes: list[Envelope], region: str = "local") -> dict[str, Any]:
    records = []
    for envelope in envelopes:
        body = json.dumps(envelope.body, separators=(",", ":"))
        records.append({
            "messageId": envelope.message_id,
            "receiptHandle": f"local-{envelope.message_id}-{envelope.receive_count}",
            "body": body,
            "attributes": {"ApproximateReceiveCount": str(envelope.receive_count),
                           "SentTimestamp": str(int(envelope.due.timestamp() * 1000))},
            "messageAttributes": {},
            "md5OfBody": hashlib.md5(body.encode(), usedforsecurity=False).hexdigest(),
            "eventSource": "aws:sqs",
            "eventSourceARN": f"arn:aws:sqs:{region}:000000000000:{queue_name}",
            "awsRegion": region,
        })
    return {"Records": records}


class DeliveryWorker:
    def __init__(self, queue: LocalQueue, queue_name: str,
                 call: Callable[[str, dict[str, Any]], Any] = invoke) -> None:
        wiring = queue_wiring(queue_name)
        if len(wiring.consumers) != 1:
            raise LookupError(f"{queue_name} should feed exactly one function, not {wiring.consumers}")
        self.queue, self.queue_name, self.wiring, self.call = queue, queue_name, wiring, call
        self.function = wiring.consumers[0]
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> DeliveryWorker:
        self._thread = threading.Thread(target=self._run, name="delivery-worker", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.queue.wait(0)
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self.run_due():
                self.queue.wait(WAKE_SECONDS)

    def run_due(self) -> int:
        """Hand one batch of due messages to the function; returns how many there were."""
        batch = self.queue.take_due(self.wiring.batch_size)
        if not batch:
            return 0
        try:
            response = self.call(self.function, sqs_event(self.queue_name, batch)) or {}
            failed = {failure["itemIdentifier"] for failure in response.get("batchItemFailures", [])}
        except Exception:  # noqa: BLE001 - like a crashed invocation: the whole batch comes back later
            logger.exception("delivery batch failed", extra={"function": self.function})
            failed = {envelope.message_id for envelope in batch}
        for envelope in batch:
            if envelope.message_id in failed:
                self.queue.give_back(envelope, self.wiring.visibility_timeout, self.wiring.max_receive_count)
            else:
                self.queue.done(envelope)
        return len(batch)
