"""Receipts, customer credit, credit notes and manual journal entries against DynamoDB Local."""

from __future__ import annotations

from decimal import Decimal


def test_receipt_pays_invoices_and_keeps_the_rest_as_credit(books):
    customer = books.customer()
    first, second = books.posted(customer), books.posted(customer)
    receipt = books.receipt(customer, "2000.00", [(first["id"], "1375.00"), (second["id"], "500.00")])
    assert (receipt["allocated_amount"], receipt["unallocated_amount"]) == ("1875.00", "125.00")
    assert books.invoice(first["id"])["status"] == "paid"
    partly = books.invoice(second["id"])
    assert (partly["status"], partly["amount_paid"], partly["amount_due"]) == ("awaiting_payment", "500.00", "875.00")
    assert books.balance("1010") == Decimal("2000.00")
    assert books.balance("1100") == Decimal("875.00")  # = what is still due
    assert books.balance("2100") == Decimal("-125.00")  # customer credit, a liability
    assert "invoice.paid" in books.events() and "receipt.posted" in books.events()


def test_credit_is_allocated_later(books):
    customer = books.customer()
    receipt = books.receipt(customer, "500.00")
    invoice = books.posted(customer)
    allocated = books.post(f"/v1/receipts/{receipt['id']}/allocations",
                           {"allocations": [{"invoice_id": invoice["id"], "amount": "500.00"}]}, expect=200)
    assert (allocated["allocated_amount"], allocated["unallocated_amount"]) == ("500.00", "0.00")
    assert books.invoice(invoice["id"])["amount_due"] == "875.00"
    assert books.balance("2100") == 0 and books.balance("1100") == Decimal("875.00")
    too_much = books.call("POST", f"/v1/receipts/{receipt['id']}/allocations",
                          {"allocations": [{"invoice_id": invoice["id"], "amount": "1.00"}]}, expect=422)
    assert too_much.json()["error"]["param"] == "allocations"


def test_over_allocation_is_refused_and_changes_nothing(books):
    customer = books.customer()
    invoice = books.posted(customer)
    refused = books.receipt(customer, "2000.00", [(invoice["id"], "1375.01")], expect=422)
    assert refused["error"]["details"][0]["field"] == "allocations.0.amount"
    more_than_paid = books.receipt(customer, "100.00", [(invoice["id"], "200.00")], expect=422)
    assert more_than_paid["error"]["param"] == "allocations"
    assert books.get("/v1/receipts")["data"] == []
    assert books.invoice(invoice["id"])["amount_due"] == "1375.00" and books.balance("1010") == 0


def test_receipt_rules(books):
    customer, other_customer = books.customer(), books.customer("Other")
    invoice = books.posted(customer)
    wrong_customer = books.receipt(other_customer, "10.00", [(invoice["id"], "10.00")], expect=422)
    assert wrong_customer["error"]["details"][0]["message"] == "belongs to another customer"
    not_bank = books.receipt(customer, "10.00", [], expect=422, account_id=books.accounts["4000"])
    assert not_bank["error"]["param"] == "account_id"
    draft = books.draft(customer)
    books.receipt(customer, "10.00", [(draft["id"], "10.00")], expect=422)
    books.receipt(customer, "10.001", [], expect=422)
    books.receipt(customer, "-5", [], expect=422)


def test_reversing_a_receipt_reopens_its_invoices(books):
    customer = books.customer()
    invoice = books.posted(customer)
    receipt = books.receipt(customer, "1400.00", [(invoice["id"], "1375.00")])
    reversed_ = books.post(f"/v1/receipts/{receipt['id']}/reverse", {}, expect=200)
    assert reversed_["status"] == "reversed" and reversed_["reversal_journal_entry_id"]
    reopened = books.invoice(invoice["id"])
    assert (reopened["status"], reopened["amount_due"], reopened["amount_paid"]) == ("awaiting_payment", "1375.00",
                                                                                      "0.00")
    assert books.balance("1010") == 0 and books.balance("2100") == 0
    assert books.balance("1100") == Decimal("1375.00")
    assert books.call("POST", f"/v1/receipts/{receipt['id']}/reverse", {}, expect=409).json()["error"]["code"] == \
        "invalid_state"
    assert "receipt.reversed" in books.events()


def test_credit_note_by_amount_reduces_what_is_due(books):
    customer = books.customer()
    invoice = books.posted(customer)
    note = books.post("/v1/credit-notes", {"invoice_id": invoice["id"], "amount": "100.00", "reason": "Discount"})
    assert note["number"].startswith("CN-") and note["number"].endswith("-0001")
    assert (note["subtotal"], note["tax_total"], note["total"]) == ("100.00", "10.00", "110.00")
    assert (note["amount_applied"], note["unallocated_amount"]) == ("110.00", "0.00")
    after = books.invoice(invoice["id"])
    assert (after["amount_credited"], after["amount_due"]) == ("110.00", "1265.00")
    assert books.balance("4000") == Decimal("-1150.00") and books.balance("2200") == Decimal("-115.00")
    assert books.balance("1100") == Decimal("1265.00")
    assert "credit_note.posted" in books.events()


def test_credit_note_excess_becomes_customer_credit(books):
    customer = books.customer()
    invoice = books.posted(customer)
    books.receipt(customer, "1000.00", [(invoice["id"], "1000.00")])
    note = books.post("/v1/credit-notes", {"invoice_id": invoice["id"], "lines": [
        {"description": "Setup refund", "unit_price": "500.00", "tax_code_id": books.tax_codes["GST10"]}]})
    assert (note["total"], note["amount_applied"], note["unallocated_amount"]) == ("550.00", "375.00", "175.00")
    assert books.invoice(invoice["id"])["status"] == "paid"
    assert books.balance("1100") == 0 and books.balance("2100") == Decimal("-175.00")


def test_credit_note_needs_a_posted_invoice_and_lines_or_amount(books):
    customer = books.customer()
    draft = books.draft(customer)
    assert books.call("POST", "/v1/credit-notes", {"invoice_id": draft["id"], "amount": "1"}, expect=409).json()
    books.call("POST", "/v1/credit-notes", {"invoice_id": draft["id"]}, expect=422)
    posted = books.posted(customer)
    both = books.call("POST", "/v1/credit-notes", {"invoice_id": posted["id"], "amount": "1",
                                                   "lines": [{"unit_price": "1"}]}, expect=422)
    assert both.json()["error"]["code"] == "validation_error"


def test_manual_entry_must_balance_and_can_be_reversed(books):
    bank, equity = books.accounts["1010"], books.accounts["3000"]
    unbalanced = books.call("POST", "/v1/journal-entries", {"lines": [
        {"account_id": bank, "debit": "100.00"}, {"account_id": equity, "credit": "99.99"}]}, expect=422)
    assert unbalanced.json()["error"]["code"] == "unbalanced_entry"
    both_sides = books.call("POST", "/v1/journal-entries", {"lines": [
        {"account_id": bank, "debit": "1", "credit": "1"}, {"account_id": equity, "credit": "0"}]}, expect=422)
    assert both_sides.json()["error"]["details"][0]["field"] == "lines.0"
    books.call("POST", "/v1/journal-entries", {"lines": [
        {"account_id": "acc_nope", "debit": "1"}, {"account_id": equity, "credit": "1"}]}, expect=422)
    assert books.trial_balance()["accounts"] == []

    entry = books.post("/v1/journal-entries", {"description": "Owner's capital", "lines": [
        {"account_id": bank, "debit": "5000.00"}, {"account_id": equity, "credit": "5000.00"}]})
    assert entry["source_type"] == "manual" and entry["total"] == "5000.00"
    assert books.balance("1010") == Decimal("5000.00")
    reversal = books.post(f"/v1/journal-entries/{entry['id']}/reverse", {})
    assert reversal["reverses_id"] == entry["id"]
    assert books.get(f"/v1/journal-entries/{entry['id']}")["status"] == "reversed"
    assert books.balance("1010") == 0 and books.balance("3000") == 0
    books.call("POST", f"/v1/journal-entries/{entry['id']}/reverse", {}, expect=409)
    assert books.events().count("journal_entry.posted") == 2 and "journal_entry.reversed" in books.events()


def test_system_entries_are_reversed_through_their_documents(books):
    invoice = books.posted(books.customer())
    books.call("POST", f"/v1/journal-entries/{invoice['journal_entry_id']}/reverse", {}, expect=409)


def test_account_ledger_lists_lines_in_date_order(books):
    customer = books.customer()
    books.posted(customer, issue_date="2026-02-01")
    books.posted(customer, issue_date="2026-01-15")
    ledger = books.get(f"/v1/accounts/{books.accounts['1100']}/ledger")["data"]
    assert [(line["date"], line["debit"]) for line in ledger] == [("2026-01-15", "1375.00"), ("2026-02-01", "1375.00")]
    window = books.get(f"/v1/accounts/{books.accounts['1100']}/ledger?from_date=2026-02-01")["data"]
    assert len(window) == 1


def test_idempotent_receipt_replays_and_refuses_a_different_body(books):
    customer = books.customer()
    invoice = books.posted(customer)
    body = {"customer_id": customer, "amount": "100.00", "account_id": books.accounts["1010"],
            "allocations": [{"invoice_id": invoice["id"], "amount": "100.00"}]}
    first = books.call("POST", "/v1/receipts", body, expect=201, **{"Idempotency-Key": "pay-1"}).json()
    again = books.call("POST", "/v1/receipts", body, expect=201, **{"Idempotency-Key": "pay-1"}).json()
    assert again == first
    other = books.call("POST", "/v1/receipts", {**body, "amount": "90.00",
                                                "allocations": [{"invoice_id": invoice["id"], "amount": "90.00"}]},
                       expect=422, **{"Idempotency-Key": "pay-1"}).json()
    assert other["error"]["code"] == "idempotency_error"
    assert len(books.get("/v1/receipts")["data"]) == 1
    assert books.invoice(invoice["id"])["amount_paid"] == "100.00"
