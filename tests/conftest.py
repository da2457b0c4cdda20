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
