"""Issue 18: the query planner's choices (pure: no database) and the parsing of a list's query parameters."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledgerline.api.list_query import ListQuery, parse_moment, predicate
from ledgerline.domain.errors import InvalidRequest, ValidationFailed
from ledgerline.domain.query import INVOICES, PARTIES, Predicate, Query, described, normalise
from ledgerline.store.lists import INVOICE_LIST, PARTY_LIST
from ledgerline.store.query import plan

TODAY = date(2026, 6, 1)


def access(spec, query):
    return plan(spec, query, TODAY).access.name


def test_an_explicit_sort_decides_the_index():
    assert access(INVOICE_LIST, Query(sort="number")) == "number"
    assert access(INVOICE_LIST, Query(sort="due_date")) == "due_date"
    assert access(INVOICE_LIST, Query((Predicate("number", "eq", "INV-1"),), sort="updated_at")) == "updated_at"
    assert access(PARTY_LIST, Query(sort="name")) == "name"


def test_open_invoices_by_due_date_read_the_open_partition():
    open_only = Predicate("status", "in", ("awaiting_payment", "overdue"))
    assert access(INVOICE_LIST, Query((open_only,), sort="due_date")) == "open_by_due_date"
    assert access(INVOICE_LIST, Query((Predicate("status", "eq", "overdue"),), sort="due_date")) == "open_by_due_date"
    with_paid = Predicate("status", "in", ("paid", "overdue"))
    assert access(INVOICE_LIST, Query((with_paid,), sort="due_date")) == "due_date"
    not_closed = Predicate("status", "nin", ("draft", "paid", "voided"))
    assert access(INVOICE_LIST, Query((not_closed,), sort="due_date")) == "open_by_due_date"


def test_without_a_sort_a_lookup_then_changes_then_the_default():
    assert access(INVOICE_LIST, Query((Predicate("number", "eq", "INV-1"),))) == "number"
    assert access(INVOICE_LIST, Query((Predicate("reference", "eq", "PO-1"),))) == "reference"
    assert access(INVOICE_LIST, Query((Predicate("number", "startswith", "INV"),))) == "issue_date"
    since = datetime(2026, 1, 1, tzinfo=UTC)
    assert access(INVOICE_LIST, Query(updated_since=since)) == "updated_at"
    assert access(INVOICE_LIST, Query()) == "issue_date"
    assert access(PARTY_LIST, Query()) == "id"


def test_a_range_on_the_path_s_field_is_the_key_condition():
    chosen = plan(INVOICE_LIST, Query((Predicate("due_date", "gte", date(2026, 2, 1)),
                                       Predicate("due_date", "lt", date(2026, 3, 1))), sort="due_date"), TODAY)
    assert chosen.key_condition is not None and not chosen.empty
    assert chosen.filter_condition is not None  # the predicates are in the filter too
    reversed_range = plan(INVOICE_LIST, Query((Predicate("issue_date", "gt", date(2026, 3, 1)),
                                               Predicate("issue_date", "lt", date(2026, 2, 1)))), TODAY)
    assert reversed_range.empty


def test_a_status_that_allows_nothing_reads_nothing():
    nothing = Predicate("status", "nin", tuple(INVOICES.fields["status"].values))
    assert plan(INVOICE_LIST, Query((nothing,)), TODAY).empty


def test_endswith_is_checked_on_the_items_read():
    chosen = plan(INVOICE_LIST, Query((Predicate("customer_name", "endswith", "GmbH"),)), TODAY)
    assert chosen.residual is not None
    assert plan(INVOICE_LIST, Query((Predicate("customer_name", "contains", "GmbH"),)), TODAY).residual is None


@given(st.text(max_size=30))
def test_normalising_is_idempotent_and_case_blind(text):
    assert normalise(normalise(text)) == normalise(text)
    assert normalise(text.upper().casefold()) == normalise(text.casefold())


def test_values_are_typed_like_bodies():
    fields = INVOICES.fields
    assert predicate(fields["total"], "gte", "total[gte]", "1000.50") == Predicate("total", "gte", Decimal("1000.50"))
    assert predicate(fields["due_date"], "lt", "due_date[lt]", "2026-02-01").value == date(2026, 2, 1)
    assert predicate(fields["status"], "eq", "status", "open") == Predicate("status", "in",
                                                                           ("awaiting_payment", "overdue"))
    assert predicate(fields["status"], "ne", "status[ne]", "open").op == "nin"
    assert predicate(PARTIES.fields["kind"], "eq", "kind", "customer").value == ("customer", "both")
    for field, raw in (("total", "1e3"), ("total", "NaN"), ("due_date", "2026-2-1"), ("status", "unpaid")):
        with pytest.raises(ValidationFailed):
            predicate(fields[field], "eq", field, raw)
    assert parse_moment("updated_since", "2026-03-01T10:00:00+02:00") == datetime(2026, 3, 1, 8, tzinfo=UTC)
    assert parse_moment("updated_since", "2026-03-01T10:00:00") == datetime(2026, 3, 1, 10, tzinfo=UTC)


def test_unknown_fields_operators_and_sorts_are_400s_listing_what_is_supported():
    parser = ListQuery(INVOICES)
    with pytest.raises(InvalidRequest) as unknown:
        parser._filter("totl[gte]", "1")
    assert unknown.value.code == "unknown_parameter" and "total" in unknown.value.message
    with pytest.raises(InvalidRequest) as op:
        parser._filter("currency[gt]", "EUR")
    assert op.value.code == "unsupported_operator" and "eq, ne, in, nin" in op.value.message
    with pytest.raises(InvalidRequest) as sort:
        parser._sort("total:desc")
    assert sort.value.code == "unsupported_sort" and "due_date" in sort.value.message
    assert parser._sort("due_date:desc") == ("due_date", True)
    assert parser._sort("number") == ("number", False)


def test_the_openapi_description_lists_fields_operators_and_sorts():
    text = described(INVOICES)
    assert "`total` (decimal): eq, ne, in, nin, gt, gte, lt, lte" in text
    assert "`issue_date`, `due_date`, `number`, `updated_at`" in text
    assert "`number=`, `reference=`" in text


def test_the_openapi_extension_names_the_query_language():
    extra = ListQuery(PARTIES).openapi_extra()["x-ledgerline-query"]
    assert extra["sorts"] == ["name", "updated_at"] and extra["filters"]["kind"]["values"][:3] == [
        "customer", "supplier", "both"]
    assert extra["filters"]["name"]["case_insensitive"] is True and extra["read_budget"] == 1000


# ---------------------------------------------------------------- multi-field sort (issue 18, part Q2)

@given(first=st.sampled_from(INVOICES.sorts), second=st.sampled_from([*INVOICES.fields, "id"]),
       directions=st.tuples(st.sampled_from(["asc", "desc", ""]), st.sampled_from(["asc", "desc", ""])))
def test_a_second_sort_field_is_served_only_as_the_index_tie_breaker_in_the_same_direction(first, second,
                                                                                            directions):
    parser = ListQuery(INVOICES)
    asked = ",".join(f"{name}:{d}" if d else name for name, d in zip((first, second), directions, strict=True))
    same = (directions[0] or "asc") == (directions[1] or "asc")
    if second == "id" and same:
        assert parser._sort(asked) == (first, directions[0] == "desc")
    else:
        with pytest.raises(InvalidRequest) as refused:
            parser._sort(asked)
        assert refused.value.code == "unsupported_sort" and refused.value.param == "sort"
        assert f"{first}:asc,id:asc" in refused.value.message and "due_date:desc,id:desc" in refused.value.message


def test_the_served_sort_combinations_are_declared_and_described():
    assert ListQuery(PARTIES).openapi_extra()["x-ledgerline-query"]["sort_combinations"] == [
        "name:asc,id:asc", "name:desc,id:desc", "updated_at:asc,id:asc", "updated_at:desc,id:desc"]
    assert "`due_date:desc,id:desc`" in described(INVOICES)
    with pytest.raises(InvalidRequest):
        ListQuery(INVOICES)._sort("due_date:asc,id:asc,number:asc")
    with pytest.raises(InvalidRequest):
        ListQuery(INVOICES)._sort(",")
