"""Break-it probe (issue 20): `expand` never reaches another tenant's object.

Tenant B holds an invoice and a receipt whose references were forged to name tenant A's customer, item and
invoice (written to the table directly, as no request can make them). Expanding them shows nothing of A:
each reference stays unexpanded (`null`). B asking to expand A's invoice gets the 404 an unknown id gets.
"""

from __future__ import annotations

from ledgerline.store.documents import Invoice, Receipt
from tests.breakit.conftest import new_tenant


def bearer(tenant) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return tenant.headers


def post(api, tenant, path, body):  # type: ignore[no-untyped-def]
    response = api.post(path, json=body, headers=tenant.headers)
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_expand_never_reaches_another_tenants_object(api) -> None:  # type: ignore[no-untyped-def]
    a, b = new_tenant("Tenant A Expand Secret"), new_tenant("Tenant B Expand")
    a_customer = post(api, a, "/v1/parties", {"name": "A's secret customer"})
    a_item = post(api, a, "/v1/items", {"code": "SECRET", "name": "A's secret item", "unit_price": "9.00"})
    a_invoice = post(api, a, "/v1/invoices", {"customer_id": a_customer["id"], "lines": [
        {"item_id": a_item["id"]}]})
    a_invoice = post(api, a, f"/v1/invoices/{a_invoice['id']}/post", {})
    accounts = {x["code"]: x["id"] for x in api.get("/v1/accounts?limit=100", headers=b.headers).json()["data"]}
    b_customer = post(api, b, "/v1/parties", {"name": "B's customer"})
    b_invoice = post(api, b, "/v1/invoices", {"customer_id": b_customer["id"], "lines": [
        {"description": "x", "unit_price": "10.00"}]})
    b_invoice = post(api, b, f"/v1/invoices/{b_invoice['id']}/post", {})
    b_receipt = post(api, b, "/v1/receipts", {"customer_id": b_customer["id"], "amount": b_invoice["total"],
                                              "account_id": accounts["1010"], "allocations": [
                                                  {"invoice_id": b_invoice["id"], "amount": b_invoice["total"]}]})

    # forge B's references to name A's objects
    invoice = Invoice.get(*Invoice.key(b.tenant_id, b_invoice["id"]))
    invoice.customer_id = a_customer["id"]
    invoice.lines[0].item_id = a_item["id"]
    invoice.save()
    receipt = Receipt.get(*Receipt.key(b.tenant_id, b_receipt["id"]))
    receipt.allocations[0].invoice_id = a_invoice["id"]
    receipt.save()

    secrets = ("A's secret", "SECRET")  # A's names and codes (numbers repeat across tenants' series)
    for path in (f"/v1/invoices/{b_invoice['id']}?expand=customer,lines.item",
                 "/v1/invoices?expand=customer&expand[]=lines.item",
                 f"/v1/receipts/{b_receipt['id']}?expand=allocations.invoice",
                 "/v1/receipts?expand[]=allocations.invoice"):
        response = api.get(path, headers=b.headers)
        assert response.status_code == 200, response.text
        assert not any(secret in response.text for secret in secrets), path
    one = api.get(f"/v1/invoices/{b_invoice['id']}?expand=customer,lines.item", headers=b.headers).json()
    assert one["customer"] is None and one["lines"][0]["item"] is None
    got = api.get(f"/v1/receipts/{b_receipt['id']}?expand=allocations.invoice", headers=b.headers).json()
    assert got["allocations"][0]["invoice"] is None

    # A's invoice asked for with expand by B: the 404 of an id that never existed
    response = api.get(f"/v1/invoices/{a_invoice['id']}?expand=customer", headers=b.headers)
    assert response.status_code == 404 and "secret" not in response.text
