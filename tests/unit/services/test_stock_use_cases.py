"""Inventory (issue 19): stock-managed items and their accounts, on the in-memory unit of work."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from ledgerline.domain.errors import ValidationFailed
from ledgerline.schemas.items import ItemOut
from ledgerline.services import master_data


def test_a_new_tenant_has_inventory_cost_of_goods_sold_and_adjustment_accounts(books):
    assert books.system.inventory == books.accounts["1200"]
    assert books.system.cost_of_goods_sold == books.accounts["5000"]
    assert books.system.inventory_adjustment == books.accounts["5100"]


def test_an_item_is_not_stock_managed_unless_told_and_costs_by_moving_average(books):
    item = master_data.create("item", books.tenant_id, {"code": "SVC", "name": "Service"})
    shown = ItemOut.model_validate(item).model_dump(mode="json")
    assert (shown["track_stock"], shown["costing_method"], shown["reorder_level"]) == (False, "moving_average", None)


def test_a_stock_managed_item_keeps_its_accounts_unit_and_reorder_level(books):
    item = master_data.create("item", books.tenant_id, {
        "code": "WIDGET", "name": "Widget", "unit": "piece", "track_stock": True, "purchase_price": D("4.50"),
        "inventory_account_id": books.accounts["1200"], "cogs_account_id": books.accounts["5000"],
        "reorder_level": D("5")})
    again = master_data.get("item", books.tenant_id, item.id)
    shown = ItemOut.model_validate(again).model_dump(mode="json")
    assert (shown["track_stock"], shown["unit"], shown["reorder_level"]) == (True, "piece", "5")
    assert (shown["inventory_account_id"], shown["cogs_account_id"]) == (books.accounts["1200"],
                                                                         books.accounts["5000"])


@pytest.mark.parametrize(("field", "code"), [("inventory_account_id", "6000"), ("cogs_account_id", "1200")])
def test_a_stock_account_of_the_wrong_type_is_a_422_naming_the_field_and_changes_nothing(books, field, code):
    before = books.table.transactions
    with pytest.raises(ValidationFailed) as refused:
        master_data.create("item", books.tenant_id, {"code": "W", "name": "W", "track_stock": True,
                                                     field: books.accounts[code]})
    assert refused.value.param == field
    assert books.table.transactions == before


def test_a_stock_account_of_another_tenant_or_unknown_is_a_422(books):
    with pytest.raises(ValidationFailed) as refused:
        master_data.create("item", books.tenant_id, {"code": "W", "name": "W", "inventory_account_id": "acc_nope"})
    assert refused.value.param == "inventory_account_id"


def test_changing_an_item_to_stock_managed_checks_the_accounts_named(books):
    item = master_data.create("item", books.tenant_id, {"code": "W", "name": "W"})
    with pytest.raises(ValidationFailed):
        master_data.update("item", books.tenant_id, item.id, {"cogs_account_id": books.accounts["4000"]}, None)
    changed = master_data.update("item", books.tenant_id, item.id, {"track_stock": True}, None)
    assert changed.track_stock is True


# ------------------------------------------------------------------------------- locations and movements

from ledgerline.domain.errors import Conflict  # noqa: E402
from ledgerline.domain.stock import InsufficientStock  # noqa: E402
from ledgerline.services import stock  # noqa: E402
from ledgerline.store.stock import StockLevel  # noqa: E402


def widget(books, **fields):
    return master_data.create("item", books.tenant_id, {"code": fields.pop("code", "WIDGET"), "name": "Widget",
                                                        "track_stock": True, **fields})


def level_of(books, item_id, location_id):
    return books.table.get(StockLevel, *StockLevel.key(books.tenant_id, StockLevel.id_of(item_id, location_id)))


def test_the_first_location_is_the_default_and_another_can_take_it_over(books):
    main = stock.create_location(books.tenant_id, {"name": "Main", "areas": ["A-01"]})
    shop = stock.create_location(books.tenant_id, {"name": "Shop"})
    assert (main["is_default"], shop["is_default"]) == (True, False)
    moved = stock.update_location(books.tenant_id, shop["id"], {"is_default": True}, None)
    assert moved["is_default"] is True
    assert stock.get_location(books.tenant_id, main["id"])["is_default"] is False
    with pytest.raises(ValidationFailed) as refused:
        stock.archive_location(books.tenant_id, shop["id"], None)
    assert refused.value.param == "archived"
    assert stock.archive_location(books.tenant_id, main["id"], None)["archived"] is True


def test_opening_stock_debits_inventory_against_equity_and_a_count_posts_the_difference(books):
    item = widget(books)
    opened = stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "opening",
                                                       "quantity": D("100"), "unit_cost": D("4.50")})
    assert (opened["quantity"], opened["value"], opened["quantity_after"]) == ("100", "450.00", "100")
    assert books.balances() == {"1200": D("450.00"), "3000": D("-450.00")}
    counted = stock.create_adjustment(books.tenant_id, {"item_id": item.id, "location_id": opened["location_id"],
                                                        "reason": "count", "counted_quantity": D("97")})
    assert (counted["quantity"], counted["value"]) == ("-3", "-13.50")
    assert books.balances() == {"1200": D("436.50"), "3000": D("-450.00"), "5100": D("13.50")}
    level = level_of(books, item.id, opened["location_id"])
    assert (level.quantity, level.value) == (D("97"), D("436.50"))
    types = books.table.event_types(books.tenant_id)
    assert types.count("stock.moved") == 2 and "stock_location.created" in types  # Main made on first use


def test_a_stock_operation_on_an_item_not_stock_managed_is_a_422_and_changes_nothing(books):
    item = master_data.create("item", books.tenant_id, {"code": "SVC", "name": "Service"})
    before = books.table.transactions
    with pytest.raises(ValidationFailed) as refused:
        stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "opening", "quantity": D("1"),
                                                  "unit_cost": D("1")})
    assert refused.value.param == "item_id" and books.table.transactions == before


def test_stock_added_with_no_average_and_no_cost_is_a_422_naming_unit_cost(books):
    item = widget(books)
    with pytest.raises(ValidationFailed) as refused:
        stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "count", "counted_quantity": D("5")})
    assert refused.value.param == "unit_cost"


def test_taking_more_than_on_hand_is_a_409_naming_item_location_on_hand_and_requested(books):
    item = widget(books)
    opened = stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "opening",
                                                       "quantity": D("2"), "unit_cost": D("1")})
    before = (books.table.transactions, books.balances())
    with pytest.raises(InsufficientStock) as refused:
        stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "damage", "quantity": D("-3")})
    assert isinstance(refused.value, Conflict)
    assert (refused.value.item_id, refused.value.location_id) == (item.id, opened["location_id"])
    assert (refused.value.on_hand, refused.value.requested) == (D("2"), D("3"))
    assert (books.table.transactions, books.balances()) == before


def test_a_transfer_moves_quantity_and_value_without_a_journal_entry(books):
    item = widget(books)
    main = stock.create_location(books.tenant_id, {"name": "Main"})
    shop = stock.create_location(books.tenant_id, {"name": "Shop"})
    stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "opening", "quantity": D("3"),
                                              "unit_cost": D("3.335")})  # 10.01
    ledger = books.balances()
    moved = stock.create_transfer(books.tenant_id, {"item_id": item.id, "from_location_id": main["id"],
                                                    "to_location_id": shop["id"], "quantity": D("1")})
    assert moved["value"] == "3.34"
    assert books.balances() == ledger
    source, target = level_of(books, item.id, main["id"]), level_of(books, item.id, shop["id"])
    assert (source.quantity, source.value, target.quantity, target.value) == (D(2), D("6.67"), D(1), D("3.34"))
    with pytest.raises(InsufficientStock):
        stock.create_transfer(books.tenant_id, {"item_id": item.id, "from_location_id": shop["id"],
                                                "to_location_id": main["id"], "quantity": D("2")})


def test_falling_below_the_reorder_level_emits_stock_low_once(books):
    item = widget(books, reorder_level=D("5"))
    stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "opening", "quantity": D("6"),
                                              "unit_cost": D("1")})
    for _ in range(2):
        stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "damage", "quantity": D("-1")})
    assert books.table.event_types(books.tenant_id).count("stock.low") == 1


def test_a_concurrent_movement_of_the_same_level_makes_the_take_re_read_and_be_refused(books):
    """Two takes of the last unit: the one that commits second lost the level's version, re-reads it and is
    refused, so the level never goes below zero."""
    from tests.unit.services.test_master_data_use_cases import racing

    item = widget(books)
    opened = stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "opening",
                                                       "quantity": D("1"), "unit_cost": D("2")})
    take = {"item_id": item.id, "reason": "damage", "quantity": D("-1")}
    with racing(books, lambda: stock.create_adjustment(books.tenant_id, take)), \
            pytest.raises(InsufficientStock):
        stock.create_adjustment(books.tenant_id, take)
    level = level_of(books, item.id, opened["location_id"])
    assert (level.quantity, level.value) == (D(0), D(0))
    assert books.balances() == {"3000": D("-2.00"), "5100": D("2.00")}  # one take booked, not two


# -------------------------------------------------------------------------------- from delivery notes

from ledgerline.services import deliveries  # noqa: E402


def test_issuing_a_delivery_note_takes_stock_out_at_average_cost_and_posts_cost_of_goods_sold(books):
    item = widget(books)
    service = master_data.create("item", books.tenant_id, {"code": "SETUP", "name": "Setup"})
    opened = stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "opening",
                                                       "quantity": D("3"), "unit_cost": D("3.335")})  # 10.01
    note = deliveries.create_direct(books.tenant_id, {"customer_id": books.customer_id, "lines": [
        {"item_id": item.id, "quantity": D("1")}, {"item_id": service.id, "quantity": D("1")},
        {"item_id": item.id, "quantity": D("1")}]})
    assert level_of(books, item.id, opened["location_id"]).quantity == 3  # a draft moves nothing
    deliveries.issue(books.tenant_id, note["id"])
    level = level_of(books, item.id, opened["location_id"])
    assert (level.quantity, level.value) == (D(1), D("3.34"))  # 2 of 3 left at 6.67
    assert books.balances() == {"1200": D("3.34"), "3000": D("-10.01"), "5000": D("6.67")}
    assert "stock.moved" in books.table.event_types(books.tenant_id)[-3:]


def test_a_delivery_note_of_more_than_on_hand_is_a_409_and_stays_a_draft(books):
    item = widget(books)
    stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "opening", "quantity": D("1"),
                                              "unit_cost": D("5")})
    note = deliveries.create_direct(books.tenant_id, {"customer_id": books.customer_id, "lines": [
        {"item_id": item.id, "quantity": D("2")}]})
    before = (books.table.transactions, books.balances())
    with pytest.raises(InsufficientStock) as refused:
        deliveries.issue(books.tenant_id, note["id"])
    assert (refused.value.on_hand, refused.value.requested) == (D(1), D(2))
    assert (books.table.transactions, books.balances()) == before
    assert deliveries.get_delivery(books.tenant_id, note["id"])["status"] == "draft"


# ------------------------------------------------------------------------------- from supplier bills (NS)

from datetime import UTC, date, datetime  # noqa: E402

from ledgerline.domain.stock import StockConsumed  # noqa: E402
from ledgerline.services import bills  # noqa: E402
from ledgerline.store.parties import Party  # noqa: E402
from ledgerline.store.stock import StockDefault  # noqa: E402


def a_supplier(books) -> str:
    now = datetime(2026, 1, 5, tzinfo=UTC)
    books.table.put(Party(id="pty_s", tenant_id=books.tenant_id, name="Supplier", kind="supplier", archived=False,
                          created_at=now, updated_at=now))
    return "pty_s"


def default_location(books) -> str:
    return books.table.get(StockDefault, *StockDefault.key(books.tenant_id, StockDefault.ID)).location_id


def posted_bill(books, lines, reference="R-1", **fields):
    body = {"supplier_id": a_supplier(books), "supplier_reference": reference, "bill_date": date.today(),
            "lines": lines} | fields
    return bills.post(books.tenant_id, bills.create_draft(books.tenant_id, body)["id"])


def test_a_posted_bill_puts_stock_managed_lines_into_stock_and_debits_inventory_not_expense(books):
    item = widget(books, expense_account_id=books.accounts["6000"], purchase_price=D("4.00"))
    posted = posted_bill(books, [
        {"item_id": item.id, "quantity": D("10"), "tax_code_id": books.tax_codes["GST10"]},
        {"description": "Freight", "quantity": D(1), "unit_price": D("5"), "account_id": books.accounts["6000"],
         "tax_code_id": books.tax_codes["GST10"]}])
    assert posted["total"] == "49.50"
    assert books.balances() == {"1200": D("40.00"), "6000": D("5.00"), "1300": D("4.50"), "2000": D("-49.50")}
    level = level_of(books, item.id, default_location(books))
    assert (level.quantity, level.value) == (D(10), D("40.00"))
    assert books.table.event_types(books.tenant_id)[-3:] == ["stock_location.created", "stock.moved", "bill.posted"]
    assert posted["id"]


def test_a_foreign_bill_puts_stock_in_at_each_lines_net_base_value(books):
    item = widget(books, expense_account_id=books.accounts["6000"])
    posted_bill(books, [{"item_id": item.id, "quantity": D("3"), "unit_price": D("3.33")},
                        {"item_id": item.id, "quantity": D("1"), "unit_price": D("0.01")}],
                currency="USD", exchange_rate=D("1.5"))
    level = level_of(books, item.id, default_location(books))
    # each line on its own: 9.99 × 1.5 = 14.985 → 14.99 and 0.01 × 1.5 = 0.015 → 0.02 (not 10.00 × 1.5 = 15.00)
    assert (level.quantity, level.value) == (D(4), D("15.01"))
    assert books.balances()["1200"] == level.value


def test_voiding_a_bill_takes_its_stock_back_out_and_reverses_inventory(books):
    item = widget(books, expense_account_id=books.accounts["6000"], purchase_price=D("4.00"))
    posted = posted_bill(books, [{"item_id": item.id, "quantity": D("10")}])
    bills.void(books.tenant_id, posted["id"], None)
    level = level_of(books, item.id, default_location(books))
    assert (level.quantity, level.value) == (D(0), D(0))
    assert all(amount == 0 for amount in books.balances().values())


def test_voiding_a_bill_whose_stock_was_delivered_is_a_409_and_changes_nothing(books):
    item = widget(books, expense_account_id=books.accounts["6000"], purchase_price=D("4.00"))
    posted = posted_bill(books, [{"item_id": item.id, "quantity": D("10")}])
    note = deliveries.create_direct(books.tenant_id, {"customer_id": books.customer_id, "lines": [
        {"item_id": item.id, "quantity": D("1")}]})
    deliveries.issue(books.tenant_id, note["id"])
    before = (books.table.transactions, books.balances())
    with pytest.raises(StockConsumed) as refused:
        bills.void(books.tenant_id, posted["id"], None)
    assert refused.value.code == "stock_consumed"
    assert (books.table.transactions, books.balances()) == before
    assert bills.get_bill(books.tenant_id, posted["id"])["status"] == "awaiting_payment"


def test_a_bill_line_of_an_item_not_stock_managed_still_posts_to_its_expense_account(books):
    item = master_data.create("item", books.tenant_id, {"code": "SVC", "name": "Service", "purchase_price": D(7),
                                                        "expense_account_id": books.accounts["6000"]})
    posted_bill(books, [{"item_id": item.id, "quantity": D("2")}])
    assert books.balances() == {"6000": D("14.00"), "2000": D("-14.00")}


# --------------------------------------------------------------------- returns on credit notes (NS item 2)

from ledgerline.services import credit_notes, invoices  # noqa: E402


def delivered_and_invoiced(books, item, quantity=D("2")):
    """Opening stock 3 at 3.335 (10.01), a delivery note of `quantity`, and a posted invoice of it."""
    stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "opening", "quantity": D("3"),
                                              "unit_cost": D("3.335")})
    note = deliveries.create_direct(books.tenant_id, {"customer_id": books.customer_id, "lines": [
        {"item_id": item.id, "quantity": quantity}]})
    deliveries.issue(books.tenant_id, note["id"])
    draft = invoices.create_draft(books.tenant_id, {"customer_id": books.customer_id, "lines": [
        {"item_id": item.id, "quantity": quantity, "unit_price": D(20), "account_id": books.accounts["4000"]}]})
    return invoices.post(books.tenant_id, draft["id"])


def test_a_credit_note_with_restock_puts_goods_back_at_the_average_cost_and_reverses_cogs(books):
    item = widget(books)
    invoice = delivered_and_invoiced(books, item)
    assert books.balances()["5000"] == D("6.67")  # 1 left at 3.34
    note = credit_notes.create(books.tenant_id, {"invoice_id": invoice["id"], "restock": True, "lines": [
        {"item_id": item.id, "quantity": D("1"), "unit_price": D(20), "account_id": books.accounts["4000"]}]})
    assert note["restock"] is True and note["stock_journal_entry_id"]
    level = level_of(books, item.id, default_location(books))
    assert (level.quantity, level.value) == (D(2), D("6.68"))  # back at the average, 3.34
    balances = books.balances()
    assert (balances["1200"], balances["5000"]) == (D("6.68"), D("3.33"))
    assert "stock.moved" in books.table.event_types(books.tenant_id)


def test_a_return_with_nothing_on_hand_comes_back_at_the_purchase_price(books):
    item = widget(books, purchase_price=D("3.00"))
    invoice = delivered_and_invoiced(books, item, quantity=D("3"))
    credit_notes.create(books.tenant_id, {"invoice_id": invoice["id"], "restock": True, "lines": [
        {"item_id": item.id, "quantity": D("1"), "unit_price": D(20), "account_id": books.accounts["4000"]}]})
    level = level_of(books, item.id, default_location(books))
    assert (level.quantity, level.value) == (D(1), D("3.00"))
    assert books.balances()["1200"] == D("3.00")


def test_a_credit_note_without_restock_moves_no_stock(books):
    item = widget(books)
    invoice = delivered_and_invoiced(books, item)
    credit_notes.create(books.tenant_id, {"invoice_id": invoice["id"], "lines": [
        {"item_id": item.id, "quantity": D("1"), "unit_price": D(20), "account_id": books.accounts["4000"]}]})
    assert level_of(books, item.id, default_location(books)).quantity == D(1)


@pytest.mark.parametrize("change", [
    {"amount": D("20")},                                                          # by amount: no goods
    {"lines": [{"description": "Goodwill", "quantity": D(1), "unit_price": D(5)}]},  # no stock-managed line
])
def test_restock_without_returned_goods_is_a_422_naming_restock_and_changes_nothing(books, change):
    item = widget(books)
    invoice = delivered_and_invoiced(books, item)
    before = (books.table.transactions, books.balances())
    with pytest.raises(ValidationFailed) as refused:
        credit_notes.create(books.tenant_id, {"invoice_id": invoice["id"], "restock": True} | change)
    assert refused.value.param == "restock"
    assert (books.table.transactions, books.balances()) == before


def test_restocking_an_item_not_on_the_invoice_is_a_422(books):
    item, other = widget(books), widget(books, code="OTHER", purchase_price=D(1))
    invoice = delivered_and_invoiced(books, item)
    with pytest.raises(ValidationFailed) as refused:
        credit_notes.create(books.tenant_id, {"invoice_id": invoice["id"], "restock": True, "lines": [
            {"item_id": other.id, "quantity": D("1"), "unit_price": D(20), "account_id": books.accounts["4000"]}]})
    assert refused.value.param == "restock"


# ------------------------------------------------------ reserved, available and incoming (NS item 3)

from ledgerline.services import orders, purchase_orders  # noqa: E402


def level_shown(books, item_id):
    level = level_of(books, item_id, default_location(books))
    return stock.level_out(level)


def test_a_confirmed_order_reserves_until_delivered_and_a_cancel_releases_it(books):
    item = widget(books)
    stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "opening", "quantity": D("5"),
                                              "unit_cost": D("2")})
    draft = orders.create_draft(books.tenant_id, {"customer_id": books.customer_id, "lines": [
        {"item_id": item.id, "quantity": D("8"), "unit_price": D(10), "account_id": books.accounts["4000"]},
        {"description": "Setup", "quantity": D(1), "unit_price": D(50), "account_id": books.accounts["4000"]}]})
    assert level_shown(books, item.id)["reserved"] == "0"  # a draft reserves nothing
    orders.confirm(books.tenant_id, draft["id"])
    shown = level_shown(books, item.id)
    assert (shown["on_hand"], shown["reserved"], shown["available"]) == ("5", "8", "-3")
    note = orders.deliver(books.tenant_id, draft["id"], {"lines": [{"line": 1, "quantity": D("3")}]})
    assert level_shown(books, item.id)["reserved"] == "5"
    deliveries.delete_draft(books.tenant_id, note["id"], None)  # given back to the order: reserved again
    assert level_shown(books, item.id)["reserved"] == "8"
    note = orders.deliver(books.tenant_id, draft["id"], {"lines": [{"line": 1, "quantity": D("3")}]})
    deliveries.issue(books.tenant_id, note["id"])
    shown = level_shown(books, item.id)
    assert (shown["on_hand"], shown["reserved"], shown["available"]) == ("2", "5", "-3")
    other = orders.create_draft(books.tenant_id, {"customer_id": books.customer_id, "lines": [
        {"item_id": item.id, "quantity": D("4"), "unit_price": D(10), "account_id": books.accounts["4000"]}]})
    orders.confirm(books.tenant_id, other["id"])
    assert level_shown(books, item.id)["reserved"] == "9"
    orders.cancel(books.tenant_id, other["id"])  # a confirmed order cancelled: its reservation is released
    shown = level_shown(books, item.id)
    assert (shown["on_hand"], shown["reserved"], shown["available"]) == ("2", "5", "-3")


def test_a_sent_purchase_order_is_incoming_until_received_and_a_cancel_releases_it(books):
    item = widget(books)
    now = datetime(2026, 1, 5, tzinfo=UTC)
    books.table.put(Party(id="pty_po", tenant_id=books.tenant_id, name="Widget Works", kind="supplier",
                          archived=False, created_at=now, updated_at=now))
    draft = purchase_orders.create_draft(books.tenant_id, {"supplier_id": "pty_po", "lines": [
        {"item_id": item.id, "quantity": D("10"), "unit_price": D(4), "account_id": books.accounts["6000"]}]})
    purchase_orders.issue(books.tenant_id, draft["id"])
    shown = level_shown(books, item.id)
    assert (shown["on_hand"], shown["incoming"]) == ("0", "10")
    purchase_orders.receive(books.tenant_id, draft["id"], {"lines": [{"line": 1, "quantity": D("4")}]})
    assert level_shown(books, item.id)["incoming"] == "6"
    other = purchase_orders.create_draft(books.tenant_id, {"supplier_id": "pty_po", "lines": [
        {"item_id": item.id, "quantity": D("3"), "unit_price": D(4), "account_id": books.accounts["6000"]}]})
    purchase_orders.issue(books.tenant_id, other["id"])
    assert level_shown(books, item.id)["incoming"] == "9"
    purchase_orders.cancel(books.tenant_id, other["id"])  # a sent order cancelled: no longer incoming
    assert level_shown(books, item.id)["incoming"] == "6"


def test_orders_of_items_not_stock_managed_commit_nothing(books):
    service = master_data.create("item", books.tenant_id, {"code": "SVC", "name": "Service"})
    draft = orders.create_draft(books.tenant_id, {"customer_id": books.customer_id, "lines": [
        {"item_id": service.id, "quantity": D("8"), "unit_price": D(10), "account_id": books.accounts["4000"]}]})
    orders.confirm(books.tenant_id, draft["id"])
    assert books.table.get(StockDefault, *StockDefault.key(books.tenant_id, StockDefault.ID)) is None


# ------------------------------------------------------- invoices without delivery notes (issue 19, part S)

from ledgerline.services import tenants  # noqa: E402


def sells_on_invoices(books):
    tenants.update_tenant(books.tenant_id, {"stock_issued_by": "invoice"}, None)


def invoice_of(books, item, quantity, *, post=True):
    draft = invoices.create_draft(books.tenant_id, {"customer_id": books.customer_id, "lines": [
        {"item_id": item.id, "quantity": quantity, "unit_price": D(20), "account_id": books.accounts["4000"]}]})
    return invoices.post(books.tenant_id, draft["id"]) if post else draft


def test_a_tenant_without_deliveries_takes_stock_out_and_posts_cogs_when_the_invoice_is_posted(books):
    sells_on_invoices(books)
    item = widget(books)
    opened = stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "opening",
                                                       "quantity": D("3"), "unit_cost": D("3.335")})  # 10.01
    invoice_of(books, item, D("2"))
    level = level_of(books, item.id, opened["location_id"])
    assert (level.quantity, level.value) == (D(1), D("3.34"))
    balances = books.balances()
    assert (balances["1200"], balances["5000"], balances["4000"]) == (D("3.34"), D("6.67"), D("-40.00"))
    # a delivery note of that tenant moves nothing: the invoice did (no sale is counted twice)
    note = deliveries.create_direct(books.tenant_id, {"customer_id": books.customer_id, "lines": [
        {"item_id": item.id, "quantity": D("1")}]})
    deliveries.issue(books.tenant_id, note["id"])
    assert level_of(books, item.id, opened["location_id"]).quantity == D(1)


def test_by_default_a_posted_invoice_moves_no_stock_its_delivery_note_did(books):
    item = widget(books)
    opened = stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "opening",
                                                       "quantity": D("3"), "unit_cost": D("2")})
    invoice_of(books, item, D("2"))
    assert level_of(books, item.id, opened["location_id"]).quantity == D(3)
    assert "5000" not in books.balances()


def test_an_invoice_of_more_than_on_hand_is_a_409_and_stays_a_draft(books):
    sells_on_invoices(books)
    item = widget(books)
    stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "opening", "quantity": D("1"),
                                              "unit_cost": D("5")})
    draft = invoice_of(books, item, D("2"), post=False)
    before = (books.table.transactions, books.balances())
    with pytest.raises(InsufficientStock) as refused:
        invoices.post(books.tenant_id, draft["id"])
    assert (refused.value.item_id, refused.value.on_hand, refused.value.requested) == (item.id, D(1), D(2))
    assert (books.table.transactions, books.balances()) == before
    assert invoices.get_invoice(books.tenant_id, draft["id"])["status"] == "draft"


def test_voiding_an_invoice_that_took_stock_puts_the_goods_back_at_the_average(books):
    sells_on_invoices(books)
    item = widget(books)
    opened = stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "opening",
                                                       "quantity": D("4"), "unit_cost": D("2.50")})
    invoice = invoice_of(books, item, D("2"))
    invoices.void(books.tenant_id, invoice["id"], None)
    level = level_of(books, item.id, opened["location_id"])
    assert (level.quantity, level.value) == (D(4), D("10.00"))
    balances = books.balances()
    assert balances["1200"] == D("10.00") and "5000" not in balances


def test_invoicing_an_order_without_a_note_releases_what_it_invoiced_and_a_later_note_releases_nothing_more(books):
    item = widget(books)
    stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "opening", "quantity": D("10"),
                                              "unit_cost": D("2")})
    draft = orders.create_draft(books.tenant_id, {"customer_id": books.customer_id, "lines": [
        {"item_id": item.id, "quantity": D("8"), "unit_price": D(10), "account_id": books.accounts["4000"]}]})
    orders.confirm(books.tenant_id, draft["id"])
    assert level_shown(books, item.id)["reserved"] == "8"
    made = orders.invoice(books.tenant_id, draft["id"], {"basis": "ordered"})
    assert level_shown(books, item.id)["reserved"] == "0"  # all of it invoiced: nothing reserved
    invoices.delete_draft(books.tenant_id, made["id"], None)  # given back to the order: reserved again
    assert level_shown(books, item.id)["reserved"] == "8"
    note = orders.deliver(books.tenant_id, draft["id"], {"lines": [{"line": 1, "quantity": D("3")}]})
    assert level_shown(books, item.id)["reserved"] == "5"
    orders.invoice(books.tenant_id, draft["id"], {"basis": "ordered"})  # 3 delivered, 5 without a note
    assert level_shown(books, item.id)["reserved"] == "0"
    deliveries.delete_draft(books.tenant_id, note["id"], None)  # still invoiced: not reserved again
    assert level_shown(books, item.id)["reserved"] == "0"


def test_a_tenant_without_deliveries_invoicing_an_order_takes_the_stock_and_releases_the_reservation(books):
    sells_on_invoices(books)
    item = widget(books)
    opened = stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "opening",
                                                       "quantity": D("10"), "unit_cost": D("2")})
    draft = orders.create_draft(books.tenant_id, {"customer_id": books.customer_id, "lines": [
        {"item_id": item.id, "quantity": D("4"), "unit_price": D(10), "account_id": books.accounts["4000"]}]})
    orders.confirm(books.tenant_id, draft["id"])
    made = orders.invoice(books.tenant_id, draft["id"], {"basis": "ordered"})
    invoices.post(books.tenant_id, made["id"])
    shown = level_shown(books, item.id)
    assert (shown["on_hand"], shown["reserved"], shown["available"]) == ("6", "0", "6")
    assert level_of(books, item.id, opened["location_id"]).value == D("12")


def test_stock_low_follows_available_not_on_hand(books):
    item = widget(books, reorder_level=D("5"))
    stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "opening", "quantity": D("10"),
                                              "unit_cost": D("1")})
    draft = orders.create_draft(books.tenant_id, {"customer_id": books.customer_id, "lines": [
        {"item_id": item.id, "quantity": D("4"), "unit_price": D(10), "account_id": books.accounts["4000"]}]})
    orders.confirm(books.tenant_id, draft["id"])  # on hand 10, available 6
    stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "damage", "quantity": D("-2")})
    # on hand 8 (not below 5), available 4: below the reorder level
    assert books.table.event_types(books.tenant_id).count("stock.low") == 1


# ------------------------------------------------------------- negative stock (issue 19, part S)


def test_negative_stock_is_refused_by_default_and_allowed_per_tenant_with_the_cost_corrected_on_arrival(books):
    item = widget(books, expense_account_id=books.accounts["6000"])
    stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "opening", "quantity": D("1"),
                                              "unit_cost": D("10")})
    note = deliveries.create_direct(books.tenant_id, {"customer_id": books.customer_id, "lines": [
        {"item_id": item.id, "quantity": D("3")}]})
    with pytest.raises(InsufficientStock) as refused:
        deliveries.issue(books.tenant_id, note["id"])
    assert (refused.value.item_id, refused.value.location_id, refused.value.on_hand, refused.value.requested) \
        == (item.id, default_location(books), D(1), D(3))
    tenants.update_tenant(books.tenant_id, {"allow_negative_stock": True}, None)
    deliveries.issue(books.tenant_id, note["id"])
    level = level_of(books, item.id, default_location(books))
    assert (level.quantity, level.value) == (D(-2), D(-20))  # the 2 missing units at the average, 10
    assert books.balances()["5000"] == D("30.00")
    posted_bill(books, [{"item_id": item.id, "quantity": D("5"), "unit_price": D("12")}])  # 60.00
    level = level_of(books, item.id, default_location(books))
    assert (level.quantity, level.value) == (D(3), D(36))  # what is left of the arrival, at 12
    balances = books.balances()
    assert (balances["1200"], balances["5000"]) == (D("36.00"), D("34.00"))  # COGS corrected by 2 × (12 − 10)


# ------------------------------------------------------ returns capped at what was sold (issue 19, part S)


def test_returns_are_capped_at_what_the_invoice_sold_across_credit_notes_and_a_refusal_names_the_line(books):
    item = widget(books)
    invoice = delivered_and_invoiced(books, item)  # 2 sold

    def restock(quantity):
        return credit_notes.create(books.tenant_id, {"invoice_id": invoice["id"], "restock": True, "lines": [
            {"description": "Shipping refund", "quantity": D("1"), "unit_price": D(1),
             "account_id": books.accounts["4000"]},
            {"item_id": item.id, "quantity": quantity, "unit_price": D(1), "account_id": books.accounts["4000"]}]})

    before = (books.table.transactions, books.balances())
    with pytest.raises(ValidationFailed) as refused:
        restock(D("3"))
    assert refused.value.param == "lines[1].quantity" and "2 sold" in str(refused.value)
    assert (books.table.transactions, books.balances()) == before
    restock(D("1.5"))
    with pytest.raises(ValidationFailed) as refused:
        restock(D("1"))  # 1.5 came back already: only 0.5 more may
    assert refused.value.param == "lines[1].quantity" and "1.5 returned before" in str(refused.value)
    restock(D("0.5"))
    assert level_of(books, item.id, default_location(books)).quantity == D(3)


# ------------------------------------------- supplier credit notes send goods back (issue 19, part S)

from ledgerline.services import supplier_credit_notes  # noqa: E402


def test_a_supplier_credit_note_on_a_stock_bill_takes_the_goods_out_at_their_average_cost(books):
    item = widget(books, expense_account_id=books.accounts["6000"])
    bill = posted_bill(books, [{"item_id": item.id, "quantity": D("10"), "unit_price": D("4")}])  # 40.00
    note = deliveries.create_direct(books.tenant_id, {"customer_id": books.customer_id, "lines": [
        {"item_id": item.id, "quantity": D("5")}]})
    deliveries.issue(books.tenant_id, note["id"])  # 5 out at 4: COGS 20
    supplier_credit_notes.create(books.tenant_id, {"bill_id": bill["id"], "lines": [
        {"item_id": item.id, "quantity": D("2"), "unit_price": D("5")}]})  # the supplier credits 5 each
    level = level_of(books, item.id, default_location(books))
    assert (level.quantity, level.value) == (D(3), D("12.00"))  # 2 left at the average, 4
    balances = books.balances()
    # inventory credited at the cost (8), not at what the supplier credited (10): the 2 lowers COGS
    assert (balances["1200"], balances["5000"], balances["2000"]) == (D("12.00"), D("18.00"), D("-30.00"))
    assert "6000" not in balances
    with pytest.raises(InsufficientStock):  # more than is on hand goes back: 409, nothing changes
        supplier_credit_notes.create(books.tenant_id, {"bill_id": bill["id"], "lines": [
            {"item_id": item.id, "quantity": D("4"), "unit_price": D("4")}]})
    assert level_of(books, item.id, default_location(books)).quantity == D(3)


# ------------------------------------------------------ a location per delivery line (issue 19, part S)


def test_a_delivery_line_leaves_from_its_own_location_and_the_others_from_the_default(books):
    item = widget(books)
    main = stock.create_location(books.tenant_id, {"name": "Main"})["id"]
    shop = stock.create_location(books.tenant_id, {"name": "Shop"})["id"]
    for location, cost in ((main, "2"), (shop, "3")):
        stock.create_adjustment(books.tenant_id, {"item_id": item.id, "location_id": location, "reason": "opening",
                                                  "quantity": D("5"), "unit_cost": D(cost)})
    note = deliveries.create_direct(books.tenant_id, {"customer_id": books.customer_id, "lines": [
        {"item_id": item.id, "quantity": D("1")}, {"item_id": item.id, "quantity": D("2"), "location_id": shop}]})
    assert note["lines"][1]["location_id"] == shop and note["lines"][0]["location_id"] is None
    deliveries.issue(books.tenant_id, note["id"])
    assert (level_of(books, item.id, main).quantity, level_of(books, item.id, shop).quantity) == (D(4), D(3))
    assert books.balances()["5000"] == D("8.00")  # 1 at 2 from Main, 2 at 3 from Shop


@pytest.mark.parametrize("location", ["sloc_unknown", "archived"])
def test_a_delivery_line_naming_an_unknown_or_archived_location_is_a_422_naming_it(books, location):
    item = widget(books)
    if location == "archived":
        stock.create_location(books.tenant_id, {"name": "Main"})
        old = stock.create_location(books.tenant_id, {"name": "Old"})
        location = stock.archive_location(books.tenant_id, old["id"], None)["id"]
    with pytest.raises(ValidationFailed) as refused:
        deliveries.create_direct(books.tenant_id, {"customer_id": books.customer_id, "lines": [
            {"item_id": item.id, "quantity": D("1"), "location_id": location}]})
    assert refused.value.param == "lines[0].location_id"


# ------------------------------------------- stock.low when a reservation crosses (issue 19, part S2)

import json  # noqa: E402


def test_a_confirmed_orders_reservation_taking_available_below_the_reorder_level_emits_stock_low_once(books):
    item = widget(books, reorder_level=D("5"))
    stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "opening", "quantity": D("10"),
                                              "unit_cost": D("1")})

    def confirmed(quantity):
        draft = orders.create_draft(books.tenant_id, {"customer_id": books.customer_id, "lines": [
            {"item_id": item.id, "quantity": quantity, "unit_price": D(10), "account_id": books.accounts["4000"]}]})
        orders.confirm(books.tenant_id, draft["id"])
        return draft["id"]

    confirmed(D("4"))  # available 6: not below 5
    assert books.table.event_types(books.tenant_id).count("stock.low") == 0
    second = confirmed(D("2"))  # available 4: crossed
    lows = [event for event in books.table.events(books.tenant_id) if event.type == "stock.low"]
    assert len(lows) == 1
    data = json.loads(lows[0].data)
    assert (data["item_id"], data["order_id"], data["movement_id"]) == (item.id, second, None)
    assert (data["on_hand"], data["available"], data["reorder_level"], data["quantity"]) == ("10", "4", "5", "0")
    confirmed(D("1"))  # still below: no second crossing
    assert books.table.event_types(books.tenant_id).count("stock.low") == 1


def test_releasing_a_reservation_and_reserving_again_crosses_again(books):
    item = widget(books, reorder_level=D("5"))
    stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "opening", "quantity": D("6"),
                                              "unit_cost": D("1")})
    draft = orders.create_draft(books.tenant_id, {"customer_id": books.customer_id, "lines": [
        {"item_id": item.id, "quantity": D("3"), "unit_price": D(10), "account_id": books.accounts["4000"]}]})
    orders.confirm(books.tenant_id, draft["id"])
    made = orders.invoice(books.tenant_id, draft["id"], {"basis": "ordered"})  # released: available 6 again
    invoices.delete_draft(books.tenant_id, made["id"], None)  # reserved again: available 3, a new crossing
    assert books.table.event_types(books.tenant_id).count("stock.low") == 2


# ------------------------------------ supplier returns capped at what the bill put in (issue 19, part S2)


def supplier_return(books, bill_id, quantity, item_id, *, freight=True):
    lines = [{"description": "Freight refund", "quantity": D("1"), "unit_price": D("1"),
              "account_id": books.accounts["6000"]}] if freight else []
    return supplier_credit_notes.create(books.tenant_id, {"bill_id": bill_id, "lines": [
        *lines, {"item_id": item_id, "quantity": quantity, "unit_price": D("4")}]})


def test_supplier_returns_are_capped_at_what_the_bill_put_in_less_earlier_returns_and_a_refusal_names_the_line(
        books):
    item = widget(books, expense_account_id=books.accounts["6000"])
    stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "opening", "quantity": D("20"),
                                              "unit_cost": D("4")})  # more on hand than the bill brought
    bill = posted_bill(books, [{"item_id": item.id, "quantity": D("10"), "unit_price": D("4")},
                               {"item_id": item.id, "quantity": D("2"), "unit_price": D("4")}])  # 12 in all
    before = (books.table.transactions, books.balances())
    with pytest.raises(ValidationFailed) as refused:
        supplier_return(books, bill["id"], D("13"), item.id)
    assert refused.value.param == "lines[1].quantity" and "12 received" in str(refused.value)
    assert (books.table.transactions, books.balances()) == before
    supplier_return(books, bill["id"], D("7.5"), item.id)
    with pytest.raises(ValidationFailed) as refused:
        supplier_return(books, bill["id"], D("5"), item.id, freight=False)  # 7.5 went back: 4.5 more may
    assert refused.value.param == "lines[0].quantity" and "7.5 returned before" in str(refused.value)
    supplier_return(books, bill["id"], D("4.5"), item.id)
    assert level_of(books, item.id, default_location(books)).quantity == D(20)


def test_a_supplier_return_of_an_item_the_bill_did_not_put_into_stock_is_a_422(books):
    item = widget(books, expense_account_id=books.accounts["6000"])
    other = widget(books, code="OTHER", expense_account_id=books.accounts["6000"])
    stock.create_adjustment(books.tenant_id, {"item_id": other.id, "reason": "opening", "quantity": D("5"),
                                              "unit_cost": D("4")})
    bill = posted_bill(books, [{"item_id": item.id, "quantity": D("3"), "unit_price": D("4")}])
    with pytest.raises(ValidationFailed) as refused:
        supplier_return(books, bill["id"], D("1"), other.id)
    assert refused.value.param == "lines[1].quantity" and "0 received" in str(refused.value)


def test_two_concurrent_supplier_returns_of_the_last_returnable_units_do_not_both_succeed(books):
    """The bill's receipts are saved on the version read: the note committing second re-reads the bill and is
    refused, although there is stock on hand for both."""
    from tests.unit.services.test_master_data_use_cases import racing

    item = widget(books, expense_account_id=books.accounts["6000"])
    stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "opening", "quantity": D("20"),
                                              "unit_cost": D("4")})
    bill = posted_bill(books, [{"item_id": item.id, "quantity": D("10"), "unit_price": D("4")}])
    with racing(books, lambda: supplier_return(books, bill["id"], D("6"), item.id)), \
            pytest.raises(ValidationFailed) as refused:
        supplier_return(books, bill["id"], D("6"), item.id)
    assert refused.value.param == "lines[1].quantity"
    assert level_of(books, item.id, default_location(books)).quantity == D(24)


def test_a_supplier_return_leaves_from_the_locations_the_bill_put_the_goods_into(books):
    item = widget(books, expense_account_id=books.accounts["6000"])
    main = stock.create_location(books.tenant_id, {"name": "Main"})["id"]
    shop = stock.create_location(books.tenant_id, {"name": "Shop"})["id"]
    bill = posted_bill(books, [{"item_id": item.id, "quantity": D("3"), "unit_price": D("4"), "location_id": shop},
                               {"item_id": item.id, "quantity": D("2"), "unit_price": D("4")}])
    assert (level_of(books, item.id, shop).quantity, level_of(books, item.id, main).quantity) == (D(3), D(2))
    supplier_return(books, bill["id"], D("4"), item.id)  # the 3 from Shop (first line), then 1 from Main
    assert (level_of(books, item.id, shop).quantity, level_of(books, item.id, main).quantity) == (D(0), D(1))
    assert books.balances()["1200"] == D("4.00")


# ------------------------------------------------------ a location per bill line (issue 19, part S2)


def test_a_bill_line_puts_its_stock_into_its_own_location_and_the_void_takes_it_back_out_of_there(books):
    item = widget(books, expense_account_id=books.accounts["6000"])
    main = stock.create_location(books.tenant_id, {"name": "Main"})["id"]
    shop = stock.create_location(books.tenant_id, {"name": "Shop"})["id"]
    bill = posted_bill(books, [{"item_id": item.id, "quantity": D("3"), "unit_price": D("4"), "location_id": shop},
                               {"item_id": item.id, "quantity": D("2"), "unit_price": D("5")}])
    assert (bill["lines"][0]["location_id"], bill["lines"][1]["location_id"]) == (shop, None)
    assert (level_of(books, item.id, shop).value, level_of(books, item.id, main).value) == (D("12.00"), D("10.00"))
    bills.void(books.tenant_id, bill["id"], None)
    assert (level_of(books, item.id, shop).quantity, level_of(books, item.id, main).quantity) == (D(0), D(0))
    assert all(amount == 0 for amount in books.balances().values())


def test_changing_a_draft_bill_keeps_its_lines_locations(books):
    item = widget(books, expense_account_id=books.accounts["6000"])
    stock.create_location(books.tenant_id, {"name": "Main"})
    shop = stock.create_location(books.tenant_id, {"name": "Shop"})["id"]
    draft = bills.create_draft(books.tenant_id, {
        "supplier_id": a_supplier(books), "supplier_reference": "R-9", "bill_date": date.today(),
        "lines": [{"item_id": item.id, "quantity": D("3"), "unit_price": D("4"), "location_id": shop}]})
    bills.update_draft(books.tenant_id, draft["id"], {"notes": "checked"}, None)
    bills.post(books.tenant_id, draft["id"])
    assert level_of(books, item.id, shop).quantity == D(3)


@pytest.mark.parametrize("location", ["sloc_unknown", "archived"])
def test_a_bill_line_naming_an_unknown_or_archived_location_is_a_422_naming_it_and_changes_nothing(books, location):
    item = widget(books, expense_account_id=books.accounts["6000"])
    if location == "archived":
        stock.create_location(books.tenant_id, {"name": "Main"})
        old = stock.create_location(books.tenant_id, {"name": "Old"})
        location = stock.archive_location(books.tenant_id, old["id"], None)["id"]
    before = books.table.transactions
    with pytest.raises(ValidationFailed) as refused:
        bills.create_draft(books.tenant_id, {
            "supplier_id": a_supplier(books), "supplier_reference": "R-9", "bill_date": date.today(),
            "lines": [{"description": "Freight", "quantity": D("1"), "unit_price": D("1"),
                       "account_id": books.accounts["6000"]},
                      {"item_id": item.id, "quantity": D("1"), "unit_price": D("4"), "location_id": location}]})
    assert refused.value.param == "lines[1].location_id"
    assert books.table.transactions == before


def test_a_location_archived_after_the_draft_is_a_422_naming_the_line_when_the_bill_is_posted(books):
    item = widget(books, expense_account_id=books.accounts["6000"])
    stock.create_location(books.tenant_id, {"name": "Main"})
    shop = stock.create_location(books.tenant_id, {"name": "Shop"})["id"]
    draft = bills.create_draft(books.tenant_id, {
        "supplier_id": a_supplier(books), "supplier_reference": "R-9", "bill_date": date.today(),
        "lines": [{"item_id": item.id, "quantity": D("3"), "unit_price": D("4"), "location_id": shop}]})
    stock.archive_location(books.tenant_id, shop, None)
    with pytest.raises(ValidationFailed) as refused:
        bills.post(books.tenant_id, draft["id"])
    assert refused.value.param == "lines[0].location_id"
    assert bills.get_bill(books.tenant_id, draft["id"])["status"] == "draft"


# ------------------------------------ an invoice's void puts goods back at their cost (issue 19, part S2)


def test_voiding_an_invoice_puts_the_goods_back_where_and_at_the_cost_they_left_at_not_todays_average(books):
    sells_on_invoices(books)
    item = widget(books, expense_account_id=books.accounts["6000"])
    main = stock.create_location(books.tenant_id, {"name": "Main"})["id"]
    stock.create_adjustment(books.tenant_id, {"item_id": item.id, "reason": "opening", "quantity": D("10"),
                                              "unit_cost": D("2")})  # 20.00
    invoice = invoice_of(books, item, D("4"))  # out at 2: COGS 8.00
    posted_bill(books, [{"item_id": item.id, "quantity": D("10"), "unit_price": D("5")}])  # average now 3.875
    shop = stock.create_location(books.tenant_id, {"name": "Shop", "is_default": True})["id"]  # default moved
    invoices.void(books.tenant_id, invoice["id"], None)
    level = level_of(books, item.id, main)
    assert (level.quantity, level.value) == (D(20), D("70.00"))  # 4 back at 8.00 (not 15.50), into Main
    assert level_of(books, item.id, shop) is None
    balances = books.balances()
    assert balances["1200"] == D("70.00") and "5000" not in balances  # COGS reversed exactly
