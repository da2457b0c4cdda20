"""Documents sent by email (issue 14, part M): `GET /v1/emails/{id}`, and what the document routers share
for their `POST …/{id}/send` (with a body: 202 and the queued email) and `GET …/{id}/emails`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from ledgerline.api.auth import require
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.pagination import PageRequest
from ledgerline.domain.api_keys import Principal
from ledgerline.schemas.emails import EmailOut, SendRequest
from ledgerline.services import emails

router = APIRouter(prefix="/v1/emails", tags=["emails"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
READ = require("emails:read")

QUEUED_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"model": EmailOut, "description": "With a body: the email, `queued`; it is sent in the background"},
}


@router.get("/{id}", response_model=EmailOut, operation_id="get_email", summary="Retrieve an email")
def get(id: str = Path(description="The email's id"), principal: Principal = Depends(READ)) -> Any:
    """One email sent for a document: recipients, subject, status (`queued`, `sending`, `sent`, `bounced`,
    `failed`), Message-ID and when it was sent."""
    return emails.get_email(principal.tenant_id, id)


def queued(tenant_id: str, kind: str, document_id: str, body: SendRequest, idempotency_key: str | None
           ) -> JSONResponse:
    email = emails.queue(tenant_id, kind, document_id, body.model_dump(exclude_none=True), idempotency_key)
    return JSONResponse(email, status_code=202, headers={"Location": f"/v1/emails/{email['id']}"})


def listed(tenant_id: str, kind: str, document_id: str, page: PageRequest) -> dict[str, Any]:
    result = emails.list_emails(tenant_id, kind, document_id, limit=page.limit,
                                start_key=page.start_key(tenant_id))
    return page.respond([EmailOut.model_validate(e) for e in result.items], result.next_key, tenant_id)
