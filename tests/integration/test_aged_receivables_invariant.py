"""Random dated invoices, receipts (partial), credit notes, voids, allocations and reversals, in AUD and
USD: at every step, aged receivables as of several dates equal the receivable account at those dates."""

from __future__ import annotations

from contextlib import suppress
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from ledgerline.domain.errors import LedgerlineError
from ledgerline.domain.money import round_money
from ledgerline.services import credit_notes, invoices, master_data, receipts, reports
from ledgerline.services.tenants import create_tenant
from ledgerline.store.accounts import all_accounts
from ledgerline.store.documents import CreditNote, Invoice, Receipt, list_documents
from ledgerline.store.parties import Party
from ledgerline.store.records import load

START = date(2025, 11, 1)
CHECKED = [START - timedelta(days=1), date(2025, 11, 20), date(2025, 12, 10), date(2025, 12, 31), date(2099, 1, 1)]
days = st.integers(0, 60).map(lambda n: START + timedelta(days=n))
prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2, allow_nan=False,
                     allow_infinity=False)
fractions = st.sampled_from([Decimal("0.3333"), Decimal("0.5"), Decimal("1")])


class AgedBooks(RuleBasedStateMachine):
    invoices = Bundle("invoices")
    receipts = Bundle("receipts")

    @initialize()
    def open_books(self) -> None:
        tenant, _ = create_tenant(name="Aged Ltd", base_currency="AUD", country="AU")
        self.tenant = tenant.id
        self.receivable = tenant.system_accounts.receivable
        self.customer_credit = tenant.system_accounts.customer_credit
        self.bank = {account.code: account.id for account in all_accounts(tenant.id)}["1010"]
        self.customers = {
            currency: master_data.create(Party, tenant.id, {"name": currency, "kind": "customer",
                                                            "currency": currency}).id
            for currency in ("AUD", "USD")}

    def _rate(self, currency: str, rate: str) -> dict:
        return {"exchange_rate": Decimal(rate)} if currency == "USD" else {}

    @rule(target=invoices, price=prices, currency=st.sampled_from(["AUD", "USD"]), day=days)
    def post_invoice(self, price, currency, day):
        draft = invoices.create_draft(self.tenant, {
            "customer_id": self.customers[currency], "issue_date": day, "due_date": day + timedelta(days=14),
            "lines": [{"description": "Work", "quantity": Decimal(1), "unit_price": price}],
            **self._rate(currency, "1.3333")})
        return invoices.post(self.tenant, draft["id"])["id"]

    @rule(target=receipts, invoice=invoices, fraction=fractions, later=st.integers(0, 40), extra=st.booleans())
    def pay(self, invoice, fraction, later, extra):
        record = load(Invoice, self.tenant, invoice)
        part = (record.amount_due * fraction).quantize(Decimal("0.01"))
        if part <= 0:
            return None
        body = {"customer_id": record.customer_id, "amount": part + (Decimal("1.00") if extra else 0),
                "account_id": self.bank, "date": record.issue_date + timedelta(days=later),
                "allocations": [{"invoice_id": invoice, "amount": part}], **self._rate(record.currency, "1.4")}
        try:
            return receipts.create(self.tenant, body)["id"]
        except LedgerlineError:
            return None

    @rule(receipt=receipts, invoice=invoices, later=st.integers(0, 20))
    def allocate_credit(self, receipt, invoice, later):
        if receipt is None:
            return
        record = load(Invoice, self.tenant, invoice)
        with suppress(LedgerlineError):  # refused or not: the books must stay whole
            receipts.allocate(self.tenant, receipt, {
                "date": record.issue_date + timedelta(days=later + 30),
                "allocations": [{"invoice_id": invoice, "amount": min(Decimal("1.00"), record.amount_due)}]})

    @rule(invoice=invoices, fraction=fractions, later=st.integers(0, 40))
    def credit(self, invoice, fraction, later):
        record = load(Invoice, self.tenant, invoice)
        amount = (record.subtotal * fraction).quantize(Decimal("0.01"))
        with suppress(LedgerlineError):  # refused or not: the books must stay whole
            credit_notes.create(self.tenant, {"invoice_id": invoice, "amount": amount,
                                              "date": record.issue_date + timedelta(days=later)})

    @rule(invoice=invoices, later=st.integers(0, 40))
    def void(self, invoice, later):
        record = load(Invoice, self.tenant, invoice)
        with suppress(LedgerlineError):  # refused or not: the books must stay whole
            invoices.void(self.tenant, invoice, record.issue_date + timedelta(days=later))

    @rule(receipt=receipts, later=st.integers(0, 40))
    def reverse(self, receipt, later):
        if receipt is None:
            return
        with suppress(LedgerlineError):  # refused or not: the books must stay whole
            receipts.reverse(self.tenant, receipt, START + timedelta(days=later + 20))

    @invariant()
    def aged_receivables_equal_the_receivable_account(self) -> None:
        if not hasattr(self, "tenant"):
            return
        for day in CHECKED:
            report = reports.aged_receivables.report(self.tenant, day).model_dump(by_alias=True)
            debit, credit = reports.balances(self.tenant, day).get(self.receivable, (Decimal(0), Decimal(0)))
            assert report["totals"]["total"] == report["receivable_balance"] == debit - credit, day

    @invariant()
    def customer_credit_is_what_receipts_and_credit_notes_hold(self) -> None:
        """Foreign credit used in pieces leaves no residue: a receipt with nothing unallocated holds 0.00."""
        if not hasattr(self, "tenant"):
            return
        held = Decimal(0)
        for receipt in _all(Receipt, self.tenant):
            if receipt.status == "posted":
                assert receipt.unallocated_amount or not receipt.unallocated_base
                held += receipt.unallocated_base
        for note in _all(CreditNote, self.tenant):
            held += round_money(note.unallocated_amount * note.exchange_rate, "AUD")
        debit, credit = reports.balances(self.tenant, date(2099, 1, 1)).get(self.customer_credit,
                                                                            (Decimal(0), Decimal(0)))
        assert credit - debit == held


def _all(model, tenant_id):
    return list_documents(model, tenant_id, from_date=None, to_date=None, limit=1000,
                          start_key=None).items


AgedBooks.TestCase.settings = settings(max_examples=8, stateful_step_count=12, deadline=None,
                                       suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
test_aged_receivables_equal_the_receivable_account = AgedBooks.TestCase
