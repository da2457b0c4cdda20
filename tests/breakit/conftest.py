"""Break-it tier: tests that try to break isolation, auth, the schema, concurrency and secrets at rest.

It runs on the session's DynamoDB Local (tests/conftest.py) like the integration tier, with a table of
its own, and drives the local app in process (the same routers, auth and error mapping as Lambda).
Tenants are on the enterprise plan so that sweeps of every route are never rate limited.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from ledgerline.local.dynamodb_local import DynamoDBLocal
from ledgerline.local.server import create_local_app
from ledgerline.services.tenants import create_tenant
from tests.conftest import TenantKey, use_table

TABLE = "ledgerline-breakit"


@pytest.fixture(scope="session", autouse=True)
def breakit_table(dynamodb_local: DynamoDBLocal) -> Iterator[None]:
    use_table(dynamodb_local, TABLE)
    yield


def new_tenant(name: str = "Break It Pty Ltd") -> TenantKey:
    tenant, secret = create_tenant(name=name, base_currency="AUD", country="AU", plan="enterprise")
    return TenantKey(tenant.id, secret)


@pytest.fixture
def make_tenant() -> Callable[..., TenantKey]:
    return new_tenant


@pytest.fixture(scope="session")
def app():  # type: ignore[no-untyped-def]
    return create_local_app()


@pytest.fixture(scope="session")
def api(app) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(app, raise_server_exceptions=False)
