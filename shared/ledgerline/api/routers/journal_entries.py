from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response

from ledgerline.api.auth import require
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.list_query import ListQuery, QueryListResponse, respond, with_older_filters
from ledgerline.api.pagination import PageRequest
from ledgerline.api.versioning import expected_version, with_etag
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.documents import POSTED_STATUS_FILTERS, status_filter
from ledgerline.domain.journal import SourceType
from ledgerline.domain.query import JOURNAL_ENTRIES
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.common import Day
from ledgerline.schemas.documents import JournalEntryCreate, JournalEntryOut, JournalEntryUpdate, ReverseRequest
from ledgerline.services import journal_entries

router = APIRouter(prefix="/v1/journal-entries", tags=["journal entries"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
ENTRY_ID = Path(description="The journal entry's id")
READ, WRITE = require("journal-entries:read"), require("journal-entries:write")


@router.post("", status_code=201, response_model=JournalEntryOut, operation_id="create_journal_entry",
             summary="Post a manual journal entry; it must balance")
def create(body: JournalEntryCreate, response: Response, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """A manual entry with at least two lines, each a debit or a credit; debits must equal credits (422
    `unbalanced_entry` otherwise). Control accounts are posted only by their documents. Send `Idempotency-Key`
    to make retries safe."""
    return with_etag(response, journal_entries.create(principal.tenant_id, body.model_dump(), idempotency_key))


JOURNAL_QUERY = ListQuery(JOURNAL_ENTRIES)
LIST_DESCRIPTION = """Journal entries by date, oldest first: manual ones and those documents posted. Filter by
`source_type`, `status` (posted, reversed), `from_date` and `to_date` (YYYY-MM-DD), or by any field below with an
operator (issue 18): `source_type[in]=invoice,credit_note`, `source_id=inv_…` (what a document posted),
`total[gte]=10000`, `reference=ACCR-2026-03` (a lookup: one index query), `search=accrual`,
`updated_since=2026-03-01T00:00:00Z`.
""" + JOURNAL_QUERY.description()


@router.get("", response_model=QueryListResponse[JournalEntryOut], operation_id="list_journal_entries",
            summary="List journal entries, manual and posted by documents", description=LIST_DESCRIPTION,
            openapi_extra=JOURNAL_QUERY.openapi_extra())
def list_(page: PageRequest = Depends(), source_type: SourceType | None = Query(None),
          status: list[str] = Query([], description="posted or reversed; repeated or comma-separated"),
          from_date: Day | None = Query(None), to_date: Day | None = Query(None),
          query: PlannedQuery = Depends(JOURNAL_QUERY), principal: Principal = Depends(READ)) -> Any:
    query = with_older_filters(query, status_filter(status, POSTED_STATUS_FILTERS), "source_type",
                               source_type.value if source_type else None, "date", from_date, to_date)
    result = journal_entries.query_journal_entries(principal.tenant_id, query, limit=page.limit,
                                                   start_key=page.start_key(principal.tenant_id))
    return respond(page, result.items, result, principal.tenant_id, query)


@router.get("/{id}", response_model=JournalEntryOut, operation_id="get_journal_entry",
            summary="Retrieve a journal entry")
def get(response: Response, id: str = ENTRY_ID, principal: Principal = Depends(READ)) -> Any:
    """One journal entry with its lines in the base currency and in the document's currency."""
    return with_etag(response, journal_entries.get_journal_entry(principal.tenant_id, id))


@router.patch("/{id}", response_model=JournalEntryOut, operation_id="update_journal_entry",
              summary="Change the files a journal entry references (its lines never change)")
def update(body: JournalEntryUpdate, response: Response, id: str = ENTRY_ID,
           version: int | None = Depends(expected_version), principal: Principal = Depends(WRITE)) -> Any:
    """Replaces `attachment_ids` (uploaded files, `POST /v1/files`); an id that is no file of the tenant is a
    422 naming `attachment_ids.<index>`. `metadata` merges (issue 20). Posted amounts are corrected by reversal,
    never here."""
    return with_etag(response, journal_entries.update_attachments(principal.tenant_id, id, body.attachment_ids,
                                                                 version, body.metadata))


@router.post("/{id}/reverse", status_code=201, response_model=JournalEntryOut, operation_id="reverse_journal_entry",
             summary="Reverse a manual entry with a new, mirrored entry")
def reverse(response: Response, body: ReverseRequest | None = None, id: str = ENTRY_ID,
            idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """Posts a new entry with every debit and credit swapped (dated today or `date`); the original stays,
    marked reversed. Only manual entries: documents are corrected by voids, credit notes and receipt
    reversals."""
    return with_etag(response, journal_entries.reverse(principal.tenant_id, id, body.date if body else None,
                                                      idempotency_key))
