"""Bulk writes to DynamoDB Local over plain HTTP, for seeding the benchmark's big ledgers.

Items are already in DynamoDB JSON (as the store's models serialized them), so going through boto3
would only parse and re-serialize them; DynamoDB Local accepts any signature.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from itertools import islice
from typing import Any
from urllib.parse import urlsplit

HEADERS = {"Content-Type": "application/x-amz-json-1.0",
           "Authorization": "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, "
                            "SignedHeaders=host, Signature=0"}


class RawDynamoDB:
    def __init__(self, endpoint: str, table: str) -> None:
        parts = urlsplit(endpoint)
        self.host, self.port, self.table = parts.hostname or "127.0.0.1", parts.port or 80, table
        self.local = threading.local()

    def call(self, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        if not hasattr(self.local, "conn"):
            self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        payload, headers = json.dumps(body), {**HEADERS, "X-Amz-Target": f"DynamoDB_20120810.{operation}"}
        for attempt in range(8):
            try:
                self.local.conn.request("POST", "/", payload, headers)
                response = self.local.conn.getresponse()
                data = json.loads(response.read() or b"{}")
            except (ConnectionError, http.client.HTTPException):
                self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
                time.sleep(0.05 * (attempt + 1))
                continue
            if response.status == 200:
                return data
            if "Throughput" in data.get("__type", "") or "Throttl" in data.get("__type", ""):
                time.sleep(0.05 * (attempt + 1))
                continue
            raise RuntimeError(f"{operation}: {response.status} {data}")
        raise RuntimeError(f"{operation}: gave up after retries")

    def batch_put(self, items: list[dict[str, Any]]) -> None:
        requests = [{"PutRequest": {"Item": item}} for item in items]
        while requests:
            left = self.call("BatchWriteItem", {"RequestItems": {self.table: requests}}).get("UnprocessedItems") or {}
            requests = left.get(self.table, [])

    def put_all(self, items: Iterable[dict[str, Any]], threads: int = 4) -> int:
        """Write every item, 25 per BatchWriteItem, from `threads` connections. Returns the count."""
        return _bounded(threads, ((self.batch_put, batch, len(batch)) for batch in _chunks(items, 25)))

    def update_all(self, updates: Iterable[dict[str, Any]], threads: int = 4) -> int:
        return _bounded(threads, ((lambda u: self.call("UpdateItem", {"TableName": self.table, **u}), update, 1)
                                  for update in updates))


def _bounded(threads: int, work: Iterable[tuple[Any, Any, int]]) -> int:
    """Run (function, argument, weight) jobs on a pool without queueing more than a few per thread."""
    count = 0
    with ThreadPoolExecutor(max_workers=threads) as pool:
        pending: set[Future[Any]] = set()
        for function, argument, weight in work:
            if len(pending) >= threads * 4:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    future.result()
            pending.add(pool.submit(function, argument))
            count += weight
        for future in pending:
            future.result()
    return count


def _chunks(items: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
