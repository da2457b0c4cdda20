"""/v1/bank-rules (issue 16): when a bank transaction's counterparty or text matches, book it to an account."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Response

from ledgerline.api.auth import require
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.list_query import ListQuery, QueryListResponse, respond
from ledgerline.api.pagination import PageRequest
from ledgerline.api.versioning import expected_version, with_etag
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.query import BANK_RULES
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.banking import BankRuleCreate, BankRuleOut, BankRuleUpdate
from ledgerline.services import bank_rules

router = APIRouter(prefix="/v1/bank-rules", tags=["banking"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
RULE_ID = Path(description="The bank rule's id", examples=["brl_01KRULE0000000000000000000"])
READ, WRITE = require("banking:read"), require("banking:write")


@router.post("", status_code=201, response_model=BankRuleOut, operation_id="create_bank_rule",
             summary="Create a bank rule")
def create(body: BankRuleCreate, response: Response, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """A statement import books each new transaction it leaves unmatched (after matching invoice references)
    by the first active rule that matches it (by `priority`, then the oldest): a journal entry between the
    bank account and `account_id`, with `tax_code_id` if given. An unknown account, tax code or bank account
    is a 422 naming it."""
    return with_etag(response, bank_rules.create(principal.tenant_id, body.model_dump(), idempotency_key))


BANK_RULE_QUERY = ListQuery(BANK_RULES)
LIST_DESCRIPTION = """The tenant's bank rules, by id (oldest first). Any field below takes an operator (issue 18):
`name[startswith]=rent`, `value[contains]=swisscom`, `active=true`, `account_id=acc_…`, `direction=out`,
`sort=name:asc`, `search=telecom`, `updated_since=2026-03-01T00:00:00Z`.
""" + BANK_RULE_QUERY.description()


@router.get("", response_model=QueryListResponse[BankRuleOut], operation_id="list_bank_rules",
            summary="List bank rules", description=LIST_DESCRIPTION, openapi_extra=BANK_RULE_QUERY.openapi_extra())
def list_(page: PageRequest = Depends(), query: PlannedQuery = Depends(BANK_RULE_QUERY),
          principal: Principal = Depends(READ)) -> Any:
    result = bank_rules.query_bank_rules(principal.tenant_id, query, limit=page.limit,
                                         start_key=page.start_key(principal.tenant_id))
    return respond(page, result.items, result, principal.tenant_id, query)


@router.get("/{id}", response_model=BankRuleOut, operation_id="get_bank_rule", summary="Retrieve a bank rule")
def get(response: Response, id: str = RULE_ID, principal: Principal = Depends(READ)) -> Any:
    """One bank rule."""
    return with_etag(response, bank_rules.get_bank_rule(principal.tenant_id, id))


@router.patch("/{id}", response_model=BankRuleOut, operation_id="update_bank_rule", summary="Update a bank rule")
def update(body: BankRuleUpdate, response: Response, id: str = RULE_ID,
           version: int | None = Depends(expected_version), principal: Principal = Depends(WRITE)) -> Any:
    """Only the fields sent change; `active: false` pauses it. With `If-Match`, a stale version is a 412."""
    return with_etag(response, bank_rules.update(principal.tenant_id, id, body.model_dump(exclude_unset=True),
                                                 version))


@router.delete("/{id}", operation_id="delete_bank_rule", summary="Delete a bank rule",
               responses={200: {"content": {"application/json": {"example": {
                   "id": "brl_01KRULE0000000000000000000", "object": "bank_rule", "deleted": True}}}}})
def delete(id: str = RULE_ID, principal: Principal = Depends(WRITE)) -> dict[str, Any]:
    """Deletes the rule; what it booked stays booked (unmatch a transaction to undo its booking)."""
    bank_rules.delete(principal.tenant_id, id)
    return {"id": id, "object": "bank_rule", "deleted": True}
