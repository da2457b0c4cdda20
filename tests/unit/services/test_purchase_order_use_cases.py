"""Purchase orders' use cases on the in-memory unit of work (issue 15)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerline.domain.documents import InvalidState
from ledgerline.domain.documents.purchase_order import BillBasis
from ledgerline.domain.errors import LedgerlineError, ValidationFailed
from ledgerline.pdf import blobs
from ledgerline.pdf.blobs import MemoryBlobStore
from ledgerline.services import emails, purchase_order_state, purchase_orders
from ledgerline.store.items import Item
from ledgerline.store.parties import Party
from ledgerline.store.purchase_orders import PurchaseOrder
from ledgerline.store.unit_of_work import open_unit

from .conftest import fresh_books
from .test_email_use_cases import FakeTransport

TODAY = date.today()
YEAR = TODAY.year


@pytest.fixture(autouse=True)
def memory_blobs() -> Iterator[None]:
    blobs.use(MemoryBlobStore())
    yield
    blobs.use(None)


def supplier(books, email: str | None = "orders@supplier.example") -> str:
    now = datetime(2026, 1, 5, tzinfo=UTC)
    books.table.put(Party(id="pty_s", tenant_id=books.tenant_id, name="Paper Supplies", kind="supplier",
                          email=email, archived=False, created_at=now, updated_at=now))
    return "pty_s"


def draft(books, **fields):
    body = {"supplier_id": supplier(books), "order_date": TODAY, "expected_date": TODAY + timedelta(days=10),
            "lines": [
                {"description": "Paper", "quantity": D(10), "unit_price": D(25), "account_id": books.accounts["6000"],
                 "tax_code_id": books.tax_codes["GST10"]},
                {"description": "Toner", "quantity": D(2), "unit_price": D(100),
                 "account_id": books.accounts["6000"], "tax_code_id": books.tax_codes["GST10"]}]}
    return purchase_orders.create_draft(books.tenant_id, body | fields)


def sent(books):
    return purchase_orders.issue(books.tenant_id, draft(books)["id"])


def stored(books, order_id):
    return books.table.load(PurchaseOrder, books.tenant_id, order_id)


def test_create_prices_the_draft_and_touches_no_ledger(books):
    created = draft(books)
    assert (created["status"], created["billing_status"], created["number"]) == ("draft", "not_billed", None)
    assert (created["subtotal"], created["tax_total"], created["total"]) == ("450.00", "45.00", "495.00")
    assert (created["supplier_name"], [line["line"] for line in created["lines"]]) == ("Paper Supplies", [1, 2])
    assert books.table.event_types(books.tenant_id) == ["purchase_order.created"]
    assert books.balances() == {}


def test_a_customer_is_not_a_supplier_and_a_line_needs_a_price_and_an_account(books):
    with pytest.raises(ValidationFailed) as raised:
        draft(books, supplier_id=books.customer_id)
    assert raised.value.param == "supplier_id"
    lines = [{"description": "Paper", "quantity": D(1), "unit_price": D(5)}]
    with pytest.raises(ValidationFailed) as raised:
        draft(books, lines=lines)
    assert raised.value.param == "lines.0.account_id"
    with pytest.raises(ValidationFailed) as raised:
        draft(books, lines=[{"description": "Paper", "quantity": D(1), "account_id": books.accounts["6000"]}])
    assert raised.value.param == "lines.0.unit_price"
    assert books.table.event_types(books.tenant_id) == []


def test_an_item_gives_its_purchase_price_and_expense_account_never_its_sales_price(books):
    now = datetime(2026, 1, 5, tzinfo=UTC)
    item = Item(id="itm_1", tenant_id=books.tenant_id, code="P-1", name="Paper A4", unit_price=D(40),
                revenue_account_id=books.accounts["4000"], archived=False, created_at=now, updated_at=now)
    books.table.put(item)
    with pytest.raises(ValidationFailed) as raised:  # a sales price is no purchase price
        draft(books, lines=[{"item_id": "itm_1", "quantity": D(2), "account_id": books.accounts["6000"]}])
    assert raised.value.param == "lines.0.unit_price"
    made = draft(books, lines=[{"item_id": "itm_1", "quantity": D(2), "unit_price": D(20),
                                "account_id": books.accounts["6000"]}])
    assert (made["lines"][0]["description"], made["lines"][0]["account_id"]) == ("Paper A4", books.accounts["6000"])


def test_patch_and_delete_only_while_draft(books):
    created = draft(books)
    updated = purchase_orders.update_draft(books.tenant_id, created["id"], {"notes": "Rush"}, expected_version=1)
    assert (updated.notes, len(updated.lines), updated.version) == ("Rush", 2, 2)
    purchase_orders.issue(books.tenant_id, created["id"])
    with pytest.raises(InvalidState):
        purchase_orders.update_draft(books.tenant_id, created["id"], {"notes": "x"}, expected_version=None)
    with pytest.raises(InvalidState):
        purchase_orders.delete_draft(books.tenant_id, created["id"], expected_version=None)
    other = draft(books)
    purchase_orders.delete_draft(books.tenant_id, other["id"], expected_version=None)
    assert books.table.get(PurchaseOrder, *PurchaseOrder.key(books.tenant_id, other["id"])) is None


def test_issue_numbers_from_the_purchase_order_series(books):
    first, second = sent(books), sent(books)
    assert (first["status"], first["number"], second["number"]) == ("sent", f"PO-{YEAR}-0001", f"PO-{YEAR}-0002")
    assert first["sent_at"] is not None
    assert books.table.event_types(books.tenant_id).count("purchase_order.sent") == 2


def test_send_numbers_a_draft_and_queues_its_email_in_one_transaction(books):
    created = draft(books)
    before = books.table.transactions
    queued = purchase_orders.send(books.tenant_id, created["id"], {})
    assert books.table.transactions == before + 1
    assert (queued["status"], queued["to"], queued["document_type"]) == (
        "queued", ["orders@supplier.example"], "purchase_order")
    order = stored(books, created["id"])
    assert (order.status, order.number) == ("sent", f"PO-{YEAR}-0001")
    assert queued["subject"] == f"Purchase order PO-{YEAR}-0001 from Acme"
    assert books.table.event_types(books.tenant_id)[-2:] == ["purchase_order.sent", "email.queued"]
    transport = FakeTransport()
    assert emails.deliver(books.tenant_id, queued["id"], transport) == "sent"
    message, _, recipients = transport.sent[0]
    assert recipients == ["orders@supplier.example"]
    assert [p.get_filename() for p in message.iter_attachments()] == [f"PO-{YEAR}-0001.pdf"]
    again = purchase_orders.send(books.tenant_id, created["id"], {"to": ["buyer@supplier.example"]})
    assert again["to"] == ["buyer@supplier.example"] and stored(books, created["id"]).number == f"PO-{YEAR}-0001"


def test_a_send_refused_for_its_recipients_changes_nothing(books):
    created = purchase_orders.create_draft(books.tenant_id, {
        "supplier_id": supplier(books, email=None), "lines": [
            {"description": "Paper", "quantity": D(1), "unit_price": D(5), "account_id": books.accounts["6000"]}]})
    with pytest.raises(ValidationFailed) as raised:
        purchase_orders.send(books.tenant_id, created["id"], {})
    assert raised.value.param == "to"
    assert (stored(books, created["id"]).status, stored(books, created["id"]).number) == ("draft", None)
    assert open_unit(books.tenant_id).last_number("PO", TODAY.year) == 0
    assert books.table.event_types(books.tenant_id) == ["purchase_order.created"]


def test_partial_receipts_then_the_rest(books):
    order = sent(books)
    first = purchase_orders.receive(books.tenant_id, order["id"], {"lines": [{"line": 1, "quantity": D(4)}],
                                                                   "received_date": TODAY})
    assert first["status"] == "partially_received"
    assert [line["received_quantity"] for line in first["lines"]] == ["4", "0"]
    with pytest.raises(ValidationFailed) as raised:
        purchase_orders.receive(books.tenant_id, order["id"], {"lines": [{"line": 1, "quantity": D(7)}]})
    assert raised.value.param == "lines[0].quantity"
    rest = purchase_orders.receive(books.tenant_id, order["id"], {})
    assert rest["status"] == "received" and [line["received_quantity"] for line in rest["lines"]] == ["10", "2"]
    with pytest.raises(InvalidState):
        purchase_orders.receive(books.tenant_id, order["id"], {})
    assert books.table.event_types(books.tenant_id).count("purchase_order.received") == 2
    assert books.balances() == {}


def test_cancel_only_with_nothing_received(books):
    order = sent(books)
    assert purchase_orders.cancel(books.tenant_id, order["id"])["status"] == "cancelled"
    with pytest.raises(InvalidState):
        purchase_orders.send(books.tenant_id, order["id"], {})
    other = sent(books)
    purchase_orders.receive(books.tenant_id, other["id"], {"lines": [{"line": 2, "quantity": D(1)}]})
    with pytest.raises(InvalidState):
        purchase_orders.cancel(books.tenant_id, other["id"])


def test_stage_bill_takes_the_received_quantities_and_a_give_back_returns_them(books):
    order = sent(books)
    purchase_orders.receive(books.tenant_id, order["id"], {"lines": [{"line": 1, "quantity": D(4)}]})
    uow = open_unit(books.tenant_id)
    billed, lines, taken = purchase_orders.stage_bill(uow, order["id"], "bill_1", BillBasis.RECEIVED)
    request = purchase_orders.bill_request(billed, lines)
    uow.commit()
    assert taken == (D(4), D(0))
    assert request["lines"] == [{"item_id": None, "description": "Paper", "unit_price": D(25),
                                 "account_id": books.accounts["6000"], "tax_code_id": books.tax_codes["GST10"],
                                 "quantity": D(4), "purchase_order_line": 1}]
    assert request["source"] == {"kind": "purchase_order", "id": order["id"]}
    assert request["supplier_id"] == "pty_s" and request["reference"] == order["number"]
    after = stored(books, order["id"])
    assert (after.billing_status, after.bill_ids) == ("partially_billed", ["bill_1"])
    with pytest.raises(InvalidState):
        purchase_orders.stage_bill(open_unit(books.tenant_id), order["id"], "bill_2", BillBasis.RECEIVED)
    uow = open_unit(books.tenant_id)
    purchase_order_state.stage_give_back(uow, order["id"], "bill_1", taken)
    uow.commit()
    after = stored(books, order["id"])
    assert (after.billing_status, after.bill_ids, after.status) == ("not_billed", [], "partially_received")
    uow = open_unit(books.tenant_id)
    _, lines, _ = purchase_orders.stage_bill(uow, order["id"], "bill_3", BillBasis.ORDERED)
    uow.commit()
    assert [line["quantity"] for line in lines] == [D(10), D(2)]
    assert stored(books, order["id"]).status == "billed"
    assert books.table.event_types(books.tenant_id).count("purchase_order.billed") == 2


def test_a_sent_order_has_a_pdf_addressed_to_the_supplier_and_a_draft_has_none(books):
    from ledgerline.pdf import views
    from ledgerline.services import pdfs

    created = draft(books, reference="Quote 88-120")
    with pytest.raises(InvalidState) as raised:
        pdfs.purchase_order_pdf(books.tenant_id, created["id"])
    assert raised.value.code == "document_not_posted"
    order = purchase_orders.issue(books.tenant_id, created["id"])
    file = pdfs.purchase_order_pdf(books.tenant_id, created["id"])
    assert (file.document_type, file.filename) == ("purchase_order", f"{order['number']}.pdf")
    assert pdfs.purchase_order_pdf(books.tenant_id, created["id"]).sha256 == file.sha256  # recorded once
    tenant = open_unit(books.tenant_id).tenant()
    document = views.purchase_order_document(tenant, stored(books, created["id"]), None)
    facts = dict(document.facts)
    assert (document.title, document.recipient.name, facts["Your reference"]) == (
        "Purchase order", "Paper Supplies", "Quote 88-120")
    assert facts["Expected by"] == (TODAY + timedelta(days=10)).isoformat()
    assert [row[1:3] for row in document.rows] == [("Paper", "10"), ("Toner", "2")]
    assert document.amount_due == ("Order total", "AUD 495.00")


# Any sequence of receipts (some of a line, or all outstanding), bills (by received or ordered, staged as the
# bills' use case will) and bills given back: each line's received and billed quantities are the sums of what
# was accepted, never above what was ordered.
STEPS = st.lists(st.tuples(st.sampled_from(["receive", "receive_all", "bill", "bill_ordered", "give_back"]),
                           st.integers(0, 9), st.decimals(min_value=D("0.5"), max_value=D(12), places=1)),
                 max_size=12)


@settings(max_examples=30, deadline=None)
@given(steps=STEPS)
def test_no_sequence_of_use_cases_receives_or_bills_a_quantity_twice(steps):
    with fresh_books() as books:
        tenant = books.tenant_id
        order = sent(books)
        received = [D(0), D(0)]
        bills: list[tuple[str, tuple[D, ...]]] = []
        for number, (name, pick, quantity) in enumerate(steps):
            try:
                if name == "receive":
                    line = pick % 2
                    purchase_orders.receive(tenant, order["id"], {"lines": [{"line": line + 1, "quantity": quantity}]})
                    received[line] += quantity
                elif name == "receive_all":
                    before = stored(books, order["id"])
                    purchase_orders.receive(tenant, order["id"], {})
                    received = [line.quantity for line in before.lines]
                elif name in ("bill", "bill_ordered"):
                    basis = BillBasis.ORDERED if name == "bill_ordered" else BillBasis.RECEIVED
                    uow = open_unit(tenant)
                    _, _, taken = purchase_orders.stage_bill(uow, order["id"], f"bill_{number}", basis)
                    uow.commit()
                    bills.append((f"bill_{number}", taken))
                elif name == "give_back" and bills:
                    bill_id, taken = bills.pop(pick % len(bills))
                    uow = open_unit(tenant)
                    purchase_order_state.stage_give_back(uow, order["id"], bill_id, taken)
                    uow.commit()
            except LedgerlineError:
                pass
        after = stored(books, order["id"])
        for index, line in enumerate(after.lines):
            assert line.received_quantity == received[index] <= line.quantity
            assert line.billed_quantity == sum((taken[index] for _, taken in bills), D(0)) <= line.quantity
        assert after.bill_ids == [bill_id for bill_id, _ in bills]


# ------------------------------------------------- POST /v1/purchase-orders/{id}/bill (issue 15, part S)


def test_billing_an_order_makes_a_draft_bill_and_takes_the_quantities_in_one_transaction(books):
    from ledgerline.services import bills

    order = sent(books)
    purchase_orders.receive(books.tenant_id, order["id"], {"lines": [{"line": 1, "quantity": D(4)}]})
    before = books.table.transactions
    bill = bills.create_from_purchase_order(books.tenant_id, order["id"], {"basis": "received"})
    assert books.table.transactions == before + 1
    assert (bill["status"], bill["supplier_reference"], bill["purchase_order_id"]) == \
        ("draft", order["number"], order["id"])
    assert [(line["description"], line["quantity"]) for line in bill["lines"]] == [("Paper", "4")]
    assert bill["total"] == "110.00"
    assert [line.billed_quantity for line in stored(books, order["id"]).lines] == [D(4), D(0)]
    assert books.balances() == {}
    rest = bills.create_from_purchase_order(books.tenant_id, order["id"], {"basis": "ordered"})
    assert rest["supplier_reference"] == f"{order['number']}-2"
    assert [line.billed_quantity for line in stored(books, order["id"]).lines] == [D(10), D(2)]
    with pytest.raises(InvalidState) as nothing:
        bills.create_from_purchase_order(books.tenant_id, order["id"], {"basis": "ordered"})
    assert nothing.value.code == "nothing_to_bill"
    bills.delete_draft(books.tenant_id, bill["id"], None)  # the draft deleted: its quantities given back
    assert [line.billed_quantity for line in stored(books, order["id"]).lines] == [D(6), D(2)]
    posted = bills.post(books.tenant_id, rest["id"])
    bills.void(books.tenant_id, posted["id"], None)  # voided: given back too
    assert [line.billed_quantity for line in stored(books, order["id"]).lines] == [D(0), D(0)]
    assert stored(books, order["id"]).bill_ids in ([], None)
