"""Purchase orders against DynamoDB Local (issue 15): sending emails the PDF to the local SMTP sink, partial
receipts, quantities never received twice under concurrency, lists, tenants kept apart."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from ledgerline.domain.documents.purchase_order import BillBasis
from ledgerline.domain.errors import LedgerlineError
from ledgerline.services import purchase_orders
from ledgerline.services.retry import retrying_unit
from ledgerline.store.table import connection
from tests.integration.test_emails_sent import deliver, kept, sink  # noqa: F401 - `sink` is a fixture
from tests.integration.test_round_trips import assert_round_trips, calls  # noqa: F401 - a fixture


def _supplier(books, name: str = "Paper Supplies", email: str | None = "orders@paper.example") -> str:
    return books.post("/v1/parties", {"name": name, "kind": "supplier", **({"email": email} if email else {})})["id"]


def _draft(books, quantities=("10", "2"), supplier: str | None = None, **fields) -> dict:
    lines = [{"description": f"Thing {n}", "quantity": q, "unit_price": "10.00",
              "account_id": books.accounts["6000"], "tax_code_id": books.tax_codes["GST10"]}
             for n, q in enumerate(quantities, start=1)]
    return books.post("/v1/purchase-orders", {"supplier_id": supplier or _supplier(books), "lines": lines, **fields})


def _sent(books, quantities=("10", "2")) -> dict:
    return books.post(f"/v1/purchase-orders/{_draft(books, quantities)['id']}/issue", expect=200)


def _received(books, order_id: str) -> list[str]:
    return [line["received_quantity"] for line in books.get(f"/v1/purchase-orders/{order_id}")["lines"]]


def test_send_numbers_the_draft_and_emails_the_supplier_its_pdf(books, sink):  # noqa: F811
    draft = _draft(books, expected_date="2099-01-31")
    assert (draft["status"], draft["number"], draft["total"]) == ("draft", None, "132.00")
    assert books.call("GET", f"/v1/purchase-orders/{draft['id']}/pdf", expect=409).json()["error"]["code"] == \
        "document_not_posted"

    queued = books.post(f"/v1/purchase-orders/{draft['id']}/send", {"cc": ["buyer@acme.example"]}, expect=202)
    assert queued["status"] == "queued" and queued["to"] == ["orders@paper.example"]
    order = books.get(f"/v1/purchase-orders/{draft['id']}")
    assert order["status"] == "sent" and order["number"].startswith("PO-") and order["sent_at"]

    assert deliver(books, queued["id"]) == {"sent": True, "status": "sent"}
    [message] = kept(sink)
    assert message["To"] == "orders@paper.example" and message["Cc"] == "buyer@acme.example"
    assert message["Subject"] == f"Purchase order {order['number']} from Test Pty Ltd"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Dear Paper Supplies" in body and "2099-01-31" in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"{order['number']}.pdf"
    assert attachment.get_content().startswith(b"%PDF")
    assert [e["status"] for e in books.get(f"/v1/purchase-orders/{draft['id']}/emails")["data"]] == ["sent"]
    pdf = books.call("GET", f"/v1/purchase-orders/{draft['id']}/pdf", expect=200)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert {"purchase_order.created", "purchase_order.sent", "email.queued", "email.sent"} <= set(books.events())


def test_a_send_without_a_recipient_is_a_422_and_leaves_the_draft_unnumbered(books, sink):  # noqa: F811
    draft = _draft(books, supplier=_supplier(books, "No Mail Ltd", email=None))
    error = books.call("POST", f"/v1/purchase-orders/{draft['id']}/send", {}, expect=422).json()["error"]
    assert error["param"] == "to"
    got = books.get(f"/v1/purchase-orders/{draft['id']}")
    assert (got["status"], got["number"], got["version"]) == ("draft", None, draft["version"])
    assert "email.queued" not in books.events() and not kept(sink)


def test_partial_receipts_then_the_rest_and_nothing_more(books):
    order = _sent(books)
    first = books.post(f"/v1/purchase-orders/{order['id']}/receive", {"lines": [{"line": 1, "quantity": "3"}]},
                       expect=200)
    assert (first["status"], _received(books, order["id"])) == ("partially_received", ["3", "0"])
    too_much = books.call("POST", f"/v1/purchase-orders/{order['id']}/receive",
                          {"lines": [{"line": 2, "quantity": "3"}]}, expect=422).json()
    assert too_much["error"]["param"] == "lines[1].quantity"
    books.call("POST", f"/v1/purchase-orders/{order['id']}/receive", {"lines": [{"line": 3, "quantity": "1"}]},
               expect=422)
    books.call("POST", f"/v1/purchase-orders/{order['id']}/receive", {"lines": [{"line": 1, "quantity": "-1"}]},
               expect=422)
    assert books.get(f"/v1/purchase-orders/{order['id']}")["version"] == first["version"]
    rest = books.post(f"/v1/purchase-orders/{order['id']}/receive", expect=200)
    assert (rest["status"], _received(books, order["id"])) == ("received", ["10", "2"])
    nothing = books.call("POST", f"/v1/purchase-orders/{order['id']}/receive", expect=409).json()
    assert nothing["error"]["code"] == "nothing_to_receive"
    assert books.call("POST", f"/v1/purchase-orders/{order['id']}/cancel", expect=409)
    assert books.events().count("purchase_order.received") == 2
    assert books.trial_balance()["accounts"] == [] or all(
        Decimal(row["balance"]) == 0 for row in books.trial_balance()["accounts"])


def test_concurrent_receipts_never_receive_a_quantity_twice(books):
    # Given a sent order of 10 and 2
    order = _sent(books)
    connection().connection.client  # noqa: B018 - build the shared client before the threads use it

    def receive_one(_: int) -> Decimal:
        try:
            purchase_orders.receive(books.tenant_id, order["id"], {"lines": [{"line": 1, "quantity": Decimal(1)}]})
        except LedgerlineError:
            return Decimal(0)
        return Decimal(1)

    # When 16 threads each receive 1 of line 1 at once
    with ThreadPoolExecutor(max_workers=8) as pool:
        received = list(pool.map(receive_one, range(16)))
    # Then exactly 10 succeeded, and the order says 10 received on line 1, as its events do
    assert sum(received) == 10
    got = books.get(f"/v1/purchase-orders/{order['id']}")
    assert got["lines"][0]["received_quantity"] == "10" and got["status"] == "partially_received"
    assert books.events().count("purchase_order.received") == 10


def test_concurrent_bills_never_bill_a_quantity_twice(books):
    # Given an order received in full
    order = _sent(books)
    books.post(f"/v1/purchase-orders/{order['id']}/receive", expect=200)
    connection().connection.client  # noqa: B018

    def attempt(uow, basis: BillBasis) -> tuple[Decimal, ...]:  # noqa: ANN001 - as a bill's use case would
        _, _, taken = purchase_orders.stage_bill(uow, order["id"], f"bill_{basis}", basis)
        uow.commit()
        return taken

    def bill_it(basis: BillBasis) -> tuple[Decimal, ...] | None:
        try:
            return retrying_unit(books.tenant_id, lambda uow: attempt(uow, basis))
        except LedgerlineError:
            return None

    # When 8 threads take its bill quantities at once (a loser re-reads the order and finds nothing left)
    with ThreadPoolExecutor(max_workers=8) as pool:
        taken = [t for t in pool.map(bill_it, [BillBasis.RECEIVED, BillBasis.ORDERED] * 4) if t]
    # Then one bill has everything
    assert taken == [(Decimal(10), Decimal(2))]
    got = books.get(f"/v1/purchase-orders/{order['id']}")
    assert (got["status"], got["billing_status"], len(got["bill_ids"])) == ("billed", "billed", 1)


def test_lists_filter_like_invoices_and_other_tenants_see_nothing(books, make_tenant, api):
    order = _sent(books)
    draft = _draft(books, supplier=order["supplier_id"])
    other_supplier = _draft(books)
    listed = books.get(f"/v1/purchase-orders?status=sent,received&supplier_id={order['supplier_id']}")["data"]
    assert [o["id"] for o in listed] == [order["id"]]
    assert {o["id"] for o in books.get("/v1/purchase-orders?status=draft")["data"]} == {draft["id"],
                                                                                       other_supplier["id"]}
    assert books.get("/v1/purchase-orders?to_date=2000-01-01")["data"] == []
    page = books.get("/v1/purchase-orders?limit=2")
    assert len(page["data"]) == 2 and page["has_more"]
    books.call("GET", "/v1/purchase-orders?colour=red", expect=400)
    books.call("GET", "/v1/purchase-orders?status=lost", expect=422)
    other = make_tenant()
    assert api.get(f"/v1/purchase-orders/{order['id']}", headers=other.headers).status_code == 404
    assert api.post(f"/v1/purchase-orders/{order['id']}/receive", headers=other.headers).status_code == 404
    assert api.post(f"/v1/purchase-orders/{draft['id']}/send", json={"to": ["x@example.com"]},
                    headers=other.headers).status_code == 404


def test_creating_is_idempotent_and_a_customer_is_not_a_supplier(books):
    supplier = _supplier(books)
    body = {"supplier_id": supplier, "lines": [{"description": "X", "unit_price": "1.00",
                                                "account_id": books.accounts["6000"]}]}
    first = books.post("/v1/purchase-orders", body, **{"Idempotency-Key": "po-1"})
    again = books.post("/v1/purchase-orders", body, **{"Idempotency-Key": "po-1"})
    assert first["id"] == again["id"]
    assert len(books.get("/v1/purchase-orders")["data"]) == 1
    refused = books.call("POST", "/v1/purchase-orders", {**body, "supplier_id": books.customer()}, expect=422)
    assert refused.json()["error"]["param"] == "supplier_id"
    no_account = books.call("POST", "/v1/purchase-orders",
                            {"supplier_id": supplier, "lines": [{"description": "X", "unit_price": "1.00"}]},
                            expect=422)
    assert no_account.json()["error"]["param"] == "lines.0.account_id"


def test_round_trips_of_create_send_and_receive(books, calls, monkeypatch):  # noqa: F811
    supplier = _supplier(books)
    body = {"supplier_id": supplier, "lines": [{"description": "X", "unit_price": "1.00", "quantity": "5",
                                                "account_id": books.accounts["6000"],
                                                "tax_code_id": books.tax_codes["GST10"]}]}
    draft = assert_round_trips(books, calls, monkeypatch, purchase_orders, "create_draft", "/v1/purchase-orders",
                               body, 201)
    # sending reads the order, then its supplier (whose id the order holds), then writes order, number and email
    assert_round_trips(books, calls, monkeypatch, purchase_orders, "send", f"/v1/purchase-orders/{draft['id']}/send",
                       {}, 202, expected=["BatchGetItem", "GetItem", "TransactWriteItems"])
    assert_round_trips(books, calls, monkeypatch, purchase_orders, "receive",
                       f"/v1/purchase-orders/{draft['id']}/receive", {"lines": [{"line": 1, "quantity": "2"}]}, 200)


def test_webhooks_subscribe_to_purchase_order_events_and_events_carry_the_order(books):
    hook = books.post("/v1/webhooks", {"url": "http://127.0.0.1:9/hook",
                                       "events": ["purchase_order.sent", "purchase_order.received"]})
    assert sorted(hook["events"]) == ["purchase_order.received", "purchase_order.sent"]
    books.call("POST", "/v1/webhooks", {"url": "http://127.0.0.1:9/hook", "events": ["purchase_order.lost"]},
               expect=422)
    order = _sent(books)
    [event] = books.get(f"/v1/events?type=purchase_order.sent&object_id={order['id']}")["data"]
    assert (event["data"]["object"], event["data"]["number"], event["data"]["status"]) == (
        "purchase_order", order["number"], "sent")


def test_the_tenants_purchase_order_template_fills_subject_and_body(books, sink):  # noqa: F811
    books.call("PATCH", "/v1/tenant", {"email_templates": {"purchase_order": {
        "subject": "Order {number}", "body": "Hello {customer_name}, please deliver by {due_date}."}}}, expect=200)
    draft = _draft(books, expected_date="2099-03-01")
    queued = books.post(f"/v1/purchase-orders/{draft['id']}/send", {"attach_pdf": False}, expect=202)
    number = books.get(f"/v1/purchase-orders/{draft['id']}")["number"]
    assert queued["subject"] == f"Order {number}"
    deliver(books, queued["id"])
    [message] = kept(sink)
    body = message.get_body(preferencelist=("plain",)).get_content().strip()
    assert body == "Hello Paper Supplies, please deliver by 2099-03-01."
    assert list(message.iter_attachments()) == []
