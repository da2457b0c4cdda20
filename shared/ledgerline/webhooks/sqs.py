"""The delivery queue in AWS: SQS. One client per process, built on first use."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from ledgerline.settings import get_settings

MAX_DELAY_SECONDS = 900  # SQS's limit; a later retry is re-deferred when the message arrives early


@cache
def _client() -> Any:
    import boto3

    return boto3.client("sqs", region_name=get_settings().region)


class SqsQueue:
    def __init__(self, url: str) -> None:
        self.url = url

    def send(self, message: dict[str, Any], delay_seconds: int = 0) -> None:
        _client().send_message(QueueUrl=self.url, MessageBody=json.dumps(message, separators=(",", ":")),
                               DelaySeconds=max(0, min(int(delay_seconds), MAX_DELAY_SECONDS)))
