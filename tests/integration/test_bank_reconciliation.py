"""Bank reconciliation over the API against DynamoDB Local (issue 16): auto-match on import posts the
receipt, unmatch reverses it, concurrent matches of one transaction → one wins, booking and transfers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from threading import Barrier

import pytest

from ledgerline.clock import today
from ledgerline.domain.banking.matching import references_for_number
from ledgerline.pdf import blobs
from ledgerline.pdf.blobs import MemoryBlobStore
from tests.camt_builder import Entry, camt053

DAY = today().isoformat()  # invoices are issued today: a payment before that settles nothing


@pytest.fixture(autouse=True)
def blob_store():
    store = MemoryBlobStore()
    blobs.use(store)
    yield store
    blobs.use(None)


@pytest.fixture
def books(make_tenant, api):
    from tests.integration.books import Books

    tenant = make_tenant()
    return Books(api, tenant.tenant_id, tenant.headers)


def bank_account(books, **fields):
    return books.post("/v1/bank-accounts", {"name": "Main"} | fields)


def upload(books, account, *entries, statement_id="STMT-1", opening="0.00"):
    content = camt053(list(entries), currency="AUD", statement_id=statement_id, opening=opening)
    response = books.api.post(f"/v1/bank-accounts/{account['id']}/statements", headers=books.headers,
                              files={"file": ("s.xml", content, "application/xml")})
    assert response.status_code == 201, response.text
    return [books.get(f"/v1/bank-transactions/{tid}") for tid in response.json()["transaction_ids"]]


def rf_of(number):
    return next(r for r in references_for_number(number) if r.startswith("RF"))


def ledger_balance(books, account):
    code = books.get(f"/v1/accounts/{account['account_id']}")["code"]
    return books.balance(code)


def test_an_import_with_an_invoices_reference_posts_the_receipt_and_unmatch_reverses_it(books):
    customer = books.customer("Muster AG")
    invoice = books.posted(customer)
    account = bank_account(books)
    paid, stranger = upload(books, account, Entry("1375.00", DAY, reference=rf_of(invoice["number"]),
                                                  name="Muster AG"),
                            Entry("20.00", DAY, reference="RF18539007547034", name="Nobody"))
    assert (paid["status"], paid["matched_by"], stranger["status"]) == ("matched", "receipt", "unmatched")
    assert stranger["suggestions"] == []
    receipt = books.get(f"/v1/receipts/{paid['receipt_id']}")
    assert (receipt["amount"], receipt["date"], receipt["account_id"]) == ("1375.00", DAY, account["account_id"])
    assert books.invoice(invoice["id"])["status"] == "paid"
    assert ledger_balance(books, account) == Decimal("1375.00")
    assert {"bank_transaction.matched", "receipt.posted", "invoice.paid"} <= set(books.events())

    undone = books.post(f"/v1/bank-transactions/{paid['id']}/unmatch", expect=200)
    assert (undone["status"], undone["receipt_id"]) == ("unmatched", None)
    assert books.get(f"/v1/receipts/{paid['receipt_id']}")["status"] == "reversed"
    reopened = books.invoice(invoice["id"])
    assert reopened["status"] != "paid" and reopened["amount_due"] == "1375.00"
    assert ledger_balance(books, account) == 0
    trial = books.trial_balance()
    assert trial["total_debit"] == trial["total_credit"]
    shown = books.get(f"/v1/bank-transactions/{paid['id']}")
    assert [(s["invoice_id"], s["reason"]) for s in shown["suggestions"]] == [(invoice["id"], "reference")]
    listed = books.get("/v1/bank-transactions?status=unmatched")["data"]
    assert {t["id"]: [s["invoice_id"] for s in t["suggestions"]] for t in listed} == {
        paid["id"]: [invoice["id"]], stranger["id"]: []}
    assert books.call("POST", f"/v1/bank-transactions/{paid['id']}/unmatch", expect=409).json()["error"][
        "code"] == "invalid_state"


def test_match_several_invoices_and_a_refusal_changes_nothing(books):
    customer = books.customer("Muster AG")
    first, second = books.posted(customer), books.posted(customer)
    account = bank_account(books)
    [transaction] = upload(books, account, Entry("2000.00", DAY, text="two invoices", name="Muster AG"))
    too_much = {"allocations": [{"invoice_id": first["id"], "amount": "1375.00"},
                                {"invoice_id": second["id"], "amount": "1375.00"}]}
    refused = books.call("POST", f"/v1/bank-transactions/{transaction['id']}/match", too_much, expect=422).json()
    assert refused["error"]["param"] == "allocations"
    assert books.get(f"/v1/bank-transactions/{transaction['id']}")["status"] == "unmatched"
    assert books.invoice(first["id"])["status"] != "paid" and ledger_balance(books, account) == 0
    body = {"allocations": [{"invoice_id": first["id"]}, {"invoice_id": second["id"]}]}
    matched = books.post(f"/v1/bank-transactions/{transaction['id']}/match", body, expect=200,
                         **{"Idempotency-Key": "match-1"})
    assert books.post(f"/v1/bank-transactions/{transaction['id']}/match", body, expect=200,
                      **{"Idempotency-Key": "match-1"}) == matched
    receipt = books.get(f"/v1/receipts/{matched['receipt_id']}")
    assert [(a["invoice_id"], a["amount"]) for a in receipt["allocations"]] == [
        (first["id"], "1375.00"), (second["id"], "625.00")]
    assert books.invoice(first["id"])["status"] == "paid"
    assert books.invoice(second["id"])["amount_due"] == "750.00"


def test_concurrent_matches_of_one_transaction_one_wins(books):
    customer = books.customer("Muster AG")
    first, second = books.posted(customer), books.posted(customer)
    account = bank_account(books)
    [transaction] = upload(books, account, Entry("1375.00", DAY, name="Muster AG"))
    start = Barrier(2)

    def send(invoice):
        start.wait()
        return books.call("POST", f"/v1/bank-transactions/{transaction['id']}/match",
                          {"allocations": [{"invoice_id": invoice["id"]}]})

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(send, [first, second]))
    assert sorted(r.status_code for r in results) == [200, 409]
    statuses = sorted(books.invoice(i["id"])["status"] for i in (first, second))
    assert statuses.count("paid") == 1
    assert ledger_balance(books, account) == Decimal("1375.00")
    assert len(books.get("/v1/receipts")["data"]) == 1


def test_book_a_fee_money_out_to_invoices_and_another_tenants_transaction(books, make_tenant, api):
    account = bank_account(books)
    fee, other = upload(books, account, Entry("-15.00", DAY, text="Account fee"), Entry("-40.00", DAY))
    expense = next(a for a in books.get("/v1/accounts?limit=100")["data"] if a["type"] == "expense")
    booked = books.post(f"/v1/bank-transactions/{fee['id']}/book", {"account_id": expense["id"]}, expect=200)
    entry = books.get(f"/v1/journal-entries/{booked['journal_entry_id']}")
    assert (entry["source_type"], entry["source_id"], entry["date"]) == ("bank_transaction", fee["id"], DAY)
    assert ledger_balance(books, account) == Decimal("-15.00")
    assert "bank_transaction.booked" in books.events()
    # was a 409 (money out could not be matched before supplier payments); now: no bill to pay → 422
    assert books.call("POST", f"/v1/bank-transactions/{other['id']}/match", {}, expect=422).json()["error"][
        "param"] == "allocations"
    assert books.call("POST", f"/v1/bank-transactions/{other['id']}/book", {"account_id": "acc_nope"},
                      expect=422).json()["error"]["param"] == "account_id"
    assert books.call("POST", f"/v1/bank-transactions/{other['id']}/book", {"acount_id": "x"},
                      expect=422).status_code == 422
    stranger = make_tenant()
    response = api.post(f"/v1/bank-transactions/{other['id']}/book", json={"account_id": expense["id"]},
                        headers=stranger.headers)
    assert response.status_code == 404
    undone = books.post(f"/v1/bank-transactions/{fee['id']}/unmatch", expect=200)
    assert undone["status"] == "unmatched" and ledger_balance(books, account) == 0


def test_a_transfer_between_own_accounts_matches_the_other_side(books):
    main, savings = bank_account(books), bank_account(books, name="Savings")
    [out] = upload(books, main, Entry("-500.00", DAY, text="To savings"))
    [into] = upload(books, savings, Entry("500.00", DAY, text="From main"), statement_id="STMT-S")
    booked = books.post(f"/v1/bank-transactions/{out['id']}/book", {"account_id": savings["account_id"]},
                        expect=200)
    other = books.get(f"/v1/bank-transactions/{into['id']}")
    assert (booked["transfer_transaction_id"], other["status"], other["matched_by"]) == (
        into["id"], "matched", "transfer")
    assert (ledger_balance(books, main), ledger_balance(books, savings)) == (Decimal("-500.00"), Decimal("500.00"))


def test_the_reconciliation_explains_the_difference_by_unmatched_items(books):
    customer = books.customer("Muster AG")
    invoice = books.posted(customer)
    account = bank_account(books, opening_balance="1000.00", opening_date=DAY)
    # a receipt typed in by hand into the bank account: in the books, not (yet) at the bank
    books.post("/v1/receipts", {"customer_id": customer, "amount": "50.00", "account_id": account["account_id"],
                                "date": DAY})
    paid, fee, unknown, noise = upload(
        books, account, Entry("1375.00", DAY, reference=rf_of(invoice["number"])),
        Entry("-15.00", DAY, text="Account fee"), Entry("200.00", DAY, name="Somebody"),
        Entry("7.00", DAY, text="Correction"), statement_id="STMT-R", opening="1000.00")
    assert paid["status"] == "matched"
    expense = next(a for a in books.get("/v1/accounts?limit=100")["data"] if a["type"] == "expense")
    books.post(f"/v1/bank-transactions/{fee['id']}/book", {"account_id": expense["id"]}, expect=200)
    books.post(f"/v1/bank-transactions/{noise['id']}/ignore", expect=200)
    report = books.get(f"/v1/bank-accounts/{account['id']}/reconciliation?as_of={DAY}")
    assert report["bank_balance"] == "2567.00"  # 1000 + 1375 - 15 + 200 + 7
    assert report["ledger_balance"] == "2410.00"  # 1000 + 50 + 1375 - 15
    assert report["difference"] == "157.00"
    assert report["unmatched"] == {"count": 1, "total": "200.00"}
    assert report["ignored"] == {"count": 1, "total": "7.00"}
    assert (report["explained"], report["unexplained"]) == ("207.00", "-50.00")  # the hand-typed receipt
    assert books.call("GET", f"/v1/bank-accounts/{account['id']}/reconciliation?as_of=soon", expect=422)
    assert books.call("GET", f"/v1/bank-accounts/{account['id']}/reconciliation?colour=red", expect=400)


def test_bank_rules_crud_and_applied_on_import(books, make_tenant, api):
    account = bank_account(books)
    expense = next(a for a in books.get("/v1/accounts?limit=100")["data"] if a["type"] == "expense")
    rule = books.post("/v1/bank-rules", {"name": "Bank charges", "field": "text", "value": "account fee",
                                         "direction": "out", "account_id": expense["id"],
                                         "tax_code_id": books.tax_codes["GST10"]}, **{"Idempotency-Key": "rule-1"})
    assert (rule["object"], rule["operator"], rule["priority"], rule["active"]) == ("bank_rule", "contains", 100, True)
    assert books.get(f"/v1/bank-rules/{rule['id']}") == rule
    assert [r["id"] for r in books.get("/v1/bank-rules")["data"]] == [rule["id"]]
    refused = books.call("POST", "/v1/bank-rules", {"name": "x", "value": "x", "account_id": "acc_nope"}, expect=422)
    assert refused.json()["error"]["param"] == "account_id"
    assert books.call("POST", "/v1/bank-rules", {"name": "x", "value": "x", "account_id": expense["id"],
                                                 "operator": "regex"}, expect=422)
    changed = books.call("PATCH", f"/v1/bank-rules/{rule['id']}", {"priority": 10}, expect=200).json()
    assert changed["priority"] == 10 and changed["version"] == rule["version"] + 1

    fee, other = upload(books, account, Entry("-110.00", DAY, text="ACCOUNT FEE 01/2026"), Entry("-5.00", DAY))
    assert (fee["status"], fee["matched_by"], fee["rule_id"], fee["tax_code_id"]) == (
        "matched", "booking", rule["id"], books.tax_codes["GST10"])
    assert other["status"] == "unmatched"
    assert ledger_balance(books, account) == Decimal("-110.00")

    stranger = make_tenant()
    assert api.get(f"/v1/bank-rules/{rule['id']}", headers=stranger.headers).status_code == 404
    assert api.get(f"/v1/bank-accounts/{account['id']}/reconciliation", headers=stranger.headers).status_code == 404
    assert books.call("GET", "/v1/bank-rules?colour=red", expect=400)
    assert books.call("DELETE", f"/v1/bank-rules/{rule['id']}", expect=200).json()["deleted"] is True
    assert books.call("GET", f"/v1/bank-rules/{rule['id']}", expect=404)
    assert {"bank_rule.created", "bank_rule.updated", "bank_rule.deleted"} <= set(books.events())


def test_a_transfer_booked_first_matches_the_other_side_when_its_statement_is_imported(books):
    main, savings = bank_account(books), bank_account(books, name="Savings")
    [out] = upload(books, main, Entry("-250.00", DAY, text="To savings"))
    booked = books.post(f"/v1/bank-transactions/{out['id']}/book", {"account_id": savings["account_id"]},
                        expect=200)
    assert booked["transfer_transaction_id"] is None
    [into] = upload(books, savings, Entry("250.00", DAY, text="From main"), statement_id="STMT-S")
    assert (into["status"], into["matched_by"], into["journal_entry_id"]) == (
        "matched", "transfer", booked["journal_entry_id"])
    assert books.get(f"/v1/bank-transactions/{out['id']}")["transfer_transaction_id"] == into["id"]
    assert (ledger_balance(books, main), ledger_balance(books, savings)) == (Decimal("-250.00"), Decimal("250.00"))


# ------------------------------------------------------------------------------------ money out: bills


def posted_bill(books, vendor, reference="R-4711"):  # 505.00
    from tests.integration.test_bills import bill_body

    draft = books.post("/v1/bills", bill_body(books, vendor, reference))
    return books.post(f"/v1/bills/{draft['id']}/post", expect=200)


def test_money_out_matched_to_a_suggested_bill_pays_it_and_unmatch_reopens_it(books):
    from tests.integration.test_bills import supplier

    vendor = supplier(books, "Office Supplies Ltd")
    bill, other = posted_bill(books, vendor), posted_bill(books, vendor, "R-9")
    account = bank_account(books)
    [transaction] = upload(books, account, Entry("-505.00", DAY, text="Invoice R-4711", name="Someone"))
    listed = books.get(f"/v1/bank-transactions?status=unmatched&bank_account_id={account['id']}")["data"]
    [shown] = [t for t in listed if t["id"] == transaction["id"]]
    assert [(s["bill_id"], s["reason"], s["amount"]) for s in shown["bill_suggestions"]] == [
        (bill["id"], "number_in_text", "505.00")]
    matched = books.post(f"/v1/bank-transactions/{transaction['id']}/match", {}, expect=200,
                         **{"Idempotency-Key": "match-out-1"})
    assert books.post(f"/v1/bank-transactions/{transaction['id']}/match", {}, expect=200,
                      **{"Idempotency-Key": "match-out-1"}) == matched
    assert (matched["status"], matched["matched_by"]) == ("matched", "supplier_payment")
    payment = books.get(f"/v1/supplier-payments/{matched['supplier_payment_id']}")
    assert (payment["amount"], payment["supplier_id"], payment["date"]) == ("505.00", vendor, DAY)
    assert [(a["bill_id"], a["amount"]) for a in payment["allocations"]] == [(bill["id"], "505.00")]
    assert books.get(f"/v1/bills/{bill['id']}")["status"] == "paid"
    assert books.get(f"/v1/bills/{other['id']}")["status"] != "paid"
    assert ledger_balance(books, account) == Decimal("-505.00")
    assert {"supplier_payment.posted", "bill.paid", "bank_transaction.matched"} <= set(books.events())

    undone = books.post(f"/v1/bank-transactions/{transaction['id']}/unmatch", expect=200)
    assert (undone["status"], undone["supplier_payment_id"]) == ("unmatched", None)
    assert books.get(f"/v1/supplier-payments/{payment['id']}")["status"] == "reversed"
    reopened = books.get(f"/v1/bills/{bill['id']}")
    assert reopened["status"] != "paid" and reopened["amount_due"] == "505.00"
    assert ledger_balance(books, account) == 0


def test_money_out_refusals_change_nothing_and_another_tenants_bill_is_not_found(books, make_tenant):
    from tests.integration.test_bills import supplier

    bill = posted_bill(books, supplier(books))
    account = bank_account(books)
    [transaction] = upload(books, account, Entry("-100.00", DAY, name="Nobody"))
    path = f"/v1/bank-transactions/{transaction['id']}/match"
    too_much = {"allocations": [{"bill_id": bill["id"], "amount": "505.00"}]}
    assert books.call("POST", path, too_much, expect=422).json()["error"]["param"] == "allocations"
    both = {"allocations": [{"bill_id": bill["id"], "invoice_id": "inv_x"}]}
    assert books.call("POST", path, both, expect=422).status_code == 422
    from tests.integration.books import Books

    stranger = make_tenant()
    others = Books(books.api, stranger.tenant_id, stranger.headers)
    theirs = posted_bill(others, supplier(others))
    assert books.call("POST", path, {"allocations": [{"bill_id": theirs["id"]}]}, expect=404).status_code == 404
    assert books.get(f"/v1/bank-transactions/{transaction['id']}")["status"] == "unmatched"
    assert books.get(f"/v1/bills/{bill['id']}")["amount_due"] == "505.00"
    assert books.get("/v1/supplier-payments")["data"] == [] and ledger_balance(books, account) == 0


def test_concurrent_money_out_matches_of_one_transaction_one_wins(books):
    from tests.integration.test_bills import supplier

    vendor = supplier(books)
    first, second = posted_bill(books, vendor), posted_bill(books, vendor, "R-9")
    account = bank_account(books)
    [transaction] = upload(books, account, Entry("-505.00", DAY, name="Office Supplies Ltd"))
    start = Barrier(2)

    def send(bill):
        start.wait()
        return books.call("POST", f"/v1/bank-transactions/{transaction['id']}/match",
                          {"allocations": [{"bill_id": bill["id"]}]})

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(send, [first, second]))
    assert sorted(r.status_code for r in results) == [200, 409]
    statuses = sorted(books.get(f"/v1/bills/{b['id']}")["status"] for b in (first, second))
    assert statuses.count("paid") == 1
    assert ledger_balance(books, account) == Decimal("-505.00")
    assert len(books.get("/v1/supplier-payments")["data"]) == 1
