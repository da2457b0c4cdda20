"""Inject DynamoDB errors into the process's one botocore client, as DynamoDB would return them.

A `before-call` hook on the shared client answers chosen operations with an error response instead
of sending them (what botocore's Stubber does, but only for the operations and the number of calls
asked for, so everything else still reaches DynamoDB Local). botocore's own retries do not run for
an answered call, so each injected error reaches the code under test once.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from botocore.awsrequest import AWSResponse

from ledgerline.store.table import connection

_ids = itertools.count()


@dataclass
class Injection:
    hits: int = 0


@contextmanager
def dynamodb_error(operation: str, code: str, *, times: int | None = None, reasons: list[str] | None = None,
                   when: Callable[[dict[str, Any]], bool] = lambda params: True,
                   message: str | None = None) -> Iterator[Injection]:
    """Answer `operation` with error `code` (for the first `times` matching calls, or all of them).

    `reasons` makes it a TransactionCanceledException with these per-item cancellation reasons.
    `when` selects calls by their request (the DynamoDB JSON sent, e.g. only the API key lookup).
    `message` is the error's message (default "injected <code>").
    """
    injection = Injection()
    lock = threading.Lock()
    events = connection().connection.client.meta.events
    unique_id = f"inject-{operation}-{next(_ids)}"

    def answer(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if not when(json.loads(params.get("body") or b"{}")):
            return None
        with lock:
            if times is not None and injection.hits >= times:
                return None
            injection.hits += 1
        parsed: dict[str, Any] = {"Error": {"Code": code, "Message": message or f"injected {code}"},
                                  "ResponseMetadata": {"HTTPStatusCode": 400, "HTTPHeaders": {}}}
        if reasons is not None:
            parsed["CancellationReasons"] = [{"Code": reason, "Message": reason} for reason in reasons]
        return AWSResponse(None, 400, {}, None), parsed

    events.register(f"before-call.dynamodb.{operation}", answer, unique_id=unique_id)
    try:
        yield injection
    finally:
        events.unregister(f"before-call.dynamodb.{operation}", unique_id=unique_id)


def transaction_conflict(items: int = 2) -> list[str]:
    """Cancellation reasons of a transaction that lost a race on its last item."""
    return ["None"] * (items - 1) + ["TransactionConflict"]
