"""Manual journal entries: balanced or rejected; corrected by reversal, never by editing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ledgerline.clock import today, utc_now
from ledgerline.domain.accounts import is_control
from ledgerline.domain.documents import InvalidState, posted
from ledgerline.domain.errors import FieldIssue, ValidationFailed
from ledgerline.domain.events import EventType
from ledgerline.domain.journal import JournalLine, assert_balanced, reversed_lines
from ledgerline.domain.money import round_money
from ledgerline.domain.posting import Conversion
from ledgerline.domain.query import Query
from ledgerline.schemas.documents import JournalEntryOut
from ledgerline.services import files
from ledgerline.services import metadata as record_metadata
from ledgerline.services.document_rules import open_period
from ledgerline.services.idempotency import once
from ledgerline.services.retry import retrying
from ledgerline.store import lists
from ledgerline.store.accounts import Account
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.query import Result
from ledgerline.store.records import check_version
from ledgerline.store.tenants import Tenant
from ledgerline.store.unit_of_work import UnitOfWork, open_unit


def represent(entry: JournalEntry) -> dict[str, Any]:
    return JournalEntryOut.model_validate(entry).model_dump(mode="json")


def get_journal_entry(tenant_id: str, entry_id: str) -> dict[str, Any]:
    """The entry as the API shows it; NotFound for an unknown id (one too long to be a key included)."""
    return represent(open_unit(tenant_id).load(JournalEntry, entry_id))


def query_journal_entries(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None) -> Result:
    """A page of journal entries as a planned query asks (issue 18: the store's named read
    `lists.query_journal_entries`)."""
    return lists.query_journal_entries(tenant_id, query, limit=limit, start_key=start_key)


def create(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
    # retried: an entry with attachments saves each newly attached file on condition of its version
    return once(tenant_id, idempotency_key, "create_journal_entry", fields,
                lambda: retrying(lambda: _create(tenant_id, fields)), in_unit=True)


def _create(tenant_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    # The tenant, every account the lines name and the files attached, in one round trip.
    uow.prefetch([(Account, line["account_id"]) for line in fields["lines"] if isinstance(line.get("account_id"), str)]
                 + files.prefetch_keys(fields.get("attachment_ids")))
    tenant = uow.tenant()
    day: date = fields.get("date") or today()
    open_period(tenant, day)
    currency = tenant.base_currency
    issues: list[FieldIssue] = []
    lines: list[JournalLine] = []
    for index, line in enumerate(fields["lines"]):
        debit, credit = Decimal(line.get("debit") or 0), Decimal(line.get("credit") or 0)
        where = f"lines.{index}"
        if (debit > 0) == (credit > 0):
            issues.append(FieldIssue(where, "give either a debit or a credit, greater than zero"))
        elif round_money(debit + credit, currency) != debit + credit:
            issues.append(FieldIssue(where, f"has more decimals than {currency} allows"))
        if reason := _account_error(uow, tenant, line["account_id"]):
            issues.append(FieldIssue(f"{where}.account_id", reason))
        lines.append(
            JournalLine(
                line["account_id"],
                round_money(debit, currency),
                round_money(credit, currency),
                currency,
                round_money(debit + credit, currency),
                line.get("description"),
            )
        )
    issues += files.attachment_issues(uow, fields.get("attachment_ids"))
    if issues:
        raise ValidationFailed(f"{issues[0].field}: {issues[0].message}", param=issues[0].field, details=issues)
    assert_balanced(lines)
    now = utc_now()
    entry = JournalEntry.new(tenant_id, day, Conversion(currency, currency, Decimal(1)), source_type="manual",
                             source_id=None, description=fields.get("description"),
                             reference=fields.get("reference"), attachment_ids=fields.get("attachment_ids") or [],
                             at=now)

    record_metadata.on_create(entry, fields)
    files.stage_attachments(uow, entry.id, entry.attachment_ids)
    uow.post_entry(entry, lines)
    uow.record_event(EventType.JOURNAL_ENTRY_POSTED, entry, JournalEntryOut)
    uow.respond(JournalEntryOut, entry)
    uow.commit()
    return represent(entry)


def update_attachments(tenant_id: str, entry_id: str, attachment_ids: list[str] | None,
                       expected_version: int | None, metadata: dict[str, str | None] | None = None) -> dict[str, Any]:
    """Replace the files an entry references and/or merge its metadata (its lines and amounts never change);
    If-Match when given."""
    return retrying(lambda: _update_attachments(tenant_id, entry_id, attachment_ids, expected_version, metadata))


def _update_attachments(tenant_id: str, entry_id: str, attachment_ids: list[str] | None,
                        expected_version: int | None, metadata: dict[str, str | None] | None) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    uow.prefetch([(JournalEntry, entry_id), *files.prefetch_keys(attachment_ids)])
    entry = uow.load(JournalEntry, entry_id)
    check_version(entry, expected_version)
    if attachment_ids is not None:
        previous = list(entry.attachment_ids or [])
        uow.prefetch(files.prefetch_keys(previous))
        files.stage_attachments(uow, entry.id, attachment_ids, previous)
        entry.attachment_ids = list(attachment_ids)
    record_metadata.take(entry, {"metadata": metadata} if metadata is not None else {})
    entry.updated_at = utc_now()
    uow.save_if_unchanged(entry)
    uow.record_event(EventType.JOURNAL_ENTRY_UPDATED, entry, JournalEntryOut)
    uow.commit()
    return represent(entry)


def reverse(
    tenant_id: str, entry_id: str, reverse_date: date | None, idempotency_key: str | None = None
) -> dict[str, Any]:
    return once(
        tenant_id,
        idempotency_key,
        "reverse_journal_entry",
        {"id": entry_id, "date": str(reverse_date)},
        lambda: retrying(lambda: _reverse(tenant_id, entry_id, reverse_date)),
        in_unit=True,
    )


def _reverse(tenant_id: str, entry_id: str, reverse_date: date | None) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    uow.prefetch([(JournalEntry, entry_id)])
    tenant = uow.tenant()
    original = uow.load(JournalEntry, entry_id)
    if original.source_type != "manual":
        raise InvalidState(
            "Only manual entries are reversed here; void or reverse the document that posted it", param="id"
        )
    day = reverse_date or today()
    reversal_of = posted.reverse(posted.JOURNAL_ENTRY, posted.PostedState(original.status, original.date), day)
    open_period(tenant, day)
    now = utc_now()
    conversion = Conversion(original.currency, original.base_currency, original.exchange_rate)
    reversal = JournalEntry.new(tenant_id, day, conversion, source_type="manual", source_id=None,
                                description=f"Reversal of {original.description or original.id}",
                                reference=original.reference, reverses_id=original.id, at=now)
    original.status, original.reversed_by_id, original.updated_at = reversal_of.state.status, reversal.id, now

    uow.save_if_unchanged(original)
    uow.post_entry(reversal, reversed_lines(original.journal_lines()))
    uow.record_event(reversal_of.event, original, JournalEntryOut)
    uow.record_event(EventType.JOURNAL_ENTRY_POSTED, reversal, JournalEntryOut)
    uow.respond(JournalEntryOut, reversal)
    uow.commit()
    return represent(reversal)


def _account_error(uow: UnitOfWork, tenant: Tenant, account_id: str) -> str | None:
    """Why a manual entry cannot post to the account, or None when it can."""
    account = uow.find(Account, account_id)
    if account is None or account.archived:
        return f"no account with id '{account_id}'"
    # The tenant's receivable and customer credit accounts stay control accounts whatever their subtype says
    accounts = tenant.system_accounts
    system = {accounts.receivable: "receivable", accounts.customer_credit: "customer_credit"}
    # and so do payable and supplier prepayments (issue 15; absent on tenants made before: their subtype guards)
    for role in ("payable", "supplier_prepayments"):
        if held := getattr(accounts, role, None):
            system[held] = role
    if account.currency and account.currency != tenant.base_currency:
        # its balance in that currency moves only with lines in it (issue 16): a manual entry is in the base
        return (f"account {account.code} is kept in {account.currency} (a foreign bank account): post to it "
                "through its bank transactions (book, match), never a manual journal entry in "
                f"{tenant.base_currency}")
    kind = account.subtype if is_control(account.subtype) else system.get(account_id)
    if kind:
        return (f"account {account.code} is a control account ({kind}): only its documents post to it, "
                "never a manual journal entry")
    return None
