"""DynamoDB refusing a request becomes a domain error inside the store (issue 12, part C): `api/errors.py` maps
domain errors only, so no SDK exception of these kinds may leave the store, whatever function made the call."""

from __future__ import annotations

from typing import Any

import pytest
from pynamodb.exceptions import GetError, QueryError

from ledgerline.domain.errors import InvalidRequest, ServiceUnavailable
from ledgerline.domain.query import Query
from ledgerline.store import events, lists
from ledgerline.store.documents import Invoice
from ledgerline.store.unit_of_work import open_unit
from tests.breakit.faults import dynamodb_error

PAGE: dict[str, Any] = {"limit": 10, "start_key": None}  # a planned list read (issue 18)


@pytest.mark.parametrize("code", ["ProvisionedThroughputExceededException", "ThrottlingException",
                                  "InternalServerError", "RequestLimitExceeded"])
def test_a_refusal_for_now_is_service_unavailable_from_every_kind_of_read(tenant, code):
    tid = tenant.tenant_id
    with dynamodb_error("GetItem", code), pytest.raises(ServiceUnavailable):
        open_unit(tid).find(Invoice, "inv_1")  # the unit of work's own read
    with dynamodb_error("GetItem", code), pytest.raises(ServiceUnavailable):
        events.find_event(tid, "evt_" + "0" * 26)  # a PynamoDB model's get
    with dynamodb_error("BatchGetItem", code), pytest.raises(ServiceUnavailable):
        open_unit(tid).prefetch([(Invoice, "inv_1")])
    with dynamodb_error("Query", code), pytest.raises(ServiceUnavailable):
        lists.query_receipts(tid, Query(), **PAGE)


def test_a_refused_start_key_is_an_invalid_cursor(tenant):
    # DynamoDB's words for a start key that does not fit the query
    with dynamodb_error("Query", "ValidationException", message="The provided starting key is invalid"), \
            pytest.raises(InvalidRequest) as error:
        lists.query_receipts(tenant.tenant_id, Query(), **PAGE)
    assert (error.value.code, error.value.param) == ("invalid_cursor", "cursor")


def test_any_other_refusal_stays_the_sdk_error_a_500_reports(tenant):
    with dynamodb_error("GetItem", "ValidationException"), pytest.raises(GetError):
        events.find_event(tenant.tenant_id, "evt_" + "0" * 26)
    with dynamodb_error("Query", "ValidationException"), pytest.raises(QueryError):
        lists.query_receipts(tenant.tenant_id, Query(), **PAGE)
