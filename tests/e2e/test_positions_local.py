"""`ledgerline dev` over HTTP (issue 14, part P): one invoice with every position type → post → its PDF,
rendered by the relay, shows every position; the ledger holds the revenue net of discounts."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from pypdf import PdfReader

from tests.e2e.test_documents_local import wait_for_render


def test_an_invoice_with_every_position_type_posts_and_prints(server, http):
    tenant = server.create_tenant(name="Positions Pty Ltd")
    headers = {"Authorization": f"Bearer {tenant['api_key']}"}
    customer = http.post("/v1/parties", json={"name": "Globex"}, headers=headers).json()["id"]
    accounts = {a["code"]: a["id"] for a in http.get("/v1/accounts?limit=100", headers=headers).json()["data"]}
    gst = {t["code"]: t["id"] for t in http.get("/v1/tax-codes", headers=headers).json()["data"]}["GST10"]
    draft = http.post("/v1/invoices", headers=headers, json={
        "customer_id": customer,
        "positions": [
            {"type": "item", "description": "Consulting", "quantity": "10", "unit_price": "100.00",
             "account_id": accounts["4000"], "tax_code_id": gst},
            {"type": "text", "text": "Hardware delivered on site"},
            {"type": "group", "title": "Hardware", "positions": [
                {"type": "item", "description": "Router", "quantity": "2", "unit_price": "150.00",
                 "account_id": accounts["4100"], "tax_code_id": gst},
                {"type": "discount", "percent": "10", "reason": "Bundle"}]},
            {"type": "subtotal", "label": "Subtotal"},
            {"type": "discount", "amount": "100.00", "reason": "Loyalty"},
            {"type": "page_break"},
            {"type": "item", "description": "Travel", "unit_price": "50.00", "account_id": accounts["4000"],
             "tax_code_id": gst}],
        "charges": [{"amount": "20.00", "reason": "Shipping"}]})
    assert draft.status_code == 201, draft.text
    # items 1350.00; discounts 30.00 and 100.00; charge 20.00 → 1240.00 + GST 124.00
    assert (draft.json()["subtotal"], draft.json()["total"]) == ("1240.00", "1364.00")
    invoice = http.post(f"/v1/invoices/{draft.json()['id']}/post", headers=headers).json()

    entry = http.get(f"/v1/journal-entries/{invoice['journal_entry_id']}", headers=headers).json()
    credits = {line["account_id"]: Decimal(line["credit"]) for line in entry["lines"] if Decimal(line["credit"])}
    assert sum(credits.values()) == Decimal("1364.00") == sum(Decimal(line["debit"]) for line in entry["lines"])
    # 4000: 1000 − 76.92 + 14.82 and 50 + 0.74; 4100: 300 − 30 − 23.08 + 4.44 (shares by the nets)
    assert (credits[accounts["4000"]], credits[accounts["4100"]]) == (Decimal("988.64"), Decimal("251.36"))

    wait_for_render(http, headers, invoice["id"])
    pdf = http.get(f"/v1/invoices/{invoice['id']}/pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf.content)).pages]
    assert len(pages) == 2  # the page break
    first, second = pages
    assert "1 Consulting 10 100.00" in first and "Hardware delivered on site" in first
    assert "Hardware 270.00" in first and "2 Router 2 150.00" in first and "Discount 10 %: Bundle -30.00" in first
    assert "Subtotal 1,300.00" in first and "Discount: Loyalty -100.00" in first
    assert "3 Travel 1 50.00" in second and "Charge: Shipping 20.00" in second and "1,364.00" in second
