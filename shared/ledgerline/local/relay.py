"""The local outbox relay: DynamoDB Local's stream → the pipe's filter and input template → the bus rules.

It stands in for what AWS does with EventBridge Pipes and the custom bus, reading all of it from
template.yaml: the pipe's FilterCriteria picks the outbox items, its InputTemplate and DetailType shape
the EventBridge event, and every rule on the bus whose pattern matches gets it, by calling the rule's
target function (functions/<folder>/app.py) in process. Like EventBridge it retries a failing target a
few times, then logs and moves on.

The position in each shard is kept in a checkpoint file, so events committed while `ledgerline dev` was
stopped are relayed when it starts again (as long as DynamoDB Local's stream still has them: 24 h).
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ledgerline.local.event_patterns import matches
from ledgerline.local.functions import invoke
from ledgerline.local.template import BusRule, Pipe, bus_rules, outbox_pipe
from ledgerline.observability import logger
from ledgerline.settings import get_settings
from ledgerline.store.table import connection

TARGET_ATTEMPTS = 3
REDISCOVER_SECONDS = 2.0
_PLACEHOLDER = re.compile(r"<([^<>]+)>")
_STEP = re.compile(r"\.([\w/-]+)|\[(\d+)\]")


# ------------------------------------------------------------------------------ the pipe, locally


def json_path(document: Any, path: str) -> Any:
    """`$.a.b[0].c` of a document (the JSON path subset EventBridge supports, without wildcards)."""
    if not path.startswith("$"):
        raise ValueError(f"not a JSON path: {path!r}")
    value, position = document, 1
    while position < len(path):
        step = _STEP.match(path, position)
        if step is None:
            raise ValueError(f"unsupported JSON path {path!r}")
        key, index = step.groups()
        value = value[int(index)] if index is not None else value[key]
        position = step.end()
    return value


def render_input_template(template: str, document: Any) -> Any:
    """Fill an InputTemplate the way Pipes does: a placeholder inside a JSON string is replaced by the
    value's text (escaped), one outside a string by the value as JSON."""
    out, position, in_string = [], 0, False
    for match in _PLACEHOLDER.finditer(template):
        before = template[position:match.start()]
        in_string = _inside_string(before, in_string)
        value = json_path(document, match.group(1))
        out.append(before)
        out.append(json.dumps(str(value))[1:-1] if in_string else json.dumps(value))
        position = match.end()
    out.append(template[position:])
    return json.loads("".join(out))


def _inside_string(text: str, in_string: bool) -> bool:
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            in_string = not in_string
    return in_string


def pipe_event(record: dict[str, Any], pipe: Pipe, region: str) -> dict[str, Any] | None:
    """The EventBridge event the pipe puts on the bus for a stream record, or None if filtered out."""
    if pipe.filters and not any(matches(pattern, record) for pattern in pipe.filters):
        return None
    detail_type = json_path(record, pipe.detail_type) if pipe.detail_type.startswith("$") else pipe.detail_type
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": detail_type,
        "source": pipe.source,
        "account": "000000000000",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [],
        "detail": render_input_template(pipe.input_template, record),
    }


def route(event: dict[str, Any], rules: list[BusRule], call: Callable[[str, dict[str, Any]], Any] = invoke) -> int:
    """Deliver a bus event to the target of every matching rule; returns how many took it."""
    delivered = 0
    for rule in rules:
        if not matches(rule.pattern, event):
            continue
        for attempt in range(1, TARGET_ATTEMPTS + 1):
            try:
                call(rule.function, event)
                delivered += 1
                break
            except Exception:  # noqa: BLE001 - a failing consumer must not stop the relay; EventBridge retries too
                logger.exception("bus target failed", extra={"rule": rule.name, "attempt": attempt,
                                                              "detail_type": event["detail-type"]})
                time.sleep(0.05 * attempt)
    return delivered


# ---------------------------------------------------------------------------- the stream reader


class OutboxRelay:
    def __init__(self, *, poll_seconds: float | None = None, checkpoint: Path | None = None,
                 call: Callable[[str, dict[str, Any]], Any] = invoke) -> None:
        settings = get_settings()
        self.table = settings.table_name
        self.region = settings.region
        self.poll_seconds = poll_seconds or settings.local_relay_poll_seconds
        self.checkpoint = checkpoint
        self.call = call
        self.pipe = outbox_pipe()
        self.rules = bus_rules(self.pipe.bus)
        self.relayed = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._iterators: dict[str, str] = {}
        self._positions: dict[str, str] = {}
        self._known: set[str] = set()
        self._stream_arn = ""
        self._client: Any = None
        self._rediscover_at = 0.0

    # -- lifecycle
    def start(self) -> OutboxRelay:
        """Open every shard at its checkpoint (or at the newest record), then relay in a thread.

        Writes committed after `start` returns are relayed."""
        self._open()
        self._thread = threading.Thread(target=self._run, name="outbox-relay", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _open(self) -> None:
        import boto3

        settings = get_settings()
        table = connection().connection.client.describe_table(TableName=self.table)["Table"]
        self._stream_arn = table.get("LatestStreamArn", "")
        if not self._stream_arn:
            raise RuntimeError(f"table {self.table} has no stream; template.yaml declares one")
        credentials = {"aws_access_key_id": "local", "aws_secret_access_key": "local"} \
            if settings.dynamodb_endpoint else {}
        self._client = boto3.client("dynamodbstreams", endpoint_url=settings.dynamodb_endpoint,
                                    region_name=self.region, **credentials)
        saved = self._load_checkpoint()
        for shard in self._shards():
            shard_id = shard["ShardId"]
            self._known.add(shard_id)
            if saved is not None and shard_id in saved:
                self._positions[shard_id] = saved[shard_id]
                self._iterators[shard_id] = self._iterator(shard_id, "AFTER_SEQUENCE_NUMBER", saved[shard_id])
            elif saved is not None:
                # Relayed this stream before, but nothing of this shard: read all it holds. Dispatching
                # is idempotent (one delivery per event and endpoint), so a record seen twice is harmless.
                self._iterators[shard_id] = self._iterator(shard_id, "TRIM_HORIZON")
            elif "EndingSequenceNumber" not in shard["SequenceNumberRange"]:
                self._iterators[shard_id] = self._iterator(shard_id, "LATEST")
        self._save_checkpoint()
        self._rediscover_at = time.monotonic() + REDISCOVER_SECONDS

    def _shards(self) -> list[dict[str, Any]]:
        shards, start = [], None
        while True:
            kwargs = {"StreamArn": self._stream_arn, **({"ExclusiveStartShardId": start} if start else {})}
            description = self._client.describe_stream(**kwargs)["StreamDescription"]
            shards.extend(description.get("Shards", []))
            start = description.get("LastEvaluatedShardId")
            if not start:
                return shards

    def _iterator(self, shard_id: str, kind: str, sequence: str | None = None) -> str:
        kwargs: dict[str, Any] = {"StreamArn": self._stream_arn, "ShardId": shard_id, "ShardIteratorType": kind}
        if sequence is not None:
            kwargs["SequenceNumber"] = sequence
        return self._client.get_shard_iterator(**kwargs)["ShardIterator"]

    # -- the loop
    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.poll_once()
            except Exception:  # noqa: BLE001 - keep relaying after a hiccup (DynamoDB Local restarting)
                logger.exception("outbox relay poll failed")
                busy = False
                self._stop.wait(1.0)
            if not busy:
                self._stop.wait(self.poll_seconds)

    def poll_once(self) -> bool:
        """Read every open shard once and relay what it held; True when there were records."""
        busy = False
        for shard_id, iterator in list(self._iterators.items()):
            try:
                response = self._client.get_records(ShardIterator=iterator, Limit=1000)
            except self._client.exceptions.ExpiredIteratorException:
                position = self._positions.get(shard_id)
                self._iterators[shard_id] = (self._iterator(shard_id, "AFTER_SEQUENCE_NUMBER", position)
                                             if position else self._iterator(shard_id, "LATEST"))
                continue
            for record in response.get("Records", []):
                self._relay(record)
                self._positions[shard_id] = record["dynamodb"]["SequenceNumber"]
                busy = True
            next_iterator = response.get("NextShardIterator")
            if next_iterator:
                self._iterators[shard_id] = next_iterator
            else:  # the shard is closed and read to its end; its children carry on
                del self._iterators[shard_id]
                self._rediscover_at = 0.0
        if busy:
            self._save_checkpoint()
        if time.monotonic() >= self._rediscover_at:
            self._discover()
        return busy

    def _discover(self) -> None:
        for shard in self._shards():
            if shard["ShardId"] not in self._known:
                self._known.add(shard["ShardId"])
                self._iterators[shard["ShardId"]] = self._iterator(shard["ShardId"], "TRIM_HORIZON")
        self._rediscover_at = time.monotonic() + REDISCOVER_SECONDS

    def _relay(self, record: dict[str, Any]) -> None:
        event = pipe_event(json.loads(json.dumps(record, default=str)), self.pipe, self.region)
        if event is not None:
            route(event, self.rules, self.call)
            self.relayed += 1

    # -- checkpoint
    def _load_checkpoint(self) -> dict[str, str] | None:
        """Positions per shard saved by an earlier run on this very stream, or None (first run)."""
        if self.checkpoint is None or not self.checkpoint.exists():
            return None
        try:
            saved = json.loads(self.checkpoint.read_text())
        except (OSError, ValueError):
            return None
        return saved.get("shards", {}) if saved.get("stream") == self._stream_arn else None

    def _save_checkpoint(self) -> None:
        if self.checkpoint is None:
            return
        self.checkpoint.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.checkpoint.with_suffix(".tmp")
        temporary.write_text(json.dumps({"stream": self._stream_arn, "shards": self._positions}))
        temporary.replace(self.checkpoint)
