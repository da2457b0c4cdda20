"""Expenses (issue 15): a purchase paid at once, posted on creation with the bill's posting rule
(domain/posting_purchases.bill_lines), the credit going to the account it was paid from instead of payable.
Undone by a reversal (posted → reversed), never deleted."""

from __future__ import annotations

from datetime import date
from typing import Any

from ledgerline.clock import today, utc_now
from ledgerline.domain import posting, posting_purchases
from ledgerline.domain.documents import posted
from ledgerline.domain.documents.posted import PostedState
from ledgerline.domain.events import EventType
from ledgerline.domain.journal import reversed_lines
from ledgerline.domain.query import Query
from ledgerline.ids import new_id
from ledgerline.schemas.bills import ExpenseOut
from ledgerline.services import exchange_rates, files
from ledgerline.services import metadata as record_metadata
from ledgerline.services.bills import (
    breakdown,
    investments,
    purchase_breakdown,
    purchase_codes,
    purchase_lines,
    supplier,
    tax_buckets,
)
from ledgerline.services.document_rules import invalid, open_tax_period
from ledgerline.services.idempotency import once
from ledgerline.services.pricing import PURCHASES, price_fields, referenced_positions
from ledgerline.services.retry import retrying
from ledgerline.store import lists
from ledgerline.store.accounts import Account
from ledgerline.store.bills import Expense
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.parties import Party
from ledgerline.store.query import Result
from ledgerline.store.unit_of_work import open_unit

# What an expense may be paid from: a bank or cash account, or a card clearing account (a current liability)
PAID_FROM = {"asset": ("bank", "cash"), "liability": ("current",)}


def represent(expense: Expense) -> dict[str, Any]:
    return ExpenseOut.model_validate(expense).model_dump(mode="json")


def get_expense(tenant_id: str, expense_id: str) -> dict[str, Any]:
    return represent(open_unit(tenant_id).load(Expense, expense_id))


def query_expenses(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None) -> Result:
    """A page of expenses as a planned query asks (issue 18: the store's named read `lists.query_expenses`)."""
    return lists.query_expenses(tenant_id, query, limit=limit, start_key=start_key)


def paid_from(account: Account | None, account_id: str) -> Account:
    if account is None or account.archived:
        raise invalid("paid_from_account_id", f"no account with id '{account_id}'")
    if account.subtype not in PAID_FROM.get(account.type, ()):
        raise invalid("paid_from_account_id", "must be a bank or cash account, or a card clearing account (a "
                                              "liability of subtype current)")
    return account


def create(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
    """Priced and posted in one transaction: debit expense (and non-recoverable tax) and input tax, credit the
    account it was paid from; `expense.posted`."""
    def run() -> dict[str, Any]:
        uow = open_unit(tenant_id)
        supplier_id = fields.get("supplier_id")
        uow.prefetch([*([(Party, supplier_id)] if isinstance(supplier_id, str) else []),
                      (Account, fields["paid_from_account_id"]), *referenced_positions(fields),
                      *files.prefetch_keys(fields.get("attachment_ids"))])
        tenant = uow.tenant()
        party = supplier(uow.find(Party, supplier_id), supplier_id) if supplier_id else None
        source = paid_from(uow.find(Account, fields["paid_from_account_id"]), fields["paid_from_account_id"])
        day: date = fields.get("date") or today()
        open_tax_period(tenant, day)
        currency = fields.get("currency") or (party.currency if party else None) or tenant.base_currency
        if source.currency and source.currency != currency:  # a foreign bank account's (issue 16, part V)
            raise invalid("paid_from_account_id", f"the account is kept in {source.currency}: an expense paid "
                                                  f"from it is in {source.currency}, not {currency}")
        taken = exchange_rates.rate_on(uow, tenant, currency, day, fields.get("exchange_rate"))
        rate = taken.conversion
        priced = price_fields(tenant, fields, currency=currency,
                              prices_include_tax=bool(fields.get("prices_include_tax")), find=uow.find,
                              direction=PURCHASES, on=day)
        now = utc_now()
        state = posted.post(posted.EXPENSE, day)
        expense = Expense(id=new_id("exp"), tenant_id=tenant_id, status=state.state.status, created_at=now,
                          updated_at=now, supplier_id=party.id if party else None,
                          payee_name=fields.get("payee_name") or party.name, date=day,
                          paid_from_account_id=source.id, reference=fields.get("reference"), currency=currency,
                          exchange_rate=rate.rate, exchange_rate_id=taken.exchange_rate_id,
                          prices_include_tax=bool(fields.get("prices_include_tax")),
                          notes=fields.get("notes"), attachment_ids=list(fields.get("attachment_ids") or []) or None,
                          lines=priced.lines, positions=priced.positions, allowances=priced.allowances,
                          charges=priced.charges,
                          tax_breakdown=purchase_breakdown(uow, tenant, priced, currency),
                          subtotal=priced.totals.subtotal, tax_total=priced.totals.tax_total,
                          rounding_adjustment=priced.totals.rounding_adjustment, total=priced.totals.total)
        description = f"Expense: {expense.payee_name}"
        lines, taxes = posting_purchases.bill_lines(
            lines=purchase_lines(expense), breakdown=breakdown(expense), codes=purchase_codes(expense),
            total=expense.total, rounding_adjustment=expense.rounding_adjustment,
            accounts=posting_purchases.PurchaseAccounts(payable=source.id, rounding=tenant.system_accounts.rounding),
            conversion=rate, description=description, investments=investments(expense))
        entry = JournalEntry.new(tenant_id, day, rate, source_type="expense", source_id=expense.id,
                                 description=description, at=now)
        expense.journal_entry_id = entry.id
        files.stage_attachments(uow, expense.id, expense.attachment_ids)
        record_metadata.on_create(expense, fields)
        uow.create(expense)
        uow.post_entry(entry, lines, tax_buckets(taxes))
        uow.record_event(state.event, expense, ExpenseOut)
        uow.respond(ExpenseOut, expense)
        uow.commit()
        return represent(expense)

    return once(tenant_id, idempotency_key, "create_expense", fields, lambda: retrying(run), in_unit=True)


def reverse(tenant_id: str, expense_id: str, day: date | None, idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "reverse_expense", {"id": expense_id, "date": str(day)},
                lambda: retrying(lambda: _reverse(tenant_id, expense_id, day)), in_unit=True)


def _reverse(tenant_id: str, expense_id: str, day: date | None) -> dict[str, Any]:
    """Posts the mirror of the expense's entry; the expense reads `reversed`."""
    uow = open_unit(tenant_id)
    uow.prefetch([(Expense, expense_id)])
    tenant = uow.tenant()
    expense = uow.load(Expense, expense_id)
    when = day or today()
    reversed_ = posted.reverse(posted.EXPENSE, PostedState(expense.status, expense.date), when)
    open_tax_period(tenant, when)
    original = uow.load(JournalEntry, expense.journal_entry_id)
    now = utc_now()
    rate = posting.Conversion(expense.currency, tenant.base_currency, expense.exchange_rate)
    entry = JournalEntry.new(tenant_id, when, rate, source_type="expense_reversal", source_id=expense.id,
                             description=f"Reversal of expense: {expense.payee_name}", reverses_id=original.id, at=now)
    expense.status, expense.reversed_at, expense.updated_at = reversed_.state.status, now, now
    expense.reversal_journal_entry_id = entry.id
    uow.save_if_unchanged(expense)
    taxes = posting_purchases.purchase_taxes(breakdown(expense), purchase_codes(expense), rate, investments(expense))
    uow.post_entry(entry, reversed_lines(original.journal_lines()), tax_buckets(taxes, sign=-1))
    uow.record_event(reversed_.event, expense, ExpenseOut)
    uow.respond(ExpenseOut, expense)
    uow.commit()
    return represent(expense)


def update_metadata(tenant_id: str, expense_id: str, changes: dict[str, Any],
                    expected_version: int | None) -> dict[str, Any]:
    """PATCH of a expense's metadata (issue 20): nothing else of it changes once made."""
    return represent(record_metadata.update(tenant_id, Expense, expense_id, changes, expected_version,
                                            EventType.EXPENSE_UPDATED, ExpenseOut))
