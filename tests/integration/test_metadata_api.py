"""Issue 20: `metadata` on the objects users create, against DynamoDB Local: set on create, merged on PATCH
(`""` or null unsets a key), changeable on a posted invoice without touching anything else, carried in
events, and filterable on the planned lists (`metadata[order_id]=42`)."""

from __future__ import annotations

import json

from ledgerline.store.events import list_events


def ids(page):
    return [item["id"] for item in page["data"]]


def test_a_party_keeps_its_metadata_and_a_patch_merges_it(books):
    party = books.post("/v1/parties", {"name": "Globex", "metadata": {"crm_id": "C-1", "tier": "gold"}})
    assert party["metadata"] == {"crm_id": "C-1", "tier": "gold"}
    changed = books.call("PATCH", f"/v1/parties/{party['id']}",
                         {"metadata": {"tier": "", "region": "EU", "crm_id": None}}, expect=200).json()
    assert changed["metadata"] == {"region": "EU"}
    assert books.get(f"/v1/parties/{party['id']}")["metadata"] == {"region": "EU"}
    untouched = books.call("PATCH", f"/v1/parties/{party['id']}", {"name": "Globex AG"}, expect=200).json()
    assert untouched["metadata"] == {"region": "EU"}
    # an object made without metadata shows an empty map
    assert books.get(f"/v1/parties/{books.customer('Plain')}")["metadata"] == {}


def test_bad_metadata_is_a_422_naming_the_key_and_changes_nothing(books):
    party = books.post("/v1/parties", {"name": "Globex", "metadata": {"a": "1"}})
    for body, field in (({"metadata": {"k" * 41: "x"}}, "metadata." + "k" * 41),
                        ({"metadata": {"note": "x" * 501}}, "metadata.note"),
                        ({"metadata": {"n": 5}}, "metadata.n"),
                        ({"metadata": {f"k{i}": "v" for i in range(51)}}, "metadata")):
        response = books.call("PATCH", f"/v1/parties/{party['id']}", body, expect=422)
        assert field in [d["field"] for d in response.json()["error"]["details"]], response.text
    # 50 keys at most after the merge too
    books.call("PATCH", f"/v1/parties/{party['id']}", {"metadata": {f"k{i}": "v" for i in range(49)}}, expect=200)
    response = books.call("PATCH", f"/v1/parties/{party['id']}", {"metadata": {"one": "1", "two": "2"}}, expect=422)
    assert response.json()["error"]["details"][0]["field"] == "metadata"
    assert len(books.get(f"/v1/parties/{party['id']}")["metadata"]) == 50
    response = books.call("POST", "/v1/invoices", {"customer_id": party["id"], "metadata": {"a[b]": "x"},
                                                   "lines": [{"description": "x", "unit_price": "1"}]}, expect=422)
    assert response.json()["error"]["details"][0]["field"] == "metadata.a[b]"


def test_metadata_on_a_posted_invoice_changes_nothing_else(books):
    posted = books.posted(books.customer(), metadata={"order_id": "42"})
    assert posted["metadata"] == {"order_id": "42"}
    before = books.trial_balance()
    changed = books.call("PATCH", f"/v1/invoices/{posted['id']}", {"metadata": {"order_id": "43", "ship": "DHL"}},
                         expect=200)
    after = changed.json()
    assert after["metadata"] == {"order_id": "43", "ship": "DHL"}
    assert after["version"] == posted["version"] + 1 and changed.headers["etag"] != ""
    same = {k: v for k, v in after.items() if k not in ("metadata", "version", "updated_at")}
    assert same == {k: v for k, v in posted.items() if k not in ("metadata", "version", "updated_at")}
    assert books.trial_balance() == before
    # anything besides metadata is still refused on a posted invoice, and changes nothing
    books.call("PATCH", f"/v1/invoices/{posted['id']}", {"notes": "x", "metadata": {"a": "b"}}, expect=409)
    assert books.invoice(posted["id"])["metadata"] == {"order_id": "43", "ship": "DHL"}
    # the event carries the object's data with its metadata
    updated = [e for e in list_events(books.tenant_id, limit=1000) if e.type == "invoice.updated"]
    assert updated and json.loads(updated[-1].data)["metadata"] == {"order_id": "43", "ship": "DHL"}


def test_the_planned_lists_filter_on_metadata(books):
    acme = books.post("/v1/parties", {"name": "ACME", "metadata": {"crm_id": "7"}})["id"]
    bolt = books.post("/v1/parties", {"name": "Bolt", "metadata": {"crm_id": "8"}})["id"]
    first = books.draft(acme, metadata={"order_id": "42", "channel": "web"})
    books.draft(bolt, metadata={"order_id": "41"})
    books.draft(bolt)
    assert ids(books.get("/v1/invoices?metadata[order_id]=42")) == [first["id"]]
    assert ids(books.get("/v1/invoices?metadata[order_id]=42&metadata[channel]=shop")) == []
    assert ids(books.get("/v1/invoices?metadata[order_id]=42&customer_id=" + acme)) == [first["id"]]
    assert ids(books.get("/v1/parties?metadata[crm_id]=8")) == [bolt]
    response = books.call("GET", "/v1/parties?metadata[" + "k" * 41 + "]=1", expect=422)
    assert response.json()["error"]["details"][0]["field"] == "metadata[" + "k" * 41 + "]"


def test_a_receipt_takes_metadata_on_create(books):
    customer = books.customer()
    receipt = books.receipt(customer, "50.00", metadata={"payout_id": "po_1"})
    assert receipt["metadata"] == {"payout_id": "po_1"}
    assert books.get(f"/v1/receipts/{receipt['id']}")["metadata"] == {"payout_id": "po_1"}
    assert books.receipt(customer, "5.00")["metadata"] == {}
