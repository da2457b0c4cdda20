"""Fixtures every tier shares. DynamoDB Local starts once per session, only if a test asks for it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ledgerline.local.dynamodb_local import DynamoDBLocal, free_port
from ledgerline.local.table_setup import ensure_table
from ledgerline.settings import configure
from ledgerline.store.table import reset_connection

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "events"
TESTS = ROOT / "tests"

# Each tier's directory gives its tests their marker (`pytest -m integration`, `-m "not e2e"`, ...).
TIER_MARKERS = {"integration": "integration", "e2e": "e2e", "breakit": "breakit"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(item.path)
        if path.is_relative_to(TESTS) and len(path.relative_to(TESTS).parts) > 1:
            marker = TIER_MARKERS.get(path.relative_to(TESTS).parts[0])
            if marker is not None:
                item.add_marker(marker)


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


def use_table(database: DynamoDBLocal, table_name: str) -> None:
    """Point this process at `table_name` on the session's DynamoDB Local, built from template.yaml."""
    configure(environment="local", dynamodb_endpoint=database.endpoint, table_name=table_name)
    reset_connection()
    ensure_table()


@dataclass
class TenantKey:
    """A test tenant and its admin key."""

    tenant_id: str
    secret: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}"}


def raw_json(item: Any) -> str:
    """A raw DynamoDB item as text, for tests that search a table dump: Binary values (compressed attributes,
    store/attributes.CompressedAttribute) are inflated first, so nothing can hide from the search in them."""
    import base64
    import zlib

    def binary(value: Any) -> str:
        if isinstance(value, bytes | bytearray):
            try:
                return zlib.decompress(bytes(value)).decode()
            except (zlib.error, UnicodeDecodeError):
                return base64.b64encode(bytes(value)).decode()
        raise TypeError(f"not JSON serializable: {type(value).__name__}")

    return json.dumps(item, default=binary)
