from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, Response, UploadFile

from ledgerline.api.auth import require
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.list_query import ListQuery, QueryListResponse, respond
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.api.versioning import expected_version, with_etag
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.query import BANK_ACCOUNTS, Predicate
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.banking import (
    BankAccountCreate,
    BankAccountOut,
    BankAccountUpdate,
    BankReconciliationOut,
    BankStatementOut,
)
from ledgerline.schemas.common import Day
from ledgerline.services import bank_accounts, bank_reconciliation, bank_statements, bank_transactions

router = APIRouter(prefix="/v1/bank-accounts", tags=["banking"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
BANK_ACCOUNT_ID = Path(description="The bank account's id", examples=["bacc_01KBANK0000000000000000000"])
READ, WRITE = require("banking:read"), require("banking:write")


@router.post("", status_code=201, response_model=BankAccountOut, operation_id="create_bank_account",
             summary="Add a bank account (and the ledger account it is)")
def create(body: BankAccountCreate, response: Response, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """Validates and normalises the IBAN (a bad one is a 422 naming `iban`), creates the ledger account (subtype
    bank) unless `account_id` names one, and posts a non-zero opening balance against Owner's equity (or
    `opening_account_id`) on `opening_date`: one transaction."""
    return with_etag(response, bank_accounts.create(principal.tenant_id, body.model_dump(), idempotency_key))


BANK_ACCOUNT_QUERY = ListQuery(BANK_ACCOUNTS)
LIST_DESCRIPTION = """The tenant's active bank accounts, oldest first; `archived=true` lists the archived ones. Any
field below takes an operator (issue 18): `name[startswith]=post`, `iban[contains]=ch93`, `currency=CHF`,
`sort=name:asc`, `search=postfinance`, `updated_since=2026-03-01T00:00:00Z`.
""" + BANK_ACCOUNT_QUERY.description()


@router.get("", response_model=QueryListResponse[BankAccountOut], operation_id="list_bank_accounts",
            summary="List bank accounts", description=LIST_DESCRIPTION,
            openapi_extra=BANK_ACCOUNT_QUERY.openapi_extra())
def list_(request: Request, page: PageRequest = Depends(),
          archived: bool = Query(False, description="List archived bank accounts instead of active ones"),
          query: PlannedQuery = Depends(BANK_ACCOUNT_QUERY), principal: Principal = Depends(READ)) -> Any:
    # `archived=` (declared, default false) replaces the list's default, as on parties
    given = "archived" in request.query_params
    query = replace(query, predicates=(*([Predicate("archived", "eq", archived)] if given else []),
                                       *[p for p in query.predicates if not (given and p in BANK_ACCOUNTS.defaults)]))
    result = bank_accounts.query_bank_accounts(principal.tenant_id, query, limit=page.limit,
                                               start_key=page.start_key(principal.tenant_id))
    return respond(page, result.items, result, principal.tenant_id, query)


@router.get("/{id}", response_model=BankAccountOut, operation_id="get_bank_account", summary="Retrieve a bank account")
def get(response: Response, id: str = BANK_ACCOUNT_ID, principal: Principal = Depends(READ)) -> Any:
    """The bank account with the closing balance of its latest statement."""
    return with_etag(response, bank_accounts.get_bank_account(principal.tenant_id, id))


@router.patch("/{id}", response_model=BankAccountOut, operation_id="update_bank_account",
              summary="Update a bank account (name, IBAN, BIC, QR-IBAN, default, archive, CSV mapping)")
def update(body: BankAccountUpdate, response: Response, id: str = BANK_ACCOUNT_ID,
           version: int | None = Depends(expected_version), principal: Principal = Depends(WRITE)) -> Any:
    """Only the fields sent change. `is_default: true` moves the tenant's default here; `archived: true` archives
    it (not the default). With `If-Match`, a stale version is a 412."""
    return with_etag(response, bank_accounts.update(principal.tenant_id, id, body.model_dump(exclude_unset=True),
                                                     version))


@router.post("/{id}/statements", status_code=201, response_model=BankStatementOut,
             operation_id="import_bank_statement", summary="Import a bank statement file (camt.053/054, MT940, CSV)",
             responses={200: {"description": "The same file was imported before: that import",
                              "model": BankStatementOut}})
def import_statement(response: Response, id: str = BANK_ACCOUNT_ID,
                     idempotency_key: str | None = IdempotencyKeyHeader,
                     file: UploadFile | None = File(None, description="The statement file (required)"),
                     format: Literal["camt.053", "camt.054", "mt940", "csv"] | None = Form(
                         None, description="Detected from the content when absent (CSV needs the bank account's "
                                           "csv_mapping)"),
                     principal: Principal = Depends(WRITE)) -> Any:
    """Each booked entry becomes a bank transaction with status `unmatched`, once: entries imported before (by the
    bank's entry reference, else their content) are counted as `duplicates`. `follows_previous: false` reports an
    opening balance that does not follow the last statement. A malformed file is a 422 naming the line or
    element, and nothing is imported."""
    content = file.file.read(bank_statements.MAX_FILE_BYTES + 1) if file is not None else None
    body = bank_statements.import_statement(principal.tenant_id, id, content,
                                            file_name=file.filename if file is not None else None, fmt=format,
                                            idempotency_key=idempotency_key)
    if body.get("already_imported"):
        response.status_code = 200
    return body


@router.get("/{id}/statements", response_model=ListResponse[BankStatementOut], operation_id="list_bank_statements",
            summary="List the statements imported into a bank account")
def list_statements(page: PageRequest = Depends(), id: str = BANK_ACCOUNT_ID,
                    principal: Principal = Depends(READ)) -> Any:
    """Imported statements by their last date."""
    result = bank_transactions.list_bank_statements(principal.tenant_id, id, limit=page.limit,
                                                    start_key=page.start_key(principal.tenant_id))
    return page.respond(result.items, result.next_key, principal.tenant_id)


@router.get("/{id}/reconciliation", response_model=BankReconciliationOut, operation_id="get_bank_reconciliation",
            summary="The bank's balance against the ledger's, and what explains the difference")
def reconciliation(id: str = BANK_ACCOUNT_ID, as_of: Day | None = Query(None, examples=["2026-01-31"]),
                   principal: Principal = Depends(READ)) -> Any:
    """On `as_of` (default today): the closing balance of the latest statement up to then, the balance of the
    bank account's ledger account, their difference, the unmatched and ignored bank transactions that explain
    it, and what is left unexplained (postings to the bank account no bank transaction matched)."""
    return bank_reconciliation.reconciliation(principal.tenant_id, id, as_of)
