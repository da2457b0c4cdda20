"""Supplier bills through the API against DynamoDB Local (issue 15): post, void, the supplier reference under
concurrency, the open-bills index and aged payables against the payable account."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from ledgerline.clock import today
from ledgerline.domain.errors import AlreadyExists
from ledgerline.pdf import blobs
from ledgerline.pdf.blobs import FolderBlobStore
from ledgerline.services import bills
from ledgerline.services.reports import aged_payables
from ledgerline.store.table import connection


def supplier(books, name: str = "Office Supplies Ltd") -> str:
    return books.post("/v1/parties", {"name": name, "kind": "supplier"})["id"]


def bill_body(books, supplier_id: str, reference: str = "R-1", **fields: Any) -> dict[str, Any]:
    return {"supplier_id": supplier_id, "supplier_reference": reference, "lines": [
        {"description": "Paper", "quantity": "10", "unit_price": "5.00", "account_id": books.accounts["6000"],
         "tax_code_id": books.tax_codes["GST10"]},
        {"description": "Desk", "unit_price": "450.00", "account_id": books.accounts["1000"]}], **fields}


@pytest.fixture
def scan(books, tmp_path) -> Iterator[str]:
    """An uploaded PDF of the supplier's invoice (attachments are checked: issue 15, part S)."""
    blobs.use(FolderBlobStore(tmp_path / "files"))
    response = books.api.post("/v1/files", files={"file": ("bill.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
                              data={"purpose": "bill"}, headers=books.headers)
    assert response.status_code == 201, response.text
    yield response.json()["id"]
    blobs.use(None)


def test_a_bill_posts_to_payables_and_voids_back_to_nothing(books, scan):
    vendor = supplier(books)
    error = books.call("POST", "/v1/bills", bill_body(books, vendor, attachment_ids=[scan, "file_nope"]),
                       expect=422).json()["error"]
    assert error["param"] == "attachment_ids.1"
    draft = books.post("/v1/bills", bill_body(books, vendor, attachment_ids=[scan]))
    assert (draft["total"], draft["tax_total"], draft["status"], draft["number"]) == ("505.00", "5.00", "draft", None)
    assert draft["attachment_ids"] == [scan]
    assert books.get(f"/v1/files/{scan}")["attached_to"] == [draft["id"]]
    posted = books.post(f"/v1/bills/{draft['id']}/post", expect=200)
    assert posted["number"] == f"BILL-{today().year}-0001" and posted["status"] == "awaiting_payment"
    entry = books.get(f"/v1/journal-entries/{posted['journal_entry_id']}")
    assert entry["source_type"] == "bill"
    assert (books.balance("6000"), books.balance("1000"), books.balance("1300"), books.balance("2000")) == \
        (Decimal("50.00"), Decimal("450.00"), Decimal("5.00"), Decimal("-505.00"))
    books.call("PATCH", f"/v1/bills/{posted['id']}", {"notes": "x"}, expect=409)
    voided = books.post(f"/v1/bills/{posted['id']}/void", expect=200)
    assert voided["status"] == "voided"
    assert books.balance("2000") == 0 and books.balance("6000") == 0
    assert [e for e in books.events() if e.startswith("bill.")] == ["bill.created", "bill.posted", "bill.voided"]


def test_a_duplicate_supplier_reference_is_a_409_also_under_concurrency(books):
    vendor = supplier(books)
    books.post("/v1/bills", bill_body(books, vendor, "R-9"))
    again = books.call("POST", "/v1/bills", bill_body(books, vendor, "R-9"), expect=409).json()["error"]
    assert (again["code"], again["param"]) == ("duplicate_supplier_reference", "supplier_reference")
    # eight requests race for one new reference: exactly one bill has it
    connection().connection.client  # noqa: B018 - build the shared client before the threads use it
    body = bill_body(books, vendor, "R-10")
    body["lines"] = [{**line, "quantity": Decimal(line.get("quantity", "1")), "unit_price": Decimal(line["unit_price"])}
                     for line in body["lines"]]

    def create(_: int) -> bool:
        try:
            bills.create_draft(books.tenant_id, dict(body))
            return True
        except AlreadyExists:
            return False

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(create, range(8)))
    assert outcomes.count(True) == 1
    listed = books.get(f"/v1/bills?supplier_id={vendor}&limit=100")["data"]
    assert sorted(b["supplier_reference"] for b in listed) == ["R-10", "R-9"]


def test_lists_filter_by_status_supplier_and_date_and_another_tenants_bill_is_a_404(books, api, make_tenant):
    vendor, other = supplier(books), supplier(books, "Other Co")
    old = (today() - timedelta(days=60)).isoformat()
    overdue = books.post(f"/v1/bills/{books.post('/v1/bills', bill_body(books, vendor, 'A', bill_date=old))['id']}"
                         "/post", expect=200)
    books.post("/v1/bills", bill_body(books, other, "B"))
    assert [b["id"] for b in books.get("/v1/bills?status=overdue")["data"]] == [overdue["id"]]
    assert [b["supplier_reference"] for b in books.get(f"/v1/bills?supplier_id={other}")["data"]] == ["B"]
    assert [b["supplier_reference"] for b in books.get(f"/v1/bills?to_date={old}")["data"]] == ["A"]
    books.call("GET", "/v1/bills?customer_id=x", expect=400)
    from tests.integration.books import Books

    stranger = make_tenant()
    theirs = Books(api, stranger.tenant_id, stranger.headers)
    theirs.call("GET", f"/v1/bills/{overdue['id']}", expect=404)
    theirs.call("POST", f"/v1/bills/{overdue['id']}/void", expect=404)


def test_aged_payables_equal_the_payable_account_at_any_date(books):
    vendor, other = supplier(books), supplier(books, "Other Co")
    start = today() - timedelta(days=100)
    made = []
    for days, who, reference in ((0, vendor, "A"), (20, other, "B"), (45, vendor, "C"), (70, other, "D")):
        bill_date = (start + timedelta(days=days)).isoformat()
        draft = books.post("/v1/bills", bill_body(books, who, reference, bill_date=bill_date))
        made.append(books.post(f"/v1/bills/{draft['id']}/post", expect=200))
    books.post(f"/v1/bills/{made[1]['id']}/void", {"date": (start + timedelta(days=50)).isoformat()}, expect=200)
    for offset in (-1, 10, 30, 55, 80, 100):
        as_of = start + timedelta(days=offset)
        report = aged_payables.report(books.tenant_id, as_of)
        assert report.totals.total == report.payable_balance, as_of
    now = books.get("/v1/reports/aged-payables")
    assert now["payable_balance"] == now["totals"]["total"] == "1515.00"
    assert [row["supplier_name"] for row in now["suppliers"]] == ["Office Supplies Ltd", "Other Co"]
    assert books.call("GET", "/v1/reports/aged-payables.csv", expect=200).text.startswith("supplier,")
    assert date.fromisoformat(now["as_of"]) == today()


def test_the_daily_job_announces_bills_due_within_three_days_once(books):
    from ledgerline.reminders import job

    vendor = supplier(books)
    soon = books.post("/v1/bills", bill_body(books, vendor, "S", due_date=(today() + timedelta(days=2)).isoformat()))
    later = books.post("/v1/bills", bill_body(books, vendor, "L", due_date=(today() + timedelta(days=9)).isoformat()))
    books.post("/v1/bills", bill_body(books, vendor, "D", due_date=today().isoformat()))  # a draft: not announced
    for draft in (soon, later):
        books.post(f"/v1/bills/{draft['id']}/post", expect=200)
    dry = job.run(today(), [books.tenant_id], dry_run=True)
    assert [a["bill_id"] for a in dry.actions if "bill_id" in a] == [soon["id"]]
    assert "bill.due_soon" not in books.events()
    first = job.run(today(), [books.tenant_id])
    assert [a["bill_id"] for a in first.actions if "bill_id" in a] == [soon["id"]]
    again = job.run(today(), [books.tenant_id])
    assert [a for a in again.actions if "bill_id" in a] == []
    assert books.events().count("bill.due_soon") == 1


def test_an_expense_is_posted_on_creation_listed_and_reversed(books, make_tenant, api, scan):
    books.call("POST", "/v1/expenses", {"payee_name": "Café", "paid_from_account_id": books.accounts["1000"],
                                        "attachment_ids": ["file_01K2X3Y4Z5A6B7C8D9E0F1G2H6"], "lines": [
                                            {"description": "Lunch", "unit_price": "6.00",
                                             "account_id": books.accounts["6000"]}]}, expect=422)
    body = {"payee_name": "Corner Café", "paid_from_account_id": books.accounts["1000"],
            "attachment_ids": [scan],
            "lines": [{"description": "Lunch", "unit_price": "60.00", "account_id": books.accounts["6000"],
                       "tax_code_id": books.tax_codes["GST10"]}]}
    made = books.post("/v1/expenses", body, **{"Idempotency-Key": "lunch-1"})
    again = books.post("/v1/expenses", body, **{"Idempotency-Key": "lunch-1"})
    assert again["id"] == made["id"] and made["status"] == "posted" and made["total"] == "66.00"
    assert (books.balance("1000"), books.balance("6000"), books.balance("1300")) == \
        (Decimal("-66.00"), Decimal("60.00"), Decimal("6.00"))
    assert [e["id"] for e in books.get("/v1/expenses?status=posted")["data"]] == [made["id"]]
    books.call("POST", "/v1/expenses", {**body, "paid_from_account_id": books.accounts["2000"]}, expect=422)
    books.call("POST", "/v1/expenses", {k: v for k, v in body.items() if k != "payee_name"}, expect=422)
    from tests.integration.books import Books

    stranger = make_tenant()
    Books(api, stranger.tenant_id, stranger.headers).call("GET", f"/v1/expenses/{made['id']}", expect=404)
    reversed_ = books.post(f"/v1/expenses/{made['id']}/reverse", expect=200)
    assert reversed_["status"] == "reversed" and books.balance("1000") == 0 and books.balance("1300") == 0


def test_tax_codes_carry_their_purchase_fields_and_keep_to_their_direction(books):
    standard = books.get(f"/v1/tax-codes/{books.tax_codes['GST10']}")
    assert (standard["direction"], standard["recoverable_percent"], standard["category"]) == ("both", "100", "S")
    assert standard["input_account_id"] == books.accounts["1300"]
    made = books.post("/v1/tax-codes", {"code": "RC", "name": "Reverse charge", "rate": "10", "category": "AE",
                                        "direction": "purchases", "recoverable_percent": "80"})
    assert (made["category"], made["direction"], made["recoverable_percent"]) == ("AE", "purchases", "80")
    refused = books.call("POST", "/v1/invoices", {"customer_id": books.customer(), "lines": [
        {"description": "Work", "unit_price": "10.00", "tax_code_id": made["id"]}]}, expect=422).json()["error"]
    assert refused["param"] == "lines.0.tax_code_id"
    for bad in ({"category": "XX"}, {"direction": "inbound"}, {"recoverable_percent": "101"},
                {"input_account_id": "acc_nobody"}):
        books.call("POST", "/v1/tax-codes", {"code": "BAD", "name": "Bad", "rate": "5", **bad}, expect=422)
    item = books.post("/v1/items", {"code": "PAPER", "name": "Paper", "purchase_price": "4.5",
                                    "expense_account_id": books.accounts["6000"]})
    assert (item["purchase_price"], item["expense_account_id"]) == ("4.50", books.accounts["6000"])


def test_a_bill_takes_nested_positions_over_the_api_and_lines_keep_working(books):
    """Issue 15 leftovers: `positions` (item, text, group, subtotal, discount) on bills, priced and posted by the
    invoices' rule; a bad discount is a 422 naming the position and writes nothing."""
    vendor = supplier(books)
    gst, expense = books.tax_codes["GST10"], books.accounts["6000"]
    body = {"supplier_id": vendor, "supplier_reference": "POS-1", "positions": [
        {"type": "item", "description": "Paper", "quantity": "10", "unit_price": "5.00", "account_id": expense,
         "tax_code_id": gst},
        {"type": "text", "text": "Delivered to the back door"},
        {"type": "group", "title": "Furniture", "positions": [
            {"type": "item", "description": "Chair", "quantity": "2", "unit_price": "100.00",
             "account_id": expense, "tax_code_id": gst},
            {"type": "discount", "percent": "10", "reason": "Two chairs"}]},
        {"type": "subtotal", "label": "Subtotal"}],
        "charges": [{"amount": "20.00", "reason": "Delivery", "tax_code_id": gst}]}
    draft = books.post("/v1/bills", body)
    assert (draft["subtotal"], draft["tax_total"], draft["total"]) == ("250.00", "25.00", "275.00")
    assert [p["type"] for p in draft["positions"]] == ["item", "text", "group", "subtotal"]
    assert books.get(f"/v1/bills/{draft['id']}")["positions"] == draft["positions"]
    posted = books.post(f"/v1/bills/{draft['id']}/post", expect=200)
    assert posted["amount_due"] == "275.00" and books.balance("2000") == Decimal("-275.00")
    bad = books.call("POST", "/v1/bills", {**body, "supplier_reference": "POS-2", "positions": [
        {"type": "item", "unit_price": "10.00", "account_id": expense},
        {"type": "discount", "amount": "10.01"}]}, expect=422).json()["error"]
    assert bad["param"] == "positions.1.amount"
    both = books.call("POST", "/v1/bills", {**body, "supplier_reference": "POS-3",
                                            "lines": [{"unit_price": "1.00", "account_id": expense}]}, expect=422)
    assert both.json()["error"]["code"]
    lines = books.post("/v1/bills", bill_body(books, vendor, "POS-4"))
    assert [p["type"] for p in lines["positions"]] == ["item", "item"] and lines["allowances"] == []
    switched = books.call("PATCH", f"/v1/bills/{lines['id']}", {"positions": [
        {"type": "item", "description": "Paper", "unit_price": "50.00", "account_id": expense, "tax_code_id": gst},
        {"type": "discount", "percent": "10"}]}, expect=200).json()
    assert (switched["total"], [p["type"] for p in switched["positions"]]) == ("49.50", ["item", "discount"])
    assert books.get("/v1/bills?supplier_id=" + vendor)["data"]  # still listed


def test_an_expense_takes_positions_too_and_its_reversal_undoes_them(books):
    gst, expense = books.tax_codes["GST10"], books.accounts["6000"]
    made = books.post("/v1/expenses", {"payee_name": "Hardware store", "paid_from_account_id": books.accounts["1010"],
                                       "positions": [
                                           {"type": "item", "description": "Screws", "quantity": "4",
                                            "unit_price": "25.00", "account_id": expense, "tax_code_id": gst},
                                           {"type": "discount", "percent": "10", "reason": "Trade"}]})
    assert (made["total"], [p["type"] for p in made["positions"]]) == ("99.00", ["item", "discount"])
    assert (books.balance("6000"), books.balance("1010")) == (Decimal("90.00"), Decimal("-99.00"))
    books.post(f"/v1/expenses/{made['id']}/reverse", expect=200)
    assert (books.balance("6000"), books.balance("1010")) == (Decimal("0.00"), Decimal("0.00"))
    books.call("POST", "/v1/expenses", {"payee_name": "Shop", "paid_from_account_id": books.accounts["1010"]},
               expect=422)
