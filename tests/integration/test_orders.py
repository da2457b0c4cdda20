"""Sales orders and delivery notes against DynamoDB Local (issue 14): partial deliveries and invoicing,
quantities never taken twice under concurrency, quantities given back, lists, tenants kept apart."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from ledgerline.domain.errors import LedgerlineError
from ledgerline.services import orders
from ledgerline.store.table import connection


def _order(books, quantities=("10", "2")) -> dict:
    customer = books.customer()
    tax = books.tax_codes["GST10"]
    lines = [{"description": f"Thing {n}", "quantity": q, "unit_price": "10.00", "tax_code_id": tax}
             for n, q in enumerate(quantities, start=1)]
    draft = books.post("/v1/orders", {"customer_id": customer, "lines": lines})
    return books.post(f"/v1/orders/{draft['id']}/confirm", expect=200)


def _quantities(books, order_id: str) -> list[tuple[str, str]]:
    got = books.get(f"/v1/orders/{order_id}")
    return [(line["delivered_quantity"], line["invoiced_quantity"]) for line in got["lines"]]


def test_partial_deliveries_then_invoices_by_delivered_and_ordered(books):
    order = _order(books)
    assert order["number"].startswith("SO-") and order["status"] == "confirmed"
    first = books.post(f"/v1/orders/{order['id']}/deliveries", {"lines": [{"line": 1, "quantity": "3"}]})
    assert books.get(f"/v1/orders/{order['id']}")["status"] == "partially_delivered"
    invoice = books.post(f"/v1/orders/{order['id']}/invoice")
    assert (invoice["source"], invoice["total"]) == ({"kind": "order", "id": order["id"]}, "33.00")
    assert _quantities(books, order["id"]) == [("3", "3"), ("0", "0")]
    got = books.get(f"/v1/orders/{order['id']}")
    assert (got["status"], got["invoicing_status"]) == ("partially_delivered", "partially_invoiced")
    second = books.post(f"/v1/orders/{order['id']}/deliveries")
    assert [(line["order_line"], line["quantity"]) for line in second["lines"]] == [(1, "7"), (2, "2")]
    rest = books.post(f"/v1/orders/{order['id']}/invoice", {"basis": "ordered"})
    assert rest["total"] == "99.00"
    got = books.get(f"/v1/orders/{order['id']}")
    assert (got["status"], got["invoicing_status"]) == ("delivered", "invoiced")
    assert got["delivery_ids"] == [first["id"], second["id"]] and got["invoice_ids"] == [invoice["id"], rest["id"]]
    nothing = books.call("POST", f"/v1/orders/{order['id']}/invoice", {"basis": "ordered"}, expect=409).json()
    assert nothing["error"]["code"] == "nothing_to_invoice"
    # the delivery notes are issued, numbered from their own series, and delivered
    issued = books.post(f"/v1/deliveries/{first['id']}/issue", expect=200)
    assert issued["number"].startswith("DN-") and issued["status"] == "issued"
    assert books.post(f"/v1/deliveries/{first['id']}/deliver", expect=200)["status"] == "delivered"
    assert {"order.confirmed", "order.delivered", "order.invoiced", "delivery.created", "delivery.issued",
            "delivery.delivered", "invoice.created"} <= set(books.events())


def test_bad_quantities_are_422_naming_the_line_and_change_nothing(books):
    order = _order(books)
    too_much = books.call("POST", f"/v1/orders/{order['id']}/deliveries",
                          {"lines": [{"line": 2, "quantity": "3"}]}, expect=422).json()
    assert too_much["error"]["param"] == "lines[1].quantity"
    books.call("POST", f"/v1/orders/{order['id']}/deliveries", {"lines": [{"line": 0, "quantity": "1"}]},
               expect=422)
    books.call("POST", f"/v1/orders/{order['id']}/deliveries", {"lines": [{"line": 1, "quantity": "-1"}]},
               expect=422)
    books.call("POST", f"/v1/orders/{order['id']}/invoice", {"basis": "everything"}, expect=422)
    assert books.get(f"/v1/orders/{order['id']}")["version"] == order["version"]


def test_concurrent_deliveries_never_deliver_a_quantity_twice(books):
    # Given a confirmed order of 10 and 2
    order = _order(books)
    connection().connection.client  # noqa: B018 - build the shared client before the threads use it

    def deliver_one(_: int) -> Decimal:
        try:
            made = orders.deliver(books.tenant_id, order["id"], {"lines": [{"line": 1, "quantity": Decimal(1)}]})
        except LedgerlineError:
            return Decimal(0)
        return sum(Decimal(line["quantity"]) for line in made["lines"])

    # When 16 threads each deliver 1 of line 1 at once
    with ThreadPoolExecutor(max_workers=8) as pool:
        delivered = list(pool.map(deliver_one, range(16)))
    # Then exactly 10 succeeded, and the order says 10 delivered on line 1, as its delivery notes do
    assert sum(delivered) == 10 and delivered.count(Decimal(1)) == 10
    got = books.get(f"/v1/orders/{order['id']}")
    assert got["lines"][0]["delivered_quantity"] == "10" and len(got["delivery_ids"]) == 10
    notes = [books.get(f"/v1/deliveries/{note_id}") for note_id in got["delivery_ids"]]
    assert sum(Decimal(note["lines"][0]["quantity"]) for note in notes) == 10


def test_concurrent_invoicing_never_invoices_a_quantity_twice(books):
    # Given an order delivered in full
    order = _order(books)
    books.post(f"/v1/orders/{order['id']}/deliveries")
    connection().connection.client  # noqa: B018

    def invoice_it(basis: str) -> str | None:
        try:
            return orders.invoice(books.tenant_id, order["id"], {"basis": basis})["id"]
        except LedgerlineError:
            return None

    # When 8 threads invoice it at once, by delivered or by ordered
    with ThreadPoolExecutor(max_workers=8) as pool:
        made = [i for i in pool.map(invoice_it, ["delivered", "ordered"] * 4) if i]
    # Then one invoice charges everything, and no other invoice was made
    assert len(made) == 1
    assert books.invoice(made[0])["total"] == "132.00"
    got = books.get(f"/v1/orders/{order['id']}")
    assert (got["invoicing_status"], got["invoice_ids"]) == ("invoiced", made)


def test_deleting_or_voiding_an_invoice_from_an_order_gives_its_quantities_back(books):
    order = _order(books)
    draft = books.post(f"/v1/orders/{order['id']}/invoice", {"basis": "ordered"})
    books.call("DELETE", f"/v1/invoices/{draft['id']}", expect=200)
    assert _quantities(books, order["id"]) == [("0", "0"), ("0", "0")]
    again = books.post(f"/v1/orders/{order['id']}/invoice", {"basis": "ordered"})
    books.post(f"/v1/invoices/{again['id']}/post", expect=200)
    assert books.get(f"/v1/orders/{order['id']}")["invoicing_status"] == "invoiced"
    books.post(f"/v1/invoices/{again['id']}/void", expect=200)
    got = books.get(f"/v1/orders/{order['id']}")
    assert (got["invoicing_status"], got["invoice_ids"]) == ("not_invoiced", [])


def test_lists_filter_like_invoices_and_other_tenants_see_nothing(books, make_tenant, api):
    order = _order(books)
    draft = books.post("/v1/orders", {"customer_id": order["customer_id"],
                                      "lines": [{"description": "X", "unit_price": "1.00"}]})
    note = books.post(f"/v1/orders/{order['id']}/deliveries")
    listed = books.get(f"/v1/orders?status=confirmed,delivered&customer_id={order['customer_id']}")["data"]
    assert [o["id"] for o in listed] == [order["id"]]
    assert [o["id"] for o in books.get("/v1/orders?status=draft")["data"]] == [draft["id"]]
    assert [d["id"] for d in books.get("/v1/deliveries?status=draft")["data"]] == [note["id"]]
    assert books.get("/v1/orders?to_date=2000-01-01")["data"] == []
    books.call("GET", "/v1/orders?colour=red", expect=400)
    other = make_tenant()
    for path in (f"/v1/orders/{order['id']}", f"/v1/deliveries/{note['id']}"):
        assert api.get(path, headers=other.headers).status_code == 404
    assert api.post(f"/v1/orders/{order['id']}/deliveries", headers=other.headers).status_code == 404


def test_creating_an_order_is_idempotent(books):
    customer = books.customer()
    body = {"customer_id": customer, "lines": [{"description": "X", "unit_price": "1.00"}]}
    first = books.post("/v1/orders", body, **{"Idempotency-Key": "order-1"})
    again = books.post("/v1/orders", body, **{"Idempotency-Key": "order-1"})
    assert first["id"] == again["id"]
    assert len(books.get("/v1/orders")["data"]) == 1


def test_an_issued_delivery_note_has_a_pdf_without_prices_and_a_draft_has_none(books):
    from ledgerline.pdf import views
    from ledgerline.store.records import load
    from ledgerline.store.sales import Delivery
    from ledgerline.store.tenants import load_tenant

    order = _order(books)
    note = books.post(f"/v1/orders/{order['id']}/deliveries")
    assert books.call("GET", f"/v1/deliveries/{note['id']}/pdf", expect=409).json()["error"]["code"] == \
        "document_not_posted"
    books.post(f"/v1/deliveries/{note['id']}/issue", expect=200)
    pdf = books.call("GET", f"/v1/deliveries/{note['id']}/pdf", expect=200)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    document = views.delivery_document(load_tenant(books.tenant_id), load(Delivery, books.tenant_id, note["id"]),
                                       None)
    assert [row[1:] for row in document.rows] == [("Thing 1", "1", "10"), ("Thing 2", "2", "2")]
    assert "10.00" not in str(document) and document.amount_due is None and not document.totals


def test_deleting_a_draft_while_its_order_is_delivered_gives_back_exactly_what_it_took(books):
    # Given an order invoiced in full as a draft
    order = _order(books)
    draft = books.post(f"/v1/orders/{order['id']}/invoice", {"basis": "ordered"})
    connection().connection.client  # noqa: B018
    from ledgerline.services import invoices

    def step(n: int) -> str:
        try:
            if n == 3:
                invoices.delete_draft(books.tenant_id, draft["id"], None)
                return "deleted"
            orders.deliver(books.tenant_id, order["id"], {"lines": [{"line": 1, "quantity": Decimal(1)}]})
            return "delivered"
        except LedgerlineError as exc:
            return type(exc).__name__

    # When the draft is deleted while deliveries are made from the order
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(step, range(8)))
    # Then the delete went through (the order changing meanwhile is no reason to refuse it), and the order holds
    # every delivery and no invoiced quantity
    assert outcomes.count("deleted") == 1 and outcomes.count("delivered") == 7
    assert _quantities(books, order["id"]) == [("7", "0"), ("0", "0")]
