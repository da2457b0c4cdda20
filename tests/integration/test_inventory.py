"""Inventory against DynamoDB Local (issue 19): stock-managed items, locations, adjustments and transfers over
the API; 20 concurrent takes of 10 from 100 leave exactly 10 successes and a level of 0; the valuation report
equals the inventory account's balance at several dates, to the cent; levels, movements with their running
quantity and value; refusals (409 naming item, location, on hand and requested; another tenant's ids 404;
unknown parameters 400; a missing scope 403)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal as D

from ledgerline.domain.stock import InsufficientStock
from ledgerline.services import reports, stock
from ledgerline.store.table import connection
from tests.integration.books import Books


def inventory_books(books: Books) -> tuple[str, str]:
    """A stock-managed item and the default location."""
    item = books.post("/v1/items", {"code": "WIDGET", "name": "Widget", "unit": "piece", "track_stock": True,
                                    "reorder_level": "5"})
    location = books.post("/v1/stock-locations", {"name": "Main warehouse", "areas": ["A-01"]})
    assert location["is_default"] is True
    return item["id"], location["id"]


def inventory_balance(books: Books, day: date) -> D:
    report = reports.trial_balance.report(books.tenant_id, day).model_dump(by_alias=True)
    rows = {row["code"]: row for row in report["accounts"]}
    return rows["1200"]["balance"] if "1200" in rows else D(0)


def test_opening_stock_a_count_and_a_transfer_keep_levels_movements_and_the_ledger_in_step(books):
    item, main = inventory_books(books)
    shop = books.post("/v1/stock-locations", {"name": "Shop"})["id"]
    opened = books.post("/v1/stock-adjustments", {"item_id": item, "reason": "opening", "quantity": "100",
                                                  "unit_cost": "4.50", "date": "2026-01-01"})
    assert (opened["location_id"], opened["value"], opened["quantity_after"]) == (main, "450.00", "100")
    entry = books.get(f"/v1/journal-entries/{opened['journal_entry_id']}")
    assert (entry["source_type"], entry["date"]) == ("stock_adjustment", "2026-01-01")
    moved = books.post("/v1/stock-transfers", {"item_id": item, "from_location_id": main, "to_location_id": shop,
                                               "quantity": "20", "date": "2026-01-10"})
    assert moved["value"] == "90.00"
    counted = books.post("/v1/stock-adjustments", {"item_id": item, "location_id": main, "reason": "count",
                                                   "counted_quantity": "77", "date": "2026-01-20"})
    assert (counted["quantity"], counted["value"]) == ("-3", "-13.50")
    levels = {row["location_id"]: row for row in books.get(f"/v1/stock?item_id={item}")["data"]}
    assert (levels[main]["on_hand"], levels[main]["value"], levels[main]["average_cost"]) == (
        "77", "346.50", "4.500000")
    assert (levels[shop]["on_hand"], levels[shop]["value"]) == ("20", "90.00")
    assert [row["location_id"] for row in books.get(f"/v1/stock?location_id={shop}")["data"]] == [shop]
    # the history: running quantity and value per location, oldest first, paginated
    first = books.get(f"/v1/stock/{item}/movements?limit=2")
    rest = books.get(f"/v1/stock/{item}/movements?limit=2&cursor={first['next_cursor']}")
    history = first["data"] + rest["data"]
    # (the transfer's two legs are one moment: their order between the two locations is not defined)
    assert [(m["quantity"], m["quantity_after"], m["value_after"]) for m in history if m["location_id"] == main] == [
        ("100", "100", "450.00"), ("-20", "80", "360.00"), ("-3", "77", "346.50")]
    assert [(m["quantity"], m["quantity_after"], m["value_after"]) for m in history if m["location_id"] == shop] == [
        ("20", "20", "90.00")]
    assert history[0]["source_type"] == "stock_adjustment" and history[-1]["id"] == counted["movement_id"]
    assert sum(D(m["quantity"]) for m in history) == D(97)
    # the ledger: inventory holds the levels' value, 5100 the count's loss, equity the opening
    assert (books.balance("1200"), books.balance("5100"), books.balance("3000")) == (
        D("436.50"), D("13.50"), D("-450.00"))
    types = books.events()
    assert types.count("stock.moved") == 4 and "stock_adjustment.created" in types
    assert "stock_transfer.created" in types


def test_the_valuation_report_equals_the_inventory_account_at_every_date(books):
    item, main = inventory_books(books)
    other = books.post("/v1/items", {"code": "GADGET", "name": "Gadget", "track_stock": True})["id"]
    steps = [
        (item, {"reason": "opening", "quantity": "3", "unit_cost": "3.335", "date": "2026-01-01"}),  # 10.01
        (other, {"reason": "opening", "quantity": "7", "unit_cost": "0.333", "date": "2026-01-02"}),  # 2.33
        (item, {"reason": "damage", "quantity": "-1", "date": "2026-01-05"}),  # 3.34
        (other, {"reason": "count", "counted_quantity": "9", "unit_cost": "1", "date": "2026-01-05"}),
        (item, {"reason": "other", "quantity": "4", "unit_cost": "2.125", "date": "2026-02-01"}),
        (item, {"reason": "count", "counted_quantity": "0", "date": "2026-02-15"}),
        (other, {"reason": "damage", "quantity": "-2.5", "date": "2026-03-01"}),
    ]
    for item_id, body in steps:
        books.post("/v1/stock-adjustments", {"item_id": item_id, **body})
    for day in ("2025-12-31", "2026-01-01", "2026-01-04", "2026-01-05", "2026-02-01", "2026-02-28", "2026-03-01",
                "2026-12-31"):
        report = books.get(f"/v1/reports/stock-valuation?as_of={day}")
        assert D(report["total"]) == inventory_balance(books, date.fromisoformat(day)), day
        assert sum(D(line["value"]) for line in report["lines"]) == D(report["total"])
    assert books.get("/v1/reports/stock-valuation?as_of=2026-02-15")["lines"] == [
        {"item_id": other, "location_id": main, "on_hand": "9", "value": "4.33"}]


def test_twenty_concurrent_takes_of_ten_from_a_hundred_leave_exactly_ten_successes(books):
    item, main = inventory_books(books)
    books.post("/v1/stock-adjustments", {"item_id": item, "reason": "opening", "quantity": "100",
                                         "unit_cost": "2"})
    connection().connection.client  # noqa: B018 - built before the threads use it

    def take(_: int) -> str:
        try:
            stock.create_adjustment(books.tenant_id, {"item_id": item, "location_id": main, "reason": "damage",
                                                      "quantity": D(-10)})
            return "taken"
        except InsufficientStock:
            return "refused"

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(take, range(20)))
    assert (outcomes.count("taken"), outcomes.count("refused")) == (10, 10)
    level = books.get(f"/v1/stock?item_id={item}")["data"][0]
    assert (level["on_hand"], level["value"]) == ("0", "0.00")
    assert books.balance("1200") == 0 and books.balance("5100") == D("200.00")
    assert books.events().count("stock.low") == 1


def test_refusals_name_the_field_change_nothing_and_other_tenants_ids_are_404(api, books, make_tenant):
    item, main = inventory_books(books)
    books.post("/v1/stock-adjustments", {"item_id": item, "reason": "opening", "quantity": "2", "unit_cost": "1"})
    refused = books.call("POST", "/v1/stock-adjustments", {"item_id": item, "reason": "damage", "quantity": "-3"},
                         expect=409).json()["error"]
    assert refused["code"] == "insufficient_stock"
    for named in (item, main, "2 on hand", "3 requested"):
        assert named in refused["message"]
    both = books.call("POST", "/v1/stock-adjustments", {"item_id": item, "reason": "count", "quantity": "1",
                                                        "counted_quantity": "1"}, expect=422).json()["error"]
    assert both["code"] == "validation_error"
    service = books.post("/v1/items", {"code": "SVC", "name": "Service"})["id"]
    not_tracked = books.call("POST", "/v1/stock-adjustments", {"item_id": service, "reason": "opening",
                                                               "quantity": "1", "unit_cost": "1"},
                             expect=422).json()["error"]
    assert not_tracked["param"] == "item_id"
    wrong_account = books.call("POST", "/v1/items", {"code": "W2", "name": "W2", "track_stock": True,
                                                     "inventory_account_id": books.accounts["6000"]},
                               expect=422).json()["error"]
    assert wrong_account["param"] == "inventory_account_id"
    assert books.get(f"/v1/stock?item_id={item}")["data"][0]["on_hand"] == "2"
    books.call("GET", "/v1/stock?colour=red", expect=400)
    other = make_tenant(name="Other Pty Ltd")
    for path in (f"/v1/stock-locations/{main}", f"/v1/stock/{item}/movements"):
        assert api.get(path, headers=other.headers).status_code == 404
    taken = api.post("/v1/stock-adjustments", headers=other.headers,
                     json={"item_id": item, "reason": "damage", "quantity": "-1"})
    assert taken.status_code == 422
    assert api.get("/v1/stock", headers=other.headers).json()["data"] == []


def test_issuing_a_delivery_note_takes_stock_out_and_posts_cost_of_goods_sold(books):
    item, main = inventory_books(books)
    books.post("/v1/stock-adjustments", {"item_id": item, "reason": "opening", "quantity": "3",
                                         "unit_cost": "3.335"})  # 10.01
    customer = books.customer("Globex")
    note = books.post("/v1/deliveries", {"customer_id": customer, "lines": [{"item_id": item, "quantity": "2"}]})
    issued = books.post(f"/v1/deliveries/{note['id']}/issue", expect=200)
    assert issued["status"] == "issued"
    level = books.get(f"/v1/stock?item_id={item}")["data"][0]
    assert (level["on_hand"], level["value"]) == ("1", "3.34")
    assert (books.balance("1200"), books.balance("5000")) == (D("3.34"), D("6.67"))
    last = books.get(f"/v1/stock/{item}/movements")["data"][-1]
    assert (last["source_type"], last["source_id"], last["quantity"]) == ("delivery", note["id"], "-2")
    # a second note for more than is left: 409, and it stays a draft
    more = books.post("/v1/deliveries", {"customer_id": customer, "lines": [{"item_id": item, "quantity": "2"}]})
    refused = books.call("POST", f"/v1/deliveries/{more['id']}/issue", expect=409).json()["error"]
    assert refused["code"] == "insufficient_stock" and "1 on hand" in refused["message"]
    assert books.get(f"/v1/deliveries/{more['id']}")["status"] == "draft"


def test_a_posted_bill_puts_stock_in_at_its_net_and_a_void_takes_it_back_unless_consumed(books):
    """Issue 19, second step (NS): a bill line of a stock-managed item debits inventory, not expense; the stock
    arrives at the line's net base value; voiding takes it back out, and is a 409 once it was delivered."""
    item, main = inventory_books(books)
    books.call("PATCH", f"/v1/items/{item}", {"purchase_price": "4.00",
                                              "expense_account_id": books.accounts["6000"]}, expect=200)
    vendor = books.post("/v1/parties", {"name": "Widget Works", "kind": "supplier"})["id"]

    def bill(reference: str, quantity: str) -> dict:
        draft = books.post("/v1/bills", {"supplier_id": vendor, "supplier_reference": reference,
                                         "bill_date": "2026-03-02", "lines": [
                                             {"item_id": item, "quantity": quantity},
                                             {"description": "Freight", "unit_price": "5.00",
                                              "account_id": books.accounts["6000"]}]})
        return books.post(f"/v1/bills/{draft['id']}/post", expect=200)

    first = bill("W-1", "10")
    level = books.get(f"/v1/stock?item_id={item}")["data"][0]
    assert (level["location_id"], level["on_hand"], level["value"]) == (main, "10", "40.00")
    assert (books.balance("1200"), books.balance("6000"), books.balance("2000")) == (
        D("40.00"), D("5.00"), D("-45.00"))
    moved = books.get(f"/v1/stock/{item}/movements")["data"][-1]
    assert (moved["source_type"], moved["source_id"], moved["quantity"], moved["value"]) == (
        "bill", first["id"], "10", "40.00")
    second = bill("W-2", "5")
    voided = books.post(f"/v1/bills/{second['id']}/void", expect=200)
    assert voided["status"] == "voided"
    level = books.get(f"/v1/stock?item_id={item}")["data"][0]
    assert (level["on_hand"], level["value"]) == ("10", "40.00")
    assert books.balance("1200") == D("40.00")
    # the first bill's stock is partly delivered: voiding it is a 409 that changes nothing
    customer = books.customer("Globex")
    note = books.post("/v1/deliveries", {"customer_id": customer, "lines": [{"item_id": item, "quantity": "1"}]})
    books.post(f"/v1/deliveries/{note['id']}/issue", expect=200)
    refused = books.call("POST", f"/v1/bills/{first['id']}/void", expect=409).json()["error"]
    assert refused["code"] == "stock_consumed" and item in refused["message"]
    assert books.get(f"/v1/bills/{first['id']}")["status"] != "voided"
    assert (books.balance("1200"), books.balance("5000")) == (D("36.00"), D("4.00"))
    assert books.get(f"/v1/stock?item_id={item}")["data"][0]["on_hand"] == "9"


def test_a_credit_note_with_restock_puts_returned_goods_back_and_reverses_cost_of_goods_sold(books):
    """Issue 19, second step (NS): returned goods come back at the current average cost over the API."""
    item, main = inventory_books(books)
    books.post("/v1/stock-adjustments", {"item_id": item, "reason": "opening", "quantity": "3",
                                         "unit_cost": "3.335"})  # 10.01
    customer = books.customer("Globex")
    note = books.post("/v1/deliveries", {"customer_id": customer, "lines": [{"item_id": item, "quantity": "2"}]})
    books.post(f"/v1/deliveries/{note['id']}/issue", expect=200)
    invoice = books.posted(customer, [{"item_id": item, "quantity": "2", "unit_price": "20.00",
                                       "account_id": books.accounts["4000"]}])
    credit = books.post("/v1/credit-notes", {"invoice_id": invoice["id"], "restock": True, "lines": [
        {"item_id": item, "quantity": "1", "unit_price": "20.00", "account_id": books.accounts["4000"]}]})
    assert credit["restock"] is True
    entry = books.get(f"/v1/journal-entries/{credit['stock_journal_entry_id']}")
    assert entry["source_type"] == "credit_note_restock"
    level = books.get(f"/v1/stock?item_id={item}")["data"][0]
    assert (level["location_id"], level["on_hand"], level["value"]) == (main, "2", "6.68")
    assert (books.balance("1200"), books.balance("5000")) == (D("6.68"), D("3.33"))
    last = books.get(f"/v1/stock/{item}/movements")["data"][-1]
    assert (last["source_type"], last["source_id"], last["quantity"]) == ("credit_note", credit["id"], "1")
    refused = books.call("POST", "/v1/credit-notes", {"invoice_id": invoice["id"], "restock": True,
                                                      "amount": "5.00"}, expect=422).json()["error"]
    assert refused["param"] == "restock"


def test_reserved_available_and_incoming_follow_orders_in_their_own_transactions(books):
    """Issue 19, second step (NS): confirmed sales orders reserve, delivery notes from them release, sent
    purchase orders are incoming until received; GET /v1/stock shows on hand, reserved, available, incoming."""
    item, main = inventory_books(books)
    books.post("/v1/stock-adjustments", {"item_id": item, "reason": "opening", "quantity": "5", "unit_cost": "2"})
    customer = books.customer("Globex")
    order = books.post("/v1/orders", {"customer_id": customer, "lines": [
        {"item_id": item, "quantity": "8", "unit_price": "10.00", "account_id": books.accounts["4000"]}]})
    books.post(f"/v1/orders/{order['id']}/confirm", expect=200)
    level = books.get(f"/v1/stock?item_id={item}")["data"][0]
    assert (level["location_id"], level["on_hand"], level["reserved"], level["available"]) == (main, "5", "8", "-3")
    note = books.post(f"/v1/orders/{order['id']}/deliveries", {"lines": [{"line": 1, "quantity": "3"}]})
    books.post(f"/v1/deliveries/{note['id']}/issue", expect=200)
    level = books.get(f"/v1/stock?item_id={item}")["data"][0]
    assert (level["on_hand"], level["reserved"], level["available"]) == ("2", "5", "-3")
    vendor = books.post("/v1/parties", {"name": "Widget Works", "kind": "supplier"})["id"]
    po = books.post("/v1/purchase-orders", {"supplier_id": vendor, "lines": [
        {"item_id": item, "quantity": "10", "unit_price": "2.00", "account_id": books.accounts["6000"]}]})
    books.post(f"/v1/purchase-orders/{po['id']}/issue", expect=200)
    assert books.get(f"/v1/stock?item_id={item}")["data"][0]["incoming"] == "10"
    books.post(f"/v1/purchase-orders/{po['id']}/receive", {"lines": [{"line": 1, "quantity": "4"}]}, expect=200)
    level = books.get(f"/v1/stock?item_id={item}")["data"][0]
    assert (level["on_hand"], level["incoming"]) == ("2", "6")  # a receipt only counts: the bill moves stock


def test_a_tenant_without_deliveries_ships_on_the_invoice_and_releases_the_orders_reservation(books):
    """Issue 19 (part S): `stock_issued_by: invoice` makes posting an invoice take its stock-managed lines out
    and post their cost in the posting's transaction; the order it was made from no longer reserves them; a
    delivery note moves nothing (no double count); a void puts the goods back; too much is a 409 and the
    invoice stays a draft."""
    item, main = inventory_books(books)
    tenant = books.call("PATCH", "/v1/tenant", {"stock_issued_by": "invoice"}, expect=200).json()
    assert (tenant["stock_issued_by"], tenant["allow_negative_stock"]) == ("invoice", False)
    books.post("/v1/stock-adjustments", {"item_id": item, "reason": "opening", "quantity": "10", "unit_cost": "2"})
    customer = books.customer("Globex")
    order = books.post("/v1/orders", {"customer_id": customer, "lines": [
        {"item_id": item, "quantity": "4", "unit_price": "10.00", "account_id": books.accounts["4000"]}]})
    books.post(f"/v1/orders/{order['id']}/confirm", expect=200)
    assert books.get(f"/v1/stock?item_id={item}")["data"][0]["reserved"] == "4"
    draft = books.post(f"/v1/orders/{order['id']}/invoice", {"basis": "ordered"})
    invoice = books.post(f"/v1/invoices/{draft['id']}/post", expect=200)
    level = books.get(f"/v1/stock?item_id={item}")["data"][0]
    assert (level["on_hand"], level["reserved"], level["available"], level["value"]) == ("6", "0", "6", "12.00")
    assert (books.balance("1200"), books.balance("5000")) == (D("12.00"), D("8.00"))
    last = books.get(f"/v1/stock/{item}/movements")["data"][-1]
    assert (last["source_type"], last["source_id"], last["quantity"]) == ("invoice", invoice["id"], "-4")
    note = books.post("/v1/deliveries", {"customer_id": customer, "lines": [{"item_id": item, "quantity": "4"}]})
    books.post(f"/v1/deliveries/{note['id']}/issue", expect=200)
    assert books.get(f"/v1/stock?item_id={item}")["data"][0]["on_hand"] == "6"
    books.post(f"/v1/invoices/{invoice['id']}/void", {}, expect=200)
    level = books.get(f"/v1/stock?item_id={item}")["data"][0]
    assert (level["on_hand"], level["value"]) == ("10", "20.00")
    assert (books.balance("1200"), books.balance("5000")) == (D("20.00"), D("0.00"))
    big = books.draft(customer, lines=[{"item_id": item, "quantity": "11", "unit_price": "10.00",
                                         "account_id": books.accounts["4000"]}])
    refused = books.call("POST", f"/v1/invoices/{big['id']}/post", expect=409).json()["error"]
    assert refused["code"] == "insufficient_stock" and "10 on hand" in refused["message"]
    assert books.get(f"/v1/invoices/{big['id']}")["status"] == "draft"


def test_negative_stock_allowed_per_tenant_keeps_the_valuation_equal_to_the_inventory_account(books):
    """Issue 19 (part S): by default a take beyond on hand is a 409 naming item, location, on hand and requested;
    with `allow_negative_stock` it goes below zero at an estimated cost, and stock arriving corrects the cost of
    goods sold; the valuation report equals the inventory account at every step, to the cent."""
    item, main = inventory_books(books)
    books.post("/v1/stock-adjustments", {"item_id": item, "reason": "opening", "quantity": "1", "unit_cost": "10"})
    customer = books.customer("Globex")
    note = books.post("/v1/deliveries", {"customer_id": customer, "lines": [{"item_id": item, "quantity": "3"}]})
    refused = books.call("POST", f"/v1/deliveries/{note['id']}/issue", expect=409).json()["error"]
    assert refused["code"] == "insufficient_stock"
    assert all(part in refused["message"] for part in (item, main, "1 on hand", "3 requested"))
    assert books.call("PATCH", "/v1/tenant", {"allow_negative_stock": True}, expect=200).json()[
        "allow_negative_stock"] is True
    books.post(f"/v1/deliveries/{note['id']}/issue", expect=200)
    level = books.get(f"/v1/stock?item_id={item}")["data"][0]
    assert (level["on_hand"], level["value"], level["average_cost"]) == ("-2", "-20.00", None)

    def valuation_is_the_ledger() -> None:
        report = books.get("/v1/reports/stock-valuation")
        assert D(report["total"]) == inventory_balance(books, date.today())

    valuation_is_the_ledger()
    vendor = books.post("/v1/parties", {"name": "Widget Works", "kind": "supplier"})["id"]
    bill = books.post("/v1/bills", {"supplier_id": vendor, "supplier_reference": "NEG-1", "lines": [
        {"item_id": item, "quantity": "5", "unit_price": "12.00", "account_id": books.accounts["6000"]}]})
    books.post(f"/v1/bills/{bill['id']}/post", expect=200)
    level = books.get(f"/v1/stock?item_id={item}")["data"][0]
    assert (level["on_hand"], level["value"]) == ("3", "36.00")
    assert (books.balance("1200"), books.balance("5000")) == (D("36.00"), D("34.00"))  # 30 + 2 × (12 − 10)
    valuation_is_the_ledger()


def test_a_bill_line_names_its_location_and_supplier_returns_leave_from_there_capped_at_the_bill(books):
    """Issue 19, part S2: a bill line's `location_id` puts its goods there (unknown: 422 naming the line); a
    supplier credit note sends them back out of that location, at most what the bill put in less earlier
    returns (422 naming the line), and the valuation still equals the inventory account."""
    item, main = inventory_books(books)
    books.call("PATCH", f"/v1/items/{item}", {"expense_account_id": books.accounts["6000"]}, expect=200)
    shop = books.post("/v1/stock-locations", {"name": "Shop"})["id"]
    vendor = books.post("/v1/parties", {"name": "Widget Works", "kind": "supplier"})["id"]
    refused = books.call("POST", "/v1/bills", {"supplier_id": vendor, "supplier_reference": "W-0", "lines": [
        {"item_id": item, "quantity": "1", "unit_price": "4", "location_id": "sloc_nope"}]}, expect=422)
    assert refused.json()["error"]["param"] == "lines[0].location_id"
    draft = books.post("/v1/bills", {"supplier_id": vendor, "supplier_reference": "W-1", "bill_date": "2026-03-02",
                                     "lines": [{"item_id": item, "quantity": "4", "unit_price": "4.00",
                                                "location_id": shop},
                                               {"item_id": item, "quantity": "2", "unit_price": "4.00"}]})
    assert draft["lines"][0]["location_id"] == shop
    bill = books.post(f"/v1/bills/{draft['id']}/post", expect=200)
    levels = {level["location_id"]: level["on_hand"] for level in books.get(f"/v1/stock?item_id={item}")["data"]}
    assert levels == {shop: "4", main: "2"}
    books.post("/v1/supplier-credit-notes", {"bill_id": bill["id"], "date": "2026-03-03", "lines": [
        {"item_id": item, "quantity": "5", "unit_price": "4.00"}]})
    levels = {level["location_id"]: level["on_hand"] for level in books.get(f"/v1/stock?item_id={item}")["data"]}
    assert levels == {shop: "0", main: "1"}
    refused = books.call("POST", "/v1/supplier-credit-notes", {"bill_id": bill["id"], "date": "2026-03-03",
                                                               "lines": [{"item_id": item, "quantity": "2",
                                                                          "unit_price": "4.00"}]}, expect=422)
    assert refused.json()["error"]["param"] == "lines[0].quantity"
    assert books.balance("1200") == D("4.00")
    valuation = books.get("/v1/reports/stock-valuation?as_of=2026-03-03")
    assert D(valuation["total"]) == inventory_balance(books, date(2026, 3, 3)) == D("4.00")
