"""Payment runs (issue 16, item 4): open bills paid by one ISO 20022 pain.001 credit-transfer file.

Creating a run loads the bank account paid from, the bills (named, or every open bill in its currency due by
a date) and their suppliers' bank details, builds the file (domain/banking/payment_runs.py), keeps it in the
blob store with its SHA-256, and commits in one transaction the run (each transfer `scheduled`) with every
bill's `scheduled_amount` raised on its version: a bill in a run is not paid again by a second one, and two
concurrent runs of one bill cannot both commit. Nothing is posted: the statement that shows a transfer's
end-to-end id books it (services/bank_reconciliation.auto_match → `stage_booking` here, with the supplier
payment and the transaction's match in one transaction). Cancelling unschedules every transfer while none
is booked.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

from ledgerline.clock import today, utc_now
from ledgerline.domain.banking import pain001
from ledgerline.domain.banking import payment_runs as rules
from ledgerline.domain.documents import settlement
from ledgerline.domain.errors import FieldIssue, ValidationFailed
from ledgerline.domain.events import EventType
from ledgerline.domain.money import round_money
from ledgerline.domain.query import Query
from ledgerline.ids import new_id
from ledgerline.pdf.blobs import blob_store
from ledgerline.schemas.payment_runs import PaymentRunOut
from ledgerline.services import bills as bill_service
from ledgerline.services import metadata as record_metadata
from ledgerline.services.document_rules import invalid
from ledgerline.services.idempotency import once
from ledgerline.services.retry import retrying
from ledgerline.store import lists
from ledgerline.store.banking import BankAccount
from ledgerline.store.bills import Bill
from ledgerline.store.parties import Party
from ledgerline.store.payment_runs import PaymentRun, ScheduledPayment
from ledgerline.store.query import Result
from ledgerline.store.unit_of_work import UnitOfWork, open_unit


def represent(run: PaymentRun) -> dict[str, Any]:
    return PaymentRunOut.model_validate(run).model_dump(mode="json")


def get_payment_run(tenant_id: str, run_id: str) -> dict[str, Any]:
    """The run as the API shows it; NotFound for an unknown id (another tenant's included)."""
    return represent(open_unit(tenant_id).load(PaymentRun, run_id))


def file_of(tenant_id: str, run_id: str) -> tuple[bytes, str]:
    """The run's pain.001 file and a file name for it."""
    run = open_unit(tenant_id).load(PaymentRun, run_id)
    return blob_store().get(run.file_key), f"{run.id}.xml"


def query_payment_runs(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None) -> Result:
    """A page of payment runs as a planned query asks (issue 18: the store's named read
    `lists.query_payment_runs`)."""
    return lists.query_payment_runs(tenant_id, query, limit=limit, start_key=start_key)


# ------------------------------------------------------------------------------------ create


def create(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "create_payment_run", fields,
                lambda: retrying(lambda: _create(tenant_id, fields)), in_unit=True)


def _create(tenant_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    named = [b["bill_id"] for b in fields.get("bills") or [] if isinstance(b.get("bill_id"), str)]
    uow.prefetch([(BankAccount, fields["bank_account_id"]), *((Bill, bill_id) for bill_id in named)])
    tenant = uow.tenant()
    account = uow.load(BankAccount, fields["bank_account_id"])  # another tenant's: 404
    if account.archived:
        raise invalid("bank_account_id", "is archived")
    if not account.iban:
        raise invalid("bank_account_id", "has no IBAN to pay from")
    currency = account.currency
    if fields.get("currency") and fields["currency"] != currency:
        raise invalid("currency", f"must be the bank account's currency, {currency}")
    variant = rules.variant_for(currency, fields.get("file_format"))
    if variant is None:
        if fields.get("file_format"):
            raise invalid("file_format", f"{fields['file_format']} does not pay {currency}")
        raise invalid("bank_account_id", f"pays in {currency}; payment runs pay EUR (SEPA) and CHF (Swiss) only")
    day: date = fields.get("execution_date") or today()
    if fields.get("bills") is not None:
        chosen = _named_bills(uow, fields["bills"], currency, day)
    else:
        chosen = _due_bills(uow, fields["due_by"], currency, day)
    uow.prefetch([(Party, bill.supplier_id) for bill, _, _ in chosen])
    run_id = new_id("prun")
    ulid = run_id.split("_", 1)[1]
    issues: list[FieldIssue] = []
    transfers: list[rules.Transfer] = []
    for position, (bill, amount, where) in enumerate(chosen, start=1):
        party = uow.find(Party, bill.supplier_id)
        creditor = rules.Creditor(name=bill.supplier_name, iban=party.iban if party else None,
                                  bic=party.bic if party else None, qr_iban=party.qr_iban if party else None)
        made = rules.transfer(where=where, run_ulid=ulid, position=position, payable=_payable(bill), amount=amount,
                              creditor=creditor, variant=variant, issues=issues)
        if made is not None:
            transfers.append(made)
    if issues:
        if fields.get("bills") is None:  # chosen by due_by: each message names its bill, the request field is due_by
            issues = [FieldIssue("due_by", issue.message) for issue in issues]
        raise ValidationFailed(f"{issues[0].field}: {issues[0].message}", param=issues[0].field, details=issues,
                               code="invalid_payment_run")
    now = utc_now()
    content = pain001.build(variant=variant, message_id=ulid, created_at=now, execution_date=day,
                            initiator=tenant.name, debtor=rules.Debtor(account.name or tenant.name, account.iban,
                                                                       account.bic),
                            transfers=transfers)
    sha256 = hashlib.sha256(content).hexdigest()
    key = f"{tenant_id}/payment-runs/{run_id}/{sha256}.xml"
    blob_store().put(key, content, "application/xml")
    by_id = {bill.id: bill for bill, _, _ in chosen}
    run = PaymentRun(
        id=run_id, tenant_id=tenant_id, status=rules.SCHEDULED, bank_account_id=account.id, currency=currency,
        execution_date=day, due_by=fields.get("due_by"), file_format=variant, message_id=ulid,
        payments=[ScheduledPayment(
            position=position, end_to_end_id=t.end_to_end_id, status=rules.SCHEDULED, bill_id=t.bill_id,
            bill_number=by_id[t.bill_id].number, supplier_id=t.supplier_id, supplier_name=t.creditor_name,
            supplier_reference=by_id[t.bill_id].supplier_reference, amount=t.amount, creditor_iban=t.creditor_iban,
            creditor_bic=t.creditor_bic, reference=t.reference, reference_type=t.reference_type)
            for position, t in enumerate(transfers, start=1)],
        supplier_ids=sorted({t.supplier_id for t in transfers}), total=rules.totals(transfers)[1], file_key=key,
        file_sha256=sha256, file_size=len(content), created_at=now, updated_at=now)
    for transfer in transfers:
        bill = by_id[transfer.bill_id]
        bill.scheduled_amount = (bill.scheduled_amount or Decimal(0)) + transfer.amount
        bill.updated_at = now
        uow.save_if_unchanged(bill)
    record_metadata.on_create(run, fields)
    uow.create(run)
    uow.record_event(EventType.PAYMENT_RUN_CREATED, run, PaymentRunOut)
    uow.respond(PaymentRunOut, run)
    uow.commit()
    return represent(run)


def _payable(bill: Bill) -> rules.Payable:
    return rules.Payable(bill.id, bill.number, bill.supplier_id, bill.supplier_reference, bill.currency,
                         bill.amount_due, bill.scheduled_amount or Decimal(0), bill.due_date)


def _named_bills(uow: UnitOfWork, wanted: list[dict[str, Any]], currency: str,
                 day: date) -> list[tuple[Bill, Decimal, str]]:
    """The bills named, each checked (open, in the run's currency, once); another tenant's bill is a 404."""
    chosen: list[tuple[Bill, Decimal, str]] = []
    issues: list[FieldIssue] = []
    seen: set[str] = set()
    for index, item in enumerate(wanted):
        where = f"bills.{index}"
        bill = uow.load(Bill, item["bill_id"])
        amount = item.get("amount")
        open_amount = rules.open_amount(_payable(bill))
        if bill.id in seen:
            issues.append(FieldIssue(f"{where}.bill_id", f"bill {bill.id} appears twice"))
        elif bill.currency != currency:
            issues.append(FieldIssue(f"{where}.bill_id", f"bill {bill.id} is in {bill.currency}, not the bank "
                                                         f"account's {currency}"))
        elif reason := settlement.settlement_error(bill_service.state_of(bill), day):
            issues.append(FieldIssue(f"{where}.bill_id", f"bill {bill.id} {reason}"))
        elif amount is not None and round_money(Decimal(amount), currency) != Decimal(amount):
            issues.append(FieldIssue(f"{where}.amount", f"has more decimals than {currency} allows"))
        seen.add(bill.id)
        chosen.append((bill, Decimal(amount) if amount is not None else open_amount, where))
    if issues:
        raise ValidationFailed(f"{issues[0].field}: {issues[0].message}", param=issues[0].field, details=issues,
                               code="invalid_payment_run")
    return chosen


def _due_bills(uow: UnitOfWork, due_by: date, currency: str, day: date) -> list[tuple[Bill, Decimal, str]]:
    """Every open bill in `currency` due by `due_by` with something left to schedule, re-read on its version
    (the open-bills index is eventually consistent)."""
    listed = [b.id for b in uow.open_bills(currency) if b.due_date <= due_by]
    uow.prefetch([(Bill, bill_id) for bill_id in listed])
    chosen: list[tuple[Bill, Decimal, str]] = []
    for bill_id in listed:
        bill = uow.find(Bill, bill_id)
        if bill is None or bill.currency != currency or settlement.settlement_error(bill_service.state_of(bill), day):
            continue
        left = rules.open_amount(_payable(bill))
        if left > 0:
            chosen.append((bill, left, "due_by"))
    if not chosen:
        raise invalid("due_by", f"no open {currency} bill due by {due_by.isoformat()} is left to pay")
    if len(chosen) > rules.MAX_TRANSFERS:
        raise invalid("due_by", f"{len(chosen)} bills are due by then; a run pays at most {rules.MAX_TRANSFERS}: "
                                f"choose an earlier date or name the bills")
    return chosen


# ------------------------------------------------------------------------------------ cancel


def cancel(tenant_id: str, run_id: str, idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "cancel_payment_run", {"id": run_id},
                lambda: retrying(lambda: _cancel(tenant_id, run_id)), in_unit=True)


def _cancel(tenant_id: str, run_id: str) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    uow.prefetch([(PaymentRun, run_id)])
    run = uow.load(PaymentRun, run_id)
    status = rules.cancel(run.status, [p.status for p in run.payments])
    uow.prefetch([(Bill, p.bill_id) for p in run.payments])
    now = utc_now()
    for payment in run.payments:
        bill = uow.load(Bill, payment.bill_id)
        bill.scheduled_amount = max((bill.scheduled_amount or Decimal(0)) - payment.amount, Decimal(0))
        bill.updated_at = now
        uow.save_if_unchanged(bill)
        payment.status = rules.CANCELLED
    run.status, run.cancelled_at, run.updated_at = status, now, now
    uow.save_if_unchanged(run)
    uow.record_event(EventType.PAYMENT_RUN_CANCELLED, run, PaymentRunOut)
    uow.respond(PaymentRunOut, run)
    uow.commit()
    return represent(run)


def update_metadata(tenant_id: str, run_id: str, changes: dict[str, Any],
                    expected_version: int | None) -> dict[str, Any]:
    """PATCH of a payment run's metadata (issue 20): nothing else of it changes once made."""
    return represent(record_metadata.update(tenant_id, PaymentRun, run_id, changes, expected_version,
                                            EventType.PAYMENT_RUN_UPDATED, PaymentRunOut))
