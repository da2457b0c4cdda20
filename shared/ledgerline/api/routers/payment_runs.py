"""Payment runs (issue 16, item 4): `/v1/payment-runs`, bills paid by one ISO 20022 pain.001 file."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response

from ledgerline.api.auth import require
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.list_query import ListQuery, QueryListResponse, respond, with_older_filters
from ledgerline.api.metadata import metadata_patch
from ledgerline.api.pagination import PageRequest
from ledgerline.api.versioning import with_etag
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.documents import status_filter
from ledgerline.domain.query import PAYMENT_RUNS, Predicate
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.common import Day
from ledgerline.schemas.errors import NON_JSON_ROUTE_ERRORS
from ledgerline.schemas.payment_runs import PaymentRunCreate, PaymentRunOut
from ledgerline.services import payment_runs

router = APIRouter(prefix="/v1/payment-runs", tags=["payment-runs"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
RUN_ID = Path(description="The payment run's id")
READ, WRITE = require("banking:read"), require("banking:write")
STATUS_FILTERS = {"scheduled": ("scheduled",), "completed": ("completed",), "cancelled": ("cancelled",)}
EXAMPLE_PAIN001 = ("<?xml version='1.0' encoding='UTF-8'?>\n"
                   '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">\n  <CstmrCdtTrfInitn>\n'
                   '    <GrpHdr>\n      <MsgId>01K2X3Y4Z5A6B7C8D9E0F1G2H8'
                   '</MsgId>\n      ...\n    </GrpHdr>\n    <PmtInf>...<CdtTrfTxInf><PmtId>'
                   '<InstrId>01K2X3Y4Z5A6B7C8D9E0F1G2H8-1</InstrId><EndToEndId>01K2X3Y4Z5A6B7C8D9E0F1G2H8-1</EndToEndId>'
                   '</PmtId>...</CdtTrfTxInf>'
                   '</PmtInf>\n  </CstmrCdtTrfInitn>\n</Document>')
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **NON_JSON_ROUTE_ERRORS,
    200: {"description": "The pain.001 credit-transfer file the run wrote (its SHA-256 is the run's file_sha256)",
          "content": {"application/xml": {"schema": {"type": "string", "format": "binary"},
                                          "example": EXAMPLE_PAIN001}}},
}


class XMLResponse(Response):
    media_type = "application/xml"


@router.post("", status_code=201, response_model=PaymentRunOut, operation_id="create_payment_run",
             summary="Pay bills by an ISO 20022 pain.001 file: the payments are scheduled until the bank books them")
def create(body: PaymentRunCreate, response: Response, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """Name the bills to pay (`bills`, each with an optional `amount`), or `due_by` for every open bill in the
    bank account's currency due by that date. The run writes a pain.001 file from `bank_account_id` (EUR: SEPA
    pain.001.001.09 or .03; CHF: Swiss Payment Standards pain.001.001.09, a bill whose supplier reference is a QR
    reference paid to the supplier's `qr_iban`, an RF reference as SCOR) and records one scheduled payment per
    bill; each bill's `scheduled_amount` keeps it out of another run. Nothing is posted until a statement shows
    the transfer's end-to-end id. A supplier without an `iban` (or `qr_iban`) is a 422 naming the bill; nothing
    is written then. Send `Idempotency-Key` to make retries safe."""
    return with_etag(response, payment_runs.create(principal.tenant_id, body.model_dump(), idempotency_key))


PAYMENT_RUN_QUERY = ListQuery(PAYMENT_RUNS)
LIST_DESCRIPTION = """Payment runs by execution date, oldest first. Filter by `status`, `supplier_id` (runs paying that
supplier), `bank_account_id`, `from_date` and `to_date` (YYYY-MM-DD), or by any field below with an operator (issue
18): `supplier_ids[contains]=pty_…` (as `supplier_id=`), `total[gte]=10000`, `execution_date[gte]=2026-03-01`,
`sort=execution_date:desc`, `search=<message id>`, `updated_since=2026-03-01T00:00:00Z`.
""" + PAYMENT_RUN_QUERY.description()


@router.get("", response_model=QueryListResponse[PaymentRunOut], operation_id="list_payment_runs",
            summary="List payment runs", description=LIST_DESCRIPTION, openapi_extra=PAYMENT_RUN_QUERY.openapi_extra())
def list_(page: PageRequest = Depends(),
          status: list[str] = Query([], description="scheduled, completed or cancelled; repeated or comma-separated"),
          supplier_id: str | None = Query(None, description="Runs paying this supplier"),
          bank_account_id: str | None = Query(None, description="Runs paying from this bank account"),
          from_date: Day | None = Query(None, description="Executed on or after"),
          to_date: Day | None = Query(None, description="Executed on or before"),
          query: PlannedQuery = Depends(PAYMENT_RUN_QUERY), principal: Principal = Depends(READ)) -> Any:
    query = with_older_filters(query, status_filter(status, STATUS_FILTERS), "bank_account_id",
                               bank_account_id or None, "execution_date", from_date, to_date)
    if supplier_id:  # "this supplier is among the suppliers paid"
        query = replace(query, predicates=(Predicate("supplier_ids", "contains", supplier_id), *query.predicates))
    result = payment_runs.query_payment_runs(principal.tenant_id, query, limit=page.limit,
                                             start_key=page.start_key(principal.tenant_id))
    shown = [PaymentRunOut.model_validate(run) for run in result.items]
    return respond(page, shown, result, principal.tenant_id, query)


@router.get("/{id}", response_model=PaymentRunOut, operation_id="get_payment_run", summary="Retrieve a payment run")
def get(response: Response, id: str = RUN_ID, principal: Principal = Depends(READ)) -> Any:
    """One run with each scheduled payment: its end-to-end id, status (scheduled, booked, cancelled) and, once
    booked, the supplier payment and bank transaction."""
    return with_etag(response, payment_runs.get_payment_run(principal.tenant_id, id))


@router.get("/{id}/file", response_model=None, response_class=XMLResponse, responses=FILE_RESPONSES,
            operation_id="get_payment_run_file", summary="Download the run's pain.001 file")
def file(id: str = RUN_ID, principal: Principal = Depends(READ)) -> Response:
    """The ISO 20022 pain.001 credit-transfer file, as written when the run was created: upload it to the bank."""
    content, name = payment_runs.file_of(principal.tenant_id, id)
    return XMLResponse(content, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/{id}/cancel", response_model=PaymentRunOut, operation_id="cancel_payment_run",
             summary="Cancel a payment run while none of its payments is booked")
def cancel(response: Response, id: str = RUN_ID, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """Unschedules every payment (the bills' `scheduled_amount` goes down again); a run one of whose payments
    the bank has booked, or one cancelled already, is a 409. Withdraw the file at the bank yourself."""
    return with_etag(response, payment_runs.cancel(principal.tenant_id, id, idempotency_key))


metadata_patch(router, noun="payment run", response_model=PaymentRunOut, operation_id="update_payment_run",
               id_param=RUN_ID, write=WRITE, update=payment_runs.update_metadata)
