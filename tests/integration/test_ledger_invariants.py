"""Random sequences of invoices, receipts, credit notes, refunds, voids and manual entries keep the books whole.

After every step: debits equal credits; receivable equals what open invoices still owe; customer
credit equals the unallocated money on receipts and credit notes (never negative) and what the customer's
balance shows; nothing owes a negative amount. Purchases (issue 15): bills (partly recoverable or reverse-charge
tax too) posted and voided, expenses posted and reversed, supplier payments (part, in full, with a prepayment)
made and reversed, supplier credit notes (their excess applied to bills and refunded); payable equals what
posted bills still owe, aged payables add up to it, and supplier prepayments (1400) equal what posted supplier
payments and supplier credit notes hold unallocated.
"""

from __future__ import annotations

import contextlib
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from ledgerline.clock import today
from ledgerline.domain.errors import LedgerlineError
from ledgerline.services import (
    bills,
    credit_notes,
    expenses,
    invoices,
    journal_entries,
    master_data,
    receipts,
    reports,
    supplier_credit_notes,
    supplier_payments,
)
from ledgerline.services.party_balances import balance as party_balance
from ledgerline.services.refunds import create as create_refund
from ledgerline.services.refunds import reverse as reverse_refund
from ledgerline.services.tenants import create_tenant
from ledgerline.store.accounts import all_accounts
from ledgerline.store.bills import Bill, SupplierCreditNote, SupplierPayment
from ledgerline.store.documents import CreditNote, Invoice, Receipt, list_documents
from ledgerline.store.parties import Party
from ledgerline.store.records import load
from ledgerline.store.tax_codes import list_tax_codes

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2, allow_nan=False,
                     allow_infinity=False)
fractions = st.sampled_from([Decimal("0.25"), Decimal("0.5"), Decimal("1"), Decimal("1.2")])


def _all(model, tenant_id):
    return list_documents(model, tenant_id, from_date=None, to_date=None, limit=1000,
                          start_key=None).items


class Books(RuleBasedStateMachine):
    invoices = Bundle("invoices")
    paid_by = Bundle("receipts")
    manual = Bundle("manual")
    refunded = Bundle("refunds")
    bills_made = Bundle("bills")
    expenses_made = Bundle("expenses")
    supplier_paid = Bundle("supplier_payments")
    supplier_credited = Bundle("supplier_credit_notes")

    @initialize()
    def open_books(self) -> None:
        tenant, _ = create_tenant(name="Invariant Ltd", base_currency="AUD", country="AU")
        self.tenant = tenant.id
        self.accounts = {account.code: account.id for account in all_accounts(tenant.id)}
        self.customer = master_data.create(Party, tenant.id, {"name": "Customer", "kind": "customer"}).id
        self.gst = next(t.id for t in list_tax_codes(tenant.id, active=None, archived=False, limit=10,
                                                     start_key=None).items if t.code == "GST10")
        self.supplier = master_data.create(Party, tenant.id, {"name": "Supplier", "kind": "supplier"}).id
        self.purchase_codes = [self.gst, None,
                               master_data.create("tax_code", tenant.id, {"code": "MEALS", "name": "Meals",
                                                  "rate": Decimal(10),
                                                  "recoverable_percent": Decimal(50)}).id,
                               master_data.create("tax_code", tenant.id, {"code": "RC", "name": "Reverse charge",
                                                  "rate": Decimal(10), "category": "AE"}).id]
        self.references = 0

    @rule(target=bills_made, price=prices, code=st.integers(0, 3), quantity=st.integers(1, 5))
    def post_bill(self, price, code, quantity):
        self.references += 1
        draft = bills.create_draft(self.tenant, {
            "supplier_id": self.supplier, "supplier_reference": f"R-{self.references}", "lines": [
                {"description": "Supplies", "quantity": Decimal(quantity), "unit_price": price,
                 "account_id": self.accounts["6000"], "tax_code_id": self.purchase_codes[code]}]})
        return bills.post(self.tenant, draft["id"])["id"]

    @rule(bill=bills_made)
    def void_bill(self, bill):
        try:
            bills.void(self.tenant, bill, None)
        except LedgerlineError:
            # refused only when voided already, or while payments or credit notes settle part of it
            stored = load(Bill, self.tenant, bill)
            assert stored.status == "voided" or stored.amount_due < stored.total, (stored.status, stored.amount_due)

    @rule(target=expenses_made, price=prices, code=st.integers(0, 3))
    def pay_expense(self, price, code):
        return expenses.create(self.tenant, {
            "payee_name": "Shop", "paid_from_account_id": self.accounts["1000"], "lines": [
                {"description": "Things", "quantity": Decimal(1), "unit_price": price,
                 "account_id": self.accounts["6000"], "tax_code_id": self.purchase_codes[code]}]})["id"]

    @rule(expense=expenses_made)
    def reverse_expense(self, expense):
        with contextlib.suppress(LedgerlineError):  # reversed already
            expenses.reverse(self.tenant, expense, None)

    @rule(target=supplier_paid, bill=bills_made, fraction=fractions, extra=st.sampled_from([Decimal(0),
                                                                                         Decimal("25.00")]))
    def pay_bill(self, bill, fraction, extra):
        """Part or all of what a bill owes (more than it owes is refused), plus a prepayment sometimes."""
        due = load(Bill, self.tenant, bill).amount_due
        allocation = (due * fraction).quantize(Decimal("0.01"))
        if allocation <= 0:
            return None
        try:  # noqa: SIM105 - the rule may be refused; the invariants must hold either way
            return supplier_payments.create(self.tenant, {
                "supplier_id": self.supplier, "amount": allocation + extra, "account_id": self.accounts["1010"],
                "allocations": [{"bill_id": bill, "amount": allocation}]})["id"]
        except LedgerlineError:  # voided, paid, or more than it owes: refused, nothing written
            return None

    @rule(payment=supplier_paid, bill=bills_made)
    def use_prepayment(self, payment, bill):
        if payment is None:
            return
        held = load(SupplierPayment, self.tenant, payment).unallocated_amount
        amount = min(held, load(Bill, self.tenant, bill).amount_due)
        if amount <= 0:
            return
        with contextlib.suppress(LedgerlineError):  # reversed, or the bill is voided or paid: refused
            supplier_payments.allocate(self.tenant, payment, {"allocations": [{"bill_id": bill, "amount": amount}]})

    @rule(target=supplier_credited, bill=bills_made, amount=prices)
    def credit_bill(self, bill, amount):
        try:
            return supplier_credit_notes.create(self.tenant, {"bill_id": bill, "amount": amount})["id"]
        except LedgerlineError:  # a voided bill: refused, nothing written
            return None

    @rule(note=supplier_credited, bill=bills_made)
    def use_credit_note_excess(self, note, bill):
        if note is None:
            return
        held = load(SupplierCreditNote, self.tenant, note).unallocated_amount
        amount = min(held, load(Bill, self.tenant, bill).amount_due)
        if amount <= 0:
            return
        with contextlib.suppress(LedgerlineError):  # the bill is voided or paid: refused
            supplier_credit_notes.allocate(self.tenant, note, {"allocations": [{"bill_id": bill, "amount": amount}]})

    @rule(note=supplier_credited, part=fractions)
    def supplier_refunds_credit_note_excess(self, note, part):
        if note is None:
            return
        held = load(SupplierCreditNote, self.tenant, note).unallocated_amount
        amount = (held * min(part, Decimal(1))).quantize(Decimal("0.01"))
        if amount > 0:
            supplier_credit_notes.refund(self.tenant, note, {"amount": amount, "account_id": self.accounts["1010"]})

    @rule(payment=supplier_paid)
    def supplier_refunds(self, payment):
        if payment is None:
            return
        held = load(SupplierPayment, self.tenant, payment).unallocated_amount
        if held > 0:
            with contextlib.suppress(LedgerlineError):  # reversed: refused
                supplier_payments.refund(self.tenant, payment, {"amount": held, "account_id": self.accounts["1010"]})

    @rule(payment=supplier_paid)
    def reverse_supplier_payment(self, payment):
        if payment is None:
            return
        with contextlib.suppress(LedgerlineError):  # reversed already
            supplier_payments.reverse(self.tenant, payment, None)

    @rule(target=invoices, price=prices, taxed=st.booleans(), quantity=st.integers(1, 5))
    def post_invoice(self, price, taxed, quantity):
        draft = invoices.create_draft(self.tenant, {"customer_id": self.customer, "lines": [
            {"description": "Work", "quantity": Decimal(quantity), "unit_price": price,
             "tax_code_id": self.gst if taxed else None}]})
        return invoices.post(self.tenant, draft["id"])["id"]

    @rule(target=paid_by, invoice=invoices, fraction=fractions)
    def pay(self, invoice, fraction):
        due = self._invoice(invoice).amount_due
        amount = (due * fraction).quantize(Decimal("0.01"))
        allocation = min(amount, due)
        if amount <= 0:
            return None
        body = {"customer_id": self.customer, "amount": amount, "account_id": self.accounts["1010"],
                "allocations": [{"invoice_id": invoice, "amount": allocation}] if allocation > 0 else []}
        try:  # noqa: SIM105 - the rule may be refused; the invariants must hold either way
            return receipts.create(self.tenant, body)["id"]
        except LedgerlineError:  # the invoice was voided or is paid: refused, nothing written
            return None

    @rule(invoice=invoices, amount=prices)
    def credit(self, invoice, amount):
        try:  # noqa: SIM105 - the rule may be refused; the invariants must hold either way
            credit_notes.create(self.tenant, {"invoice_id": invoice, "amount": amount})
        except LedgerlineError:
            pass

    @rule(invoice=invoices)
    def void(self, invoice):
        try:  # noqa: SIM105 - the rule may be refused; the invariants must hold either way
            invoices.void(self.tenant, invoice, None)
        except LedgerlineError:
            pass

    @rule(receipt=paid_by)
    def reverse_receipt(self, receipt):
        if receipt is None:
            return
        try:  # noqa: SIM105 - the rule may be refused; the invariants must hold either way
            receipts.reverse(self.tenant, receipt, None)
        except LedgerlineError:
            pass

    @rule(target=refunded, amount=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("800"), places=2))
    def pay_back_credit(self, amount):
        try:  # the customer may not hold that much credit: refused, nothing written
            return create_refund(self.tenant, {"customer_id": self.customer, "amount": amount,
                                               "account_id": self.accounts["1010"]})["id"]
        except LedgerlineError:
            return None

    @rule(refund=refunded)
    def reverse_a_refund(self, refund):
        if refund is None:
            return
        try:  # noqa: SIM105 - the rule may be refused; the invariants must hold either way
            reverse_refund(self.tenant, refund, None)
        except LedgerlineError:
            pass

    @rule(target=manual, amount=prices)
    def manual_entry(self, amount):
        return journal_entries.create(self.tenant, {"description": "Capital", "lines": [
            {"account_id": self.accounts["1010"], "debit": amount},
            {"account_id": self.accounts["3000"], "credit": amount}]})["id"]

    @rule(entry=manual)
    def reverse_manual(self, entry):
        try:  # noqa: SIM105 - the rule may be refused; the invariants must hold either way
            journal_entries.reverse(self.tenant, entry, None)
        except LedgerlineError:
            pass

    def _invoice(self, invoice_id):
        return load(Invoice, self.tenant, invoice_id)

    @invariant()
    def books_balance(self) -> None:
        if not hasattr(self, "tenant"):
            return
        trial = reports.trial_balance.report(self.tenant, today()).model_dump(by_alias=True)
        assert trial["total_debit"] == trial["total_credit"]
        balance = {row["code"]: row["balance"] for row in trial["accounts"]}
        open_due = sum((i.amount_due for i in _all(Invoice, self.tenant) if i.status != "draft"), Decimal(0))
        assert all(i.amount_due >= 0 for i in _all(Invoice, self.tenant))
        assert balance.get("1100", Decimal(0)) == open_due
        credit = sum((r.unallocated_amount for r in _all(Receipt, self.tenant) if r.status == "posted"), Decimal(0))
        credit += sum((n.unallocated_amount for n in _all(CreditNote, self.tenant)), Decimal(0))
        assert -balance.get("2100", Decimal(0)) == credit
        assert all(r.unallocated_amount >= 0 for r in _all(Receipt, self.tenant))
        assert all(n.unallocated_amount >= 0 for n in _all(CreditNote, self.tenant))
        party = party_balance(self.tenant, self.customer)
        assert (Decimal(party["credit"]), Decimal(party["receivable"])) == (credit, open_due)
        owed = sum((b.amount_due for b in _all(Bill, self.tenant) if b.status != "draft"), Decimal(0))
        assert -balance.get("2000", Decimal(0)) == owed
        aged = reports.aged_payables.report(self.tenant, today())
        assert aged.totals.total == aged.payable_balance == owed
        assert all(b.amount_due >= 0 for b in _all(Bill, self.tenant))
        prepaid = sum((p.unallocated_amount for p in _all(SupplierPayment, self.tenant) if p.status == "posted"),
                      Decimal(0))
        prepaid += sum((n.unallocated_amount for n in _all(SupplierCreditNote, self.tenant)), Decimal(0))
        assert all(n.unallocated_amount >= 0 for n in _all(SupplierCreditNote, self.tenant))
        assert balance.get("1400", Decimal(0)) == prepaid


Books.TestCase.settings = settings(max_examples=10, stateful_step_count=12, deadline=None,
                                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
test_ledger_invariants = Books.TestCase
