"""E-invoices (issue 17): validating a file against the official rule sets, importing a supplier's e-invoice as a
draft bill (`POST /v1/bills/import`, item 5: this function carries the validators, saxonche, and factur-x; API
Gateway routes the literal path before `/v1/bills/{id}`); the XML responses the invoice and credit note routes
share."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile

from ledgerline.api.auth import require
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.files import MAX_FILE_BYTES
from ledgerline.schemas.bill_imports import BillImportOut
from ledgerline.schemas.einvoices import EInvoiceFormat, EInvoiceRules, EInvoiceValidationOut
from ledgerline.schemas.errors import NON_JSON_ROUTE_ERRORS

# No prefix: the router serves /v1/einvoices/… and /v1/bills/import (one function, one router)
router = APIRouter()

FORMAT_QUERY = Query("peppol", description=(
    "`peppol` (UBL 2.1, Peppol BIS Billing 3.0; the default), `ubl` (EN 16931 UBL), `cii` (EN 16931 CII D16B), "
    "`xrechnung-ubl`, `xrechnung-cii` (XRechnung 3.0), `facturx` (the PDF with the EN 16931 CII XML embedded, PDF/A-3, "
    "Factur-X profile EN 16931)"))
EXAMPLE_UBL = ('<?xml version="1.0" encoding="UTF-8"?>\n<Invoice xmlns="urn:oasis:names:specification:ubl:schema:'
               'xsd:Invoice-2" ...>\n  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:'
               '2017:poacc:billing:3.0</cbc:CustomizationID>\n  <cbc:ID>INV-2026-0001</cbc:ID>\n  ...\n</Invoice>')
XML_RESPONSES: dict[int | str, dict[str, Any]] = {
    **NON_JSON_ROUTE_ERRORS,
    200: {"description": "The e-invoice XML (UBL 2.1 or UN/CEFACT CII D16B)",
          "content": {"application/xml": {"schema": {"type": "string", "format": "binary"},
                                          "example": EXAMPLE_UBL},
                      # format=facturx (issue 17): the PDF with the CII XML embedded
                      "application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
    422: {"description": "The document lacks data the format requires: `error.details` lists each business "
                         "term, e.g. `BT-49 buyer electronic address`",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}},
}


class XMLResponse(Response):
    media_type = "application/xml"


def xml_response(number: str, fmt: str, content: bytes) -> Response:
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in number)
    return XMLResponse(content, headers={"Content-Disposition": f'inline; filename="{safe}-{fmt}.xml"'})


def einvoice_response(number: str, fmt: str, content: bytes) -> Response:
    """The XML, or for `facturx` the PDF (built per request and answered as bytes in every runtime)."""
    if fmt != "facturx":
        return xml_response(number, fmt, content)
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in number)
    return Response(content, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{safe}-facturx.pdf"'})


@router.post("/v1/einvoices/validate", response_model=EInvoiceValidationOut, operation_id="validate_einvoice",
             tags=["einvoices"],
             summary="Validate an e-invoice (UBL or CII) against EN 16931, Peppol BIS 3.0 or XRechnung")
def validate(file: UploadFile = File(description="The e-invoice: UBL 2.1 Invoice/CreditNote or CII XML, at most "
                                                 "10 MB"),
             rules: EInvoiceRules = Form("peppol", description="`en16931`, `peppol` (EN 16931 + Peppol BIS "
                                                               "Billing 3.0) or `xrechnung` (EN 16931 + XRechnung)"),
             principal: Principal = Depends(require("invoices:read"))) -> Any:
    """Runs the official rule sets (CEN's EN 16931, OpenPEPPOL's BIS Billing 3.0, KoSIT's XRechnung; the syntax
    is detected) and answers every failed rule: its id, severity, location and text. `valid` is false when a
    rule of severity fatal or error failed. Nothing is stored. A file that is not UBL or CII XML is a 422 on
    `file`."""
    from ledgerline.services import einvoices  # deferred: saxonche is loaded on the first validation

    return einvoices.validate_file(file.file.read(einvoices.MAX_FILE_BYTES + 1), rules)


IMPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    409: {"description": "The same file (SHA-256) is imported already (`duplicate_einvoice`), or the supplier's "
                         "invoice number is recorded already (`duplicate_supplier_reference`); the message names "
                         "the bill"},
    422: {"description": "Not an e-invoice, refused by the official rules (`einvoice_invalid`: `error.details` "
                         "lists each failed rule with its id, severity, location and text), a credit note "
                         "(`einvoice_credit_note`), or a VAT category and rate the tenant has no purchase tax code "
                         "for (`einvoice_tax_code_missing`); nothing is written"},
}


@router.post("/v1/bills/import", status_code=201, tags=["bills"], response_model=BillImportOut,
             operation_id="import_bill", responses=IMPORT_RESPONSES,
             summary="Import a supplier's e-invoice (UBL, CII or Factur-X) as a draft bill")
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


__all__ = ["FORMAT_QUERY", "XML_RESPONSES", "EInvoiceFormat", "XMLResponse", "einvoice_response", "router",
           "xml_response"]
