"""Number formats as one `number_formats` map on the tenant, keyed by series (issue 12), with the older
per-series fields (`invoice_number_format`, `credit_note_number_format`) still read and written."""

from __future__ import annotations

import pytest

from ledgerline.store.tenants import load_tenant
from tests.integration.factories import assert_error, detail_fields


def test_the_tenant_shows_every_series_format(api, tenant):
    settings = api.get("/v1/tenant", headers=tenant.headers).json()
    assert settings["number_formats"] == {"invoice": "INV-{YYYY}-{SEQ:4}", "credit_note": "CN-{YYYY}-{SEQ:4}",
                                          "quote": "QUO-{YYYY}-{SEQ:4}", "order": "SO-{YYYY}-{SEQ:4}",
                                          "delivery": "DN-{YYYY}-{SEQ:4}",
                                          "purchase_order": "PO-{YYYY}-{SEQ:4}",
                                          "bill": "BILL-{YYYY}-{SEQ:4}"}
    assert settings["invoice_number_format"] == "INV-{YYYY}-{SEQ:4}"


def test_a_format_set_in_the_map_numbers_documents_and_reads_in_its_field(api, tenant, books):
    updated = api.patch("/v1/tenant", json={"number_formats": {"credit_note": "CR/{YY}/{SEQ:3}"}},
                        headers=tenant.headers)
    assert updated.status_code == 200, updated.text
    assert updated.json()["number_formats"] == {"invoice": "INV-{YYYY}-{SEQ:4}", "credit_note": "CR/{YY}/{SEQ:3}",
                                                "quote": "QUO-{YYYY}-{SEQ:4}", "order": "SO-{YYYY}-{SEQ:4}",
                                                "delivery": "DN-{YYYY}-{SEQ:4}",
                                                "purchase_order": "PO-{YYYY}-{SEQ:4}",
                                                "bill": "BILL-{YYYY}-{SEQ:4}"}
    assert updated.json()["credit_note_number_format"] == "CR/{YY}/{SEQ:3}"
    stored = load_tenant(tenant.tenant_id)
    assert stored.stored_number_formats.as_dict() == updated.json()["number_formats"]

    invoice = books.posted(books.customer())
    note = books.post("/v1/credit-notes", {"invoice_id": invoice["id"], "amount": "10.00"})
    assert invoice["number"].startswith("INV-") and note["number"].startswith("CR/") and note["number"].endswith("/001")


def test_orders_and_delivery_notes_are_numbered_from_their_own_series(api, tenant, books):
    updated = api.patch("/v1/tenant", json={"number_formats": {"order": "AB-{SEQ:3}", "delivery": "LS{YY}-{SEQ}"}},
                        headers=tenant.headers)
    assert updated.status_code == 200, updated.text
    order = books.post("/v1/orders", {"customer_id": books.customer(),
                                      "lines": [{"description": "Widget", "unit_price": "1.00"}]})
    confirmed = books.post(f"/v1/orders/{order['id']}/confirm", expect=200)
    note = books.post(f"/v1/orders/{order['id']}/deliveries")
    issued = books.post(f"/v1/deliveries/{note['id']}/issue", expect=200)
    assert (confirmed["number"], issued["number"]) == ("AB-001", f"LS{issued['delivery_date'][2:4]}-1")


def test_the_older_field_writes_the_map(api, tenant, books):
    updated = api.patch("/v1/tenant", json={"invoice_number_format": "AU/{YY}/{SEQ:5}"}, headers=tenant.headers)
    assert updated.status_code == 200, updated.text
    assert updated.json()["number_formats"]["invoice"] == "AU/{YY}/{SEQ:5}"
    assert books.posted(books.customer())["number"].startswith("AU/")


def test_a_tenant_stored_before_the_map_reads_its_fields(api, tenant):
    stored = load_tenant(tenant.tenant_id)
    stored.stored_number_formats = None
    stored.invoice_number_format = "OLD-{SEQ}"
    stored.save()
    assert api.get("/v1/tenant", headers=tenant.headers).json()["number_formats"]["invoice"] == "OLD-{SEQ}"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"number_formats": {"estimate": "Q-{SEQ}"}}, "number_formats.estimate", "unknown number series"),
        ({"number_formats": {"invoice": "INV-{YYYY}"}}, "number_formats.invoice", "{SEQ}"),
        ({"number_formats": {"invoice": "A-{SEQ}"}, "invoice_number_format": "B-{SEQ}"}, "invoice_number_format",
         "give the format once"),
    ],
)
def test_a_bad_number_format_is_a_422_naming_it_and_changes_nothing(api, tenant, body, field, message):
    before = api.get("/v1/tenant", headers=tenant.headers).json()
    error = assert_error(api.patch("/v1/tenant", json=body, headers=tenant.headers), 422, "validation_error")
    assert detail_fields(error) == {field} and error["param"] == field
    assert message in error["details"][0]["message"]
    assert api.get("/v1/tenant", headers=tenant.headers).json() == before
