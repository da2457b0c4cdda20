"""Refunds (customer credit paid back out) and a party's balance, against DynamoDB Local."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from threading import Barrier

from ledgerline.clock import today
from ledgerline.domain.errors import ValidationFailed
from ledgerline.services import refunds
from ledgerline.store.table import connection


def refund(books, customer: str, amount: str, expect: int = 201, **fields):
    body = {"customer_id": customer, "amount": amount, "account_id": books.accounts["1010"], **fields}
    return books.call("POST", "/v1/refunds", body, expect=expect).json()


def party_balance(books, party_id: str) -> dict:
    return books.get(f"/v1/parties/{party_id}/balance")


def credit_note_with_excess(books, customer: str) -> dict:
    """An invoice paid in full, then credited 550.00: all of it becomes customer credit."""
    invoice = books.posted(customer)
    books.receipt(customer, "1375.00", [(invoice["id"], "1375.00")])
    return books.post("/v1/credit-notes", {"invoice_id": invoice["id"], "lines": [
        {"description": "Setup refund", "unit_price": "500.00", "tax_code_id": books.tax_codes["GST10"]}]})


def test_refund_pays_receipt_credit_out_of_the_bank(books):
    customer = books.customer()
    receipt = books.receipt(customer, "300.00")
    assert books.balance("2100") == Decimal("-300.00")
    made = refund(books, customer, "120.00", receipt_id=receipt["id"], reference="Overpayment")
    assert (made["object"], made["status"], made["amount"], made["currency"]) == ("refund", "posted", "120.00", "AUD")
    assert made["sources"] == [{"source_type": "receipt", "source_id": receipt["id"], "amount": "120.00"}]
    # The ledger: debit customer credit, credit bank; the trial balance still balances
    assert books.balance("2100") == Decimal("-180.00") and books.balance("1010") == Decimal("180.00")
    entry = books.get(f"/v1/journal-entries/{made['journal_entry_id']}")
    assert entry["source_type"] == "refund" and entry["source_id"] == made["id"]
    assert {(line["account_id"], line["debit"], line["credit"]) for line in entry["lines"]} == {
        (books.accounts["2100"], "120.00", "0.00"), (books.accounts["1010"], "0.00", "120.00")}
    trial = books.trial_balance()
    assert trial["total_debit"] == trial["total_credit"]
    # The receipt shows what is left and what was refunded
    after = books.get(f"/v1/receipts/{receipt['id']}")
    assert (after["unallocated_amount"], after["refunded_amount"], after["allocated_amount"]) == ("180.00", "120.00",
                                                                                                  "0.00")
    assert books.get(f"/v1/refunds/{made['id']}") == made
    assert "refund.posted" in books.events()


def test_refund_without_a_source_draws_on_the_oldest_credit_first(books):
    customer = books.customer()
    day = today()
    older = books.receipt(customer, "100.00", date=(day - timedelta(days=3)).isoformat())
    note = credit_note_with_excess(books, customer)  # 550.00 credit, dated today
    newer = books.receipt(customer, "50.00", date=(day - timedelta(days=1)).isoformat())
    assert party_balance(books, customer)["credit"] == "700.00"
    made = refund(books, customer, "170.00")
    assert [(s["source_id"], s["amount"]) for s in made["sources"]] == [(older["id"], "100.00"),
                                                                         (newer["id"], "50.00"),
                                                                         (note["id"], "20.00")]
    assert made["receipt_id"] is None and made["credit_note_id"] is None
    assert books.get(f"/v1/credit-notes/{note['id']}")["unallocated_amount"] == "530.00"
    assert books.get(f"/v1/receipts/{older['id']}")["unallocated_amount"] == "0.00"
    assert party_balance(books, customer)["credit"] == "530.00"
    assert books.balance("2100") == Decimal("-530.00")
    # Credit-note excess can be named too
    from_note = refund(books, customer, "30.00", credit_note_id=note["id"])
    assert from_note["sources"] == [{"source_type": "credit_note", "source_id": note["id"], "amount": "30.00"}]
    assert party_balance(books, customer)["credit"] == "500.00"


def test_refund_refusals_name_the_field_and_change_nothing(books):
    customer, other = books.customer(), books.customer("Other")
    receipt = books.receipt(customer, "100.00", date=(today() - timedelta(days=2)).isoformat())
    before = books.trial_balance()

    def refused(amount: str, field: str, status: int = 422, **fields) -> None:
        error = refund(books, customer, amount, expect=status, **fields)["error"]
        assert error["param"] == field, error

    refused("100.01", "amount")  # more than the customer's credit
    refused("100.01", "amount", receipt_id=receipt["id"])  # more than the receipt's unallocated credit
    refused("10.00", "currency", currency="USD", exchange_rate="1.5")  # the credit is in AUD
    refused("10.00", "currency", currency="USD", exchange_rate="1.5", receipt_id=receipt["id"])
    refused("10.00", "date", receipt_id=receipt["id"], date=(today() - timedelta(days=3)).isoformat())
    refused("10.00", "amount", date=(today() - timedelta(days=3)).isoformat())  # no credit yet on that day
    refused("10.00", "account_id", account_id=books.accounts["4000"])  # not a bank or cash account
    refused("10.00", "account_id", account_id="acc_nope")
    refused("10.001", "amount")
    refused("10.00", "customer_id", customer_id="pty_nope")
    refused("10.00", "receipt_id", receipt_id="rct_nope")
    refused("10.00", "credit_note_id", credit_note_id="cn_nope")
    refused("10.00", "credit_note_id", receipt_id=receipt["id"], credit_note_id="cn_nope")
    assert refund(books, other, "10.00", expect=422, receipt_id=receipt["id"])["error"]["param"] == "receipt_id"
    assert refund(books, customer, "0", expect=422)["error"]["details"][0]["field"] == "amount"
    books.call("PATCH", "/v1/tenant", {"lock_date": today().isoformat()}, expect=200)
    refused("10.00", "date", status=409)  # the code's lock-date error: 409 period_locked, naming the date
    assert books.get("/v1/refunds")["data"] == []
    assert books.trial_balance() == before
    assert books.get(f"/v1/receipts/{receipt['id']}")["unallocated_amount"] == "100.00"


def test_an_archived_customers_credit_can_still_be_paid_back(books):
    customer = books.customer()
    books.receipt(customer, "60.00")
    books.call("DELETE", f"/v1/parties/{customer}", expect=200)
    assert refund(books, customer, "60.00")["status"] == "posted"
    supplier = books.customer("Supplies Ltd", kind="supplier")
    assert refund(books, supplier, "1.00", expect=422)["error"]["param"] == "customer_id"


def test_reversing_a_refund_gives_the_credit_back(books):
    customer = books.customer()
    receipt = books.receipt(customer, "200.00")
    made = refund(books, customer, "200.00", receipt_id=receipt["id"])
    # The receipt cannot be reversed while its credit is refunded
    blocked = books.call("POST", f"/v1/receipts/{receipt['id']}/reverse", {}, expect=409).json()["error"]
    assert blocked["code"] == "invalid_state"
    reversed_ = books.post(f"/v1/refunds/{made['id']}/reverse", {}, expect=200)
    assert reversed_["status"] == "reversed" and reversed_["reversal_journal_entry_id"] and reversed_["reversed_at"]
    assert books.balance("2100") == Decimal("-200.00") and books.balance("1010") == Decimal("200.00")
    again = books.get(f"/v1/receipts/{receipt['id']}")
    assert (again["unallocated_amount"], again["refunded_amount"]) == ("200.00", "0.00")
    assert party_balance(books, customer)["credit"] == "200.00"
    assert books.call("POST", f"/v1/refunds/{made['id']}/reverse", {}, expect=409).json()["error"]["code"] == \
        "invalid_state"
    early = books.call("POST", f"/v1/refunds/{made['id']}/reverse", {"date": "2000-01-01"}, expect=409)
    assert early.json()["error"]["code"] == "invalid_state"
    assert "refund.reversed" in books.events()
    # Once the refund is reversed, the receipt can be reversed
    books.post(f"/v1/receipts/{receipt['id']}/reverse", {}, expect=200)
    assert books.balance("2100") == 0 and books.balance("1010") == 0


def test_a_reversal_cannot_predate_the_refund(books):
    customer = books.customer()
    books.receipt(customer, "50.00", date=(today() - timedelta(days=5)).isoformat())
    made = refund(books, customer, "50.00")
    early = books.call("POST", f"/v1/refunds/{made['id']}/reverse",
                       {"date": (today() - timedelta(days=1)).isoformat()}, expect=422)
    assert early.json()["error"]["param"] == "date"


def test_foreign_currency_refund_clears_credit_at_its_booked_rate(books):
    customer = books.customer("Yankee Corp", currency="USD")
    receipt = books.receipt(customer, "100.00", currency="USD", exchange_rate="1.50")  # credit AUD 150.00
    assert books.balance("2100") == Decimal("-150.00")
    made = refund(books, customer, "100.00", exchange_rate="1.60")  # USD by default: the customer's currency
    assert (made["currency"], made["exchange_rate"]) == ("USD", "1.60")
    assert made["sources"][0]["source_id"] == receipt["id"]
    # Customer credit leaves at 150.00, the bank pays 160.00: a 10.00 exchange loss
    assert books.balance("2100") == 0
    assert books.balance("1010") == Decimal("-10.00")
    assert books.balance("7950") == Decimal("10.00")
    trial = books.trial_balance()
    assert trial["total_debit"] == trial["total_credit"]
    missing_rate = refund(books, customer, "1.00", expect=422)
    assert missing_rate["error"]["param"] in ("exchange_rate", "amount")


def test_foreign_credit_refunded_and_allocated_in_pieces_leaves_no_residue(books):
    # USD 10.00 of credit at 1.5 is AUD 15.00; pieces of 3.33 convert to 5.00 each (rounded), so only
    # the piece that takes the last of the credit may take what is left of the base amount (5.00, not 5.01).
    customer = books.customer("Yankee Corp", currency="USD")
    receipt = books.receipt(customer, "10.00", currency="USD", exchange_rate="1.5")
    invoice = books.posted(customer, currency="USD", exchange_rate="1.5",
                           lines=[{"description": "Work", "quantity": "1", "unit_price": "3.33"}])
    refund(books, customer, "3.33", receipt_id=receipt["id"], exchange_rate="1.5")
    books.post(f"/v1/receipts/{receipt['id']}/allocations",
               {"allocations": [{"invoice_id": invoice["id"], "amount": "3.33"}]}, expect=200)
    refund(books, customer, "3.34", receipt_id=receipt["id"], exchange_rate="1.5")
    assert books.balance("2100") == 0
    trial = books.trial_balance()
    assert trial["total_debit"] == trial["total_credit"]


def test_party_balance_shows_receivable_credit_and_overdue(books):
    customer = books.customer()
    late = books.posted(customer, issue_date=(today() - timedelta(days=60)).isoformat(),
                        due_date=(today() - timedelta(days=30)).isoformat())
    books.posted(customer)  # due in the future
    books.receipt(customer, "375.00", [(late["id"], "375.00")])
    books.receipt(customer, "25.00")
    usd = books.receipt(customer, "10.00", currency="USD", exchange_rate="1.5")
    balance = party_balance(books, customer)
    assert balance["object"] == "party_balance" and balance["party_id"] == customer
    assert (balance["currency"], balance["receivable"], balance["credit"], balance["overdue"]) == (
        "AUD", "2375.00", "40.00", "1000.00")
    assert balance["by_currency"] == [
        {"currency": "AUD", "receivable": "2375.00", "credit": "25.00", "overdue": "1000.00"},
        {"currency": "USD", "receivable": "0.00", "credit": "10.00", "overdue": "0.00"}]
    books.post(f"/v1/receipts/{usd['id']}/reverse", {}, expect=200)  # reversed credit is no credit
    assert party_balance(books, customer)["credit"] == "25.00"
    nobody = books.customer("Nobody")
    assert party_balance(books, nobody) | {"as_of": None} == {
        "object": "party_balance", "party_id": nobody, "as_of": None, "currency": "AUD", "receivable": "0.00",
        "credit": "0.00", "overdue": "0.00", "by_currency": []}
    missing = books.call("GET", "/v1/parties/pty_01AAAAAAAAAAAAAAAAAAAAAAAA/balance", expect=404)
    assert missing.json()["error"]["code"] == "resource_missing"


def test_another_tenants_party_balance_and_refunds_are_not_found(api, books, make_tenant):
    customer = books.customer()
    made_receipt = books.receipt(customer, "10.00")
    made = refund(books, customer, "10.00", receipt_id=made_receipt["id"])
    other = make_tenant()
    assert api.get(f"/v1/parties/{customer}/balance", headers=other.headers).status_code == 404
    assert api.get(f"/v1/refunds/{made['id']}", headers=other.headers).status_code == 404
    assert api.post(f"/v1/refunds/{made['id']}/reverse", json={}, headers=other.headers).status_code == 404
    assert api.get("/v1/refunds", params={"customer_id": customer}, headers=other.headers).json()["data"] == []


def test_refund_list_filters_and_pages(books):
    customer, other = books.customer(), books.customer("Other")
    books.receipt(customer, "100.00", date="2026-01-01")
    books.receipt(other, "100.00", date="2026-01-01")
    first = refund(books, customer, "10.00", date="2026-01-05")
    second = refund(books, customer, "10.00", date="2026-02-05")
    third = refund(books, other, "10.00", date="2026-03-05")
    books.post(f"/v1/refunds/{second['id']}/reverse", {}, expect=200)

    def listed(query: str) -> list[str]:
        return [r["id"] for r in books.get(f"/v1/refunds?{query}")["data"]]

    assert listed("") == [first["id"], second["id"], third["id"]]
    assert listed(f"customer_id={customer}") == [first["id"], second["id"]]
    assert listed("status=reversed") == [second["id"]]
    assert listed("status=posted&from_date=2026-02-01") == [third["id"]]
    assert listed("to_date=2026-01-31") == [first["id"]]
    assert listed("from_date=2026-03-01&to_date=2026-01-01") == []
    page = books.get("/v1/refunds?limit=2")
    assert len(page["data"]) == 2 and page["has_more"]
    rest = books.get(f"/v1/refunds?limit=2&cursor={page['next_cursor']}")
    assert [r["id"] for r in rest["data"]] == [third["id"]] and not rest["has_more"]
    books.call("GET", "/v1/refunds?status=void", expect=422)


def test_idempotent_refund_replays_and_refuses_a_different_body(books):
    customer = books.customer()
    books.receipt(customer, "100.00")
    body = {"customer_id": customer, "amount": "40.00", "account_id": books.accounts["1010"]}
    first = books.call("POST", "/v1/refunds", body, expect=201, **{"Idempotency-Key": "refund-1"}).json()
    again = books.call("POST", "/v1/refunds", body, expect=201, **{"Idempotency-Key": "refund-1"}).json()
    assert again == first
    other = books.call("POST", "/v1/refunds", {**body, "amount": "41.00"}, expect=422,
                       **{"Idempotency-Key": "refund-1"}).json()
    assert other["error"]["code"] == "idempotency_error"
    assert len(books.get("/v1/refunds")["data"]) == 1
    assert party_balance(books, customer)["credit"] == "60.00"


def test_two_refunds_racing_for_the_same_credit_only_one_wins(books):
    customer = books.customer()
    books.receipt(customer, "100.00")
    connection().connection.client  # noqa: B018 - built before the threads use it
    body = {"customer_id": customer, "amount": Decimal("70.00"), "account_id": books.accounts["1010"]}
    start = Barrier(2)

    def take(_: int) -> bool:
        start.wait()
        try:
            refunds.create(books.tenant_id, body)
            return True
        except ValidationFailed:
            return False

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(take, range(2)))
    assert sorted(outcomes) == [False, True]
    assert party_balance(books, customer)["credit"] == "30.00"
    assert books.balance("2100") == Decimal("-30.00") and books.balance("1010") == Decimal("30.00")


def test_many_refunds_racing_never_take_more_than_the_credit(books):
    customer = books.customer()
    books.receipt(customer, "100.00")
    books.receipt(customer, "50.00")
    connection().connection.client  # noqa: B018
    body = {"customer_id": customer, "amount": Decimal("20.00"), "account_id": books.accounts["1010"]}

    def take(_: int) -> bool:
        try:
            refunds.create(books.tenant_id, body)
            return True
        except ValidationFailed:
            return False

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(take, range(10)))
    assert outcomes.count(True) == 7  # 7 x 20.00 fit in 150.00
    assert party_balance(books, customer)["credit"] == "10.00"
    assert books.balance("2100") == Decimal("-10.00")


def test_refund_entries_are_listed_by_source_type_and_events_carry_the_refund(books):
    customer = books.customer()
    books.receipt(customer, "80.00")
    made = refund(books, customer, "80.00")
    books.post(f"/v1/refunds/{made['id']}/reverse", {}, expect=200)
    for source_type in ("refund", "refund_reversal"):
        (entry,) = books.get(f"/v1/journal-entries?source_type={source_type}")["data"]
        assert entry["source_id"] == made["id"]
    # Journal entries of a refund are reversed through the refund, not by hand
    books.call("POST", f"/v1/journal-entries/{made['journal_entry_id']}/reverse", {}, expect=409)
    events = {e["type"]: e for e in books.get(f"/v1/events?object_id={made['id']}")["data"]}
    assert events["refund.posted"]["data"]["sources"][0]["amount"] == "80.00"
    assert events["refund.reversed"]["data"]["status"] == "reversed"
    assert events["refund.reversed"]["sequence"] > events["refund.posted"]["sequence"]


def test_documents_saved_before_the_open_items_index_are_indexed_by_the_cli(books, capsys):
    from ledgerline.local.cli import main
    from ledgerline.store.documents import CreditNote, Invoice, Receipt

    customer = books.customer()
    invoice = books.posted(customer)
    receipt = books.receipt(customer, "100.00")
    note = credit_note_with_excess(books, customer)
    expected = party_balance(books, customer)
    assert (expected["receivable"], expected["credit"]) == ("1375.00", "650.00")
    # Given documents as they were written before GSI3 existed (no GSI3 keys)
    for model, document_id in ((Invoice, invoice["id"]), (Receipt, receipt["id"]), (CreditNote, note["id"])):
        key = model.key(books.tenant_id, document_id)
        model._get_connection().update_item(*key, actions=[model.gsi3pk.remove(), model.gsi3sk.remove()])
    assert party_balance(books, customer)["receivable"] == "0.00"
    versions = {i: books.get(f"/v1/{kind}/{i}")["version"] for kind, i in (
        ("invoices", invoice["id"]), ("receipts", receipt["id"]), ("credit-notes", note["id"]))}
    # When the operator runs the backfill for the tenant
    assert main(["customers", "reindex", "--tenant", books.tenant_id]) == 0
    assert '"documents_indexed": 3' in capsys.readouterr().out
    # Then the balance is whole again, versions are untouched, and a second run changes nothing
    assert party_balance(books, customer) == expected
    assert versions == {i: books.get(f"/v1/{kind}/{i}")["version"] for kind, i in (
        ("invoices", invoice["id"]), ("receipts", receipt["id"]), ("credit-notes", note["id"]))}
    assert main(["customers", "reindex", "--tenant", books.tenant_id]) == 0
    assert '"documents_indexed": 0' in capsys.readouterr().out
