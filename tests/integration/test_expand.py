"""Issue 20: `expand` inlines referenced objects on GET of one object and on lists, against DynamoDB Local:
one read for every reference of a response, the scopes of the expanded objects, and never another tenant's
object."""

from __future__ import annotations

from ledgerline.store import unit_of_work


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_an_invoice_expands_its_customer_and_its_lines_items(books):
    customer = books.post("/v1/parties", {"name": "Globex", "metadata": {"crm_id": "7"}})
    item = books.post("/v1/items", {"code": "HOUR", "name": "Consulting hour", "unit_price": "150.00"})
    invoice = books.draft(customer["id"], [{"item_id": item["id"], "quantity": "2"},
                                           {"description": "Travel", "unit_price": "10.00"}])
    plain = books.call("GET", f"/v1/invoices/{invoice['id']}", expect=200)
    assert "customer" not in plain.json() and "item" not in plain.json()["lines"][0]
    response = books.call("GET", f"/v1/invoices/{invoice['id']}?expand=customer&expand[]=lines.item", expect=200)
    body = response.json()
    assert response.headers["etag"] == plain.headers["etag"]
    assert body["customer_id"] == customer["id"]
    assert body["customer"] == books.get(f"/v1/parties/{customer['id']}")
    assert body["lines"][0]["item"] == books.get(f"/v1/items/{item['id']}")
    assert body["lines"][1]["item"] is None  # a line without an item
    # everything else is the object as it was
    rest = {k: v for k, v in body.items() if k != "customer"}
    rest["lines"] = [{k: v for k, v in line.items() if k != "item"} for line in rest["lines"]]
    assert rest == plain.json()


def test_a_list_expands_every_item_with_one_batch_read(books, monkeypatch):
    acme = books.customer("ACME")
    bolt = books.customer("Bolt")
    books.draft(acme), books.draft(bolt), books.draft(acme)
    fetches = []
    cls = type(unit_of_work.open_unit(books.tenant_id))
    original = cls._fetch_possible

    def counted(self, keys):
        fetches.append([sk for _, sk in keys if sk.startswith("PTY#") or sk.startswith("PARTY#")])
        return original(self, keys)

    monkeypatch.setattr(cls, "_fetch_possible", counted)
    page = books.get("/v1/invoices?expand=customer&limit=10")
    with_parties = [found for found in fetches if found]
    assert len(with_parties) == 1 and len(with_parties[0]) == 2  # both customers (once each) in one BatchGetItem
    assert [inv["customer"]["name"] for inv in page["data"]] == ["ACME", "Bolt", "ACME"]


def test_a_receipt_expands_its_allocated_invoices(books):
    customer = books.customer()
    posted = books.posted(customer)
    receipt = books.receipt(customer, posted["total"], [(posted["id"], posted["total"])])
    body = books.get(f"/v1/receipts/{receipt['id']}?expand=allocations.invoice,customer")
    assert body["allocations"][0]["invoice"]["id"] == posted["id"]
    assert body["allocations"][0]["invoice"]["status"] == "paid"
    assert body["customer"]["id"] == customer
    listed = books.get("/v1/receipts?expand=allocations.invoice")
    assert listed["data"][0]["allocations"][0]["invoice"]["number"] == posted["number"]


def test_unknown_too_deep_and_unreadable_expansions_are_refused(books):
    invoice = books.draft(books.customer())
    for query, status, code in (("expand=lines", 400, "unknown_expansion"),
                                ("expand=customer.address.city", 400, "expansion_too_deep"),
                                ("expand[]=supplier", 400, "unknown_expansion")):
        response = books.call("GET", f"/v1/invoices/{invoice['id']}?{query}", expect=status)
        assert response.json()["error"]["code"] == code and response.json()["error"]["param"] == "expand"
    key = books.post("/v1/api-keys", {"name": "invoices only", "scopes": ["invoices:read"]})
    headers = bearer(key["secret"])
    assert books.api.get(f"/v1/invoices/{invoice['id']}", headers=headers).status_code == 200
    refused = books.api.get(f"/v1/invoices/{invoice['id']}?expand=customer", headers=headers)
    assert refused.status_code == 403 and refused.json()["error"]["param"] == "parties:read"
    refused = books.api.get("/v1/invoices?expand=customer", headers=headers)
    assert refused.status_code == 403


def test_an_expansion_never_reaches_another_tenants_object(books, api, make_tenant):
    other = make_tenant(name="Other Pty Ltd")
    theirs = api.post("/v1/parties", json={"name": "Their secret customer"}, headers=other.headers).json()
    mine = books.draft(books.customer())
    # a reference to another tenant's id (as a forged or stale reference would be) is not found: null
    from ledgerline.services import expansions
    assert expansions.read(books.tenant_id, [("party", theirs["id"])]) == {}
    body = books.get(f"/v1/invoices/{mine['id']}?expand=customer")
    assert body["customer"]["name"] == "Globex"
