"""The routes every master-data resource shares: create, read, change (PATCH) and archive (DELETE).

Annotations here are evaluated at definition time (no `from __future__ import annotations`)
because FastAPI reads the closures' parameter types to build validation and the OpenAPI schema.
"""

from typing import Any

from fastapi import APIRouter, Body, Depends, Path, Response
from pydantic import BaseModel

from ledgerline.api.auth import require
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.versioning import expected_version, set_etag, with_etag
from ledgerline.domain.api_keys import Principal
from ledgerline.services import master_data


def add_record_routes(router: APIRouter, *, resource: str, noun: str,
                      create_schema: type[BaseModel], update_schema: type[BaseModel],
                      out_schema: type[BaseModel]) -> None:
    read = require(f"{resource}:read")
    write = require(f"{resource}:write")
    name = noun.replace("_", " ")
    article = "an" if name[0] in "aeiou" else "a"
    record_id = Path(description=f"The {name}'s id")
    kind = noun  # the master-data kind the service knows (`party`, `item`, `account`, `tax_code`)

    def respond(response: Response, record: Any) -> Any:
        set_etag(response, record.version)
        return record

    @router.post("", status_code=201, response_model=out_schema, operation_id=f"create_{noun}",
                 summary=f"Create {article} {name}",
                 description=f"Unknown fields are refused (422 naming the field). The `ETag` is the new {name}'s "
                             "version.")
    def create(response: Response, body: create_schema = Body(),  # type: ignore[valid-type]
               idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(write)) -> Any:
        return with_etag(response, master_data.create_once(kind, out_schema, principal.tenant_id, body.model_dump(),
                                                           idempotency_key))

    @router.get("/{id}", response_model=out_schema, operation_id=f"get_{noun}",
                summary=f"Retrieve {article} {name}",
                description=f"The {name}, archived or not. The `ETag` is its version, to send as `If-Match`.")
    def get(response: Response, id: str = record_id, principal: Principal = Depends(read)) -> Any:
        return respond(response, master_data.get(kind, principal.tenant_id, id))

    @router.patch("/{id}", response_model=out_schema, operation_id=f"update_{noun}",
                  summary=f"Update {article} {name}; send If-Match to make it conditional",
                  description="Only the fields sent change; `null` clears an optional field. With `If-Match`, "
                              "a version that is no longer current is a 412.")
    def update(response: Response, body: update_schema = Body(),  # type: ignore[valid-type]
               id: str = record_id, version: int | None = Depends(expected_version),
               principal: Principal = Depends(write)) -> Any:
        changes = body.model_dump(exclude_unset=True)
        return respond(response, master_data.update(kind, principal.tenant_id, id, changes, version))

    @router.delete("/{id}", response_model=out_schema, operation_id=f"archive_{noun}",
                   summary=f"Archive {article} {name}; history that references it stays readable",
                   description=f"An archived {name} is left out of lists (unless `archived=true`) and cannot be used "
                               "on new documents; documents that already use it keep it.")
    def archive(response: Response, id: str = record_id, version: int | None = Depends(expected_version),
                principal: Principal = Depends(write)) -> Any:
        return respond(response, master_data.archive(kind, principal.tenant_id, id, version))
