from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from ledgerline.api.auth import require
from ledgerline.api.crud import add_record_routes
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.domain.api_keys import Principal
from ledgerline.schemas.items import ItemCreate, ItemOut, ItemUpdate
from ledgerline.services import master_data

router = APIRouter(prefix="/v1/items", tags=["items"])
add_record_routes(router, resource="items", noun="item",
                  create_schema=ItemCreate, update_schema=ItemUpdate, out_schema=ItemOut)


@router.get("", response_model=ListResponse[ItemOut], operation_id="list_items", summary="List items")
def list_(page: PageRequest = Depends(),
          archived: bool = Query(False, description="List archived items instead of active ones"),
          principal: Principal = Depends(require("items:read"))) -> Any:
    """Active items, oldest first; `archived=true` lists the archived ones."""
    result = master_data.list_items(principal.tenant_id, archived=archived, limit=page.limit,
                                    start_key=page.start_key(principal.tenant_id))
    return page.respond(result.items, result.next_key, principal.tenant_id)
