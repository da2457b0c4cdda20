"""Fixtures every tier shares. DynamoDB Local starts once per session, only if a test asks for it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ledgerline.local.dynamodb_local import DynamoDBLocal, free_port

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "events"


def load_event(name: str, **replacements: str) -> dict[str, Any]:
    """A sample event from events/ (the same files `sam local invoke -e` uses), with placeholders filled."""
    text = (EVENTS / name).read_text()
    for placeholder, value in replacements.items():
        text = text.replace("{{" + placeholder + "}}", value)
    return json.loads(text)


@pytest.fixture(scope="session")
def dynamodb_local() -> Iterator[DynamoDBLocal]:
    database = DynamoDBLocal(free_port()).start()
    yield database
    database.stop()
