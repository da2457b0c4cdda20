"""Over real HTTP against `ledgerline dev`: test mode (issue 20). `ledgerline tenant create` prints a live
and a test key; the test key works against the local server on books of its own."""

from __future__ import annotations

from datetime import date


def test_tenant_create_prints_both_keys_and_the_test_key_works_on_books_of_its_own(server, http):
    tenant = server.create_tenant(name="Sandboxed Pty Ltd")
    assert tenant["api_key"].startswith("ll_live_") and tenant["test_api_key"].startswith("ll_test_")
    live = {"Authorization": f"Bearer {tenant['api_key']}"}
    test = {"Authorization": f"Bearer {tenant['test_api_key']}"}
    shown = http.get("/v1/tenant", headers=test).json()
    assert (shown["livemode"], shown["name"]) == (False, "Sandboxed Pty Ltd")
    assert http.get("/v1/tenant", headers=live).json()["livemode"] is True

    # When the integrator invoices with the test key, then with the live key
    year = date.today().year
    numbers, invoice_ids = {}, {}
    for mode, auth in (("test", test), ("live", live)):
        customer = http.post("/v1/parties", headers=auth, json={"name": f"Globex ({mode})"}).json()["id"]
        draft = http.post("/v1/invoices", headers=auth, json={
            "customer_id": customer, "lines": [{"description": "Consulting", "unit_price": "100.00"}]}).json()
        posted = http.post(f"/v1/invoices/{draft['id']}/post", headers=auth)
        assert posted.status_code == 200, posted.text
        numbers[mode], invoice_ids[mode] = posted.json()["number"], draft["id"]

    # Then each mode numbers from 1 in its own series, and neither reaches the other's invoice
    assert numbers == {"test": f"INV-{year}-0001", "live": f"INV-{year}-0001"}
    assert http.get(f"/v1/invoices/{invoice_ids['live']}", headers=test).status_code == 404
    assert http.get(f"/v1/invoices/{invoice_ids['test']}", headers=live).status_code == 404
    # And the test events say they are test events; the live log has none of them
    test_events = http.get("/v1/events", headers=test, params={"type": "invoice.posted"}).json()["data"]
    assert [(e["object_id"], e["livemode"]) for e in test_events] == [(invoice_ids["test"], False)]
    live_events = http.get("/v1/events", headers=live, params={"type": "invoice.posted"}).json()["data"]
    assert [(e["object_id"], e["livemode"]) for e in live_events] == [(invoice_ids["live"], True)]
