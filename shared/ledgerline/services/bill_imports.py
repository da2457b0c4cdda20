"""Receiving e-invoices (issue 17 item 5): `POST /v1/bills/import` turns a supplier's UBL, CII or Factur-X
file into a draft bill.

1. The file: at most 10 MB; a PDF must carry its XML (Factur-X / ZUGFeRD, read with the `factur-x` library).
2. Validated with the official rules (`einvoice/validation`, as `POST /v1/einvoices/validate`): EN 16931
   always, Peppol BIS when BT-24 names Peppol, XRechnung when it names XRechnung. A fatal finding is a 422
   listing each finding (id, severity, location, text); nothing is written.
3. Read into the output's business-term model (`domain/einvoice` `ubl.parse` / `cii.parse`), then mapped to a
   bill (`domain/einvoice/receiving.py`): supplier by electronic address, VAT id, else legal id (created as a
   supplier when unknown), lines with the tenant's purchase tax codes of each category and rate (none: 422
   naming them), the tenant's default expense account (6000).
4. ONE transaction: the supplier (when new), the file record (bytes in the blob store, area `files`, first),
   the draft bill (`bills.stage_draft`, which claims the supplier reference: a second import of the same
   invoice is a 409 naming the bill) and a guard item holding the file's SHA-256 (the same file again: 409
   naming the bill), with their events and the Idempotency-Key's record.
5. The bill is priced by Ledgerline; where its totals differ from the document's (BT-109, BT-110, BT-112) the
   response lists `import_warnings`, and the bill stays a draft to be checked.

A UBL CreditNote or CII 381 is refused (422 `einvoice_credit_note`): a supplier credit note is recorded
against a posted bill and posts at once (`POST /v1/supplier-credit-notes`), so there is no draft to make.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ledgerline.clock import utc_now
from ledgerline.domain import einvoice
from ledgerline.domain import files as file_rules
from ledgerline.domain.einvoice import identifiers, receiving
from ledgerline.domain.einvoice.document import Received
from ledgerline.domain.einvoice.reading import UnreadableEInvoice
from ledgerline.domain.errors import AlreadyExists, FieldIssue, ValidationFailed
from ledgerline.domain.events import MASTER_DATA_EVENTS
from ledgerline.ids import new_id
from ledgerline.schemas.bills import BillOut
from ledgerline.schemas.parties import PartyOut
from ledgerline.services import bills as bill_service
from ledgerline.services import files
from ledgerline.services.idempotency import once
from ledgerline.services.retry import retrying
from ledgerline.store import bills as bill_store
from ledgerline.store.accounts import Account
from ledgerline.store.codes import CodeGuard
from ledgerline.store.events import snapshot
from ledgerline.store.files import UploadedFile
from ledgerline.store.parties import Address, Party
from ledgerline.store.tax_codes import TaxCode
from ledgerline.store.unit_of_work import UnitOfWork, open_unit

XML_FILE = file_rules.FileType("application/xml", "xml", b"<")
PURCHASE_DIRECTIONS = ("purchases", "both")
DEFAULT_EXPENSE_ACCOUNT = "6000"  # the default chart's "Operating expenses"


def _invalid(message: str, details: list[FieldIssue] | None = None, code: str | None = None) -> ValidationFailed:
    return ValidationFailed(f"file: {message}", param="file", code=code,
                            details=details or [FieldIssue("file", message)])


def read_file(content: bytes) -> tuple[bytes, file_rules.FileType]:
    """(the e-invoice XML, the type of the file to keep): XML as sent, or the XML a Factur-X PDF embeds."""
    file_rules.check_size(len(content))
    if content.startswith(b"%PDF-"):
        from ledgerline.einvoice import facturx  # deferred: FacturXLayer

        try:
            xml = facturx.extract(content)
        except ValueError as exc:
            raise _invalid(str(exc)) from exc
        if xml is None:
            raise _invalid("the PDF carries no e-invoice XML (a Factur-X / ZUGFeRD PDF embeds factur-x.xml)")
        return xml, file_rules.ACCEPTED[0]
    if not content.lstrip()[:1] == b"<":
        raise _invalid("neither e-invoice XML (UBL 2.1, CII D16B) nor a Factur-X PDF")
    return content, XML_FILE


def check(xml: bytes) -> Received:
    """The file validated with the rules its BT-24 claims, then read into the model; 422 otherwise."""
    from ledgerline.einvoice import validation  # deferred: only the e-invoices function ships saxonche

    try:
        syntax = validation.syntax_of(xml)
        if validation.DOCTYPE.search(xml):  # refused before anything parses it (XXE), as the validators do
            raise validation.NotAnEInvoice("a DOCTYPE is not allowed in an e-invoice")
        unreadable: UnreadableEInvoice | None = None
        try:
            received: Received | None = einvoice.parse(xml, syntax)
        except UnreadableEInvoice as exc:
            received, unreadable = None, exc  # the validators say why, below; else the parser does
        rules = received.rules if received is not None else "en16931"
        failures = validation.blocking(validation.validate(xml, rules))
    except validation.NotAnEInvoice as exc:
        raise _invalid(str(exc)) from exc
    if failures:
        details = [FieldIssue("file", f"{f['id']} ({f['flag']}): {f['text']}",
                              extra={"id": f["id"], "severity": f["flag"], "location": f["location"],
                                     "text": f["text"], "rule_set": f["rule_set"]}) for f in failures]
        raise _invalid(f"the e-invoice fails {len(failures)} rule(s) of {rules}: "
                       + "; ".join(f"{f['id']}" for f in failures[:10]), details, code="einvoice_invalid")
    if received is None:
        raise _invalid(str(unreadable)) from unreadable
    if received.document.credit_note:
        raise _invalid("a credit note (UBL CreditNote or type code 381) is not imported as a bill: record it "
                       "against the posted bill with POST /v1/supplier-credit-notes", code="einvoice_credit_note")
    total = received.stated.tax_inclusive if received.stated.tax_inclusive is not None else \
        received.document.tax_inclusive
    if total < 0:
        raise _invalid(f"a negative invoice (BT-112 is {total:f}: a correction) is a credit, not a bill: record "
                       "it against the posted bill it corrects with POST /v1/supplier-credit-notes",
                       code="einvoice_credit_note")
    return received


def import_bill(tenant_id: str, content: bytes, filename: str | None,
                idempotency_key: str | None = None) -> dict[str, Any]:
    """`POST /v1/bills/import`: the draft bill of a supplier's e-invoice (see the module's docstring)."""
    xml, kind = read_file(content)
    received = check(xml)
    sha256 = hashlib.sha256(content).hexdigest()
    name = file_rules.safe_filename(filename, kind)
    return once(tenant_id, idempotency_key, "import_bill", {"sha256": sha256},
                lambda: retrying(lambda: _import(tenant_id, content, kind, sha256, name, received)), in_unit=True)


def _import(tenant_id: str, content: bytes, kind: file_rules.FileType, sha256: str, name: str,
            received: Received) -> dict[str, Any]:
    document = received.document
    uow = open_unit(tenant_id)
    guard = bill_store.einvoice_guard(tenant_id, sha256)
    uow.prefetch(at=[(guard.pk, guard.sk)])
    holder = uow.find_at(CodeGuard, (guard.pk, guard.sk))
    if holder is not None:
        raise AlreadyExists(f"file: this e-invoice is imported already as bill {holder.target_id}", param="file",
                            code="duplicate_einvoice")
    warnings: list[dict[str, Any]] = []
    now = utc_now()
    known = [receiving.KnownParty(p.id, p.electronic_address, p.vat_id, p.legal_registration_id)
             for p in uow.tenant_records(Party) if p.kind in ("supplier", "both") and not p.archived]
    supplier_id = receiving.match_supplier(document.seller, known)
    new_party = None
    if supplier_id is None:
        new_party = _new_supplier(tenant_id, document, now, warnings)
        uow.create(new_party)
        supplier_id = new_party.id
    codes = [receiving.PurchaseCode(code.id, code.category_or_default, code.rate)
             for code in uow.tenant_records(TaxCode) if code.active and not code.archived
             and code.direction_or_default in PURCHASE_DIRECTIONS and code.valid_on(document.issue_date)]
    lines, issues = receiving.bill_lines(document, codes, _expense_account(uow))
    if issues:
        raise ValidationFailed(f"file: {issues[0].field}: {issues[0].message}", param="file",
                               code="einvoice_tax_code_missing", details=issues)
    file_id = new_id("file")
    key = files._blobs().blob_key(tenant_id, files.AREA, file_id, sha256, kind.extension)
    file = UploadedFile(id=file_id, tenant_id=tenant_id, filename=name, content_type=kind.content_type,
                        size=len(content), sha256=sha256, purpose="einvoice", blob_key=key, attached_to=[],
                        created_at=now, updated_at=now)
    uow.create(file)
    if document.due_date is not None and document.due_date < document.issue_date:
        warnings.append({"term": "BT-9", "message": f"BT-9 payment due date {document.due_date} is before the issue "
                                                    f"date {document.issue_date}: the supplier's payment terms apply",
                         "stated": document.due_date.isoformat(), "computed": ""})
    fields: dict[str, Any] = {
        "supplier_id": supplier_id, "supplier_reference": document.number[:100], "bill_date": document.issue_date,
        "due_date": document.due_date if document.due_date and document.due_date >= document.issue_date else None,
        "currency": document.currency, "notes": document.note[:2000] if document.note else None, "lines": lines,
        "attachment_ids": [file_id], "buyer_reference": document.buyer_reference,
        "order_reference": document.order_reference}
    bill = bill_service.stage_draft(uow, fields, party=new_party)
    bill.einvoice_sha256 = sha256
    file.attached_to = [bill.id]
    uow.create(bill_store.einvoice_guard(tenant_id, sha256, bill.id))
    for warning in receiving.total_warnings(received.stated, subtotal=bill.subtotal, tax_total=bill.tax_total,
                                            total=bill.total):
        warnings.append({"term": warning.term, "message": warning.message, "stated": f"{warning.stated:f}",
                         "computed": f"{warning.computed:f}"})
    if new_party is not None:
        uow.record_event(MASTER_DATA_EVENTS["party"]["created"], new_party, PartyOut)
    result = {"object": "bill_import", "bill": snapshot(BillOut, bill), "file_id": file_id,
              "supplier_created": new_party is not None, "syntax": received.syntax, "rules": received.rules,
              "import_warnings": warnings}
    uow.respond_data(result)
    files._blobs().blob_store(files.AREA).put(key, content, kind.content_type)
    uow.commit()
    return result


def _expense_account(uow: UnitOfWork) -> str:
    account = uow.find_by_code(Account, DEFAULT_EXPENSE_ACCOUNT)
    if account is None or account.archived:
        raise ValidationFailed(f"file: the tenant has no default expense account ({DEFAULT_EXPENSE_ACCOUNT}) for "
                               "the imported lines", param="file", code="einvoice_expense_account_missing")
    return account.id


def _new_supplier(tenant_id: str, document: einvoice.EInvoice, now: Any, warnings: list[dict[str, Any]]) -> Party:
    """The seller as a new supplier party: name, address, VAT id (checked: one that fails its country's check
    is not stored, and a warning says so), legal id, electronic address, contact email."""
    seller = document.seller
    vat_id = None
    if seller.vat_id:
        try:
            vat_id = identifiers.vat_id(seller.vat_id)
        except ValueError as exc:
            warnings.append({"term": "BT-31", "message": f"BT-31 seller VAT identifier '{seller.vat_id}' {exc}: not "
                                                         "stored on the new supplier", "stated": seller.vat_id,
                             "computed": ""})
    address = seller.address
    electronic = seller.electronic_address
    if electronic:
        try:
            electronic = identifiers.electronic_address(electronic)
        except ValueError:
            electronic = None
    return Party(id=new_id("pty"), tenant_id=tenant_id, name=(seller.name or "Supplier")[:200], kind="supplier",
                 email=seller.contact_email if seller.contact_email and "@" in seller.contact_email else None,
                 address=Address(line1=address.street, line2=address.additional_street, city=address.city,
                                 region=address.subdivision, postal_code=address.postal_code,
                                 country=address.country),
                 currency=document.currency, vat_id=vat_id, electronic_address=electronic,
                 legal_registration_id=seller.legal_registration_id, archived=False, created_at=now, updated_at=now)


__all__ = ["check", "import_bill", "read_file"]
