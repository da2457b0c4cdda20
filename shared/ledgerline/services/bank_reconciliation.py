"""Bank reconciliation (issue 16): suggestions, match, book, unmatch, and the auto-match of an import.

Each change is one unit of work: matching stages the receipt (`receipts.stage_receipt`: the receipt, the
invoices it pays, its entry and events) with the transaction's change to `matched` — for money out, the
supplier payment (`supplier_payments.stage_supplier_payment`, the bills it pays); booking stages a journal
entry bank ↔ account (and, for a transfer to another own bank account, the other side's transaction);
unmatch stages the receipt's reversal (`receipts.stage_reversal`; `supplier_payments.stage_reversal` for
money out) or the booking's reversing entry. The
transaction is saved on its version, so of two concurrent matches one commits and the other re-reads it
`matched` (409); a refusal anywhere leaves it unmatched and posts nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ledgerline.clock import today, utc_now
from ledgerline.domain.banking import booking, matching
from ledgerline.domain.banking import reconciliation as rules
from ledgerline.domain.banking import transactions as life_cycle
from ledgerline.domain.banking.references import compact
from ledgerline.domain.errors import LedgerlineError, NotFound
from ledgerline.domain.events import EventType
from ledgerline.domain.journal import reversed_lines
from ledgerline.domain.money import round_money
from ledgerline.domain.posting import tax_key
from ledgerline.observability import logger
from ledgerline.schemas.banking import BankReconciliationOut, BankTransactionOut
from ledgerline.services import exchange_rates, payment_run_bookings, receipts, supplier_payments
from ledgerline.services.document_rules import conversion, invalid, open_period, open_tax_period
from ledgerline.services.idempotency import once
from ledgerline.services.pricing import PURCHASES, SALES, direction_error, tenant_input_tax
from ledgerline.services.retry import retrying
from ledgerline.store import banking as bank_store
from ledgerline.store.accounts import Account
from ledgerline.store.banking import IMPORTING, BankAccount, BankTransaction, PendingTransfer
from ledgerline.store.bills import Bill, SupplierPayment
from ledgerline.store.documents import Invoice, PaymentReference, Receipt
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.parties import Party
from ledgerline.store.tax_codes import TaxCode
from ledgerline.store.unit_of_work import UnitOfWork, open_unit

TRANSFER_DAYS = 5  # the other side of a transfer is booked within this many days of it
MATCH_STEP = 100  # an import's new transactions are read by auto-match, transfers and rules this many at a time
SUGGESTION_SCAN = 200  # a page's suggestions by text or amount look at this many open invoices per currency


def in_steps(ids: list[str], size: int | None = None) -> list[list[str]]:
    """The ids in steps of `size` (`MATCH_STEP`): what runs after an import reads the transactions a step at a
    time (one BatchGet each), so that a statement of any size is seen whole."""
    size = size or MATCH_STEP
    return [ids[start:start + size] for start in range(0, len(ids), size)]


def invoices_by_reference(uow: UnitOfWork, references: list[str | None]) -> dict[str, Invoice]:
    """The open invoices that printed these QR/RF references (compact reference → invoice), through their
    pointers (`PAYREF#`, indexed: two batched reads whatever the number of open invoices)."""
    wanted = sorted({compact(r) for r in references if r and 0 < len(compact(r)) <= 64})
    if not wanted:
        return {}
    uow.prefetch(at=[PaymentReference.key(uow.tenant_id, r) for r in wanted])
    pointers = {r: p for r in wanted if (p := uow.find_at(PaymentReference, PaymentReference.key(uow.tenant_id, r)))}
    uow.prefetch([(Invoice, p.invoice_id) for p in pointers.values()])
    found: dict[str, Invoice] = {}
    for reference, pointer in pointers.items():
        invoice = uow.find(Invoice, pointer.invoice_id)
        if invoice is not None and invoice.status in Invoice.OPEN_STATUSES:
            found[reference] = invoice
    return found


# ------------------------------------------------------------------------------------ suggestions


def _facts(transaction: BankTransaction) -> matching.TransactionFacts:
    return matching.TransactionFacts(transaction.amount, transaction.currency, transaction.reference,
                                     transaction.remittance_information, transaction.counterparty_name)


def _open(invoice: Invoice) -> matching.OpenInvoice:
    return matching.OpenInvoice(invoice.id, invoice.number, invoice.customer_id, invoice.customer_name,
                                invoice.currency, invoice.amount_due, invoice.due_date, invoice.payment_reference)


def _open_bill(bill: Bill) -> matching.OpenBill:
    return matching.OpenBill(bill.id, bill.number, bill.supplier_reference, bill.supplier_id, bill.supplier_name,
                             bill.currency, bill.amount_due, bill.due_date)


def bill_suggestions(uow: UnitOfWork, transaction: BankTransaction,
                     cache: dict[str, list[matching.OpenBill]] | None = None) -> list[matching.BillSuggestion]:
    """Ranked open bills an unmatched money-out transaction may pay (none for any other)."""
    if transaction.status != "unmatched" or transaction.amount >= 0:
        return []
    cache = {} if cache is None else cache
    if transaction.currency not in cache:
        cache[transaction.currency] = [_open_bill(b) for b in uow.open_bills(transaction.currency)]
    return matching.suggest_bills(_facts(transaction), cache[transaction.currency])


def suggestions(uow: UnitOfWork, transaction: BankTransaction,
                cache: dict[str, list[matching.OpenInvoice]] | None = None,
                by_reference: dict[str, Invoice] | None = None) -> list[matching.Suggestion]:
    """Ranked suggestions for an unmatched money-in transaction (none for any other): the open invoice that
    printed its reference (indexed, `invoices_by_reference`), and by text or amount among the first
    `SUGGESTION_SCAN` open invoices of its currency (oldest due first; one bounded read per currency)."""
    if transaction.status != "unmatched" or transaction.amount <= 0:
        return []
    cache = {} if cache is None else cache
    if transaction.currency not in cache:
        cache[transaction.currency] = [_open(i) for i in uow.open_invoices(transaction.currency,
                                                                            limit=SUGGESTION_SCAN)]
    if by_reference is None:
        by_reference = invoices_by_reference(uow, [transaction.reference])
    pool = cache[transaction.currency]
    printed = by_reference.get(compact(transaction.reference or ""))
    if printed is not None and all(i.id != printed.id for i in pool):
        pool = [*pool, _open(printed)]
    return matching.suggest(_facts(transaction), pool)


def shown(tenant_id: str, transactions: list[BankTransaction]) -> list[dict[str, Any]]:
    """Transactions as the API shows them, each unmatched one with its suggestions (for the whole page: the
    references' invoices in two batched reads, one bounded read of the open invoices per currency)."""
    uow = open_unit(tenant_id)
    cache: dict[str, list[matching.OpenInvoice]] = {}
    bills: dict[str, list[matching.OpenBill]] = {}
    wanted = [t.reference for t in transactions if t.status == "unmatched" and t.amount > 0]
    by_reference = invoices_by_reference(uow, wanted)
    return [_represent(t, suggestions(uow, t, cache, by_reference), bill_suggestions(uow, t, bills))
            for t in transactions]


def _represent(transaction: BankTransaction, found: list[matching.Suggestion] | None = None,
               bills: list[matching.BillSuggestion] | None = None) -> dict[str, Any]:
    data = BankTransactionOut.model_validate(transaction).model_dump(mode="json")
    if transaction.status == "unmatched":
        data["suggestions"] = [
            {"invoice_id": s.invoice_id, "invoice_number": s.invoice_number, "customer_id": s.customer_id,
             "amount": str(s.amount), "reason": s.reason, "score": s.score} for s in found or []]
        if transaction.amount < 0:
            data["bill_suggestions"] = [
                {"bill_id": s.bill_id, "bill_number": s.bill_number, "supplier_reference": s.supplier_reference,
                 "supplier_id": s.supplier_id, "amount": str(round_money(s.amount, transaction.currency)),
                 "reason": s.reason, "score": s.score}
                for s in bills or []]
    return data


def _load(uow: UnitOfWork, transaction_id: str) -> BankTransaction:
    transaction = uow.load(BankTransaction, transaction_id)
    if transaction.status == IMPORTING:
        raise NotFound(f"No such bank transaction: '{transaction_id}'", param="id")
    return transaction


# ------------------------------------------------------------------------------------ match


def match(tenant_id: str, transaction_id: str, fields: dict[str, Any],
          idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "match_bank_transaction", {"id": transaction_id, **fields},
                lambda: retrying(lambda: _match(tenant_id, transaction_id, fields)), in_unit=True)


def _match(tenant_id: str, transaction_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    uow.prefetch([(BankTransaction, transaction_id)])
    transaction = _load(uow, transaction_id)
    status = life_cycle.match(transaction.status)
    if transaction.amount <= 0:
        scheduled = _scheduled_of(uow, transaction)
        named = [a.get("bill_id") for a in fields.get("allocations") or []]
        if scheduled is not None and named in ([], [scheduled[1].bill_id]):
            # a payment run's transfer (its end-to-end id), matched by hand: booked as the import would have
            _stage_scheduled(uow, tenant_id, transaction, *scheduled, exchange_rate=fields.get("exchange_rate"))
            uow.respond(BankTransactionOut, transaction)
            uow.commit()
            return _represent(transaction)
        return _match_money_out(uow, tenant_id, transaction, status, fields)
    allocations = fields.get("allocations")
    if allocations and any(a.get("bill_id") for a in allocations):
        raise invalid("allocations", "money in pays invoices (invoice_id); bills are paid by money out")
    if not allocations:
        found = suggestions(uow, transaction)
        if not found:
            raise invalid("allocations", "no suggestion for this transaction: name the invoices it pays")
        allocations = [{"invoice_id": found[0].invoice_id}]
    uow.prefetch([(BankAccount, transaction.bank_account_id),
                  *((Invoice, a["invoice_id"]) for a in allocations)])
    bank = uow.load(BankAccount, transaction.bank_account_id)
    left = transaction.amount
    filled: list[dict[str, Any]] = []
    customer_id: str | None = None
    for index, allocation in enumerate(allocations):
        invoice = uow.load(Invoice, allocation["invoice_id"])  # another tenant's: 404
        customer_id = customer_id or invoice.customer_id
        amount = allocation.get("amount")
        if amount is None:
            amount = min(invoice.amount_due, left)
            if amount <= 0:
                raise invalid(f"allocations.{index}.amount", "nothing of the transaction is left to allocate")
        left -= Decimal(amount)
        filled.append({"invoice_id": invoice.id, "amount": Decimal(amount)})
    assert customer_id is not None
    uow.prefetch([(Party, customer_id)])
    receipt = receipts.stage_receipt(uow, tenant_id, {
        "customer_id": customer_id, "amount": transaction.amount, "currency": transaction.currency,
        "exchange_rate": fields.get("exchange_rate"), "account_id": bank.account_id, "date": transaction.date,
        "reference": (transaction.reference or transaction.end_to_end_id or "")[:200] or None,
        "allocations": filled})
    now = utc_now()
    transaction.status, transaction.matched_by, transaction.receipt_id = status, "receipt", receipt.id
    transaction.matched_at = transaction.updated_at = now
    uow.save_if_unchanged(transaction)
    uow.record_event(EventType.BANK_TRANSACTION_MATCHED, transaction, BankTransactionOut)
    uow.respond(BankTransactionOut, transaction)
    uow.commit()
    return _represent(transaction)


def _match_money_out(uow: UnitOfWork, tenant_id: str, transaction: BankTransaction, status: str,
                     fields: dict[str, Any]) -> dict[str, Any]:
    """Money out paid bills: stage the supplier payment (the bills allocated, the rest a supplier prepayment)
    with the transaction's change to `matched`, in one transaction."""
    _stage_money_out(uow, tenant_id, transaction, status, fields)
    uow.respond(BankTransactionOut, transaction)
    uow.commit()
    return _represent(transaction)


def _stage_money_out(uow: UnitOfWork, tenant_id: str, transaction: BankTransaction, status: str,
                     fields: dict[str, Any], releasing: frozenset[str] = frozenset()) -> SupplierPayment:
    paid_out = -transaction.amount
    allocations = fields.get("allocations")
    if allocations and any(a.get("invoice_id") for a in allocations):
        raise invalid("allocations", "money out pays bills (bill_id); invoices are paid by money in")
    if not allocations:
        found = bill_suggestions(uow, transaction)
        if not found:
            raise invalid("allocations", "no suggestion for this transaction: name the bills it pays")
        allocations = [{"bill_id": found[0].bill_id}]
    uow.prefetch([(BankAccount, transaction.bank_account_id), *((Bill, a["bill_id"]) for a in allocations)])
    bank = uow.load(BankAccount, transaction.bank_account_id)
    left = paid_out
    filled: list[dict[str, Any]] = []
    supplier_id: str | None = None
    for index, allocation in enumerate(allocations):
        bill = uow.load(Bill, allocation["bill_id"])  # another tenant's: 404
        supplier_id = supplier_id or bill.supplier_id
        amount = allocation.get("amount")
        if amount is None:
            amount = min(bill.amount_due, left)
            if amount <= 0:
                raise invalid(f"allocations.{index}.amount", "nothing of the transaction is left to allocate")
        left -= Decimal(amount)
        filled.append({"bill_id": bill.id, "amount": Decimal(amount)})
    assert supplier_id is not None
    payment = supplier_payments.stage_supplier_payment(uow, tenant_id, {
        "supplier_id": supplier_id, "amount": paid_out, "currency": transaction.currency,
        "exchange_rate": fields.get("exchange_rate"), "account_id": bank.account_id, "date": transaction.date,
        "reference": (transaction.reference or transaction.end_to_end_id or "")[:200] or None,
        "allocations": filled}, releasing=releasing)
    now = utc_now()
    transaction.status, transaction.matched_by = status, "supplier_payment"
    transaction.supplier_payment_id = payment.id
    transaction.matched_at = transaction.updated_at = now
    uow.save_if_unchanged(transaction)
    uow.record_event(EventType.BANK_TRANSACTION_MATCHED, transaction, BankTransactionOut)
    return payment


def auto_match(tenant_id: str, bank_account_id: str, transaction_ids: list[str]) -> list[str]:
    """After an import: each new money-in transaction whose structured reference is exactly one open
    invoice's is matched and its receipt posted (each in its own transaction). One that cannot be (the
    period is locked, the invoice paid meanwhile, …) simply stays unmatched. The ids matched. Money out that
    carries the end-to-end id a payment run wrote books that run's scheduled payment first (`match_scheduled`)."""
    booked = match_scheduled(tenant_id, bank_account_id, transaction_ids)
    matched_in = _auto_match_in(tenant_id, bank_account_id, [t for t in transaction_ids if t not in booked])
    return [t for t in transaction_ids if t in booked or t in matched_in]


def match_scheduled(tenant_id: str, bank_account_id: str, transaction_ids: list[str]) -> set[str]:
    """After an import: each new debit whose end-to-end id names a payment run's scheduled payment of the same
    amount from this bank account books it — the supplier payment posted, the bill settled and its scheduled
    amount released, the run's payment `booked` and the transaction matched, in one transaction. One that cannot
    be (another amount, the bill paid meanwhile, a locked period) stays unmatched with its suggestions."""
    debits: list[BankTransaction] = []
    for step in in_steps(transaction_ids):
        uow = open_unit(tenant_id)
        uow.prefetch([(BankTransaction, tid) for tid in step])
        debits += [t for tid in step if (t := uow.find(BankTransaction, tid)) is not None
                   and t.status == "unmatched" and t.amount < 0 and payment_run_bookings.named_run(t.end_to_end_id)]
    matched: set[str] = set()
    for transaction in debits:
        try:
            if retrying(lambda t=transaction: _match_scheduled(tenant_id, bank_account_id, t.id)):
                matched.add(transaction.id)
        except LedgerlineError as exc:
            logger.info("scheduled payment not booked", extra={"transaction_id": transaction.id,
                                                               "reason": str(exc)})
    return matched


def _match_scheduled(tenant_id: str, bank_account_id: str, transaction_id: str) -> bool:
    uow = open_unit(tenant_id)
    uow.prefetch([(BankTransaction, transaction_id)])
    transaction = _load(uow, transaction_id)
    found = _scheduled_of(uow, transaction)
    if found is None or transaction.bank_account_id != bank_account_id:
        return False
    _stage_scheduled(uow, tenant_id, transaction, *found, exchange_rate=None)
    uow.commit()
    return True


def _scheduled_of(uow: UnitOfWork, transaction: BankTransaction) -> tuple[Any, Any] | None:
    """The payment run and its scheduled payment an unmatched debit books: its end-to-end id names it, and it
    is of the same amount, currency and bank account; else None."""
    if transaction.status != "unmatched" or transaction.amount >= 0:
        return None
    found = payment_run_bookings.scheduled_for(uow, transaction.end_to_end_id)
    if found is None:
        return None
    run, scheduled = found
    if (run.bank_account_id != transaction.bank_account_id or run.currency != transaction.currency
            or scheduled.amount != -transaction.amount):
        return None
    return run, scheduled


def _stage_scheduled(uow: UnitOfWork, tenant_id: str, transaction: BankTransaction, run: Any, scheduled: Any, *,
                     exchange_rate: Decimal | None) -> None:
    """Stage the booking of a run's scheduled payment: the supplier payment of that bill (its scheduled amount
    released), the run's payment `booked` and the transaction `matched`."""
    status = life_cycle.match(transaction.status)
    tenant = uow.tenant()
    rate = exchange_rate  # a foreign-currency run's payment takes the rate of its booking date by default
    if rate is None and transaction.currency != tenant.base_currency:
        rate = exchange_rates.rate_on(uow, tenant, transaction.currency, transaction.date, None).conversion.rate
    payment = _stage_money_out(uow, tenant_id, transaction, status,
                               {"allocations": [{"bill_id": scheduled.bill_id, "amount": scheduled.amount}],
                                "exchange_rate": rate},
                               releasing=frozenset({scheduled.bill_id}))
    payment_run_bookings.stage_booking(uow, run, scheduled, supplier_payment_id=payment.id,
                               bank_transaction_id=transaction.id, day=transaction.date)


def _auto_match_in(tenant_id: str, bank_account_id: str, transaction_ids: list[str]) -> list[str]:
    """Money in: each transaction whose structured reference is exactly one open invoice's is matched and its
    receipt posted. The transactions are read `MATCH_STEP` at a time, so every one of a statement of any size is
    seen. A reference is looked up through its pointer (the invoice that printed it: indexed); only one without
    a pointer (an RF/QR reference derived from an invoice number) is looked for among the open invoices of its
    currency, read once per import and only then."""
    scanned: dict[str, list[matching.OpenInvoice]] = {}
    paid: dict[str, Decimal] = {}  # what this run matched to each invoice: no longer open
    matched: list[str] = []
    for step in in_steps(transaction_ids):
        uow = open_unit(tenant_id)
        uow.prefetch([(BankTransaction, tid) for tid in step])
        candidates = [t for tid in step if (t := uow.find(BankTransaction, tid)) is not None
                      and t.status == "unmatched" and t.amount > 0 and t.reference]
        if not candidates:
            continue
        by_reference = invoices_by_reference(uow, [t.reference for t in candidates])
        for transaction in candidates:
            printed = by_reference.get(compact(transaction.reference or ""))
            if printed is not None:
                pool = [_open(printed)]
            else:
                if transaction.currency not in scanned:
                    scanned[transaction.currency] = [_open(i) for i in uow.open_invoices(transaction.currency)]
                pool = scanned[transaction.currency]
            pool = [i if i.id not in paid else matching.OpenInvoice(
                i.id, i.number, i.customer_id, i.customer_name, i.currency, i.amount_due - paid[i.id], i.due_date,
                i.payment_reference) for i in pool]
            certain = matching.certain_match(_facts(transaction), pool)
            if certain is None:
                continue
            try:
                retrying(lambda t=transaction, c=certain: _match(
                    tenant_id, t.id, {"allocations": [{"invoice_id": c.invoice_id}]}))
            except LedgerlineError as exc:
                logger.info("bank transaction not matched automatically", extra={
                    "transaction_id": transaction.id, "reason": str(exc)})
                continue
            matched.append(transaction.id)
            # what it paid is no longer open: the next one with the same reference finds nothing to pay
            paid[certain.invoice_id] = paid.get(certain.invoice_id, Decimal(0)) + certain.amount
    return matched


# ------------------------------------------------------------------------------------ book


def book(tenant_id: str, transaction_id: str, fields: dict[str, Any],
         idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "book_bank_transaction", {"id": transaction_id, **fields},
                lambda: retrying(lambda: _book(tenant_id, transaction_id, fields)), in_unit=True)


def book_by_rule(tenant_id: str, transaction_id: str, fields: dict[str, Any], rule_id: str) -> dict[str, Any]:
    """A bank rule's booking on import (services/bank_rules.apply): no Idempotency-Key, the rule named."""
    return retrying(lambda: _book(tenant_id, transaction_id, fields, rule_id=rule_id))


def _book(tenant_id: str, transaction_id: str, fields: dict[str, Any], *, rule_id: str | None = None) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    uow.prefetch([(BankTransaction, transaction_id), (Account, fields["account_id"]),
                  *([(TaxCode, fields["tax_code_id"])] if fields.get("tax_code_id") else [])])
    transaction = _load(uow, transaction_id)
    status = life_cycle.match(transaction.status)
    tenant = uow.tenant()
    open_period(tenant, transaction.date)
    bank = uow.load(BankAccount, transaction.bank_account_id)
    target = uow.find(Account, fields["account_id"])
    if target is None or target.archived:
        raise invalid("account_id", f"no active account with id '{fields['account_id']}'")
    if target.id == bank.account_id:
        raise invalid("account_id", "is this bank account's own ledger account")
    if target.currency and target.currency != transaction.currency:  # issue 16, part V
        raise invalid("account_id", f"the account is kept in {target.currency}: a transaction in "
                                    f"{transaction.currency} does not say its {target.currency} amount (book the "
                                    f"transfer from the {target.currency} account's transaction)")
    other: BankTransaction | None = None
    other_account: BankAccount | None = None
    if target.subtype == "bank":
        other_account, other = _other_side(tenant_id, uow, transaction, target.id)
    tax = _booking_tax(uow, tenant, fields.get("tax_code_id"), transaction)
    rate = conversion(tenant, transaction.currency, fields.get("exchange_rate"))
    now = utc_now()
    description = fields.get("description") or transaction.remittance_information or (
        f"Bank transaction {transaction.counterparty_name or ''}".strip())
    description = description[:500]
    entry = JournalEntry.new(tenant_id, transaction.date, rate, source_type="bank_transaction",
                             source_id=transaction.id, description=description, at=now)
    booked = booking.booking_lines(bank_account=bank.account_id, account=target.id, amount=transaction.amount,
                                   conversion=rate, description=description, tax=tax)
    tax_lines = _tax_lines(tax.tax_code_id, booked.direction, booked.taxable, booked.tax) if tax else None
    uow.post_entry(entry, booked.lines, tax_lines)
    if tax is not None:
        transaction.tax_code_id, transaction.tax_direction = tax.tax_code_id, booked.direction
        transaction.booked_taxable, transaction.booked_tax = booked.taxable, booked.tax
    transaction.status, transaction.matched_by, transaction.journal_entry_id = status, "booking", entry.id
    transaction.rule_id = rule_id
    transaction.matched_at = transaction.updated_at = now
    if other_account is not None:
        transaction.transfer_bank_account_id = other_account.id
        if other is None:  # its statement has not shown it yet: the import into it matches it
            uow.create(PendingTransfer.new(tenant_id, other_account.id, transaction.id, -transaction.amount,
                                           transaction.date))
    if other is not None:
        other.status = life_cycle.match(other.status)
        other.matched_by, other.journal_entry_id, other.transfer_transaction_id = "transfer", entry.id, transaction.id
        other.matched_at = other.updated_at = now
        transaction.transfer_transaction_id = other.id
        uow.save_if_unchanged(other)
        uow.record_event(EventType.BANK_TRANSACTION_MATCHED, other, BankTransactionOut)
    uow.save_if_unchanged(transaction)
    uow.record_event(EventType.BANK_TRANSACTION_BOOKED, transaction, BankTransactionOut)
    uow.respond(BankTransactionOut, transaction)
    uow.commit()
    return _represent(transaction)


def _booking_tax(uow: UnitOfWork, tenant: Any, tax_code_id: str | None,
                 transaction: BankTransaction) -> booking.BookingTax | None:
    if not tax_code_id:
        return None
    code = uow.find(TaxCode, tax_code_id)
    if code is None or code.archived or not code.active:
        raise invalid("tax_code_id", f"no active tax code with id '{tax_code_id}'")
    if (code.valid_from and transaction.date < code.valid_from) or (code.valid_to and transaction.date > code.valid_to):
        raise invalid("tax_code_id", f"is not valid on {transaction.date.isoformat()}")
    money_out = transaction.amount < 0
    if reason := direction_error(code, PURCHASES if money_out else SALES):
        raise invalid("tax_code_id", reason)
    open_tax_period(tenant, transaction.date)
    account_id = code.account_id
    if money_out:  # input tax: the code's input account, else the tenant's (as bills do)
        account_id = code.input_account_id or tenant_input_tax(tenant) or code.account_id
    return booking.BookingTax(code.id, code.rate, account_id)


def _tax_lines(tax_code_id: str, direction: str, taxable: Decimal, tax: Decimal, sign: int = 1) -> dict[str, Any]:
    return {tax_key(tax_code_id, direction): (sign * taxable, sign * tax)}


def _other_side(tenant_id: str, uow: UnitOfWork, transaction: BankTransaction,
                ledger_account_id: str) -> tuple[BankAccount | None, BankTransaction | None]:
    """The tenant's bank account whose ledger account that is, and its unmatched transaction of the opposite
    amount within a few days if it has imported it (None, None: the booking is no transfer)."""
    accounts = bank_store.list_bank_accounts(tenant_id, archived=False, limit=100, start_key=None).items
    account = next((a for a in accounts if a.account_id == ledger_account_id), None)
    if account is None:
        return None, None
    window = timedelta(days=TRANSFER_DAYS)
    page = bank_store.list_bank_transactions(
        tenant_id, status="unmatched", bank_account_id=account.id, from_date=transaction.date - window,
        to_date=transaction.date + window, limit=100, start_key=None)
    found = sorted((t for t in page.items if t.amount == -transaction.amount and t.currency == transaction.currency),
                   key=lambda t: (abs((t.date - transaction.date).days), t.id))
    if not found:
        return account, None
    other = uow.find(BankTransaction, found[0].id)  # consistently, on its version
    return account, (other if other is not None and other.status == "unmatched" else None)


def match_transfers(tenant_id: str, bank_account_id: str, transaction_ids: list[str]) -> list[str]:
    """After an import: each transfer booked to this bank account before its statement showed it matches the
    new transaction of that amount (the nearest date within a few days) to the same entry. The ids matched."""
    uow = open_unit(tenant_id)
    pending = uow.pending_transfers(bank_account_id)
    if not pending:
        return []
    new: list[BankTransaction] = []
    for step in in_steps(transaction_ids):  # read a step at a time: a statement of any size is seen whole
        uow.prefetch([(BankTransaction, tid) for tid in step])
        new += [t for tid in step if (t := uow.find(BankTransaction, tid)) is not None]
    matched: list[str] = []
    for transfer in sorted(pending, key=lambda p: (p.date, p.transaction_id)):
        window = timedelta(days=TRANSFER_DAYS)
        candidates = sorted((t for t in new if t.status == "unmatched" and t.id not in matched
                             and t.amount == transfer.amount and abs(t.date - transfer.date) <= window),
                            key=lambda t: (abs((t.date - transfer.date).days), t.id))
        if not candidates:
            continue
        try:
            retrying(lambda c=candidates[0], p=transfer: _match_transfer(tenant_id, bank_account_id, p, c.id))
        except LedgerlineError as exc:
            logger.info("transfer not matched on import", extra={"transaction_id": candidates[0].id,
                                                                 "reason": str(exc)})
            continue
        matched.append(candidates[0].id)
    return matched


def _match_transfer(tenant_id: str, bank_account_id: str, transfer: PendingTransfer, transaction_id: str) -> None:
    uow = open_unit(tenant_id)
    uow.prefetch([(BankTransaction, transaction_id), (BankTransaction, transfer.transaction_id)],
                 at=[PendingTransfer.at(tenant_id, bank_account_id, transfer.transaction_id)])
    pending = uow.find_at(PendingTransfer, PendingTransfer.at(tenant_id, bank_account_id, transfer.transaction_id))
    booked = uow.find(BankTransaction, transfer.transaction_id)
    other = _load(uow, transaction_id)
    if pending is None or booked is None or booked.matched_by != "booking" or booked.transfer_transaction_id:
        return  # unmatched (or matched) meanwhile
    now = utc_now()
    other.status = life_cycle.match(other.status)
    other.matched_by, other.journal_entry_id, other.transfer_transaction_id = "transfer", booked.journal_entry_id, \
        booked.id
    other.transfer_bank_account_id = booked.bank_account_id
    other.matched_at = other.updated_at = now
    booked.transfer_transaction_id, booked.updated_at = other.id, now
    uow.delete(pending)
    uow.save_if_unchanged(other)
    uow.save_if_unchanged(booked)
    uow.record_event(EventType.BANK_TRANSACTION_MATCHED, other, BankTransactionOut)
    uow.commit()


# ------------------------------------------------------------------------------------ unmatch


def unmatch(tenant_id: str, transaction_id: str, fields: dict[str, Any],
            idempotency_key: str | None = None) -> dict[str, Any]:
    payload = {"id": transaction_id, "date": str(fields.get("date"))}
    return once(tenant_id, idempotency_key, "unmatch_bank_transaction", payload,
                lambda: retrying(lambda: _unmatch(tenant_id, transaction_id, fields.get("date"))), in_unit=True)


def _unmatch(tenant_id: str, transaction_id: str, day: date | None) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    uow.prefetch([(BankTransaction, transaction_id)])
    transaction = _load(uow, transaction_id)
    status = life_cycle.unmatch(transaction.status)
    day = day or transaction.date
    now = utc_now()
    other: BankTransaction | None = None
    if transaction.matched_by == "receipt" and transaction.receipt_id:
        uow.prefetch([(Receipt, transaction.receipt_id)])
        if uow.load(Receipt, transaction.receipt_id).status != "reversed":  # reversed by itself: nothing to undo
            receipts.stage_reversal(uow, tenant_id, transaction.receipt_id, day)
    elif transaction.matched_by == "supplier_payment" and transaction.supplier_payment_id:
        uow.prefetch([(SupplierPayment, transaction.supplier_payment_id)])
        if uow.load(SupplierPayment, transaction.supplier_payment_id).status != "reversed":
            booked = payment_run_bookings.booked_by(uow, transaction.end_to_end_id, transaction.id)
            supplier_payments.stage_reversal(uow, tenant_id, transaction.supplier_payment_id, day,
                                             rescheduling=frozenset({booked[1].bill_id}) if booked else frozenset())
            if booked is not None:  # a payment run's transfer: scheduled again, as before the statement
                payment_run_bookings.stage_unbooking(uow, *booked)
    elif transaction.journal_entry_id:
        tenant = uow.tenant()
        open_period(tenant, day)
        booked = uow.load(JournalEntry, transaction.journal_entry_id)
        rate = conversion(tenant, booked.currency, booked.exchange_rate if booked.exchange_rate != 1 else None)
        entry = JournalEntry.new(tenant_id, day, rate, source_type="bank_transaction_reversal",
                                 source_id=transaction.id, description=f"Reversal of {booked.description or ''}"[:500],
                                 at=now)
        tax_lines = None
        if transaction.tax_code_id and transaction.tax_direction:
            tax_lines = _tax_lines(transaction.tax_code_id, transaction.tax_direction,
                                   transaction.booked_taxable or Decimal(0), transaction.booked_tax or Decimal(0),
                                   sign=-1)
            open_tax_period(tenant, day)
        uow.post_entry(entry, reversed_lines(booked.journal_lines()), tax_lines)
        if transaction.transfer_transaction_id:
            other = uow.find(BankTransaction, transaction.transfer_transaction_id)
        elif transaction.transfer_bank_account_id:  # booked before the other side was imported
            pending = uow.find_at(PendingTransfer, PendingTransfer.at(
                tenant_id, transaction.transfer_bank_account_id, transaction.id))
            if pending is not None:
                uow.delete(pending)
    transaction.status = status
    transaction.matched_by = transaction.receipt_id = transaction.journal_entry_id = None
    transaction.supplier_payment_id = None
    transaction.tax_code_id = transaction.tax_direction = transaction.rule_id = None
    transaction.transfer_bank_account_id = None
    transaction.booked_taxable = transaction.booked_tax = None
    transaction.transfer_transaction_id = transaction.matched_at = None
    transaction.updated_at = now
    if other is not None and other.status == "matched":
        other.status = "unmatched"
        other.matched_by = other.receipt_id = other.journal_entry_id = None
        other.transfer_transaction_id = other.matched_at = other.transfer_bank_account_id = None
        other.updated_at = now
        uow.save_if_unchanged(other)
        uow.record_event(EventType.BANK_TRANSACTION_UNMATCHED, other, BankTransactionOut)
    uow.save_if_unchanged(transaction)
    uow.record_event(EventType.BANK_TRANSACTION_UNMATCHED, transaction, BankTransactionOut)
    uow.respond(BankTransactionOut, transaction)
    uow.commit()
    return _represent(transaction)


# ------------------------------------------------------------------------------------ reconciliation


def reconciliation(tenant_id: str, bank_account_id: str, as_of: date | None) -> dict[str, Any]:
    """The bank's balance on `as_of` (default today) against the ledger's, and what explains the difference
    (domain/banking/reconciliation.py)."""
    uow = open_unit(tenant_id)
    account = uow.load(BankAccount, bank_account_id)  # another tenant's: 404
    tenant = uow.tenant()
    day = as_of or today()
    bank_balance, bank_date, statement_id = _bank_balance(tenant_id, account, day)
    debit, credit = uow.balances_as_of(day).get(account.account_id, (Decimal(0), Decimal(0)))
    ledger_balance = debit - credit
    in_currency: Decimal | None = None  # a foreign bank account's ledger balance in its currency (part V)
    if account.currency != tenant.base_currency:
        kept = uow.find(Account, account.account_id)
        if kept is not None and kept.currency == account.currency:
            held = uow.foreign_balances_as_of(day).get(account.account_id)
            in_currency = held[1] if held is not None else Decimal(0)
    totals = {status: _total(tenant_id, account.id, status, day) for status in ("unmatched", "ignored")}
    explained = rules.explain(bank_balance=bank_balance,
                              ledger_balance=ledger_balance if in_currency is None else in_currency,
                              unmatched=totals["unmatched"][1], ignored=totals["ignored"][1],
                              comparable=account.currency == tenant.base_currency or in_currency is not None)
    return BankReconciliationOut(
        bank_account_id=account.id, as_of=day, currency=account.currency, base_currency=tenant.base_currency,
        bank_balance=bank_balance, bank_balance_date=bank_date, statement_id=statement_id,
        ledger_balance=ledger_balance, ledger_balance_in_currency=in_currency, difference=explained.difference,
        unmatched={"count": totals["unmatched"][0], "total": totals["unmatched"][1]},
        ignored={"count": totals["ignored"][0], "total": totals["ignored"][1]},
        explained=explained.explained, unexplained=explained.unexplained).model_dump(mode="json")


def _bank_balance(tenant_id: str, account: BankAccount, day: date) -> tuple[Decimal | None, date | None, str | None]:
    """The latest statement's closing balance up to `day`; before any, the opening balance (if dated by then)."""
    if account.statement_date is not None and account.statement_date <= day:  # the latest one will do
        return account.statement_balance, account.statement_date, account.last_statement_id
    best: tuple[date, Decimal, str] | None = None
    start_key = None
    while True:
        page = bank_store.list_bank_statements(tenant_id, bank_account_id=account.id, limit=100,
                                               start_key=start_key)
        for statement in page.items:
            on = statement.to_date
            if statement.closing_balance is not None and on is not None and on <= day and (
                    best is None or on >= best[0]):
                best = (on, statement.closing_balance, statement.id)
        if page.next_key is None:
            break
        start_key = page.next_key
    if best is not None:
        return best[1], best[0], best[2]
    if account.opening_date is not None and account.opening_date <= day:
        return account.opening_balance, account.opening_date, None
    return None, None, None


def _total(tenant_id: str, bank_account_id: str, status: str, day: date) -> tuple[int, Decimal]:
    count, total, start_key = 0, Decimal(0), None
    while True:
        page = bank_store.list_bank_transactions(tenant_id, status=status, bank_account_id=bank_account_id,
                                                 from_date=None, to_date=day, limit=100, start_key=start_key)
        count += len(page.items)
        total += sum((t.amount for t in page.items), Decimal(0))
        if page.next_key is None:
            return count, total
        start_key = page.next_key
