"""E-invoice delivery (issue 17, item 6): what the invoices and credit notes routers share for their
`POST …/{id}/einvoice/send` (202 and the queued submission) and `GET …/{id}/einvoice/submissions`."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from ledgerline.api.pagination import PageRequest
from ledgerline.schemas.einvoice_delivery import EInvoiceSendRequest, EInvoiceSubmissionOut

SEND_DESCRIPTION = (
    "Delivers the posted document as an e-invoice. `channel: \"peppol\"` hands the XML in `format` (default "
    "`peppol`, Peppol BIS Billing 3.0) to the tenant's Peppol access point for the customer's electronic address "
    "(BT-49; none: 422 naming `BT-49`). `channel: \"email\"` emails the XML (and the PDF; `facturx`: the Factur-X "
    "PDF) to `to` (default the customer's email) through the document email sending. Data the format needs and "
    "the document lacks is a 422 listing each business term, before anything is queued. It answers 202 with the "
    "submission `queued`; it moves to `sent`, then `delivered` or `rejected` (with the receiver's response and "
    "the failed rules), or `failed` when the access point stayed unreachable after every retry; each move writes "
    "`einvoice.<status>` (webhooks). Send `Idempotency-Key` to make retries safe.")
SUBMISSIONS_DESCRIPTION = ("Every e-invoice submission of the document, oldest first, with its channel, format, "
                           "status, the access point's transmission id, the receiver's response and findings.")
QUEUED_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"model": EInvoiceSubmissionOut, "description": "The submission, `queued`; it is delivered in the background"},
}


def send(tenant_id: str, kind: str, document_id: str, body: EInvoiceSendRequest, idempotency_key: str | None
         ) -> JSONResponse:
    from ledgerline.services import einvoice_delivery  # deferred: only this route renders for delivery

    submission = einvoice_delivery.queue(tenant_id, kind, document_id, body.model_dump(exclude_none=True),
                                         idempotency_key)
    return JSONResponse(submission, status_code=202)


def listed(tenant_id: str, kind: str, document_id: str, page: PageRequest) -> dict[str, Any]:
    from ledgerline.services import einvoice_delivery

    result = einvoice_delivery.list_submissions(tenant_id, kind, document_id, limit=page.limit,
                                                start_key=page.start_key(tenant_id))
    return page.respond([EInvoiceSubmissionOut.model_validate(s) for s in result.items], result.next_key, tenant_id)
