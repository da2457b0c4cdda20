"""Supplier payments through the API against DynamoDB Local (issue 15): partial payments, prepayments, the
open-bills index and aged payables moving in the payment's transaction, reversal, tenant isolation, and
concurrent payments that never over-allocate a bill."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

from ledgerline.clock import today
from ledgerline.domain.errors import ValidationFailed
from ledgerline.services import supplier_payments
from ledgerline.services.reports import aged_payables
from ledgerline.store.table import connection
from tests.integration.test_bills import bill_body, supplier


def posted_bill(books, vendor: str, reference: str = "R-1", **fields) -> dict:
    draft = books.post("/v1/bills", bill_body(books, vendor, reference, **fields))
    return books.post(f"/v1/bills/{draft['id']}/post", expect=200)


def test_a_bill_paid_in_two_parts_leaves_aged_payables_and_the_payable_account(books):
    vendor = supplier(books)
    bill = posted_bill(books, vendor, bill_date=(today() - timedelta(days=40)).isoformat())  # 505.00
    body = {"supplier_id": vendor, "amount": "300.00", "account_id": books.accounts["1010"],
            "allocations": [{"bill_id": bill["id"], "amount": "300.00"}]}
    first = books.post("/v1/supplier-payments", body, **{"Idempotency-Key": "pay-1"})
    again = books.post("/v1/supplier-payments", body, **{"Idempotency-Key": "pay-1"})
    assert again["id"] == first["id"] and first["allocations"][0]["bill_number"] == bill["number"]
    part = books.get(f"/v1/bills/{bill['id']}")
    assert (part["status"], part["amount_due"]) == ("overdue", "205.00")
    assert books.get("/v1/reports/aged-payables")["totals"]["total"] == "205.00"
    second = books.post("/v1/supplier-payments", {**body, "amount": "250.00",
                                                  "allocations": [{"bill_id": bill["id"], "amount": "205.00"}]})
    assert second["unallocated_amount"] == "45.00"
    assert books.get(f"/v1/bills/{bill['id']}")["status"] == "paid"
    assert books.get("/v1/bills?status=open")["data"] == []
    report = books.get("/v1/reports/aged-payables")
    assert report["totals"]["total"] == report["payable_balance"] == "0.00"
    assert (books.balance("2000"), books.balance("1400"), books.balance("1010")) == \
        (Decimal("0.00"), Decimal("45.00"), Decimal("-550.00"))
    yesterday = aged_payables.report(books.tenant_id, today() - timedelta(days=1))
    assert yesterday.totals.total == yesterday.payable_balance == Decimal("505.00")
    assert "bill.paid" in books.events()
    entry = books.get(f"/v1/journal-entries/{second['journal_entry_ids'][0]}")
    assert entry["source_type"] == "supplier_payment"
    listed = books.get(f"/v1/supplier-payments?supplier_id={vendor}&status=posted")["data"]
    assert [p["id"] for p in listed] == [first["id"], second["id"]]
    later = posted_bill(books, vendor, "R-2")
    used = books.post(f"/v1/supplier-payments/{second['id']}/allocations",
                      {"allocations": [{"bill_id": later["id"], "amount": "45.00"}]}, expect=200)
    assert (used["unallocated_amount"], books.balance("1400")) == ("0.00", Decimal("0.00"))
    assert books.get(f"/v1/bills/{later['id']}")["amount_due"] == "460.00"
    reversed_ = books.post(f"/v1/supplier-payments/{second['id']}/reverse", expect=200)
    assert reversed_["status"] == "reversed"
    assert books.get(f"/v1/bills/{bill['id']}")["amount_due"] == "205.00"
    assert (books.balance("2000"), books.balance("1400")) == (Decimal("-710.00"), Decimal("0.00"))
    assert books.get(f"/v1/bills/{later['id']}")["amount_due"] == "505.00"
    assert books.get("/v1/reports/aged-payables")["totals"]["total"] == "710.00"


def test_bad_payments_are_422_naming_the_field_and_another_tenants_ids_404(books, api, make_tenant):
    vendor = supplier(books)
    bill = posted_bill(books, vendor)
    base = {"supplier_id": vendor, "amount": "10.00", "account_id": books.accounts["1010"]}
    error = books.call("POST", "/v1/supplier-payments",
                       {**base, "allocations": [{"bill_id": bill["id"], "amount": "600.00"}], "amount": "600.00"},
                       expect=422).json()["error"]
    assert error["param"] == "allocations.0.amount"
    assert books.call("POST", "/v1/supplier-payments", {**base, "account_id": books.accounts["6000"]},
                      expect=422).json()["error"]["param"] == "account_id"
    assert books.call("POST", "/v1/supplier-payments", {**base, "amount": "1.001"},
                      expect=422).json()["error"]["param"] == "amount"
    books.call("GET", "/v1/supplier-payments?colour=red", expect=400)
    assert books.balance("1010") == 0
    from tests.integration.books import Books

    stranger = make_tenant()
    theirs = Books(api, stranger.tenant_id, stranger.headers)
    made = books.post("/v1/supplier-payments", base)
    theirs.call("GET", f"/v1/supplier-payments/{made['id']}", expect=404)
    theirs.call("POST", f"/v1/supplier-payments/{made['id']}/reverse", expect=404)
    their_vendor = theirs.post("/v1/parties", {"name": "Theirs", "kind": "supplier"})["id"]
    theirs.call("POST", "/v1/supplier-payments", {"supplier_id": their_vendor, "amount": "5.00",
                                                  "account_id": theirs.accounts["1010"],
                                                  "allocations": [{"bill_id": bill["id"], "amount": "5.00"}]},
                expect=404)


def test_concurrent_payments_never_over_allocate_a_bill(books):
    vendor = supplier(books)
    bill = posted_bill(books, vendor)  # 505.00: at most two of the 200.00 payments fit
    connection().connection.client  # noqa: B018 - build the shared client before the threads use it

    def pay(_: int) -> bool:
        try:
            supplier_payments.create(books.tenant_id, {
                "supplier_id": vendor, "amount": Decimal("200.00"), "account_id": books.accounts["1010"],
                "allocations": [{"bill_id": bill["id"], "amount": Decimal("200.00")}]})
            return True
        except ValidationFailed:
            return False

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(pay, range(6)))
    assert outcomes.count(True) == 2
    after = books.get(f"/v1/bills/{bill['id']}")
    assert (after["amount_paid"], after["amount_due"]) == ("400.00", "105.00")
    assert books.balance("2000") == Decimal("-105.00") and books.balance("1010") == Decimal("-400.00")


def test_bulk_supplier_payments_record_the_valid_ones_and_a_retry_repeats_nothing(books):
    vendor = supplier(books)
    bill = posted_bill(books, vendor)  # 505.00
    good = {"supplier_id": vendor, "amount": "100.00", "account_id": books.accounts["1010"],
            "allocations": [{"bill_id": bill["id"], "amount": "100.00"}]}
    too_much = {**good, "amount": "600.00", "allocations": [{"bill_id": bill["id"], "amount": "600.00"}]}
    body = {"items": [{"data": good, "idempotency_key": "sp-1"}, {"data": too_much, "idempotency_key": "sp-2"}]}
    result = books.post("/v1/bulk/supplier-payments", body, expect=200)
    assert [(r["success"], r["status"]) for r in result["results"]] == [(True, 201), (False, 422)]
    assert result["results"][1]["error"]["param"] == "allocations.0.amount"
    again = books.post("/v1/bulk/supplier-payments", body, expect=200)
    assert again["results"][0]["data"]["id"] == result["results"][0]["data"]["id"]
    assert books.get(f"/v1/bills/{bill['id']}")["amount_due"] == "405.00"
    key = books.post("/v1/api-keys", {"name": "bills only", "scopes": ["bills:write"]})["secret"]
    refused = books.api.post("/v1/bulk/supplier-payments", json={"items": [{"data": good}]},
                             headers={"Authorization": f"Bearer {key}"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "missing_scope"


def test_a_purchase_order_is_billed_over_the_api_and_a_deleted_draft_gives_its_quantities_back(books, api,
                                                                                                make_tenant):
    from tests.integration.books import Books
    from tests.integration.test_purchase_orders import _sent

    order = _sent(books)
    books.post(f"/v1/purchase-orders/{order['id']}/receive", {"lines": [{"line": 1, "quantity": "3"}]}, expect=200)
    stranger = make_tenant()
    Books(api, stranger.tenant_id, stranger.headers).call("POST", f"/v1/purchase-orders/{order['id']}/bill", {},
                                                          expect=404)
    bill = books.post(f"/v1/purchase-orders/{order['id']}/bill", {"basis": "received", "supplier_reference": "S-1"},
                      **{"Idempotency-Key": "po-bill-1"})
    again = books.post(f"/v1/purchase-orders/{order['id']}/bill", {"basis": "received", "supplier_reference": "S-1"},
                       **{"Idempotency-Key": "po-bill-1"})
    assert again["id"] == bill["id"] and bill["purchase_order_id"] == order["id"]
    assert [line["quantity"] for line in bill["lines"]] == ["3"]
    billed = books.get(f"/v1/purchase-orders/{order['id']}")
    assert [line["billed_quantity"] for line in billed["lines"]] == ["3", "0"]
    nothing = books.call("POST", f"/v1/purchase-orders/{order['id']}/bill", {}, expect=409).json()["error"]
    assert nothing["code"] == "nothing_to_bill"
    books.call("POST", f"/v1/purchase-orders/{order['id']}/bill", {"basis": "sometimes"}, expect=422)
    books.call("DELETE", f"/v1/bills/{bill['id']}", expect=200)
    given_back = books.get(f"/v1/purchase-orders/{order['id']}")
    assert [line["billed_quantity"] for line in given_back["lines"]] == ["0", "0"]
    assert books.balance("2000") == 0


def test_a_supplier_credit_note_reduces_the_bill_payable_and_the_vat_return_input_tax(books, api, make_tenant):
    vendor = supplier(books)
    bill = posted_bill(books, vendor)  # 50.00 + 5.00 tax on 6000, 450.00 untaxed on 1000
    year = today().year
    before = books.get(f"/v1/reports/vat-return?from={year}-01-01&to={year}-12-31")["input_tax"]
    note = books.post("/v1/supplier-credit-notes", {"bill_id": bill["id"], "amount": "20.00", "reason": "Returned"},
                      **{"Idempotency-Key": "scn-1"})
    again = books.post("/v1/supplier-credit-notes", {"bill_id": bill["id"], "amount": "20.00", "reason": "Returned"},
                       **{"Idempotency-Key": "scn-1"})
    assert again["id"] == note["id"] and (note["total"], note["applied_amount"]) == ("22.00", "22.00")
    assert books.get(f"/v1/bills/{bill['id']}")["amount_due"] == "483.00"
    assert books.balance("2000") == Decimal("-483.00") and books.balance("1300") == Decimal("3.00")
    after = books.get(f"/v1/reports/vat-return?from={year}-01-01&to={year}-12-31")["input_tax"]
    assert Decimal(before) - Decimal(after) == Decimal("2.00")
    assert books.get("/v1/reports/aged-payables")["totals"]["total"] == "483.00"
    assert [n["id"] for n in books.get(f"/v1/supplier-credit-notes?bill_id={bill['id']}")["data"]] == [note["id"]]
    assert books.call("POST", "/v1/supplier-credit-notes", {"bill_id": bill["id"]}, expect=422)
    from tests.integration.books import Books

    stranger = make_tenant()
    theirs = Books(api, stranger.tenant_id, stranger.headers)
    theirs.call("GET", f"/v1/supplier-credit-notes/{note['id']}", expect=404)
    theirs.call("POST", "/v1/supplier-credit-notes", {"bill_id": bill["id"], "amount": "1.00"}, expect=404)


def test_a_supplier_refunds_a_prepayment_over_the_api(books):
    vendor = supplier(books)
    prepaid = books.post("/v1/supplier-payments", {"supplier_id": vendor, "amount": "80.00",
                                                   "account_id": books.accounts["1010"]})
    refunded = books.post(f"/v1/supplier-payments/{prepaid['id']}/refund",
                          {"amount": "80.00", "account_id": books.accounts["1010"]}, expect=200)
    assert (refunded["unallocated_amount"], refunded["refunded_amount"]) == ("0.00", "80.00")
    assert (books.balance("1400"), books.balance("1010")) == (Decimal("0.00"), Decimal("0.00"))
    again = books.call("POST", f"/v1/supplier-payments/{prepaid['id']}/refund",
                       {"amount": "1.00", "account_id": books.accounts["1010"]}, expect=422).json()["error"]
    assert again["param"] == "amount"
    books.call("POST", f"/v1/supplier-payments/{prepaid['id']}/reverse", expect=409)


def test_a_supplier_credit_notes_excess_pays_a_later_bill_and_the_rest_comes_back_into_the_bank(books, api,
                                                                                                 make_tenant):
    """Issue 15 leftovers: the excess a credit note holds on 1400 is used by the same allocation and refund
    paths as a payment's prepayment; 1400 equals what is held after each step."""
    vendor = supplier(books)
    bill = posted_bill(books, vendor)  # 505.00
    books.post("/v1/supplier-payments", {"supplier_id": vendor, "amount": "505.00",
                                         "account_id": books.accounts["1010"],
                                         "allocations": [{"bill_id": bill["id"], "amount": "505.00"}]})
    note = books.post("/v1/supplier-credit-notes", {"bill_id": bill["id"], "amount": "100.00"})
    held = Decimal(note["unallocated_amount"])
    assert held > 0 and books.balance("1400") == held
    later = posted_bill(books, vendor, "R-2")
    body = {"allocations": [{"bill_id": later["id"], "amount": "60.00"}]}
    used = books.post(f"/v1/supplier-credit-notes/{note['id']}/allocations", body, expect=200,
                      **{"Idempotency-Key": "use-1"})
    again = books.post(f"/v1/supplier-credit-notes/{note['id']}/allocations", body, expect=200,
                       **{"Idempotency-Key": "use-1"})
    assert again == used and Decimal(used["unallocated_amount"]) == held - 60
    assert used["allocations"][0]["bill_number"] == later["number"]
    assert books.get(f"/v1/bills/{later['id']}")["amount_due"] == "445.00"
    assert books.balance("1400") == held - 60
    entry = books.get(f"/v1/journal-entries/{used['journal_entry_ids'][-1]}")
    assert entry["source_type"] == "supplier_credit_note_allocation"
    too_much = books.call("POST", f"/v1/supplier-credit-notes/{note['id']}/refund",
                          {"amount": str(held), "account_id": books.accounts["1010"]}, expect=422).json()["error"]
    assert too_much["param"] == "amount"
    back = books.post(f"/v1/supplier-credit-notes/{note['id']}/refund",
                      {"amount": str(held - 60), "account_id": books.accounts["1010"]}, expect=200)
    assert (back["unallocated_amount"], Decimal(back["refunded_amount"])) == ("0.00", held - 60)
    assert books.balance("1400") == Decimal("0.00")
    assert books.balance("1010") == Decimal("-505.00") + held - 60
    events = books.events()
    assert "supplier_credit_note.allocated" in events and "supplier_credit_note.refunded" in events
    books.call("POST", f"/v1/supplier-credit-notes/{note['id']}/allocations",
               {"allocations": [{"bill_id": later["id"], "amount": "1.00"}]}, expect=422)
    books.call("POST", f"/v1/supplier-credit-notes/{note['id']}/refund", {"amount": "1.00"}, expect=422)
    from tests.integration.books import Books

    stranger = make_tenant()
    theirs = Books(api, stranger.tenant_id, stranger.headers)
    theirs.call("POST", f"/v1/supplier-credit-notes/{note['id']}/refund",
                {"amount": "1.00", "account_id": books.accounts["1010"]}, expect=404)


def test_a_foreign_prepayment_without_a_rate_takes_the_rate_of_its_date(books):
    vendor = supplier(books)
    day = today().isoformat()
    body = {"supplier_id": vendor, "amount": "100.00", "currency": "USD", "account_id": books.accounts["1010"]}
    error = books.call("POST", "/v1/supplier-payments", body, expect=422).json()["error"]
    assert error["param"] == "exchange_rate" and "USD" in error["message"] and day in error["message"]
    assert books.balance("1400") == 0
    books.post("/v1/exchange-rates", {"currency": "USD", "date": day, "rate": "1.5"})
    made = books.post("/v1/supplier-payments", body)
    assert (made["exchange_rate"], books.balance("1400")) == ("1.5", Decimal("150.00"))
