"""`PATCH` of metadata (issue 20) on the objects whose other fields never change once made: receipts, credit
notes, refunds, expenses, supplier payments and credit notes, delivery notes, payment runs. One route shape,
registered on each kind's router; the kind's service merges the metadata (services/metadata.py) and records its
`<kind>.updated` event. Kinds with a draft PATCH take `metadata` in that PATCH instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel

from ledgerline.api.versioning import expected_version, with_etag
from ledgerline.domain.api_keys import Principal
from ledgerline.schemas.common import MetadataUpdate

Update = Callable[[str, str, dict[str, Any], int | None], dict[str, Any]]


def metadata_patch(router: APIRouter, *, noun: str, response_model: type[BaseModel], operation_id: str,
                   id_param: Any, write: Any, update: Update) -> None:
    """Add `PATCH /{id}` to `router`: the body's `metadata` merges into the object's (`""` or null removes a
    key); with `If-Match`, a stale version is a 412; a body naming any other field is refused."""
    description = (f"Merges `metadata` into the {noun}'s: a key given a value sets it, a key given `\"\"` or "
                   "null is removed, keys not named stay. Metadata is not accounting data, so it changes whatever "
                   f"the {noun}'s status; nothing else of the {noun} changes here. With `If-Match`, a stale "
                   "version is a 412.")

    @router.patch("/{id}", response_model=response_model, operation_id=operation_id,
                  summary=f"Change a {noun}'s metadata", description=description)
    def patch(body: MetadataUpdate, response: Response, id: str = id_param,
              version: int | None = Depends(expected_version), principal: Principal = Depends(write)) -> Any:
        return with_etag(response, update(principal.tenant_id, id, body.model_dump(exclude_unset=True), version))

