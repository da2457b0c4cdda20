"""Reconciliation driven by Hypothesis on the in-memory unit of work (issue 16): whatever is matched, booked,
unmatched, ignored and unignored, in whatever order, the bank's ledger account holds exactly the matched
transactions, every matched one has exactly what matched it, the receipts (and, for money out, the supplier
payments) of unmatched ones are reversed, what invoices and bills owe follows, and the books balance."""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from ledgerline.domain.banking.matching import references_for_number
from ledgerline.domain.errors import LedgerlineError
from ledgerline.pdf import blobs
from ledgerline.pdf.blobs import MemoryBlobStore
from ledgerline.services import (
    bank_accounts,
    bank_reconciliation,
    bank_statements,
    bank_transactions,
    bills,
    invoices,
)
from ledgerline.store.banking import BankTransaction
from ledgerline.store.bills import Bill, SupplierPayment
from ledgerline.store.documents import Invoice, Receipt
from ledgerline.store.parties import Party
from ledgerline.store.unit_of_work import open_unit, using
from tests.camt_builder import Entry, camt053
from tests.unit.services.conftest import fresh_books

TODAY = date.today()


class ReconciliationMachine(RuleBasedStateMachine):
    @initialize()
    def books_with_a_statement(self) -> None:
        self.context = fresh_books()
        self.books = self.context.__enter__()
        self.using = using(self.books.table.unit)
        self.using.__enter__()
        blobs.use(MemoryBlobStore())
        books = self.books
        line = {"description": "Work", "quantity": D(1), "unit_price": D(100), "account_id": books.accounts["4000"],
                "tax_code_id": books.tax_codes["GST10"]}  # 110.00 each
        self.invoices = []
        for _ in range(3):
            draft = invoices.create_draft(books.tenant_id, {"customer_id": books.customer_id,
                                                            "issue_date": TODAY - timedelta(days=5), "lines": [line]})
            self.invoices.append(invoices.post(books.tenant_id, draft["id"]))
        now = datetime(2026, 1, 5, tzinfo=UTC)
        books.table.put(Party(id="pty_s", tenant_id=books.tenant_id, name="Supplier", kind="supplier",
                              archived=False, created_at=now, updated_at=now))
        self.bills = []
        for number in range(2):  # 22.00 each (money out pays them)
            body = {"supplier_id": "pty_s", "supplier_reference": f"R-{number}", "bill_date": TODAY - timedelta(days=5),
                    "lines": [{"description": "Rent", "quantity": D(1), "unit_price": D(20),
                               "account_id": books.accounts["6000"], "tax_code_id": books.tax_codes["GST10"]}]}
            self.bills.append(bills.post(books.tenant_id, bills.create_draft(books.tenant_id, body)["id"]))
        self.account = bank_accounts.create(books.tenant_id, {"name": "Main"})
        self.expense = next(a for code, a in sorted(books.accounts.items()) if code.startswith("6"))
        rf = next(r for r in references_for_number(self.invoices[0]["number"]) if r.startswith("RF"))
        day = TODAY.isoformat()
        content = camt053([Entry("110.00", day, reference=rf), Entry("50.00", day, name="Customer"),
                           Entry("200.00", day, name="Customer"), Entry("-12.00", day, text="fee"),
                           Entry("-30.00", day, text="interest")], currency="AUD")
        result = bank_statements.import_statement(books.tenant_id, self.account["id"], content, file_name=None,
                                                  fmt=None)
        self.ids = result["transaction_ids"]

    def teardown(self) -> None:
        if hasattr(self, "using"):
            blobs.use(None)
            self.using.__exit__(None, None, None)
            self.context.__exit__(None, None, None)

    def transaction(self, index: int) -> BankTransaction:
        return open_unit(self.books.tenant_id).load(BankTransaction, self.ids[index % len(self.ids)])

    @rule(index=st.integers(0, 4), which=st.lists(st.integers(0, 2), min_size=0, max_size=3, unique=True))
    def match(self, index: int, which: list[int]) -> None:
        body = {"allocations": [{"invoice_id": self.invoices[i]["id"]} for i in which]} if which else {}
        with suppress(LedgerlineError):
            bank_reconciliation.match(self.books.tenant_id, self.transaction(index).id, body)

    @rule(index=st.integers(3, 4), which=st.lists(st.integers(0, 1), min_size=0, max_size=2, unique=True))
    def match_out(self, index: int, which: list[int]) -> None:
        body = {"allocations": [{"bill_id": self.bills[i]["id"]} for i in which]} if which else {}
        with suppress(LedgerlineError):
            bank_reconciliation.match(self.books.tenant_id, self.transaction(index).id, body)

    @rule(index=st.integers(0, 4))
    def book(self, index: int) -> None:
        with suppress(LedgerlineError):
            bank_reconciliation.book(self.books.tenant_id, self.transaction(index).id, {"account_id": self.expense})

    @rule(index=st.integers(0, 4))
    def unmatch(self, index: int) -> None:
        with suppress(LedgerlineError):
            bank_reconciliation.unmatch(self.books.tenant_id, self.transaction(index).id, {})

    @rule(index=st.integers(0, 4), unignore=st.booleans())
    def ignore(self, index: int, unignore: bool) -> None:
        change = bank_transactions.unignore if unignore else bank_transactions.ignore
        with suppress(LedgerlineError):
            change(self.books.tenant_id, self.transaction(index).id)

    @invariant()
    def the_bank_ledger_holds_exactly_the_matched_transactions(self) -> None:
        if not hasattr(self, "ids"):
            return
        uow = open_unit(self.books.tenant_id)
        transactions = [uow.load(BankTransaction, tid) for tid in self.ids]
        matched = sum((t.amount for t in transactions if t.status == "matched"), D(0))
        balances = self.books.table.balances(self.books.tenant_id)
        assert balances.get(self.account["account_id"], D(0)) == matched
        assert sum(balances.values(), D(0)) == 0  # debits equal credits
        for t in transactions:
            if t.status == "matched":  # exactly one of what matches (a supplier payment for money out)
                assert [t.receipt_id, t.journal_entry_id, t.supplier_payment_id].count(None) == 2
                if t.receipt_id:
                    receipt = uow.load(Receipt, t.receipt_id)
                    assert receipt.status != "reversed" and receipt.amount == t.amount
                if t.supplier_payment_id:
                    payment = uow.load(SupplierPayment, t.supplier_payment_id)
                    assert payment.status != "reversed" and payment.amount == -t.amount
            else:
                assert t.receipt_id is None and t.journal_entry_id is None and t.matched_by is None
                assert t.supplier_payment_id is None
        receipts = [Receipt.from_raw_data(data) for data in self.books.table.items.values()
                    if data.get("GSI1PK", {}).get("S") == f"T#{self.books.tenant_id}#RECEIPTS"]
        live = {r.id for r in receipts if r.status != "reversed"}
        assert live == {t.receipt_id for t in transactions if t.receipt_id}
        for invoice in self.invoices:
            stored = uow.load(Invoice, invoice["id"])
            paid = sum((a.amount for r in receipts if r.id in live for a in r.allocations
                        if a.invoice_id == invoice["id"]), D(0))
            assert stored.amount_due == D("110.00") - paid
        payments = [SupplierPayment.from_raw_data(data) for data in self.books.table.items.values()
                    if data.get("GSI1PK", {}).get("S") == f"T#{self.books.tenant_id}#SUPPLIERPAYMENTS"]
        paying = {p.id for p in payments if p.status != "reversed"}
        assert paying == {t.supplier_payment_id for t in transactions if t.supplier_payment_id}
        for bill in self.bills:
            owed = uow.load(Bill, bill["id"]).amount_due
            assert owed == D("22.00") - sum((a.amount for p in payments if p.id in paying for a in p.allocations
                                             if a.bill_id == bill["id"]), D(0))


ReconciliationMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=12, deadline=None,
                                                   suppress_health_check=[HealthCheck.too_slow])
test_reconciliation_keeps_the_books_and_the_bank_in_step = ReconciliationMachine.TestCase
