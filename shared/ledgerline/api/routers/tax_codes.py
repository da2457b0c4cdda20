from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from ledgerline.api.auth import require
from ledgerline.api.crud import add_record_routes
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.domain.api_keys import Principal
from ledgerline.schemas.tax_codes import TaxCodeCreate, TaxCodeOut, TaxCodeUpdate
from ledgerline.services import master_data

router = APIRouter(prefix="/v1/tax-codes", tags=["tax codes"])
add_record_routes(router, resource="tax-codes", noun="tax_code",
                  create_schema=TaxCodeCreate, update_schema=TaxCodeUpdate, out_schema=TaxCodeOut)


@router.get("", response_model=ListResponse[TaxCodeOut], operation_id="list_tax_codes", summary="List tax codes")
def list_(page: PageRequest = Depends(),
          active: bool | None = Query(None),
          archived: bool = Query(False, description="List archived tax codes instead of active ones"),
          principal: Principal = Depends(require("tax-codes:read"))) -> Any:
    """Tax codes with their rates and tax accounts; `active` and `archived` filter them."""
    result = master_data.list_tax_codes(principal.tenant_id, active=active, archived=archived, limit=page.limit,
                                        start_key=page.start_key(principal.tenant_id))
    return page.respond(result.items, result.next_key, principal.tenant_id)
