"""Parties, items, accounts and tax codes: create, read, list, change and archive."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pynamodb.transactions import TransactWrite

from ledgerline.clock import utc_now
from ledgerline.domain.accounts import AccountType, subtype_error
from ledgerline.domain.chart import SALES_TAX_ACCOUNT
from ledgerline.domain.errors import FieldIssue, NotFound, ValidationFailed
from ledgerline.domain.events import MASTER_DATA_EVENTS
from ledgerline.domain.money import with_minor_units
from ledgerline.ids import new_id
from ledgerline.schemas.accounts import AccountOut
from ledgerline.schemas.items import ItemOut
from ledgerline.schemas.parties import PartyOut
from ledgerline.schemas.tax_codes import TaxCodeOut
from ledgerline.services.document_rules import record_event
from ledgerline.services.idempotency import once
from ledgerline.store.accounts import Account
from ledgerline.store.codes import CodedRecord, create_coded, find_by_code, update_coded
from ledgerline.store.items import Item
from ledgerline.store.parties import Party
from ledgerline.store.records import TenantRecord, assign, check_version, load, save_versioned
from ledgerline.store.tax_codes import TaxCode
from ledgerline.store.tenants import load_tenant

R = TypeVar("R", bound=TenantRecord)

ID_PREFIX: dict[type[TenantRecord], str] = {Party: "pty", Item: "itm", Account: "acc", TaxCode: "txc"}

# The representation each kind's events carry (`<object>.created`, `.updated`, `.archived`), as the API shows it.
OUT_SCHEMA: dict[type[TenantRecord], Any] = {Party: PartyOut, Item: ItemOut, Account: AccountOut, TaxCode: TaxCodeOut}

# Fields that name another record of the tenant, and which kind of record they must name.
REFERENCES: dict[type[TenantRecord], dict[str, type[TenantRecord]]] = {
    Item: {"tax_code_id": TaxCode, "revenue_account_id": Account},
    TaxCode: {"account_id": Account},
}


def create(model: type[R], tenant_id: str, fields: dict[str, Any]) -> R:
    now = utc_now()
    record = model(id=new_id(ID_PREFIX[model]), tenant_id=tenant_id, created_at=now, updated_at=now)
    if model is TaxCode and fields.get("account_id") is None:
        fields = {**fields, "account_id": sales_tax_account(tenant_id)}
    assign(record, fields)
    _validate(record, fields)
    record.assign_keys()
    event = _event(record, "created")
    if isinstance(record, CodedRecord):
        create_coded(record, event)
    else:
        save_versioned(record, event)
    return _presented(record)


def create_once(model: type[R], schema: Any, tenant_id: str, fields: dict[str, Any],
                idempotency_key: str | None) -> dict[str, Any]:
    """`create` under an Idempotency-Key (operation `create_<object>`, as bulk uses): a retry with the
    key answers the record the first request made, as `schema` shows it."""

    def run() -> dict[str, Any]:
        return schema.model_validate(create(model, tenant_id, fields)).model_dump(mode="json")

    return once(tenant_id, idempotency_key, f"create_{schema.model_fields['object'].default}", fields, run)


def sales_tax_account(tenant_id: str) -> str:
    """Where a new tax code books its tax unless told: the tenant's sales tax account (2200 of the default
    chart; tenants made before it was a system account find it by that code)."""
    accounts = load_tenant(tenant_id).system_accounts
    if accounts is not None and accounts.sales_tax:
        return accounts.sales_tax
    try:
        return find_by_code(Account, tenant_id, SALES_TAX_ACCOUNT).id
    except NotFound as exc:
        raise ValidationFailed("account_id: required; the tenant has no sales tax account", param="account_id",
                               details=[FieldIssue("account_id", "required")]) from exc


def get(model: type[R], tenant_id: str, record_id: str) -> R:
    return _presented(load(model, tenant_id, record_id))


def update(model: type[R], tenant_id: str, record_id: str, changes: dict[str, Any], expected_version: int | None) -> R:
    record = load(model, tenant_id, record_id)
    check_version(record, expected_version)
    previous_code = getattr(record, "code", None)
    was_archived = bool(getattr(record, "archived", False))
    assign(record, changes)
    _validate(record, changes)
    record.updated_at = utc_now()
    event = _event(record, "archived" if getattr(record, "archived", False) and not was_archived else "updated")
    if isinstance(record, CodedRecord):
        update_coded(record, previous_code, event)
    else:
        save_versioned(record, event)
    return _presented(record)


def archive(model: type[R], tenant_id: str, record_id: str, expected_version: int | None) -> R:
    """Archive rather than delete: documents may reference the record and history must stay readable."""
    return update(model, tenant_id, record_id, {"archived": True}, expected_version)


def present(tenant_id: str, records: list[R]) -> list[R]:
    """Prices as the tenant's currency writes them ("150.00", IDR "555000") for the API to show.

    DynamoDB hands numbers back without trailing zeros, so a stored 150.00 reads as 150.
    """
    priced = [r for r in records if isinstance(r, Item) and r.unit_price is not None]
    if priced:
        currency = load_tenant(tenant_id).base_currency
        for item in priced:
            item.unit_price = with_minor_units(item.unit_price, currency)
    return records


def _event(record: TenantRecord, action: str) -> Callable[[TransactWrite], None]:
    """The change's outbox event (`party.created`, `tax_code.archived`, …) for the transaction that makes it."""
    schema = OUT_SCHEMA[type(record)]

    def write(tx: TransactWrite) -> None:
        _presented(record)  # prices at the currency's minor units, as the response shows them
        record_event(tx, record, MASTER_DATA_EVENTS[schema.model_fields["object"].default][action], schema)

    return write


def _presented(record: R) -> R:
    return present(record.tenant_id, [record])[0]


def _validate(record: TenantRecord, changes: dict[str, Any]) -> None:
    issues: list[FieldIssue] = []
    for field, target in REFERENCES.get(type(record), {}).items():
        value = changes.get(field)
        if value is not None and not _exists(target, record.tenant_id, value):
            issues.append(FieldIssue(field, f"no {target.NOUN} with id '{value}'"))
    if isinstance(record, Account) and (reason := subtype_error(AccountType(record.type), record.subtype)):
        issues.append(FieldIssue("subtype", reason))
    if issues:
        raise ValidationFailed(issues[0].message, param=issues[0].field, details=issues)


def _exists(model: type[TenantRecord], tenant_id: str, record_id: str) -> bool:
    try:
        load(model, tenant_id, record_id)
    except NotFound:
        return False
    return True
