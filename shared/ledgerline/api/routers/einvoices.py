"""E-invoices (issue 17): invoices and credit notes as e-invoices (and their delivery), validating a file against
the official rule sets, and importing a supplier's e-invoice as a draft bill (`POST /v1/bills/import`; API
Gateway routes the literal path before `/v1/bills/{id}`). One function serves them all (EInvoicesFunction), the
only API function that carries lxml, factur-x and the validators' saxonche, so the invoices, credit notes and
bills functions stay small (issue 13)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, Response, UploadFile

from ledgerline.api import einvoice_delivery
from ledgerline.api.auth import require
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.files import MAX_FILE_BYTES
from ledgerline.schemas.bill_imports import BillImportOut
from ledgerline.schemas.einvoice_delivery import EInvoiceSendRequest, EInvoiceSubmissionOut
from ledgerline.schemas.einvoices import EInvoiceFormat, EInvoiceRules, EInvoiceValidationOut
from ledgerline.schemas.errors import NON_JSON_ROUTE_ERRORS

router = APIRouter()  # full paths and a tag per route: its routes are under four resources
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
INVOICE_ID_PATH = Path(description="The invoice's id")

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


@router.post("/v1/einvoices/validate", tags=["einvoices"], response_model=EInvoiceValidationOut,
             operation_id="validate_einvoice",
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


@router.get("/v1/invoices/{id}/einvoice", tags=["invoices"], response_model=None, response_class=XMLResponse,
            responses=XML_RESPONSES, operation_id="get_invoice_einvoice",
            summary="The posted invoice as an e-invoice (Peppol, EN 16931 UBL or CII, XRechnung); 409 for a draft")
def invoice_einvoice(format: EInvoiceFormat = FORMAT_QUERY, id: str = INVOICE_ID_PATH,
                     principal: Principal = Depends(require("invoices:read"))) -> Response:
    """The invoice as XML in the chosen format (issue 17), built from the invoice, its customer, the tenant, its
    tax codes and the default bank account (IBAN/BIC). Data the format needs and the records lack (the buyer's
    electronic address for Peppol, an exemption reason for a 0 % category, ...) is a 422 listing each missing
    business term (`BT-49 buyer electronic address`), before anything is generated. A draft is a 409.
    `format=facturx` answers the invoice's PDF with the CII XML (EN 16931) embedded (PDF/A-3, Factur-X)."""
    from ledgerline.services import einvoices  # deferred: lxml and the model load on the first document

    if format == "facturx":
        number, content = einvoices.invoice_facturx(principal.tenant_id, id)
    else:
        number, content = einvoices.invoice_xml(principal.tenant_id, id, format)
    return einvoice_response(number, format, content)


@router.get("/v1/credit-notes/{id}/einvoice", tags=["credit notes"], response_model=None,
            response_class=XMLResponse, responses=XML_RESPONSES, operation_id="get_credit_note_einvoice",
            summary="The credit note as an e-invoice: UBL CreditNote (Peppol, EN 16931, XRechnung) or CII 381")
def credit_note_einvoice(format: EInvoiceFormat = FORMAT_QUERY,
                         id: str = Path(description="The credit note's id"),
                         principal: Principal = Depends(require("credit-notes:read"))) -> Response:
    """The credit note as XML in the chosen format (issue 17), referring to its invoice (BT-25); missing data
    is a 422 listing each business term. `format=facturx` answers its PDF with the CII XML embedded."""
    from ledgerline.services import einvoices  # deferred: lxml and the model load on the first document

    if format == "facturx":
        number, content = einvoices.credit_note_facturx(principal.tenant_id, id)
    else:
        number, content = einvoices.credit_note_xml(principal.tenant_id, id, format)
    return einvoice_response(number, format, content)


# ------------------------------------------------------------------ delivery (issue 17, item 6)

INVOICES_READ, INVOICES_WRITE = require("invoices:read"), require("invoices:write")
NOTES_READ, NOTES_WRITE = require("credit-notes:read"), require("credit-notes:write")
NOTE_ID_PATH = Path(description="The credit note's id")


@router.post("/v1/invoices/{id}/einvoice/send", tags=["invoices"], status_code=202,
             response_model=EInvoiceSubmissionOut, responses=einvoice_delivery.QUEUED_RESPONSES,
             operation_id="send_invoice_einvoice",
             summary="Deliver the posted invoice as an e-invoice, by Peppol or email (202: queued)",
             description=einvoice_delivery.SEND_DESCRIPTION)
def send_invoice_einvoice(body: EInvoiceSendRequest, id: str = INVOICE_ID_PATH,
                          idempotency_key: str | None = IdempotencyKeyHeader,
                          principal: Principal = Depends(INVOICES_WRITE)) -> Any:
    return einvoice_delivery.send(principal.tenant_id, "invoice", id, body, idempotency_key)


@router.get("/v1/invoices/{id}/einvoice/submissions", tags=["invoices"],
            response_model=ListResponse[EInvoiceSubmissionOut], operation_id="list_invoice_einvoice_submissions",
            summary="The e-invoice submissions of the invoice", description=einvoice_delivery.SUBMISSIONS_DESCRIPTION)
def invoice_einvoice_submissions(id: str = INVOICE_ID_PATH, page: PageRequest = Depends(),
                                 principal: Principal = Depends(INVOICES_READ)) -> Any:
    return einvoice_delivery.listed(principal.tenant_id, "invoice", id, page)


@router.post("/v1/credit-notes/{id}/einvoice/send", tags=["credit notes"], status_code=202,
             response_model=EInvoiceSubmissionOut, responses=einvoice_delivery.QUEUED_RESPONSES,
             operation_id="send_credit_note_einvoice",
             summary="Deliver the posted credit note as an e-invoice, by Peppol or email (202: queued)",
             description=einvoice_delivery.SEND_DESCRIPTION)
def send_credit_note_einvoice(body: EInvoiceSendRequest, id: str = NOTE_ID_PATH,
                              idempotency_key: str | None = IdempotencyKeyHeader,
                              principal: Principal = Depends(NOTES_WRITE)) -> Any:
    return einvoice_delivery.send(principal.tenant_id, "credit_note", id, body, idempotency_key)


@router.get("/v1/credit-notes/{id}/einvoice/submissions", tags=["credit notes"],
            response_model=ListResponse[EInvoiceSubmissionOut], operation_id="list_credit_note_einvoice_submissions",
            summary="The e-invoice submissions of the credit note",
            description=einvoice_delivery.SUBMISSIONS_DESCRIPTION)
def credit_note_einvoice_submissions(id: str = NOTE_ID_PATH, page: PageRequest = Depends(),
                                     principal: Principal = Depends(NOTES_READ)) -> Any:
    return einvoice_delivery.listed(principal.tenant_id, "credit_note", id, page)


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
