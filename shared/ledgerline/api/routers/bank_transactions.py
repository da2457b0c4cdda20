from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response

from ledgerline.api.auth import require
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.list_query import ListQuery, QueryListResponse, respond
from ledgerline.api.pagination import PageRequest
from ledgerline.api.versioning import with_etag
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.query import BANK_TRANSACTIONS, Predicate
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.banking import (
    BankTransactionBook,
    BankTransactionMatch,
    BankTransactionOut,
    BankTransactionUnmatch,
)
from ledgerline.schemas.common import Day
from ledgerline.services import bank_reconciliation, bank_transactions

router = APIRouter(prefix="/v1/bank-transactions", tags=["banking"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
TRANSACTION_ID = Path(description="The bank transaction's id", examples=["btx_01KBANK0000000000000000000"])
READ, WRITE = require("banking:read"), require("banking:write")


BANK_TRANSACTION_QUERY = ListQuery(BANK_TRANSACTIONS)
LIST_DESCRIPTION = """Imported bank transactions by booking date, oldest first; filter by `status`, `bank_account_id`,
`from_date` and `to_date` (booking date, YYYY-MM-DD), or by any field below with an operator (issue 18):
`status=unmatched&amount[gte]=1000`, `reference=RF18539007547034` (a lookup: one index query),
`counterparty_name[contains]=acme`, `search=invoice 42`, `updated_since=2026-03-01T00:00:00Z`. Each unmatched one
carries its ranked `suggestions`.
""" + BANK_TRANSACTION_QUERY.description()


@router.get("", response_model=QueryListResponse[BankTransactionOut], operation_id="list_bank_transactions",
            summary="List bank transactions", description=LIST_DESCRIPTION,
            openapi_extra=BANK_TRANSACTION_QUERY.openapi_extra())
def list_(page: PageRequest = Depends(),
          status: Literal["unmatched", "matched", "ignored"] | None = Query(None, examples=["unmatched"]),
          bank_account_id: str | None = Query(None), from_date: Day | None = Query(None),
          to_date: Day | None = Query(None), query: PlannedQuery = Depends(BANK_TRANSACTION_QUERY),
          principal: Principal = Depends(READ)) -> Any:
    older = [Predicate("status", "eq", status) if status is not None else None,
             Predicate("bank_account_id", "eq", bank_account_id) if bank_account_id is not None else None,
             Predicate("date", "gte", from_date) if from_date is not None else None,
             Predicate("date", "lte", to_date) if to_date is not None else None]
    query = replace(query, predicates=(*[p for p in older if p is not None], *query.predicates))
    result = bank_transactions.query_bank_transactions(principal.tenant_id, query, limit=page.limit,
                                                       start_key=page.start_key(principal.tenant_id))
    shown = bank_reconciliation.shown(principal.tenant_id, result.items)
    return respond(page, shown, result, principal.tenant_id, query)


@router.get("/{id}", response_model=BankTransactionOut, operation_id="get_bank_transaction",
            summary="Retrieve a bank transaction")
def get(response: Response, id: str = TRANSACTION_ID, principal: Principal = Depends(READ)) -> Any:
    """One bank transaction with its counterparty, remittance information and structured reference."""
    return with_etag(response, bank_transactions.get_bank_transaction(principal.tenant_id, id))


@router.post("/{id}/ignore", response_model=BankTransactionOut, operation_id="ignore_bank_transaction",
             summary="Ignore an unmatched bank transaction (nothing to match or book)")
def ignore(response: Response, id: str = TRANSACTION_ID, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """`unmatched` → `ignored`; any other status is a 409."""
    return with_etag(response, bank_transactions.ignore(principal.tenant_id, id, idempotency_key))


@router.post("/{id}/unignore", response_model=BankTransactionOut, operation_id="unignore_bank_transaction",
             summary="Bring an ignored bank transaction back to unmatched")
def unignore(response: Response, id: str = TRANSACTION_ID, idempotency_key: str | None = IdempotencyKeyHeader,
             principal: Principal = Depends(WRITE)) -> Any:
    """`ignored` → `unmatched`; any other status is a 409."""
    return with_etag(response, bank_transactions.unignore(principal.tenant_id, id, idempotency_key))


@router.post("/{id}/match", response_model=BankTransactionOut, operation_id="match_bank_transaction",
             summary="Match a money-in bank transaction to open invoices (creates the receipt)")
def match(body: BankTransactionMatch, response: Response, id: str = TRANSACTION_ID,
          idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """Creates the receipt for the transaction's amount into the bank account's ledger account, allocated to
    the invoices named (several at once, one customer) or, without `allocations`, to the first suggestion;
    what is left stays the customer's credit. The receipt and the change to `matched` are one transaction:
    a refusal (422) posts nothing; a transaction matched meanwhile is a 409. Money out (a negative amount)
    creates a supplier payment instead, allocated to the bills named (`bill_id`, one supplier) or to the first
    of `bill_suggestions`; what is left is a supplier prepayment. `…/unmatch` reverses either."""
    fields = body.model_dump(exclude_unset=True)
    return with_etag(response, bank_reconciliation.match(principal.tenant_id, id, fields, idempotency_key))


@router.post("/{id}/book", response_model=BankTransactionOut, operation_id="book_bank_transaction",
             summary="Book a bank transaction to an account (bank charges, interest, a transfer)")
def book(body: BankTransactionBook, response: Response, id: str = TRANSACTION_ID,
         idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """Posts a journal entry (source type `bank_transaction`) between the bank account's ledger account and
    `account_id`. When `account_id` is another bank account's ledger account, that account's unmatched
    transaction of the opposite amount (within 5 days) is matched by the same entry (a transfer)."""
    fields = body.model_dump(exclude_unset=True)
    return with_etag(response, bank_reconciliation.book(principal.tenant_id, id, fields, idempotency_key))


@router.post("/{id}/unmatch", response_model=BankTransactionOut, operation_id="unmatch_bank_transaction",
             summary="Undo a match or booking (reverses its receipt or entry)")
def unmatch(response: Response, body: BankTransactionUnmatch | None = None, id: str = TRANSACTION_ID,
            idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """Reverses the receipt matching created (the invoices reopen) or the booking's entry (both sides of a
    transfer), dated `date` (default: the transaction's date), and returns the transaction to `unmatched`."""
    fields = body.model_dump(exclude_unset=True) if body is not None else {}
    return with_etag(response, bank_reconciliation.unmatch(principal.tenant_id, id, fields, idempotency_key))
