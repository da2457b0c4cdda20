"""Sales orders' and delivery notes' use cases on the in-memory unit of work (issue 14)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerline.domain.documents import InvalidState
from ledgerline.domain.errors import LedgerlineError, ValidationFailed
from ledgerline.services import deliveries, invoices, orders
from ledgerline.store.documents import Invoice
from ledgerline.store.sales import Delivery, Order

from .conftest import fresh_books

TODAY = date.today()
YEAR = TODAY.year


def draft(books, **fields):
    body = {"customer_id": books.customer_id, "order_date": TODAY, "lines": [
        {"description": "Widget", "quantity": D(10), "unit_price": D(25), "account_id": books.accounts["4000"],
         "tax_code_id": books.tax_codes["GST10"]},
        {"description": "Gadget", "quantity": D(2), "unit_price": D(100), "account_id": books.accounts["4000"],
         "tax_code_id": books.tax_codes["GST10"]}]}
    return orders.create_draft(books.tenant_id, body | fields)


def confirmed(books):
    return orders.confirm(books.tenant_id, draft(books)["id"])


def stored(books, order_id):
    return books.table.load(Order, books.tenant_id, order_id)


def test_create_prices_the_draft_like_an_invoice_and_touches_no_ledger(books):
    created = draft(books)
    assert (created["status"], created["invoicing_status"], created["number"]) == ("draft", "not_invoiced", None)
    assert (created["subtotal"], created["tax_total"], created["total"]) == ("450.00", "45.00", "495.00")
    assert [line["line"] for line in created["lines"]] == [1, 2]
    assert books.table.event_types(books.tenant_id) == ["order.created"]
    assert books.balances() == {}


def test_create_from_records_the_source(books):
    body = {"customer_id": books.customer_id, "lines": [{"description": "X", "quantity": D(1), "unit_price": D(5)}]}
    made = orders.create_from(books.tenant_id, {"kind": "quote", "id": "quo_1"}, body)
    assert made["source"] == {"kind": "quote", "id": "quo_1"}


def test_patch_and_delete_only_while_draft(books):
    created = draft(books)
    updated = orders.update_draft(books.tenant_id, created["id"], {"notes": "Rush"}, expected_version=1)
    assert (updated.notes, len(updated.lines), updated.version) == ("Rush", 2, 2)
    orders.confirm(books.tenant_id, created["id"])
    with pytest.raises(InvalidState):
        orders.update_draft(books.tenant_id, created["id"], {"notes": "x"}, expected_version=None)
    with pytest.raises(InvalidState):
        orders.delete_draft(books.tenant_id, created["id"], expected_version=None)
    other = draft(books)
    orders.delete_draft(books.tenant_id, other["id"], expected_version=None)
    assert books.table.get(Order, *Order.key(books.tenant_id, other["id"])) is None


def test_confirm_numbers_from_the_order_series(books):
    first, second = confirmed(books), confirmed(books)
    assert (first["status"], first["number"], second["number"]) == ("confirmed", f"SO-{YEAR}-0001",
                                                                     f"SO-{YEAR}-0002")


def test_two_deliveries_then_an_invoice_for_what_is_delivered(books):
    order = confirmed(books)
    first = orders.deliver(books.tenant_id, order["id"], {"lines": [{"line": 1, "quantity": D(4)}]})
    assert first["lines"] == [{"order_line": 1, "item_id": None, "description": "Widget", "quantity": "4",
                               "location_id": None}]  # issue 19 (part S): lines gained location_id
    assert stored(books, order["id"]).status == "partially_delivered"
    second = orders.deliver(books.tenant_id, order["id"], {})
    assert [line["quantity"] for line in second["lines"]] == ["6", "2"]
    assert stored(books, order["id"]).status == "delivered"
    with pytest.raises(InvalidState):
        orders.deliver(books.tenant_id, order["id"], {})
    made = orders.invoice(books.tenant_id, order["id"], {})
    assert made["source"] == {"kind": "order", "id": order["id"]}
    assert (made["status"], made["total"], made["reference"]) == ("draft", "495.00", order["number"])
    after = stored(books, order["id"])
    assert (after.invoicing_status, after.invoice_ids, after.delivery_ids) == (
        "invoiced", [made["id"]], [first["id"], second["id"]])
    assert books.balances() == {}  # a draft: the ledger moves when it is posted


def test_invoice_takes_only_delivered_quantities_unless_basis_ordered(books):
    order = confirmed(books)
    with pytest.raises(InvalidState) as error:
        orders.invoice(books.tenant_id, order["id"], {})
    assert error.value.code == "nothing_to_invoice"
    orders.deliver(books.tenant_id, order["id"], {"lines": [{"line": 2, "quantity": D(1)}]})
    partial = orders.invoice(books.tenant_id, order["id"], {})
    assert [(line["description"], line["quantity"]) for line in partial["lines"]] == [("Gadget", "1")]
    rest = orders.invoice(books.tenant_id, order["id"], {"basis": "ordered"})
    assert [(line["description"], line["quantity"]) for line in rest["lines"]] == [("Widget", "10"), ("Gadget", "1")]
    assert stored(books, order["id"]).invoicing_status == "invoiced"


def test_more_than_is_left_is_a_422_naming_the_line_and_changes_nothing(books):
    order = confirmed(books)
    events = books.table.event_types(books.tenant_id)
    with pytest.raises(ValidationFailed) as error:
        orders.deliver(books.tenant_id, order["id"], {"lines": [{"line": 2, "quantity": D(3)}]})
    assert error.value.param == "lines[1].quantity"
    with pytest.raises(ValidationFailed) as error:
        orders.deliver(books.tenant_id, order["id"], {"lines": [{"line": 3, "quantity": D(1)}]})
    assert error.value.param == "lines[0].line"
    assert books.table.event_types(books.tenant_id) == events
    assert stored(books, order["id"]).version == 2


def test_deleting_the_draft_invoice_gives_its_quantities_back(books):
    order = confirmed(books)
    made = orders.invoice(books.tenant_id, order["id"], {"basis": "ordered"})
    invoices.delete_draft(books.tenant_id, made["id"], expected_version=None)
    after = stored(books, order["id"])
    assert (after.invoicing_status, after.invoice_ids) == ("not_invoiced", [])
    assert [line.invoiced_quantity for line in after.lines] == [0, 0]
    again = orders.invoice(books.tenant_id, order["id"], {"basis": "ordered"})
    assert again["total"] == "495.00"


def test_voiding_the_posted_invoice_gives_its_quantities_back(books):
    order = confirmed(books)
    made = orders.invoice(books.tenant_id, order["id"], {"basis": "ordered"})
    invoices.post(books.tenant_id, made["id"])
    invoices.void(books.tenant_id, made["id"], None)
    assert stored(books, order["id"]).invoicing_status == "not_invoiced"
    assert books.table.load(Invoice, books.tenant_id, made["id"]).status == "voided"


def test_cancel_a_confirmed_order_with_nothing_delivered(books):
    order = confirmed(books)
    assert orders.cancel(books.tenant_id, order["id"])["status"] == "cancelled"
    with pytest.raises(InvalidState):
        orders.deliver(books.tenant_id, order["id"], {})
    delivered = confirmed(books)
    orders.deliver(books.tenant_id, delivered["id"], {})
    with pytest.raises(InvalidState):
        orders.cancel(books.tenant_id, delivered["id"])


def test_delivery_note_is_issued_with_a_number_then_delivered(books):
    note = orders.deliver(books.tenant_id, confirmed(books)["id"], {})
    issued = deliveries.issue(books.tenant_id, note["id"])
    assert (issued["status"], issued["number"]) == ("issued", f"DN-{YEAR}-0001")
    done = deliveries.mark_delivered(books.tenant_id, note["id"])
    assert done["status"] == "delivered" and done["delivered_at"]
    with pytest.raises(InvalidState):
        deliveries.issue(books.tenant_id, note["id"])
    assert books.table.event_types(books.tenant_id)[-2:] == ["delivery.issued", "delivery.delivered"]


def test_deleting_a_draft_delivery_note_gives_its_quantities_back_in_one_transaction(books):
    order = confirmed(books)
    first = orders.deliver(books.tenant_id, order["id"], {"lines": [{"line": 1, "quantity": D(4)}]})
    second = orders.deliver(books.tenant_id, order["id"], {"lines": [{"line": 2, "quantity": D(2)}]})
    before = books.table.transactions
    deliveries.delete_draft(books.tenant_id, second["id"], expected_version=1)
    assert books.table.transactions == before + 1
    after = stored(books, order["id"])
    assert ([line.delivered_quantity for line in after.lines], after.status) == ([4, 0], "partially_delivered")
    assert after.delivery_ids == [first["id"]]
    assert books.table.get(Delivery, *Delivery.key(books.tenant_id, second["id"])) is None
    assert books.table.event_types(books.tenant_id)[-2:] == ["order.updated", "delivery.deleted"]
    deliveries.delete_draft(books.tenant_id, first["id"], None)
    assert stored(books, order["id"]).status == "confirmed"
    again = orders.deliver(books.tenant_id, order["id"], {})  # everything may be delivered again
    assert [line["quantity"] for line in again["lines"]] == ["10", "2"]


def test_an_issued_delivery_note_cannot_be_deleted_and_nothing_changes(books):
    order = confirmed(books)
    note = orders.deliver(books.tenant_id, order["id"], {})
    deliveries.issue(books.tenant_id, note["id"])
    events = books.table.event_types(books.tenant_id)
    with pytest.raises(InvalidState):
        deliveries.delete_draft(books.tenant_id, note["id"], None)
    assert stored(books, order["id"]).status == "delivered"
    assert books.table.event_types(books.tenant_id) == events
    direct = deliveries.create_direct(books.tenant_id, {"customer_id": books.customer_id,
                                                        "lines": [{"description": "Crate", "quantity": D(3)}]})
    deliveries.delete_draft(books.tenant_id, direct["id"], None)  # a direct note: nothing to give back
    assert books.table.get(Delivery, *Delivery.key(books.tenant_id, direct["id"])) is None


def test_a_direct_delivery_note_needs_a_customer_and_a_description(books):
    made = deliveries.create_direct(books.tenant_id, {"customer_id": books.customer_id,
                                                      "lines": [{"description": "Crate", "quantity": D(3)}]})
    assert (made["order_id"], made["lines"][0]["order_line"]) == (None, None)
    assert books.table.load(Delivery, books.tenant_id, made["id"]).status == "draft"
    with pytest.raises(ValidationFailed) as error:
        deliveries.create_direct(books.tenant_id, {"customer_id": books.customer_id, "lines": [{"quantity": D(1)}]})
    assert error.value.param == "lines[0].description"


# Any sequence of deliveries, invoicings (by delivered or ordered), draft deletions, postings and voids: the
# order's per-line quantities are the sums over its delivery notes and its live invoices, never above what
# was ordered, and no quantity is delivered or invoiced twice.
STEPS = st.lists(st.tuples(st.sampled_from(["deliver", "deliver_all", "invoice", "invoice_ordered", "delete",
                                            "post", "void", "delete_note", "issue_note"]),
                           st.integers(0, 3), st.decimals(D("0.5"), D("6"), places=1)), min_size=1, max_size=14)


@settings(max_examples=30, deadline=None)
@given(steps=STEPS)
def test_no_sequence_of_use_cases_delivers_or_invoices_a_quantity_twice(steps):
    with fresh_books() as books:
        tenant = books.tenant_id
        order = confirmed(books)
        drafts: list[str] = []
        posted: list[str] = []
        notes_drafted: list[str] = []
        for name, pick, quantity in steps:
            try:
                if name == "deliver":
                    notes_drafted.append(orders.deliver(tenant, order["id"], {"lines": [
                        {"line": pick % 2 + 1, "quantity": quantity}]})["id"])
                elif name == "deliver_all":
                    notes_drafted.append(orders.deliver(tenant, order["id"], {})["id"])
                elif name == "delete_note" and notes_drafted:  # a draft note gives its quantities back
                    deliveries.delete_draft(tenant, notes_drafted.pop(pick % len(notes_drafted)), None)
                elif name == "issue_note" and notes_drafted:
                    deliveries.issue(tenant, notes_drafted.pop(pick % len(notes_drafted)))
                elif name in ("invoice", "invoice_ordered"):
                    basis = "ordered" if name == "invoice_ordered" else "delivered"
                    drafts.append(orders.invoice(tenant, order["id"], {"basis": basis})["id"])
                elif name == "delete" and drafts:
                    invoices.delete_draft(tenant, drafts.pop(pick % len(drafts)), None)
                elif name == "post" and drafts:
                    posted.append(invoices.post(tenant, drafts.pop(pick % len(drafts)))["id"])
                elif name == "void" and posted:
                    invoices.void(tenant, posted.pop(pick % len(posted)), None)
            except LedgerlineError:
                pass
        stored_order = stored(books, order["id"])
        notes = [books.table.load(Delivery, tenant, i) for i in stored_order.delivery_ids or []]
        live = [books.table.load(Invoice, tenant, i) for i in stored_order.invoice_ids or []]
        assert sorted(i.id for i in live) == sorted(drafts + posted)
        for number, line in enumerate(stored_order.lines, start=1):
            delivered = sum((n.quantity for note in notes for n in note.lines if n.order_line == number), D(0))
            invoiced = sum((D(i.source_quantities[number - 1]) for i in live), D(0))
            assert line.delivered_quantity == delivered <= line.quantity
            assert line.invoiced_quantity == invoiced <= line.quantity
