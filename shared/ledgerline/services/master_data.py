"""Parties, items, accounts and tax codes: create, read, list, change and archive.

The writes run on the unit of work (`store/unit_of_work.open_unit`): a coded record (item, account, tax code)
claims its code with a guard item in the same transaction as the record and its event, and a code change
moves the guard; a code already held is a 409 `duplicate_code`, a record changed by another request since it
was read a 412. The reads are the store's named patterns (`load`, `list_accounts`, `account_lines`, …), so
routers reach the store only through this module.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from ledgerline.clock import utc_now
from ledgerline.domain import chart, stock
from ledgerline.domain import metadata as metadata_rules
from ledgerline.domain.accounts import AccountType, subtype_error
from ledgerline.domain.chart import SALES_TAX_ACCOUNT
from ledgerline.domain.errors import AlreadyExists, FieldIssue, PreconditionFailed, ValidationFailed
from ledgerline.domain.events import MASTER_DATA_EVENTS
from ledgerline.domain.money import with_minor_units
from ledgerline.domain.query import Query
from ledgerline.domain.tax_validity import validity_error
from ledgerline.ids import new_id
from ledgerline.schemas.accounts import AccountOut
from ledgerline.schemas.items import ItemOut
from ledgerline.schemas.parties import PartyOut
from ledgerline.schemas.tax_codes import TaxCodeOut
from ledgerline.services import files
from ledgerline.services.idempotency import once
from ledgerline.services.retry import retrying
from ledgerline.store import accounts, items, ledger, lists, parties, tax_codes
from ledgerline.store.accounts import Account
from ledgerline.store.codes import CodedRecord
from ledgerline.store.items import Item
from ledgerline.store.ledger import LedgerLine
from ledgerline.store.parties import Party
from ledgerline.store.query import Result
from ledgerline.store.records import Page, TenantRecord, assign, check_version
from ledgerline.store.tax_codes import TaxCode
from ledgerline.store.tenants import load_tenant
from ledgerline.store.unit_of_work import UnitOfWork, open_unit

R = TypeVar("R", bound=TenantRecord)

# The kinds by the name the API gives them (routers and bulk name a kind; the record class works too).
MODELS: dict[str, type[TenantRecord]] = {"party": Party, "item": Item, "account": Account, "tax_code": TaxCode}
Kind = str | type[TenantRecord]

ID_PREFIX: dict[type[TenantRecord], str] = {Party: "pty", Item: "itm", Account: "acc", TaxCode: "txc"}

# The representation each kind's events carry (`<object>.created`, `.updated`, `.archived`), as the API shows it.
OUT_SCHEMA: dict[type[TenantRecord], Any] = {Party: PartyOut, Item: ItemOut, Account: AccountOut, TaxCode: TaxCodeOut}

# Fields that name another record of the tenant, and which kind of record they must name.
REFERENCES: dict[type[TenantRecord], dict[str, type[TenantRecord]]] = {
    Item: {"tax_code_id": TaxCode, "revenue_account_id": Account, "expense_account_id": Account,
           "inventory_account_id": Account, "cogs_account_id": Account},
    TaxCode: {"account_id": Account, "input_account_id": Account},
}


def model_of(kind: Kind) -> type[TenantRecord]:
    return MODELS[kind] if isinstance(kind, str) else kind


# ------------------------------------------------------------------------------------------ writes


def create(kind: Kind, tenant_id: str, fields: dict[str, Any]) -> Any:
    """A new record; a coded one claims its code in the same transaction (taken: 409 `duplicate_code`)."""
    model = model_of(kind)
    attempts: list[int] = []

    def attempt() -> TenantRecord:
        attempts.append(1)
        return _create(open_unit(tenant_id), model, fields, again=len(attempts) > 1)

    return retrying(attempt)


def _create(uow: UnitOfWork, model: type[R], fields: dict[str, Any], *, again: bool) -> R:
    now = utc_now()
    record = model(id=new_id(ID_PREFIX[model]), tenant_id=uow.tenant_id, created_at=now, updated_at=now)
    defaults_tax_account = model is TaxCode and fields.get("account_id") is None
    defaults_input_account = model is TaxCode and fields.get("input_account_id") is None  # issue 15
    _prefetch(uow, model, fields, tenant=defaults_tax_account or defaults_input_account)
    if defaults_tax_account:
        fields = {**fields, "account_id": sales_tax_account(uow)}
    if defaults_input_account:
        fields = {**fields, "input_account_id": input_tax_account(uow)}
    fields = with_metadata(None, fields)
    assign(record, fields)
    _validate(uow, record, fields)
    _stage_attachments(uow, record, fields, [])
    uow.create(record)
    if isinstance(record, CodedRecord):
        if again:
            _check_code_free(uow, record)
        uow.claim_code(record)
    _stage_event(uow, record, "created")
    uow.commit()
    return record


def create_once(kind: Kind, schema: Any, tenant_id: str, fields: dict[str, Any],
                idempotency_key: str | None) -> dict[str, Any]:
    """`create` under an Idempotency-Key (operation `create_<object>`, as bulk uses): a retry with the
    key answers the record the first request made, as `schema` shows it."""

    def run() -> dict[str, Any]:
        return schema.model_validate(create(kind, tenant_id, fields)).model_dump(mode="json")

    return once(tenant_id, idempotency_key, f"create_{schema.model_fields['object'].default}", fields, run)


def sales_tax_account(uow: UnitOfWork) -> str:
    """Where a new tax code books its tax unless told: the tenant's sales tax account (2200 of the default
    chart; tenants made before it was a system account find it by that code)."""
    accounts_ = uow.tenant().system_accounts
    if accounts_ is not None and accounts_.sales_tax:
        return accounts_.sales_tax
    account = uow.find_by_code(Account, SALES_TAX_ACCOUNT)
    if account is None:
        raise ValidationFailed("account_id: required; the tenant has no sales tax account", param="account_id",
                               details=[FieldIssue("account_id", "required")])
    return account.id


def input_tax_account(uow: UnitOfWork) -> str | None:
    """Where a new tax code books recoverable input tax unless told (issue 15): the tenant's input tax account
    (1300 of the default chart; tenants made before it was a system account find it by that code); None when
    the tenant has none (purchases then need the code's `input_account_id`)."""
    accounts_ = uow.tenant().system_accounts
    if accounts_ is not None and accounts_.input_tax:
        return accounts_.input_tax
    account = uow.find_by_code(Account, chart.SYSTEM_ACCOUNT_CODES["input_tax"])
    return account.id if account is not None else None


def update(kind: Kind, tenant_id: str, record_id: str, changes: dict[str, Any], expected_version: int | None) -> Any:
    """Change the fields given. `expected_version` (If-Match) must be the stored version (else 412); a record
    changed by another request between this one's read and its write is a 412 too (never overwritten), and a
    code held by another record a 409 `duplicate_code`."""
    model = model_of(kind)
    first_read: list[int | None] = []

    def attempt() -> TenantRecord:
        uow = open_unit(tenant_id)
        record = uow.load(model, record_id)
        if first_read and record.version != first_read[0]:  # the write lost to another request's change
            raise PreconditionFailed(f"The {model.NOUN} was changed by another request; read it again and retry")
        first_read.append(record.version)
        return _update(uow, record, changes, expected_version, again=len(first_read) > 1)

    return retrying(attempt)


def _update(uow: UnitOfWork, record: R, changes: dict[str, Any], expected_version: int | None, *,
            again: bool) -> R:
    check_version(record, expected_version)
    previous_code = getattr(record, "code", None)
    was_archived = bool(getattr(record, "archived", False))
    previous_attachments = list(getattr(record, "attachment_ids", None) or [])
    _prefetch(uow, type(record), changes, previous_attachments=previous_attachments)
    changes = with_metadata(record.metadata, changes)
    assign(record, changes)
    _validate(uow, record, changes)
    _stage_attachments(uow, record, changes, previous_attachments)
    record.updated_at = utc_now()
    uow.save_if_unchanged(record)
    if isinstance(record, CodedRecord) and record.code != previous_code:
        if again:
            _check_code_free(uow, record)
        uow.release_code(record, previous_code)
        uow.claim_code(record)
    _stage_event(uow, record, "archived" if getattr(record, "archived", False) and not was_archived else "updated")
    uow.commit()
    return record


def with_metadata(current: dict[str, str] | None, fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` with `metadata` as the record will hold it (issue 20): `current` merged with the request's."""
    if fields.get("metadata") is None:
        return {name: value for name, value in fields.items() if name != "metadata"}
    return {**fields, "metadata": metadata_rules.merged(current, fields["metadata"])}


def archive(kind: Kind, tenant_id: str, record_id: str, expected_version: int | None) -> Any:
    """Archive rather than delete: documents may reference the record and history must stay readable."""
    return update(kind, tenant_id, record_id, {"archived": True}, expected_version)


def _check_code_free(uow: UnitOfWork, record: CodedRecord) -> None:
    """After a commit that failed: a code another record holds is a 409. The first attempt does not read the
    guard (a code is rarely taken): its condition refuses the write, and the use case runs `again`."""
    holder = uow.find_by_code(type(record), record.code)
    if holder is not None and holder.id != record.id:
        raise AlreadyExists(f"Code '{record.code}' is already used by another {record.NOUN}", param="code",
                            code="duplicate_code")


def _stage_event(uow: UnitOfWork, record: TenantRecord, action: str) -> None:
    """The change's outbox event (`party.created`, `tax_code.archived`, …), in the change's transaction."""
    schema = OUT_SCHEMA[type(record)]
    _present([record], lambda: uow.tenant().base_currency)  # prices at the currency's minor units, as shown
    uow.record_event(MASTER_DATA_EVENTS[schema.model_fields["object"].default][action], record, schema)


def _prefetch(uow: UnitOfWork, model: type[TenantRecord], fields: dict[str, Any], *, tenant: bool = False,
              previous_attachments: list[str] | None = None) -> None:
    """The tenant and the records the fields name, in one round trip; nothing when none is named and the
    tenant is not needed (an item's price reads it when shown, through the same cache)."""
    named = [(target, fields[field]) for field, target in REFERENCES.get(model, {}).items()
             if isinstance(fields.get(field), str)]
    named += files.prefetch_keys(fields.get("attachment_ids"), previous_attachments)
    if named or tenant:
        uow.prefetch(named)


def _stage_attachments(uow: UnitOfWork, record: TenantRecord, changes: dict[str, Any], previous: list[str]) -> None:
    """A party's files (issue 15): each newly attached or detached file records it, in the same transaction."""
    if "attachment_ids" in changes:
        files.stage_attachments(uow, record.id, changes["attachment_ids"], previous)


def _kind_of(uow: UnitOfWork, account_id: str | None) -> tuple[str, str] | None:
    account = uow.find(Account, account_id) if account_id is not None else None
    return (account.type, account.subtype) if account is not None else None


def _validate(uow: UnitOfWork, record: TenantRecord, changes: dict[str, Any]) -> None:
    issues: list[FieldIssue] = []
    for field, target in REFERENCES.get(type(record), {}).items():
        value = changes.get(field)
        if value is not None and uow.find(target, value) is None:
            issues.append(FieldIssue(field, f"no {target.NOUN} with id '{value}'"))
    if isinstance(record, Account) and (reason := subtype_error(AccountType(record.type), record.subtype)):
        issues.append(FieldIssue("subtype", reason))
    if "attachment_ids" in changes:
        issues += files.attachment_issues(uow, changes["attachment_ids"])
    if isinstance(record, TaxCode) and (reason := validity_error(record.valid_from, record.valid_to)):
        issues.append(FieldIssue("valid_to", reason))
    if isinstance(record, Item) and not issues:  # issue 19: the stock accounts' types
        issues += stock.account_issues(inventory=_kind_of(uow, changes.get("inventory_account_id")),
                                       cogs=_kind_of(uow, changes.get("cogs_account_id")))
    if issues:
        raise ValidationFailed(issues[0].message, param=issues[0].field, details=issues)


# ------------------------------------------------------------------------------------------- reads
# The named read patterns routers use (they import nothing of the store).


def get(kind: Kind, tenant_id: str, record_id: str) -> Any:
    """The record, archived or not; NotFound for an unknown id (or another tenant's)."""
    uow = open_unit(tenant_id)
    return _present([uow.load(model_of(kind), record_id)], lambda: uow.tenant().base_currency)[0]


def list_parties(tenant_id: str, *, kind: str | None, email: str | None, archived: bool, limit: int,
                 start_key: dict[str, Any] | None) -> Page[Party]:
    return parties.list_parties(tenant_id, kind=kind, email=email, archived=archived, limit=limit,
                                start_key=start_key)


def query_parties(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None) -> Result:
    """A page of parties as a planned query asks (issue 18: the store's named read `lists.query_parties`)."""
    return lists.query_parties(tenant_id, query, limit=limit, start_key=start_key)


def list_items(tenant_id: str, *, archived: bool, limit: int, start_key: dict[str, Any] | None) -> Page[Item]:
    page = items.list_items(tenant_id, archived=archived, limit=limit, start_key=start_key)
    present(tenant_id, page.items)
    return page


def query_items(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None) -> Result:
    """A page of items as a planned query asks (issue 18: the store's named read `lists.query_items`)."""
    result = lists.query_items(tenant_id, query, limit=limit, start_key=start_key)
    present(tenant_id, result.items)
    return result


def query_accounts(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None) -> Result:
    """A page of the chart as a planned query asks (issue 18: `lists.query_accounts`)."""
    return lists.query_accounts(tenant_id, query, limit=limit, start_key=start_key)


def query_tax_codes(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None) -> Result:
    """A page of tax codes as a planned query asks (issue 18: `lists.query_tax_codes`)."""
    return lists.query_tax_codes(tenant_id, query, limit=limit, start_key=start_key)


def list_accounts(tenant_id: str, *, type: str | None, subtype: str | None, archived: bool, limit: int,
                  start_key: dict[str, Any] | None) -> Page[Account]:
    return accounts.list_accounts(tenant_id, type=type, subtype=subtype, archived=archived, limit=limit,
                                  start_key=start_key)


def list_tax_codes(tenant_id: str, *, active: bool | None, archived: bool, limit: int,
                   start_key: dict[str, Any] | None) -> Page[TaxCode]:
    return tax_codes.list_tax_codes(tenant_id, active=active, archived=archived, limit=limit, start_key=start_key)


def account_lines(tenant_id: str, account_id: str, *, from_date: date | None, to_date: date | None, limit: int,
                  start_key: dict[str, Any] | None) -> Page[LedgerLine]:
    """The account's ledger lines in date order; NotFound for an unknown account."""
    open_unit(tenant_id).load(Account, account_id)
    return ledger.account_lines(tenant_id, account_id, from_date=from_date, to_date=to_date, limit=limit,
                                start_key=start_key)


def present(tenant_id: str, records: list[R]) -> list[R]:
    """Prices as the tenant's currency writes them ("150.00", IDR "555000") for the API to show.

    DynamoDB hands numbers back without trailing zeros, so a stored 150.00 reads as 150.
    """
    return _present(records, lambda: load_tenant(tenant_id).base_currency)


def _present(records: list[R], currency: Any) -> list[R]:
    priced = [r for r in records if isinstance(r, Item) and (r.unit_price is not None or r.purchase_price is not None)]
    if priced:
        code = currency()
        for item in priced:
            if item.unit_price is not None:
                item.unit_price = with_minor_units(item.unit_price, code)
            if item.purchase_price is not None:
                item.purchase_price = with_minor_units(item.purchase_price, code)
    return records
