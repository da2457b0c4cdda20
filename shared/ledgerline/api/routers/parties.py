from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query

from ledgerline.api.auth import require
from ledgerline.api.crud import add_record_routes
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.domain.api_keys import Principal
from ledgerline.schemas.parties import PartyCreate, PartyKind, PartyOut, PartyUpdate
from ledgerline.schemas.refunds import PartyBalanceOut
from ledgerline.services import master_data, party_balances

router = APIRouter(prefix="/v1/parties", tags=["parties"])
add_record_routes(router, resource="parties", noun="party",
                  create_schema=PartyCreate, update_schema=PartyUpdate, out_schema=PartyOut)


@router.get("", response_model=ListResponse[PartyOut], operation_id="list_parties", summary="List parties")
def list_(page: PageRequest = Depends(),
          kind: PartyKind | None = Query(None, description="customer or supplier (parties of kind both match either)"),
          email: str | None = Query(None),
          archived: bool = Query(False, description="List archived parties instead of active ones"),
          principal: Principal = Depends(require("parties:read"))) -> Any:
    """Active customers and suppliers, oldest first. Filter by `kind` or `email`; `archived=true` lists the
    archived ones."""
    result = master_data.list_parties(principal.tenant_id, kind=kind, email=email, archived=archived,
                                      limit=page.limit, start_key=page.start_key(principal.tenant_id))
    return page.respond(result.items, result.next_key, principal.tenant_id)


@router.get("/{id}/balance", response_model=PartyBalanceOut, operation_id="get_party_balance",
            summary="What the customer owes (receivable, overdue) and holds (unallocated credit)")
def balance(id: str = Path(description="The party's id"),
            principal: Principal = Depends(require("parties:read"))) -> Any:
    """Receivable, overdue and unallocated credit in the base currency, and per document currency."""
    return party_balances.balance(principal.tenant_id, id)
