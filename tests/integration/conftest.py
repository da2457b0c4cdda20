"""Integration tier: the real store against DynamoDB Local, with a table built from template.yaml."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from ledgerline.local.dynamodb_local import DynamoDBLocal
from ledgerline.local.server import create_local_app
from ledgerline.services.tenants import create_tenant
from tests.conftest import TenantKey, use_table
from tests.integration.books import Books


@pytest.fixture(scope="session", autouse=True)
def table(dynamodb_local: DynamoDBLocal) -> Iterator[None]:
    use_table(dynamodb_local, "ledgerline-it")
    yield


@pytest.fixture
def make_tenant() -> Callable[..., TenantKey]:
    """A new tenant (own chart, tax codes and admin key) per call: tests never share books.

    Tenants are on the enterprise plan (no rate limit) unless a test asks for another plan.
    """

    def make(country: str = "AU", currency: str = "AUD", name: str = "Test Pty Ltd",
             plan: str = "enterprise") -> TenantKey:
        tenant, secret = create_tenant(name=name, base_currency=currency, country=country, plan=plan)
        return TenantKey(tenant.id, secret)

    return make


@pytest.fixture
def tenant(make_tenant: Callable[..., TenantKey]) -> TenantKey:
    return make_tenant()


@pytest.fixture(scope="session")
def api() -> TestClient:
    """The local app in process: same routers, auth and error mapping as the Lambda functions."""
    return TestClient(create_local_app(), raise_server_exceptions=False)


@pytest.fixture
def books(api: TestClient, tenant: TenantKey) -> Books:
    return Books(api, tenant.tenant_id, tenant.headers)
