"""Receiving e-invoices (issue 17 item 5): `POST /v1/bills/import`.

Served by the e-invoices function (it carries the validators, saxonche, and factur-x), not by the bills
function: API Gateway routes the literal path before `/v1/bills/{id}`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, UploadFile

from ledgerline.api.auth import require
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.files import MAX_FILE_BYTES
from ledgerline.schemas.bill_imports import BillImportOut

router = APIRouter(prefix="/v1/bills", tags=["bills"])
RESPONSES: dict[int | str, dict[str, Any]] = {
    409: {"description": "The same file (SHA-256) is imported already (`duplicate_einvoice`), or the supplier's "
                         "invoice number is recorded already (`duplicate_supplier_reference`); the message names "
                         "the bill"},
    422: {"description": "Not an e-invoice, refused by the official rules (`einvoice_invalid`: `error.details` "
                         "lists each failed rule with its id, severity, location and text), a credit note "
                         "(`einvoice_credit_note`), or a VAT category and rate the tenant has no purchase tax code "
                         "for (`einvoice_tax_code_missing`); nothing is written"},
}


@router.post("/import", status_code=201, response_model=BillImportOut, operation_id="import_bill",
             summary="Import a supplier's e-invoice (UBL, CII or Factur-X) as a draft bill", responses=RESPONSES)
def import_(file: UploadFile = File(description="UBL 2.1 Invoice, CII D16B CrossIndustryInvoice, or a Factur-X / "
                                                "ZUGFeRD PDF; at most 10 MB"),
            idempotency_key: str | None = IdempotencyKeyHeader,
            principal: Principal = Depends(require("bills:write"))) -> Any:
    """Validates the file with the official rules (EN 16931; Peppol BIS or XRechnung when its specification
    identifier, BT-24, names them), reads it, and creates a **draft** bill: the supplier matched by electronic
    address (BT-34), VAT id (BT-31) or legal id (BT-30), else created; one line per invoice line (BT-153, quantity,
    net price) and per document-level allowance or charge, each with the tenant's purchase tax code of its VAT
    category and rate (BT-151/152) and the default expense account (6000); supplier reference BT-1, bill date
    BT-2, due date BT-9, currency BT-5, buyer and order reference kept. The file is stored (`/v1/files`) and
    attached. Totals that differ from the document's are listed in `import_warnings`. Send `Idempotency-Key`
    to make retries safe."""
    from ledgerline.services import bill_imports  # deferred: saxonche loads on the first import

    content = file.file.read(MAX_FILE_BYTES + 1)
    return bill_imports.import_bill(principal.tenant_id, content, file.filename, idempotency_key)
