"""Bank reconciliation's use cases on the in-memory unit of work (issue 16): match, book, unmatch, the
auto-match of an import. The integration tier (tests/integration/test_bank_reconciliation.py) runs them
against DynamoDB Local over the API."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest

from ledgerline.domain.banking.matching import references_for_number
from ledgerline.domain.documents import InvalidState
from ledgerline.domain.errors import NotFound, ValidationFailed
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
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.parties import Party
from ledgerline.store.table import Contention
from ledgerline.store.unit_of_work import open_unit
from tests.camt_builder import Entry, camt053

TODAY = date.today()
DAY = (TODAY - timedelta(days=1)).isoformat()
SALE = {"description": "Work", "quantity": D(10), "unit_price": D(125)}  # 1375 with GST 10 %


@pytest.fixture(autouse=True)
def blob_store():
    store = MemoryBlobStore()
    blobs.use(store)
    yield store
    blobs.use(None)


@pytest.fixture(autouse=True)
def listed(books, monkeypatch):
    """The lists are GSI1 queries the in-memory table does not answer: answered from its items here."""
    from ledgerline.store import banking as bank_store
    from ledgerline.store.banking import BankAccount

    def items(model, list_name):  # noqa: ANN001, ANN202
        return [model.from_raw_data(data) for data in books.table.items.values()
                if data.get("GSI1PK", {}).get("S") == f"T#{books.tenant_id}#{list_name}"]

    def list_bank_transactions(tenant_id, *, status, bank_account_id, from_date=None, to_date=None, **_):  # noqa: ANN001, ANN202
        found = [t for t in items(BankTransaction, "BANKTX") if (status is None or t.status == status)
                 and (bank_account_id is None or t.bank_account_id == bank_account_id)
                 and (from_date is None or t.date >= from_date) and (to_date is None or t.date <= to_date)]
        return type("Page", (), {"items": sorted(found, key=lambda t: t.gsi1sk), "next_key": None})

    def list_bank_accounts(tenant_id, *, archived, **_):  # noqa: ANN001, ANN202
        found = [BankAccount.from_raw_data(data) for (pk, sk), data in books.table.items.items()
                 if sk.startswith("BANKACCOUNT#") or data.get("object") == "bank_account"]
        return type("Page", (), {"items": [a for a in found if a.archived == archived], "next_key": None})

    monkeypatch.setattr(bank_store, "list_bank_transactions", list_bank_transactions)
    monkeypatch.setattr(bank_store, "list_bank_accounts", list_bank_accounts)


def posted_invoice(books):
    line = SALE | {"account_id": books.accounts["4000"], "tax_code_id": books.tax_codes["GST10"]}
    body = {"customer_id": books.customer_id, "issue_date": TODAY - timedelta(days=3), "lines": [line]}
    draft = invoices.create_draft(books.tenant_id, body)
    return invoices.post(books.tenant_id, draft["id"])


def bank(books, **fields):
    return bank_accounts.create(books.tenant_id, {"name": "Main"} | fields)


def imported(books, account, *entries, statement_id="STMT-1"):
    content = camt053(list(entries), currency="AUD", statement_id=statement_id)
    result = bank_statements.import_statement(books.tenant_id, account["id"], content, file_name="s.xml", fmt=None)
    return [open_unit(books.tenant_id).load(BankTransaction, tid) for tid in result["transaction_ids"]]


def ledger(books, account_id):
    return books.table.balances(books.tenant_id).get(account_id, D(0))


def rf_of(number):
    return next(r for r in references_for_number(number) if r.startswith("RF"))


def test_an_import_matches_the_payment_carrying_an_invoices_reference_and_posts_the_receipt(books):
    invoice = posted_invoice(books)
    account = bank(books)
    paid, other = imported(books, account, Entry("1375.00", DAY, reference=rf_of(invoice["number"])),
                           Entry("99.00", DAY, reference="RF18539007547034", name="Nobody"))
    uow = open_unit(books.tenant_id)
    paid, other = uow.load(BankTransaction, paid.id), uow.load(BankTransaction, other.id)
    assert (paid.status, paid.matched_by, other.status) == ("matched", "receipt", "unmatched")
    receipt = uow.load(Receipt, paid.receipt_id)
    assert receipt.amount == D("1375.00") and receipt.account_id == account["account_id"]
    assert str(receipt.date) == DAY and [a.invoice_id for a in receipt.allocations] == [invoice["id"]]
    assert uow.load(Invoice, invoice["id"]).status == "paid"
    assert ledger(books, account["account_id"]) == D("1375.00")
    assert {"receipt.posted", "invoice.paid", "bank_transaction.matched"} <= set(
        books.table.event_types(books.tenant_id))


def test_match_with_explicit_allocations_pays_several_invoices_and_keeps_the_rest_as_credit(books):
    first, second = posted_invoice(books), posted_invoice(books)
    account = bank(books)
    [transaction] = imported(books, account, Entry("3000.00", DAY, text="two invoices", name="Customer"))
    matched = bank_reconciliation.match(books.tenant_id, transaction.id, {"allocations": [
        {"invoice_id": first["id"]}, {"invoice_id": second["id"], "amount": D("1000.00")}]})
    assert matched["status"] == "matched" and matched["receipt_id"]
    receipt = open_unit(books.tenant_id).load(Receipt, matched["receipt_id"])
    assert [(a.invoice_id, a.amount) for a in receipt.allocations] == [(first["id"], D("1375.00")),
                                                                      (second["id"], D("1000.00"))]
    assert receipt.unallocated_amount == D("625.00")
    with pytest.raises(InvalidState):
        bank_reconciliation.match(books.tenant_id, transaction.id, {"allocations": [{"invoice_id": first["id"]}]})


def test_a_refused_match_posts_nothing_and_leaves_the_transaction_unmatched(books):
    invoice = posted_invoice(books)
    account = bank(books)
    [transaction] = imported(books, account, Entry("100.00", DAY, name="Customer"))
    before = dict(books.table.items)
    with pytest.raises(ValidationFailed) as refused:
        bank_reconciliation.match(books.tenant_id, transaction.id, {"allocations": [
            {"invoice_id": invoice["id"], "amount": D("200.00")}]})
    assert refused.value.param == "allocations"
    with pytest.raises(ValidationFailed) as no_suggestion:
        bank_reconciliation.match(books.tenant_id, transaction.id, {})
    assert no_suggestion.value.param == "allocations"
    with pytest.raises(NotFound):
        bank_reconciliation.match(books.tenant_id, transaction.id, {"allocations": [{"invoice_id": "inv_nope"}]})
    assert books.table.items == before


def test_money_out_without_a_bill_to_pay_is_refused_and_changes_nothing(books):
    # was: money out was a 409 (InvalidState) until supplier payments existed; now it pays bills (issue 16)
    account = bank(books)
    [transaction] = imported(books, account, Entry("-50.00", DAY, text="Bill 4711", name="Supplier"))
    before = dict(books.table.items)
    with pytest.raises(ValidationFailed) as refused:
        bank_reconciliation.match(books.tenant_id, transaction.id, {})
    assert refused.value.param == "allocations"
    invoice = posted_invoice(books)
    before = dict(books.table.items)
    with pytest.raises(ValidationFailed) as wrong_kind:
        bank_reconciliation.match(books.tenant_id, transaction.id, {"allocations": [{"invoice_id": invoice["id"]}]})
    assert wrong_kind.value.param == "allocations"
    assert books.table.items == before


@pytest.fixture
def supplier(books) -> str:
    now = datetime(2026, 1, 5, tzinfo=UTC)
    books.table.put(Party(id="pty_s", tenant_id=books.tenant_id, name="Supplier AG", kind="supplier",
                          archived=False, created_at=now, updated_at=now))
    return "pty_s"


def posted_bill(books, supplier, reference="R-4711", price="100"):  # 110 with GST 10 %
    body = {"supplier_id": supplier, "supplier_reference": reference, "bill_date": TODAY - timedelta(days=3),
            "lines": [{"description": "Rent", "quantity": D(1), "unit_price": D(price),
                       "account_id": books.accounts["6000"], "tax_code_id": books.tax_codes["GST10"]}]}
    return bills.post(books.tenant_id, bills.create_draft(books.tenant_id, body)["id"])


def test_money_out_suggests_the_bill_named_in_the_text_and_matching_it_creates_the_supplier_payment(books, supplier):
    paid, other = posted_bill(books, supplier), posted_bill(books, supplier, reference="R-9")
    account = bank(books)
    [transaction] = imported(books, account, Entry("-110.00", DAY, text="Your invoice R-4711", name="Other"))
    shown = bank_transactions.get_bank_transaction(books.tenant_id, transaction.id)
    assert [(s["bill_id"], s["reason"], s["amount"]) for s in shown["bill_suggestions"]] == [
        (paid["id"], "number_in_text", "110.00")]
    assert shown["suggestions"] == []
    matched = bank_reconciliation.match(books.tenant_id, transaction.id, {})
    assert (matched["status"], matched["matched_by"]) == ("matched", "supplier_payment")
    uow = open_unit(books.tenant_id)
    payment = uow.load(SupplierPayment, matched["supplier_payment_id"])
    assert (payment.amount, payment.supplier_id, str(payment.date)) == (D("110.00"), supplier, DAY)
    assert payment.account_id == account["account_id"] and payment.unallocated_amount == 0
    assert [(a.bill_id, a.amount) for a in payment.allocations] == [(paid["id"], D("110.00"))]
    assert uow.load(Bill, paid["id"]).status == "paid" and uow.load(Bill, other["id"]).status != "paid"
    assert ledger(books, account["account_id"]) == D("-110.00")
    assert {"supplier_payment.posted", "bill.paid", "bank_transaction.matched"} <= set(
        books.table.event_types(books.tenant_id))
    with pytest.raises(InvalidState):
        bank_reconciliation.match(books.tenant_id, transaction.id, {"allocations": [{"bill_id": other["id"]}]})


def test_money_out_with_explicit_bills_keeps_the_rest_as_a_prepayment_and_unmatch_reopens_them(books, supplier):
    first, second = posted_bill(books, supplier), posted_bill(books, supplier, reference="R-9")
    account = bank(books)
    [transaction] = imported(books, account, Entry("-250.00", DAY, text="two bills", name="Supplier AG"))
    matched = bank_reconciliation.match(books.tenant_id, transaction.id, {"allocations": [
        {"bill_id": first["id"]}, {"bill_id": second["id"], "amount": D("60.00")}]})
    payment_id = matched["supplier_payment_id"]
    payment = open_unit(books.tenant_id).load(SupplierPayment, payment_id)
    assert [(a.bill_id, a.amount) for a in payment.allocations] == [(first["id"], D("110.00")),
                                                                    (second["id"], D("60.00"))]
    assert payment.unallocated_amount == D("80.00")
    undone = bank_reconciliation.unmatch(books.tenant_id, transaction.id, {})
    assert (undone["status"], undone["matched_by"], undone["supplier_payment_id"]) == ("unmatched", None, None)
    uow = open_unit(books.tenant_id)
    assert uow.load(SupplierPayment, payment_id).status == "reversed"
    assert [uow.load(Bill, b["id"]).amount_due for b in (first, second)] == [D("110.00"), D("110.00")]
    assert ledger(books, account["account_id"]) == 0
    assert books.table.event_types(books.tenant_id)[-1] == "bank_transaction.unmatched"
    again = bank_reconciliation.match(books.tenant_id, transaction.id, {"allocations": [{"bill_id": first["id"]}]})
    assert again["supplier_payment_id"] not in (None, payment_id)


def test_a_refused_money_out_match_posts_nothing(books, supplier):
    bill = posted_bill(books, supplier)
    account = bank(books)
    [transaction] = imported(books, account, Entry("-100.00", DAY, name="Supplier AG"))
    before = dict(books.table.items)
    with pytest.raises(ValidationFailed) as refused:  # more than the transaction paid out
        bank_reconciliation.match(books.tenant_id, transaction.id, {"allocations": [
            {"bill_id": bill["id"], "amount": D("110.00")}]})
    assert refused.value.param == "allocations"
    with pytest.raises(NotFound):
        bank_reconciliation.match(books.tenant_id, transaction.id, {"allocations": [{"bill_id": "bill_nope"}]})
    assert books.table.items == before


def test_the_first_suggestion_is_taken_without_allocations_and_shown_on_get(books):
    invoice = posted_invoice(books)
    account = bank(books)
    [transaction] = imported(books, account, Entry("1375.00", DAY, text=f"Paying {invoice['number']}"))
    shown = bank_transactions.get_bank_transaction(books.tenant_id, transaction.id)
    assert [(s["invoice_id"], s["reason"], s["amount"]) for s in shown["suggestions"]] == [
        (invoice["id"], "number_in_text", "1375.00")]
    matched = bank_reconciliation.match(books.tenant_id, transaction.id, {})
    assert "suggestions" not in matched or matched["suggestions"] is None
    assert open_unit(books.tenant_id).load(Invoice, invoice["id"]).status == "paid"


def test_unmatch_reverses_the_receipt_and_reopens_the_invoice(books):
    invoice = posted_invoice(books)
    account = bank(books)
    [transaction] = imported(books, account, Entry("1375.00", DAY, reference=rf_of(invoice["number"])))
    receipt_id = open_unit(books.tenant_id).load(BankTransaction, transaction.id).receipt_id
    undone = bank_reconciliation.unmatch(books.tenant_id, transaction.id, {})
    assert (undone["status"], undone["receipt_id"]) == ("unmatched", None)
    uow = open_unit(books.tenant_id)
    assert uow.load(Receipt, receipt_id).status == "reversed"
    assert uow.load(Invoice, invoice["id"]).status != "paid" and uow.load(Invoice, invoice["id"]).amount_due == D(
        "1375.00")
    assert ledger(books, account["account_id"]) == 0
    assert books.table.event_types(books.tenant_id)[-1] == "bank_transaction.unmatched"
    with pytest.raises(InvalidState):
        bank_reconciliation.unmatch(books.tenant_id, transaction.id, {})


def test_book_a_fee_and_unmatch_reverses_the_entry(books):
    account = bank(books)
    [fee] = imported(books, account, Entry("-12.50", DAY, text="Account fee"))
    booked = bank_reconciliation.book(books.tenant_id, fee.id, {"account_id": books.accounts["6000"]}
                                      if "6000" in books.accounts else {"account_id": expense_account(books)})
    assert (booked["status"], booked["matched_by"]) == ("matched", "booking")
    entry = open_unit(books.tenant_id).load(JournalEntry, booked["journal_entry_id"])
    assert entry.source_type == "bank_transaction" and entry.source_id == fee.id and str(entry.date) == DAY
    assert ledger(books, account["account_id"]) == D("-12.50")
    undone = bank_reconciliation.unmatch(books.tenant_id, fee.id, {})
    assert undone["status"] == "unmatched" and ledger(books, account["account_id"]) == 0


def test_booking_to_its_own_ledger_account_or_an_unknown_one_is_refused(books):
    account = bank(books)
    [fee] = imported(books, account, Entry("-12.50", DAY))
    for account_id in (account["account_id"], "acc_nope"):
        with pytest.raises(ValidationFailed) as refused:
            bank_reconciliation.book(books.tenant_id, fee.id, {"account_id": account_id})
        assert refused.value.param == "account_id"


def test_a_transfer_between_own_bank_accounts_matches_the_other_side(books):
    main, savings = bank(books), bank(books, name="Savings")
    [out] = imported(books, main, Entry("-500.00", DAY, text="To savings"))
    [into] = imported(books, savings, Entry("500.00", DAY, text="From main"), statement_id="STMT-S")
    booked = bank_reconciliation.book(books.tenant_id, out.id, {"account_id": savings["account_id"]})
    assert booked["transfer_transaction_id"] == into.id
    other = open_unit(books.tenant_id).load(BankTransaction, into.id)
    assert (other.status, other.matched_by, other.journal_entry_id) == ("matched", "transfer",
                                                                         booked["journal_entry_id"])
    assert (ledger(books, main["account_id"]), ledger(books, savings["account_id"])) == (D("-500.00"), D("500.00"))
    bank_reconciliation.unmatch(books.tenant_id, into.id, {})
    uow = open_unit(books.tenant_id)
    assert {uow.load(BankTransaction, t).status for t in (out.id, into.id)} == {"unmatched"}
    assert ledger(books, main["account_id"]) == ledger(books, savings["account_id"]) == 0


def test_a_concurrent_match_loses_and_reads_the_transaction_matched(books, monkeypatch):
    invoice = posted_invoice(books)
    account = bank(books)
    [transaction] = imported(books, account, Entry("1375.00", DAY, name="Customer"))
    real_commit = type(open_unit(books.tenant_id)).commit
    raced = []

    def commit(uow):  # noqa: ANN001, ANN202
        if not raced:  # another request matches it just before this one commits
            raced.append(True)
            stored = open_unit(books.tenant_id).load(BankTransaction, transaction.id)
            stored.status, stored.version = "matched", (stored.version or 0) + 1
            books.table.put(stored)
            raise Contention("raced")
        return real_commit(uow)

    monkeypatch.setattr(type(open_unit(books.tenant_id)), "commit", commit)
    with pytest.raises(InvalidState):
        bank_reconciliation.match(books.tenant_id, transaction.id, {"allocations": [{"invoice_id": invoice["id"]}]})
    assert open_unit(books.tenant_id).load(Invoice, invoice["id"]).status != "paid"


def expense_account(books):
    return next(account_id for code, account_id in sorted(books.accounts.items()) if code.startswith("6"))


def test_book_with_a_tax_code_counts_the_input_tax_and_unmatch_takes_it_out(books):
    from ledgerline.domain.posting import tax_key

    account = bank(books)
    [fee] = imported(books, account, Entry("-110.00", DAY, text="Card terminal rent"))
    gst = books.tax_codes["GST10"]
    booked = bank_reconciliation.book(books.tenant_id, fee.id, {"account_id": expense_account(books),
                                                                "tax_code_id": gst})
    assert booked["tax_code_id"] == gst
    entry = open_unit(books.tenant_id).load(JournalEntry, booked["journal_entry_id"])
    assert sorted((line.debit, line.credit) for line in entry.journal_lines()) == [
        (D(0), D("110.00")), (D("10.00"), D(0)), (D("100.00"), D(0))]
    assert [line.account_id for line in entry.journal_lines() if line.debit == D("10.00")] == [
        books.system.input_tax]  # input tax, as bills book it
    day = date.fromisoformat(DAY)
    assert open_unit(books.tenant_id).tax_totals_as_of(day)[tax_key(gst, "input")] == (D("100.00"), D("10.00"))
    bank_reconciliation.unmatch(books.tenant_id, fee.id, {})
    assert open_unit(books.tenant_id).tax_totals_as_of(day)[tax_key(gst, "input")] == (D(0), D(0))
    with pytest.raises(ValidationFailed) as refused:
        bank_reconciliation.book(books.tenant_id, fee.id, {"account_id": expense_account(books),
                                                            "tax_code_id": "tax_nope"})
    assert refused.value.param == "tax_code_id"


def test_an_import_books_what_a_bank_rule_matches_after_matching_references(books):
    from ledgerline.services import bank_rules

    invoice = posted_invoice(books)
    account = bank(books)
    rule = bank_rules.create(books.tenant_id, {"name": "Fees", "field": "text", "operator": "contains",
                                               "value": "account fee", "direction": "out",
                                               "account_id": expense_account(books)})
    bank_rules.create(books.tenant_id, {"name": "Paused", "value": "x", "account_id": expense_account(books),
                                        "active": False})
    paid, fee, other = imported(books, account, Entry("1375.00", DAY, reference=rf_of(invoice["number"]),
                                                      text="account fee"),
                                Entry("-12.00", DAY, text="Account fee Jan"), Entry("-3.00", DAY, text="x"))
    uow = open_unit(books.tenant_id)
    paid, fee, other = (uow.load(BankTransaction, t.id) for t in (paid, fee, other))
    assert (paid.matched_by, fee.matched_by, fee.rule_id, other.status) == ("receipt", "booking", rule["id"],
                                                                             "unmatched")
    assert ledger(books, account["account_id"]) == D("1363.00")
    with pytest.raises(ValidationFailed) as refused:
        bank_rules.create(books.tenant_id, {"name": "Bad", "value": "x", "account_id": "acc_nope"})
    assert refused.value.param == "account_id"
    changed = bank_rules.update(books.tenant_id, rule["id"], {"priority": 5, "tax_code_id": None}, None)
    assert changed["priority"] == 5
    bank_rules.delete(books.tenant_id, rule["id"])
    with pytest.raises(NotFound):
        bank_rules.get_bank_rule(books.tenant_id, rule["id"])
    assert {"bank_rule.created", "bank_rule.updated", "bank_rule.deleted"} <= set(
        books.table.event_types(books.tenant_id))


def test_a_transfer_booked_before_the_other_side_is_imported_matches_it_on_import(books):
    main, savings = bank(books), bank(books, name="Savings")
    [out] = imported(books, main, Entry("-500.00", DAY, text="To savings"))
    booked = bank_reconciliation.book(books.tenant_id, out.id, {"account_id": savings["account_id"]})
    assert booked["transfer_transaction_id"] is None
    [into, other] = imported(books, savings, Entry("500.00", DAY, text="From main"), Entry("500.00", DAY),
                             statement_id="STMT-S")
    uow = open_unit(books.tenant_id)
    into, other, out = (uow.load(BankTransaction, t.id) for t in (into, other, out))
    assert (into.status, into.matched_by, into.journal_entry_id) == ("matched", "transfer", booked["journal_entry_id"])
    assert other.status == "unmatched" and out.transfer_transaction_id == into.id
    assert ledger(books, savings["account_id"]) == D("500.00")
    bank_reconciliation.unmatch(books.tenant_id, out.id, {})
    uow = open_unit(books.tenant_id)
    assert {uow.load(BankTransaction, t).status for t in (out.id, into.id)} == {"unmatched"}


def test_unmatching_a_transfer_before_the_other_side_is_imported_forgets_it(books):
    main, savings = bank(books), bank(books, name="Savings")
    [out] = imported(books, main, Entry("-500.00", DAY, text="To savings"))
    bank_reconciliation.book(books.tenant_id, out.id, {"account_id": savings["account_id"]})
    bank_reconciliation.unmatch(books.tenant_id, out.id, {})
    [into] = imported(books, savings, Entry("500.00", DAY, text="From main"), statement_id="STMT-S")
    assert open_unit(books.tenant_id).load(BankTransaction, into.id).status == "unmatched"
    assert open_unit(books.tenant_id).pending_transfers(savings["id"]) == []


def test_unmatch_after_the_receipt_was_reversed_on_its_own_only_unmatches(books):
    from ledgerline.services import receipts

    invoice = posted_invoice(books)
    account = bank(books)
    [transaction] = imported(books, account, Entry("1375.00", DAY, reference=rf_of(invoice["number"])))
    receipt_id = open_unit(books.tenant_id).load(BankTransaction, transaction.id).receipt_id
    receipts.reverse(books.tenant_id, receipt_id, date.fromisoformat(DAY))
    undone = bank_reconciliation.unmatch(books.tenant_id, transaction.id, {})
    assert undone["status"] == "unmatched" and ledger(books, account["account_id"]) == 0
    assert open_unit(books.tenant_id).load(Invoice, invoice["id"]).amount_due == D("1375.00")


def test_auto_match_transfers_and_rules_see_every_transaction_of_a_statement_in_steps(books, monkeypatch):
    """Issue 16, part V: the statement lists only its first `SHOWN_IDS` transactions, yet what runs after the
    import sees them all, read `MATCH_STEP` at a time (2 and 2 here, for 7 entries); the payment carrying an
    invoice's printed reference is found through its pointer, without reading the open invoices."""
    from ledgerline.services import bank_rules
    from ledgerline.store.memory import MemoryUnitOfWork

    monkeypatch.setattr(bank_statements, "SHOWN_IDS", 2)
    monkeypatch.setattr(bank_reconciliation, "MATCH_STEP", 2)
    invoice = posted_invoice(books)
    assert invoice["payment_reference"]
    account = bank(books)
    bank_rules.create(books.tenant_id, {"name": "Fees", "field": "text", "operator": "contains",
                                        "value": "account fee", "direction": "out",
                                        "account_id": expense_account(books)})

    def no_scan(self, currency, limit=None):  # noqa: ANN001, ANN202
        raise AssertionError("the open invoices were read")

    monkeypatch.setattr(MemoryUnitOfWork, "open_invoices", no_scan)
    entries = [Entry(f"{n}.00", DAY, name=f"Someone {n}") for n in range(1, 6)]
    content = camt053([*entries, Entry("-7.50", DAY, text="account fee"),
                       Entry("1375.00", DAY, reference=invoice["payment_reference"])], currency="AUD")
    result = bank_statements.import_statement(books.tenant_id, account["id"], content, file_name="s.xml", fmt=None)
    assert result["imported"] == 7 and len(result["transaction_ids"]) == 2
    from ledgerline.store import banking as bank_store

    listed = bank_store.list_bank_transactions(books.tenant_id, status=None, bank_account_id=None).items
    found = {t.amount: t for t in listed}
    assert len(found) == 7 and found[D("1375.00")].status == "matched" and found[D("-7.50")].status == "matched"
    assert open_unit(books.tenant_id).load(Invoice, invoice["id"]).status == "paid"


def test_suggestions_find_the_invoice_a_reference_names_beyond_the_bounded_read(books, monkeypatch):
    """Issue 16, part V: a page's suggestions read at most `SUGGESTION_SCAN` open invoices per currency (by
    text or amount); the invoice that printed the transaction's reference is found through its pointer."""
    monkeypatch.setattr(bank_reconciliation, "SUGGESTION_SCAN", 1)
    first, second = posted_invoice(books), posted_invoice(books)
    account = bank(books)
    monkeypatch.setattr(bank_reconciliation, "auto_match", lambda *args: [])  # leave it for the suggestion
    [transaction] = imported(books, account, Entry("1375.00", DAY, reference=second["payment_reference"]))
    [shown] = bank_reconciliation.shown(books.tenant_id, [transaction])
    # the first (due first) is the one invoice the bounded read sees; it is no suggestion: no reason matches
    assert [(s["invoice_id"], s["reason"]) for s in shown["suggestions"]] == [(second["id"], "reference")]
    assert first["id"] != second["id"]


@pytest.mark.parametrize("count", [3, 40])  # in the statement's transaction; in steps (3 × 40 items > 94)
def test_an_import_emits_one_bank_transaction_imported_event_per_transaction(books, count):
    """Issue 16, part V: through the outbox, once per transaction, carrying it as the API shows it."""
    import json

    account = bank(books)
    transactions = imported(books, account, *[Entry(f"{n}.00", DAY, name=f"Payer {n}") for n in range(1, count + 1)])
    events = [e for e in books.table.events(books.tenant_id) if e.type == "bank_transaction.imported"]
    assert sorted(e.object_id for e in events) == sorted(t.id for t in transactions)
    assert {json.loads(e.data)["status"] for e in events} == {"unmatched"}
    content = camt053([Entry(f"{n}.00", DAY, name=f"Payer {n}") for n in range(1, count + 1)], currency="AUD",
                      statement_id="STMT-1")
    again = bank_statements.import_statement(books.tenant_id, account["id"], content, file_name="s.xml", fmt=None)
    assert again.get("already_imported")  # the same file: nothing imported, no event again
    assert len([e for e in books.table.events(books.tenant_id) if e.type == "bank_transaction.imported"]) == count
