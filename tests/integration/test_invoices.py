"""Invoices through the API against DynamoDB Local: drafts, posting, voids, statuses and events."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from ledgerline.clock import today


def test_worked_example_totals_and_posting_entry(books):
    # Given a customer and a draft with 10 x 100.00 and 1 x 250.00 at GST 10 %
    customer = books.customer()
    draft = books.draft(customer)
    # Then the draft carries the totals of the worked example, without a number
    assert (draft["subtotal"], draft["tax_total"], draft["total"]) == ("1250.00", "125.00", "1375.00")
    assert draft["number"] is None and draft["status"] == "draft" and draft["amount_due"] == "1375.00"
    assert [line["amount"] for line in draft["lines"]] == ["1100.00", "275.00"]
    assert draft["tax_breakdown"] == [{"tax_code_id": books.tax_codes["GST10"], "tax_code": "GST10", "rate": "10",
                                       "taxable_amount": "1250.00", "tax_amount": "125.00"}]
    # When it is posted
    posted = books.post(f"/v1/invoices/{draft['id']}/post", expect=200)
    # Then it has the first number of the year's series and a balanced entry moved the balances
    assert posted["number"] == f"INV-{date.fromisoformat(posted['issue_date']).year}-0001"
    assert posted["status"] == "awaiting_payment" and posted["version"] == 2
    entry = books.get(f"/v1/journal-entries/{posted['journal_entry_id']}")
    assert entry["source_type"] == "invoice" and entry["total"] == "1375.00"
    assert books.balance("1100") == Decimal("1375.00")
    assert books.balance("4000") == Decimal("-1250.00")
    assert books.balance("2200") == Decimal("-125.00")
    assert [e for e in books.events() if e.startswith("invoice.")] == ["invoice.created", "invoice.posted"]


def test_idr_has_no_minor_units(make_tenant, api):
    from tests.integration.books import Books

    tenant = make_tenant(country="ID", currency="IDR")
    books = Books(api, tenant.tenant_id, tenant.headers)
    draft = books.draft(books.customer(), [{"description": "Kopi", "quantity": 5, "unit_price": "100000",
                                            "tax_code_id": books.tax_codes["VAT11"]}])
    assert (draft["subtotal"], draft["tax_total"], draft["total"]) == ("500000", "55000", "555000")


def test_posting_twice_or_editing_a_posted_invoice_is_a_conflict(books):
    posted = books.posted(books.customer())
    again = books.call("POST", f"/v1/invoices/{posted['id']}/post", expect=409).json()["error"]
    assert again["code"] == "invalid_state"
    edit = books.call("PATCH", f"/v1/invoices/{posted['id']}", {"notes": "changed"}, expect=409)
    assert edit.json()["error"]["code"] == "invalid_state"
    books.call("DELETE", f"/v1/invoices/{posted['id']}", expect=409)


def test_drafts_can_change_and_be_deleted_without_using_a_number(books):
    customer = books.customer()
    draft = books.draft(customer)
    changed = books.call("PATCH", f"/v1/invoices/{draft['id']}",
                         {"lines": [{"description": "One", "unit_price": "10.00"}]}, expect=200,
                         **{"If-Match": '"1"'}).json()
    assert changed["total"] == "10.00" and changed["version"] == 2
    books.call("PATCH", f"/v1/invoices/{draft['id']}", {"notes": "x"}, expect=412, **{"If-Match": '"1"'})
    assert books.call("DELETE", f"/v1/invoices/{draft['id']}", expect=200).json()["deleted"] is True
    books.call("GET", f"/v1/invoices/{draft['id']}", expect=404)
    # The next posted invoice still takes number 0001: the deleted draft consumed none.
    assert books.posted(customer)["number"].endswith("-0001")


def test_due_date_from_terms_customer_then_tenant(books):
    with_terms = books.customer("Terms Co", payment_terms_days=14)
    issue = date(2026, 3, 1)
    assert books.draft(with_terms, issue_date=str(issue))["due_date"] == "2026-03-15"
    assert books.draft(books.customer(), issue_date=str(issue))["due_date"] == "2026-03-31"
    assert books.draft(with_terms, issue_date=str(issue), payment_terms_days=7)["due_date"] == "2026-03-08"
    bad = books.call("POST", "/v1/invoices", {"customer_id": with_terms, "issue_date": "2026-03-01",
                                              "due_date": "2026-02-01", "lines": [{"unit_price": "1"}]}, expect=422)
    assert bad.json()["error"]["param"] == "due_date"


def test_item_fills_line_defaults(books):
    item = books.post("/v1/items", {"code": "HOUR", "name": "Consulting hour", "unit_price": "150.00",
                                    "tax_code_id": books.tax_codes["GST10"],
                                    "revenue_account_id": books.accounts["4100"]})
    draft = books.draft(books.customer(), [{"item_id": item["id"], "quantity": "2"}])
    line = draft["lines"][0]
    assert (line["description"], line["unit_price"], line["account_id"]) == ("Consulting hour", "150.00",
                                                                             books.accounts["4100"])
    assert draft["total"] == "330.00"


def test_the_tenant_default_tax_code_taxes_lines_that_name_none(books):
    # Issue 11.28: a GST-registered tenant sets GST10 as default; lines without a code (and whose item has
    # none) are taxed with it, and the line says which code was applied
    gst, free = books.tax_codes["GST10"], books.tax_codes["GSTFREE"]
    plain = books.post("/v1/items", {"code": "PLAIN", "name": "Plain", "unit_price": "20.00"})
    exempt = books.post("/v1/items", {"code": "EXEMPT", "name": "Exempt", "unit_price": "30.00", "tax_code_id": free})
    assert books.draft(books.customer(), [{"description": "x", "unit_price": "100.00"}])["tax_total"] == "0.00"
    tenant = books.call("PATCH", "/v1/tenant", {"default_tax_code_id": gst}, expect=200).json()
    assert tenant["default_tax_code_id"] == gst
    draft = books.draft(books.customer(), [
        {"description": "No code", "unit_price": "100.00"},
        {"item_id": plain["id"]},
        {"item_id": exempt["id"]},
        {"description": "Named", "unit_price": "10.00", "tax_code_id": free},
    ])
    assert [line["tax_code_id"] for line in draft["lines"]] == [gst, gst, free, free]
    assert [line["tax_amount"] for line in draft["lines"]] == ["10.00", "2.00", "0.00", "0.00"]
    assert draft["tax_total"] == "12.00"
    assert {t["tax_code"] for t in draft["tax_breakdown"]} == {"GST10", "GSTFREE"}
    # The default must be an active tax code of the tenant; null removes it
    for bad in ("txc_01AAAAAAAAAAAAAAAAAAAAAAAA", books.accounts["1010"]):
        error = books.call("PATCH", "/v1/tenant", {"default_tax_code_id": bad}, expect=422).json()["error"]
        assert error["param"] == "default_tax_code_id"
    books.call("PATCH", f"/v1/tax-codes/{free}", {"active": False}, expect=200)
    books.call("PATCH", "/v1/tenant", {"default_tax_code_id": free}, expect=422)
    # A default that was deactivated later is named in the line's error, not silently skipped
    books.call("PATCH", f"/v1/tax-codes/{gst}", {"active": False}, expect=200)
    error = books.call("POST", "/v1/invoices", {"customer_id": books.customer(), "lines": [
        {"description": "x", "unit_price": "1.00"}]}, expect=422).json()["error"]
    assert error["param"] == "lines.0.tax_code_id" and "default tax code" in error["message"]
    books.call("PATCH", f"/v1/tax-codes/{gst}", {"active": True}, expect=200)
    assert books.call("PATCH", "/v1/tenant", {"default_tax_code_id": None}, expect=200).json()[
        "default_tax_code_id"] is None
    assert books.draft(books.customer(), [{"description": "x", "unit_price": "100.00"}])["tax_total"] == "0.00"


def test_bad_lines_name_the_field(books):
    customer = books.customer()
    response = books.call("POST", "/v1/invoices", {"customer_id": customer, "lines": [
        {"description": "no price"}, {"unit_price": "1", "tax_code_id": "txc_nope"},
        {"unit_price": "1", "account_id": "acc_nope"}]}, expect=422)
    fields = [d["field"] for d in response.json()["error"]["details"]]
    assert fields == ["lines.0.unit_price", "lines.1.tax_code_id", "lines.2.account_id"]
    unknown = books.call("POST", "/v1/invoices", {"customer_id": customer, "lines": [{"unit_price": "1"}],
                                                  "colour": "red"}, expect=422)
    assert unknown.json()["error"]["details"][0] == {"field": "colour", "message": "unknown field"}
    books.call("POST", "/v1/invoices", {"customer_id": "pty_missing", "lines": [{"unit_price": "1"}]}, expect=422)
    books.call("POST", "/v1/invoices", {"customer_id": customer, "lines": []}, expect=422)
    assert books.get("/v1/invoices")["data"] == []


def test_foreign_currency_needs_a_rate_and_keeps_both_amounts(books):
    customer = books.customer()
    lines = [{"description": "Export", "unit_price": "100.00"}]
    missing = books.call("POST", "/v1/invoices", {"customer_id": customer, "currency": "USD", "lines": lines},
                         expect=422)
    assert missing.json()["error"]["param"] == "exchange_rate"
    posted = books.posted(customer, lines, currency="USD", exchange_rate="1.5")
    entry = books.get(f"/v1/journal-entries/{posted['journal_entry_id']}")
    receivable = next(line for line in entry["lines"] if line["account_id"] == books.accounts["1100"])
    assert (receivable["currency"], receivable["amount"], receivable["debit"]) == ("USD", "100.00", "150.00")


def test_void_reverses_the_entry_and_keeps_the_number(books):
    customer = books.customer()
    posted = books.posted(customer)
    voided = books.post(f"/v1/invoices/{posted['id']}/void", {}, expect=200)
    assert voided["status"] == "voided" and voided["number"] == posted["number"] and voided["amount_due"] == "0.00"
    assert books.balance("1100") == 0 and books.balance("4000") == 0
    assert books.posted(customer)["number"].endswith("-0002")
    assert books.call("POST", f"/v1/invoices/{posted['id']}/void", {}, expect=409).json()["error"]["code"] == \
        "invalid_state"


def test_a_paid_invoice_cannot_be_voided(books):
    customer = books.customer()
    posted = books.posted(customer)
    books.receipt(customer, "100.00", [(posted["id"], "100.00")])
    assert books.call("POST", f"/v1/invoices/{posted['id']}/void", {}, expect=409).json()["error"]["code"] == \
        "invalid_state"


def test_send_marks_sent_and_records_an_event(books):
    posted = books.posted(books.customer())
    sent = books.post(f"/v1/invoices/{posted['id']}/send", expect=200)
    assert sent["sent_at"] is not None
    assert books.events()[-1] == "invoice.sent"
    draft = books.draft(books.customer())
    books.call("POST", f"/v1/invoices/{draft['id']}/send", expect=409)


def test_lock_date_refuses_posting_in_a_locked_period(books):
    books.call("PATCH", "/v1/tenant", {"lock_date": "2026-06-30"}, expect=200)
    draft = books.draft(books.customer(), issue_date="2026-06-30")
    refused = books.call("POST", f"/v1/invoices/{draft['id']}/post", expect=409).json()["error"]
    assert refused["code"] == "period_locked" and refused["param"] == "issue_date"
    assert books.invoice(draft["id"])["status"] == "draft" and books.trial_balance()["accounts"] == []
    books.call("POST", "/v1/journal-entries", {"date": "2026-01-05", "lines": [
        {"account_id": books.accounts["1010"], "debit": "1"}, {"account_id": books.accounts["3000"], "credit": "1"}]},
        expect=409)


def test_overdue_is_read_from_the_due_date_and_filters(books):
    customer = books.customer()
    past = today() - timedelta(days=40)
    overdue = books.posted(customer, issue_date=str(past), due_date=str(past + timedelta(days=10)))
    current = books.posted(customer)
    assert books.invoice(overdue["id"])["status"] == "overdue"
    assert [i["id"] for i in books.get("/v1/invoices?status=overdue")["data"]] == [overdue["id"]]
    assert [i["id"] for i in books.get("/v1/invoices?status=awaiting_payment")["data"]] == [current["id"]]
    books.receipt(customer, overdue["total"], [(overdue["id"], overdue["total"])])
    assert books.invoice(overdue["id"])["status"] == "paid"
    assert books.get("/v1/invoices?status=overdue")["data"] == []


def test_status_takes_several_values_and_open(books):
    # Issue 11.23: awaiting_payment leaves overdue invoices out; several statuses, or `open`, take both
    customer = books.customer()
    past = today() - timedelta(days=40)
    overdue = books.posted(customer, issue_date=str(past), due_date=str(past + timedelta(days=10)))
    current = books.posted(customer)
    draft = books.draft(customer)
    paid = books.posted(customer)
    books.receipt(customer, paid["total"], [(paid["id"], paid["total"])])

    def listed(query: str) -> set[str]:
        return {i["id"] for i in books.get(f"/v1/invoices?{query}")["data"]}

    both = {overdue["id"], current["id"]}
    assert listed("status=awaiting_payment,overdue") == both
    assert listed("status=awaiting_payment&status=overdue") == both
    assert listed("status=open") == both
    assert listed("status=open,draft") == both | {draft["id"]}
    assert listed("status=paid&status=draft") == {paid["id"], draft["id"]}
    assert listed("status=overdue") == {overdue["id"]}
    error = books.call("GET", "/v1/invoices?status=open,unpaid", expect=422).json()["error"]
    assert error["param"] == "status" and "unpaid" in error["message"]
    # Receipts and journal entries take their statuses the same way
    assert len(books.get("/v1/receipts?status=posted,reversed")["data"]) == 1
    assert books.get("/v1/receipts?status=reversed")["data"] == []
    assert books.get("/v1/journal-entries?status=reversed")["data"] == []
    books.call("GET", "/v1/journal-entries?status=open", expect=422)


def test_list_filters_and_pages(books):
    first, second = books.customer("First"), books.customer("Second")
    ids = [books.draft(first, issue_date=f"2026-0{m}-10")["id"] for m in (1, 2, 3)]
    books.draft(second, issue_date="2026-02-11")
    assert [i["id"] for i in books.get(f"/v1/invoices?customer_id={first}")["data"]] == ids
    window = books.get("/v1/invoices?from_date=2026-02-01&to_date=2026-02-28")["data"]
    assert [i["issue_date"] for i in window] == ["2026-02-10", "2026-02-11"]
    page = books.get("/v1/invoices?limit=3")
    assert page["has_more"] is True and len(page["data"]) == 3
    rest = books.get(f"/v1/invoices?limit=3&cursor={page['next_cursor']}")
    assert rest["has_more"] is False and len(rest["data"]) == 1


def test_another_tenants_invoice_is_not_found(books, make_tenant, api):
    from tests.integration.books import Books

    posted = books.posted(books.customer())
    other = Books(api, *(lambda t: (t.tenant_id, t.headers))(make_tenant()))
    for method, path in [("GET", ""), ("PATCH", ""), ("DELETE", ""), ("POST", "/post"), ("POST", "/void"),
                         ("POST", "/send")]:
        response = other.call(method, f"/v1/invoices/{posted['id']}{path}", {} if method != "GET" else None)
        assert response.status_code == 404, (method, path, response.text)
    receipt = other.receipt(other.customer(), "10.00", [(posted["id"], "10.00")], expect=404)
    assert receipt["error"]["code"] == "resource_missing"
    assert books.invoice(posted["id"])["amount_paid"] == "0.00"
