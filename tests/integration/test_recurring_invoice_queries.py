"""Issue 18 (part QA): `GET /v1/recurring-invoices` on the query planner: operators on the top-level copies of what
the list filters on (the schedule's `start_date`, `next_run_date`, `status`), sorts by start date (GSI1), next run
date (GSI6; finished templates last) and `updated_at`, the reference lookup (GSI7), search over customer name and
reference, `updated_since` with a deleted template as a tombstone, `include=total_count`, and the older filters
(`status`, `customer_id`, `from_date`, `to_date`) unchanged."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

import pytest

from tests.integration.test_invoice_queries import everything, ids
from tests.integration.test_recurring_invoices import fixed_clock, run_on, template  # noqa: F401  (the clock)


@pytest.fixture
def three(books):
    acme, bolt = books.customer("ACME Trading"), books.customer("Bolt & Co")
    first = template(books, customer_id=acme, reference="ACME-Support")
    later = template(books, customer_id=bolt, auto_post=True,
                     schedule={"interval": "monthly", "day_of_month": 15, "start_date": "2030-03-15"})
    done = template(books, customer_id=acme,
                    schedule={"interval": "weekly", "start_date": "2030-01-07", "count": 1})
    assert run_on(books, date(2030, 1, 8)).invoices_created == 1  # `done` made its one invoice: finished
    done = books.get(f"/v1/recurring-invoices/{done['id']}")
    assert (done["status"], done["next_run_date"]) == ("finished", None)
    return acme, bolt, first, later, done


def test_the_older_filters_keep_their_meaning(books, three):
    acme, bolt, first, later, done = three
    assert ids(books.get("/v1/recurring-invoices")) == [first["id"], done["id"], later["id"]]
    assert everything(books, "/v1/recurring-invoices", limit=1) == [first["id"], done["id"], later["id"]]
    assert ids(books.get("/v1/recurring-invoices?status=active")) == [first["id"], later["id"]]
    assert ids(books.get("/v1/recurring-invoices?status=finished,paused")) == [done["id"]]
    assert ids(books.get(f"/v1/recurring-invoices?customer_id={acme}")) == [first["id"], done["id"]]
    assert ids(books.get("/v1/recurring-invoices?from_date=2030-01-02&to_date=2030-03-15")) == [done["id"],
                                                                                                later["id"]]


def test_operators_sorts_lookup_search_and_count(books, three):
    acme, bolt, first, later, done = three
    assert ids(books.get("/v1/recurring-invoices?sort=next_run_date:asc")) == [first["id"], later["id"], done["id"]]
    assert ids(books.get("/v1/recurring-invoices?sort=next_run_date:desc")) == [done["id"], later["id"], first["id"]]
    assert everything(books, "/v1/recurring-invoices?sort=next_run_date:asc", limit=1) == [first["id"], later["id"],
                                                                                          done["id"]]
    assert ids(books.get("/v1/recurring-invoices?next_run_date[lte]=2030-02-28")) == [first["id"]]
    assert ids(books.get("/v1/recurring-invoices?start_date[gt]=2030-01-01&sort=start_date:desc")) == [
        later["id"], done["id"]]
    page = books.get("/v1/recurring-invoices?reference=ACME-Support")
    assert ids(page) == [first["id"]] and page["has_more"] is False
    assert ids(books.get("/v1/recurring-invoices?reference=acme-support")) == []  # equality is exact
    assert ids(books.get("/v1/recurring-invoices?reference[startswith]=acme")) == [first["id"]]
    assert ids(books.get("/v1/recurring-invoices?search=bolt")) == [later["id"]]
    assert ids(books.get("/v1/recurring-invoices?search=support&search_fields=reference")) == [first["id"]]
    assert ids(books.get("/v1/recurring-invoices?auto_post=true")) == [later["id"]]
    assert ids(books.get(f"/v1/recurring-invoices?customer_id[ne]={acme}&currency=AUD")) in ([later["id"]], [])
    counted = books.get("/v1/recurring-invoices?status[ne]=finished&include=total_count")
    assert counted["total_count"] == 2 and counted["total_count_exact"] is True


def test_changes_since_list_a_deleted_template_as_a_tombstone(books, three):
    _, _, first, later, done = three
    books.call("DELETE", f"/v1/recurring-invoices/{later['id']}", expect=200)  # at the clock's 2030-01-08 09:00
    changed = books.get(f"/v1/recurring-invoices?updated_since={quote('2030-01-02T00:00:00Z')}")["data"]
    assert [item["id"] for item in changed] == [later["id"], done["id"]]  # the same moment: by id
    assert changed[0]["deleted"] is True and changed[0]["object"] == "recurring_invoice"
    assert later["id"] not in ids(books.get("/v1/recurring-invoices"))  # only `updated_since` shows tombstones


@pytest.mark.parametrize("params, named", [
    ("sort=reference:asc", "reference"), ("number=1", "number"), ("auto_post[gt]=true", "gt"),
    ("search=a&search_fields=notes", "notes"), ("sort=start_date:asc,updated_at:asc", "start_date:asc,id:asc"),
])
def test_what_the_list_does_not_declare_is_a_400_naming_it(books, params, named):
    assert named in books.call("GET", f"/v1/recurring-invoices?{params}", expect=400).text


def test_a_value_of_the_wrong_type_is_a_422_naming_the_parameter(books):
    assert "next_run_date" in books.call("GET", "/v1/recurring-invoices?next_run_date[gte]=soon", expect=422).text
    assert "status" in books.call("GET", "/v1/recurring-invoices?status=sleeping", expect=422).text


def test_templates_saved_before_the_query_indexes_are_indexed_by_reindex(books, three):
    from ledgerline.store.lists import index_query_keys
    from ledgerline.store.recurring_invoices import RecurringInvoice

    _, _, first, later, done = three
    record = RecurringInvoice.get(*RecurringInvoice.key(books.tenant_id, first["id"]))
    RecurringInvoice._get_connection().update_item(record.pk, record.sk, actions=[
        RecurringInvoice.gsi6pk.remove(), RecurringInvoice.gsi6sk.remove(), RecurringInvoice.start_date.remove()])
    assert ids(books.get("/v1/recurring-invoices?sort=next_run_date:asc")) == [later["id"], done["id"]]
    assert index_query_keys(books.tenant_id) >= 1
    assert index_query_keys(books.tenant_id) == 0
    assert ids(books.get("/v1/recurring-invoices?sort=next_run_date:asc")) == [first["id"], later["id"], done["id"]]
    assert ids(books.get("/v1/recurring-invoices?start_date=2030-01-01")) == [first["id"]]
