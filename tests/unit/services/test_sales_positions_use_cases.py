"""Rich positions on quotes, sales orders and recurring-invoice templates (issue 14, part L) on the in-memory
unit of work: priced as invoices are, carried through conversions, order invoicing and recurring runs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from io import BytesIO

from pypdf import PdfReader

from ledgerline.pdf import views
from ledgerline.pdf.render import render
from ledgerline.schemas.documents import InvoiceCreate
from ledgerline.schemas.orders import OrderCreate, OrderUpdate
from ledgerline.schemas.quotes import QuoteCreate, QuoteUpdate
from ledgerline.schemas.recurring_invoices import RecurringInvoiceCreate
from ledgerline.services import invoices, orders, quotes, recurring_invoices
from ledgerline.store.documents import Invoice
from ledgerline.store.quotes import Quote
from ledgerline.store.unit_of_work import open_unit

from .test_position_use_cases import every_type

TODAY = date.today()
TOTALS = ("subtotal", "tax_total", "total")


def as_invoice(books) -> dict:
    """The independent computation: the same positions on an invoice (test_position_use_cases pins its sums)."""
    return invoices.create_draft(books.tenant_id, InvoiceCreate.model_validate(every_type(books)).model_dump())


def quote_body(books) -> dict:
    body = every_type(books)
    body.pop("issue_date")
    return body


def new_quote(books) -> dict:
    return quotes.create_draft(books.tenant_id, QuoteCreate.model_validate(quote_body(books)).model_dump())


def new_order(books, body: dict | None = None) -> dict:
    return orders.create_draft(books.tenant_id, OrderCreate.model_validate(body or quote_body(books)).model_dump())


def same_positions(left: dict, right: dict) -> None:
    assert [p["type"] for p in left["positions"]] == [p["type"] for p in right["positions"]]
    assert left["positions"] == right["positions"]
    assert (left["allowances"], left["charges"]) == (right["allowances"], right["charges"])
    assert [line["net_amount"] for line in left["lines"]] == [line["net_amount"] for line in right["lines"]]
    assert tuple(left[name] for name in TOTALS) == tuple(right[name] for name in TOTALS)


def stored_invoice(books, invoice_id: str) -> Invoice:
    return books.table.load(Invoice, books.tenant_id, invoice_id)


def test_a_quote_with_every_position_type_is_priced_as_an_invoice(books):
    quote = new_quote(books)
    assert tuple(quote[name] for name in TOTALS) == ("1342.50", "117.58", "1460.08")
    same_positions(quote, as_invoice(books))


def test_patch_replaces_a_quotes_positions_with_lines_and_back(books):
    quote = new_quote(books)
    lines = {"lines": [{"description": "Only", "quantity": "1", "unit_price": "10.00",
                        "tax_code_id": books.tax_codes["GST10"]}], "allowances": [], "charges": []}
    changed = quotes.update_draft(books.tenant_id, quote["id"], QuoteUpdate.model_validate(lines).changes(), None)
    assert (changed.positions, changed.total) == (None, D("11.00"))
    again = QuoteUpdate.model_validate({"positions": quote_body(books)["positions"]}).changes()
    changed = quotes.update_draft(books.tenant_id, quote["id"], again, None)
    assert [p["type"] for p in changed.positions][:3] == ["item", "text", "group"]
    noted = quotes.update_draft(books.tenant_id, quote["id"], {"notes": "kept"}, None)
    assert noted.positions == changed.positions


def test_converting_a_quote_carries_its_positions_to_the_invoice_and_the_order(books):
    for target in ("invoice", "order"):
        quote = new_quote(books)
        quotes.issue(books.tenant_id, quote["id"])
        converted = quotes.convert(books.tenant_id, quote["id"], target)
        made = converted["converted_to"][-1]
        shown = (invoices.get_invoice if target == "invoice" else orders.get_order)(books.tenant_id, made["id"])
        same_positions(shown, quote)


def test_an_order_with_every_position_type_delivers_its_items_and_invoices_them_whole(books):
    order = new_order(books)
    assert tuple(order[name] for name in TOTALS) == ("1342.50", "117.58", "1460.08")
    assert [line["line"] for line in order["lines"]] == [1, 2, 3, 4]
    same_positions(order, as_invoice(books))
    orders.confirm(books.tenant_id, order["id"])
    orders.deliver(books.tenant_id, order["id"], {})
    made = orders.invoice(books.tenant_id, order["id"], {})
    same_positions(made, order)


def test_partial_invoices_of_an_order_carry_percents_each_time_and_fixed_amounts_once(books):
    gst = books.tax_codes["GST10"]
    item = {"type": "item", "account_id": books.accounts["4000"], "tax_code_id": gst}
    body = {"customer_id": books.customer_id, "positions": [
        {**item, "description": "A", "quantity": "10", "unit_price": "10.00"},
        {**item, "description": "B", "quantity": "4", "unit_price": "50.00"},
        {"type": "discount", "percent": "10", "reason": "Volume"},
        {"type": "text", "text": "Thanks"},
        {**item, "description": "C", "quantity": "1", "unit_price": "100.00"},
        {"type": "discount", "amount": "30.00", "applies_to": "all", "reason": "Loyalty"}],
        "allowances": [{"amount": "20.00", "tax_code_id": gst}], "charges": [{"percent": "10", "tax_code_id": gst}]}
    order = new_order(books, body)
    orders.confirm(books.tenant_id, order["id"])
    orders.deliver(books.tenant_id, order["id"], {"lines": [{"line": 1, "quantity": D(5)}]})
    first = orders.invoice(books.tenant_id, order["id"], {})
    assert [p["type"] for p in first["positions"]] == ["item", "discount", "text"]
    assert (first["allowances"], len(first["charges"])) == ([], 1)
    assert first["subtotal"] == "50.00"  # 50 - 10 % discount + 10 % charge (of the item nets, BT-106)
    orders.deliver(books.tenant_id, order["id"], {})
    last = orders.invoice(books.tenant_id, order["id"], {})
    assert [p["type"] for p in last["positions"]] == ["item", "item", "discount", "text", "item", "discount"]
    assert [line["quantity"] for line in last["lines"]] == ["5", "4", "1"]
    assert len(last["allowances"]) == 1
    # the order's own totals are the sum of its invoices' (fixed amounts charged once)
    assert D(first["subtotal"]) + D(last["subtotal"]) == D(orders.get_order(books.tenant_id, order["id"])["subtotal"])


def test_deleting_a_partial_invoice_gives_its_quantities_back_and_the_next_one_carries_the_positions(books):
    order = new_order(books)
    orders.confirm(books.tenant_id, order["id"])
    orders.deliver(books.tenant_id, order["id"], {"lines": [{"line": 1, "quantity": D(4)}]})
    partial = orders.invoice(books.tenant_id, order["id"], {})
    assert [line["quantity"] for line in partial["lines"]] == ["4"]
    invoices.delete_draft(books.tenant_id, partial["id"], None)
    whole = orders.invoice(books.tenant_id, order["id"], {"basis": "ordered"})
    same_positions(whole, order)


def test_patch_an_orders_positions(books):
    order = new_order(books)
    lines = OrderUpdate.model_validate({"lines": [{"description": "X", "quantity": "2", "unit_price": "5.00"}],
                                        "allowances": [], "charges": []})
    changed = orders.update_draft(books.tenant_id, order["id"], lines.changes(), None)
    assert (changed.positions, [line.line for line in changed.lines]) == (None, [1])


def test_a_recurring_template_with_positions_makes_invoices_with_them(books):
    body = quote_body(books) | {"schedule": {"interval": "monthly", "start_date": str(TODAY)}, "auto_post": True}
    template = recurring_invoices.create(books.tenant_id, RecurringInvoiceCreate.model_validate(body).fields())
    assert template["lines"] == [] and [p["type"] for p in template["positions"]][:3] == ["item", "text", "group"]
    made = recurring_invoices.run_due(books.tenant_id, template["id"], TODAY)
    made = invoices.get_invoice(books.tenant_id, made[0].invoice_id)
    same_positions(made, as_invoice(books))
    assert made["status"] == "awaiting_payment"


def test_a_quotes_pdf_shows_every_position_type(books):
    quote = quotes.issue(books.tenant_id, new_quote(books)["id"])
    stored = books.table.load(Quote, books.tenant_id, quote["id"])
    data = render(views.quote_document(open_unit(books.tenant_id).tenant(), stored, None))
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages).split())
    for shown in ("Hardware delivered on site", "Hardware 450.00", "Discount 10 %: Bundle -50.00",
                  "Discount: Loyalty -100.00", "Subtotal 1,500.00", "Allowance 5 %: Early order -77.50",
                  "Charge: Shipping 20.00", "4 Travel 1 50.00"):
        assert shown in text
