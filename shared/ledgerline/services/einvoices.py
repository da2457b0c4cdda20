"""E-invoices (issue 17): a posted invoice or credit note as EN 16931 XML, and validating a file.

Rendering reads the document and the tenant in one round trip, then the customer, the tax codes its lines
name and the default bank account pointer in a second, and the bank account in a third (none without a
default: the tenant's `bank_details` then). The mapping from those records to the EN 16931 model
(`domain/einvoice/document.py`) is here; the table is `docs/einvoicing.md`.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from ledgerline.domain import einvoice
from ledgerline.domain.documents import InvalidState, InvoiceStatus
from ledgerline.domain.einvoice.document import (
    NEEDS_EXEMPTION_REASON,
    Address,
    AllowanceCharge,
    EInvoice,
    Line,
    Party,
    Payment,
    TaxCategory,
    line_price,
    single_line_discounts,
)
from ledgerline.domain.errors import FieldIssue, ValidationFailed
from ledgerline.domain.money import round_money
from ledgerline.store.banking import BankAccount, BankDefault
from ledgerline.store.documents import CreditNote, Invoice, PricedDocument
from ledgerline.store.parties import Party as PartyRecord
from ledgerline.store.tax_codes import TaxCode
from ledgerline.store.tenants import Tenant
from ledgerline.store.unit_of_work import UnitOfWork, open_unit

MAX_FILE_BYTES = 10 * 1024 * 1024


def invoice_xml(tenant_id: str, invoice_id: str, format_name: str) -> tuple[str, bytes]:
    """(number, XML) of a posted invoice in `format_name`; a draft is a 409, missing data a 422."""
    uow = open_unit(tenant_id)
    uow.prefetch([(Invoice, invoice_id)])
    invoice = uow.load(Invoice, invoice_id)
    if invoice.status == InvoiceStatus.DRAFT:
        raise InvalidState("A draft invoice has no e-invoice: post it first (drafts can still change)",
                           param="status", code="document_not_posted")
    return invoice.number or invoice.id, _render(uow, invoice, format_name)


def credit_note_xml(tenant_id: str, note_id: str, format_name: str) -> tuple[str, bytes]:
    """(number, XML) of a credit note (always posted) in `format_name`; missing data a 422."""
    uow = open_unit(tenant_id)
    uow.prefetch([(CreditNote, note_id)])
    note = uow.load(CreditNote, note_id)
    return note.number, _render(uow, note, format_name)


def invoice_facturx(tenant_id: str, invoice_id: str) -> tuple[str, bytes]:
    """(number, Factur-X PDF) of a posted invoice: its PDF (as `GET …/pdf` has it) with the CII XML (EN 16931)
    embedded as PDF/A-3. The XML comes first, so a draft (409) or missing data (422) renders no PDF."""
    from ledgerline.services import pdfs  # deferred: as in the PDF routes (cold start)

    number, xml = invoice_xml(tenant_id, invoice_id, "cii")
    return number, _facturx(pdfs.content(pdfs.invoice_pdf(tenant_id, invoice_id)), xml, f"Invoice {number}")


def credit_note_facturx(tenant_id: str, note_id: str) -> tuple[str, bytes]:
    """(number, Factur-X PDF) of a credit note: its PDF with the CII XML (type code 381) embedded."""
    from ledgerline.services import pdfs  # deferred: as in the PDF routes (cold start)

    number, xml = credit_note_xml(tenant_id, note_id, "cii")
    return number, _facturx(pdfs.content(pdfs.credit_note_pdf(tenant_id, note_id)), xml, f"Credit note {number}")


def _facturx(pdf: bytes, xml: bytes, title: str) -> bytes:
    from ledgerline.einvoice import facturx  # deferred: only the invoices and credit notes functions ship it

    return facturx.embed(pdf, xml, title=title)


def render_document(uow: UnitOfWork, document: Invoice | CreditNote, format_name: str) -> bytes:
    """The XML of a document already loaded on `uow` (e-invoice delivery, issue 17 item 6); missing data a 422."""
    return _render(uow, document, format_name)


def _render(uow: UnitOfWork, document: Invoice | CreditNote, format_name: str) -> bytes:
    tenant = uow.tenant()
    tax_ids = {line.tax_code_id for line in document.lines if line.tax_code_id}
    tax_ids |= {entry.get("tax_code_id") for entry in _entries(document) if entry.get("tax_code_id")}
    credited_id = document.invoice_id if isinstance(document, CreditNote) else None
    uow.prefetch([(PartyRecord, document.customer_id), *((TaxCode, each) for each in sorted(tax_ids)),
                  (BankDefault, BankDefault.ID), *([(Invoice, credited_id)] if credited_id else [])])
    party = uow.load(PartyRecord, document.customer_id)
    codes = {each: uow.find(TaxCode, each) for each in tax_ids}
    pointer = uow.find(BankDefault, BankDefault.ID)
    bank = uow.find(BankAccount, pointer.bank_account_id) if pointer is not None else None
    credited = uow.find(Invoice, credited_id) if credited_id else None
    model = build(document, tenant, party, codes, bank, credited)
    missing = einvoice.missing(model, format_name)
    if missing:
        raise ValidationFailed(
            f"The {document.NOUN} lacks data {format_name} requires: " + "; ".join(missing), param="format",
            details=[FieldIssue(term.split(" ", 1)[0], term) for term in missing])
    return einvoice.render(model, format_name)


def _entries(document: PricedDocument) -> list[dict[str, Any]]:
    return [*(document.allowances or []), *(document.charges or [])]


# ------------------------------------------------------------------------------- records → EN 16931


def category_of(code: TaxCode | None, rate: Decimal) -> TaxCategory:
    """A tax code's VAT category (BT-151): its `category` (issue 15), else S for a positive rate and Z for zero
    (a code deleted since: from the line's rate); with its exemption reason where the category needs one."""
    category = getattr(code, "category", None) or ("S" if rate > 0 else "Z")
    reason = getattr(code, "exemption_reason", None)
    reason_code = getattr(code, "exemption_reason_code", None)
    if category not in NEEDS_EXEMPTION_REASON:
        reason = reason_code = None
    return TaxCategory(category, Decimal(0) if category == "O" else Decimal(rate), reason, reason_code)


def _party(record: Any, *, vat_id: str | None, electronic_address: str | None, legal_id: str | None,
           email: str | None = None, contact_name: str | None = None, contact_phone: str | None = None) -> Party:
    address = record.address
    return Party(
        name=record.name,
        address=Address(
            street=getattr(address, "line1", None), additional_street=getattr(address, "line2", None),
            city=getattr(address, "city", None), postal_code=getattr(address, "postal_code", None),
            subdivision=getattr(address, "region", None), country=getattr(address, "country", None)),
        vat_id=vat_id, legal_registration_id=legal_id, electronic_address=electronic_address,
        contact_name=contact_name, contact_phone=contact_phone, contact_email=email)


def _seller(tenant: Tenant) -> Party:
    details = tenant.einvoicing
    tax_id = (tenant.tax_id or "").replace(" ", "")
    vat_id = getattr(details, "vat_id", None) or (tax_id if tax_id[:2].isalpha() else None)
    return _party(tenant, vat_id=vat_id, electronic_address=getattr(details, "electronic_address", None),
                  legal_id=getattr(details, "legal_registration_id", None), email=tenant.email,
                  contact_name=getattr(details, "contact_name", None) or tenant.name,
                  contact_phone=getattr(details, "contact_phone", None))


def _payment(tenant: Tenant, bank: BankAccount | None, remittance: str | None) -> Payment | None:
    iban = bank.iban if bank is not None else getattr(tenant.bank_details, "iban", None)
    if not iban:
        return None
    bic = bank.bic if bank is not None else getattr(tenant.bank_details, "bic", None)
    name = bank.name if bank is not None else getattr(tenant.bank_details, "account_name", None)
    return Payment(means_code="58" if _sepa(iban) else "30", iban=iban.replace(" ", ""), bic=bic or None,
                   account_name=name or None, remittance=remittance)


SEPA_COUNTRIES = frozenset(
    "AD AT BE BG CH CY CZ DE DK EE ES FI FR GB GI GR HR HU IE IS IT LI LT LU LV MC MT NL NO PL PT RO SE SI SK SM VA"
    .split())


def _sepa(iban: str) -> bool:
    return iban[:2].upper() in SEPA_COUNTRIES


def _allowance_charges(entries: Iterable[dict[str, Any]], codes: dict[str, TaxCode | None], *,
                       charge: bool) -> tuple[AllowanceCharge, ...]:
    result = []
    for entry in entries:
        code_id = entry.get("tax_code_id")
        tax = category_of(codes.get(code_id), Decimal(str(entry.get("rate") or 0))) if code_id else None
        result.append(AllowanceCharge(
            charge=charge, amount=Decimal(str(entry["net_amount"])),
            reason=entry.get("reason") or ("Charge" if charge else "Discount"), tax=tax))
    return tuple(result)


def _residuals(lines: list[Line], allowances: tuple[AllowanceCharge, ...], charges: tuple[AllowanceCharge, ...],
               taxable: dict[tuple[str, Decimal], Decimal], categories: dict[tuple[str, Decimal], TaxCategory]
               ) -> tuple[tuple[AllowanceCharge, ...], tuple[AllowanceCharge, ...]]:
    shown: dict[tuple[str, Decimal], Decimal] = {}
    entries = [(line.tax, line.net_amount) for line in lines]
    entries += [(entry.tax, -entry.amount) for entry in allowances] + [(entry.tax, entry.amount) for entry in charges]
    for tax, amount in entries:
        if tax is not None:
            shown[tax.key] = shown.get(tax.key, Decimal(0)) + amount
    extra_allowances, extra_charges = list(allowances), list(charges)
    for key, posted in taxable.items():
        difference = shown.get(key, Decimal(0)) - posted
        if difference > 0:
            extra_allowances.append(AllowanceCharge(False, difference, "Discount", categories[key]))
        elif difference < 0:
            extra_charges.append(AllowanceCharge(True, -difference, "Adjustment", categories[key]))
    return tuple(extra_allowances), tuple(extra_charges)


def build(document: Invoice | CreditNote, tenant: Tenant, party: PartyRecord, codes: dict[str, TaxCode | None],
          bank: BankAccount | None, credited: Invoice | None = None) -> EInvoice:
    """The EN 16931 model of a posted invoice or credit note (docs/einvoicing.md is this mapping)."""
    # BG-27: a discount position on exactly one item is that line's allowance (its amount is net only when
    # prices exclude tax); every other discount stays a document-level allowance of its category (_residuals)
    discounts = {} if getattr(document, "prices_include_tax", False) else \
        single_line_discounts(getattr(document, "positions", None))
    lines = []
    for index, line in enumerate(document.lines, start=1):
        tax = category_of(codes.get(line.tax_code_id), line.tax_rate) if line.tax_code_id else None
        quantity, price, base = line_price(line.net_amount, line.quantity)
        off = tuple(AllowanceCharge(False, amount, reason, None) for amount, reason in discounts.get(index - 1, []))
        taken = sum((entry.amount for entry in off), Decimal(0))
        if off and not Decimal(0) <= taken <= line.net_amount:
            off, taken = (), Decimal(0)
        lines.append(Line(id=str(index), name=line.description or "Item", quantity=quantity, net_price=price,
                          net_amount=line.net_amount - taken, tax=tax, base_quantity=base, allowances=off))
    tax_amounts: dict[tuple[str, Decimal], Decimal] = {}
    taxable: dict[tuple[str, Decimal], Decimal] = {}
    categories: dict[tuple[str, Decimal], TaxCategory] = {}
    for subtotal in document.tax_breakdown:
        category = category_of(codes.get(subtotal.tax_code_id), subtotal.rate)
        categories.setdefault(category.key, category)
        tax_amounts[category.key] = tax_amounts.get(category.key, Decimal(0)) + subtotal.tax_amount
        taxable[category.key] = taxable.get(category.key, Decimal(0)) + subtotal.taxable_amount
    allowances = _allowance_charges(document.allowances or [], codes, charge=False)
    charges = _allowance_charges(document.charges or [], codes, charge=True)
    # Discount positions (and rounding of shares) reduce what a category's lines are taxed on without being
    # allowances of their own: each category's difference to its posted taxable amount is a document-level
    # allowance (or charge) in that category, so BT-106 … BT-109 and BT-116 add up to what was posted.
    allowances, charges = _residuals(lines, allowances, charges, taxable, categories)
    credit_note = isinstance(document, CreditNote)
    foreign = document.currency != tenant.base_currency
    number = document.number or document.id
    buyer = _party(party, vat_id=party.vat_id, electronic_address=party.electronic_address,
                   legal_id=party.legal_registration_id, email=party.email)
    common: dict[str, Any] = dict(
        credit_note=credit_note, number=number, currency=document.currency, seller=_seller(tenant), buyer=buyer,
        lines=tuple(lines), tax_amounts=tax_amounts, tax_total=document.tax_total,
        rounding=document.rounding_adjustment, total=document.total,
        allowances=allowances, charges=charges,
        tax_currency=tenant.base_currency if foreign else None,
        tax_total_accounting=round_money(document.tax_total * document.exchange_rate, tenant.base_currency)
        if foreign else None)
    # BR-IC-11/12: an intra-community supply names where and when it was delivered (the buyer's country); a
    # credit note of one corrects the credited invoice's supply, so it names that invoice's date
    intra_community = any(line.tax is not None and line.tax.code == "K" for line in lines)
    delivery_address = buyer.address if intra_community else None
    if isinstance(document, CreditNote):
        # BT-10 and BT-13 are the credited invoice's (Peppol wants one of them on the credit note too)
        supplied = (credited.supply_date or credited.issue_date) if credited else None
        return EInvoice(issue_date=document.date, note=document.reason, preceding_invoice=document.invoice_number,
                        preceding_invoice_date=credited.issue_date if credited else None,
                        payment_terms=f"Credit for invoice {document.invoice_number}",
                        payment=_payment(tenant, bank, number),
                        buyer_reference=(credited.buyer_reference if credited else None) or party.leitweg_id,
                        order_reference=credited.order_reference if credited else None,
                        delivery_date=supplied if intra_community else None, delivery_address=delivery_address,
                        **common)
    reference = getattr(document, "payment_reference", None) or number
    # BT-113: what receipts (or customer credit and prepayments applied through them) have paid on it so far, so
    # BT-115 is what is still to pay; credit notes are documents of their own and are not counted here
    return EInvoice(issue_date=document.issue_date, due_date=document.due_date, note=document.notes,
                    buyer_reference=document.buyer_reference, order_reference=document.order_reference,
                    delivery_date=document.supply_date, delivery_address=delivery_address,
                    period_start=document.period_start, period_end=document.period_end,
                    payment=_payment(tenant, bank, reference), prepaid=prepaid_of(document), **common)


def prepaid_of(invoice: Invoice) -> Decimal:
    """BT-113 of an invoice: the amount paid on it (never more than its total, never below zero)."""
    paid = Decimal(invoice.amount_paid or 0)
    return min(max(paid, Decimal(0)), max(Decimal(invoice.total), Decimal(0)))


# ------------------------------------------------------------------------------------- validation


def validate_file(content: bytes, rules: str) -> dict[str, Any]:
    """The failed rules of an uploaded e-invoice: {valid, syntax, rules, failures: [{id, severity, location,
    text, rule_set}]}; a file that is not UBL or CII XML is a 422 on `file`."""
    from ledgerline.einvoice import validation  # deferred: only the e-invoices function ships saxonche

    if len(content) > MAX_FILE_BYTES:
        raise ValidationFailed("file: larger than 10 MB", param="file", details=[FieldIssue("file", "too large")])
    try:
        syntax = validation.syntax_of(content)
        failures = validation.validate(content, rules)
    except validation.NotAnEInvoice as exc:
        raise ValidationFailed(f"file: {exc}", param="file", details=[FieldIssue("file", str(exc))]) from exc
    shown = [{"id": f["id"], "severity": f["flag"], "location": f["location"], "text": f["text"],
              "rule_set": f["rule_set"]} for f in failures]
    return {"object": "einvoice_validation", "valid": not validation.blocking(failures), "syntax": syntax,
            "rules": rules, "failures": shown}
