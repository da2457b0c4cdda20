"""UBL 2.1 Invoice / CreditNote (EN 16931, Peppol BIS Billing 3.0, XRechnung UBL), built with lxml."""

from __future__ import annotations

import re
from decimal import Decimal

from lxml import etree

from ledgerline.domain.einvoice.document import (
    Address,
    AllowanceCharge,
    EInvoice,
    Format,
    Line,
    Party,
    Payment,
    Received,
    StatedTotals,
    TaxCategory,
)
from ledgerline.domain.einvoice.reading import Reader, UnreadableEInvoice, iso_date, root_of

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


# Characters XML 1.0 cannot carry (control characters but tab, newline and carriage return): dropped from text
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: object) -> str:
    return NOT_XML.sub("", str(value))


def amount_text(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):f}"


def number_text(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text if text != "-0" else "0"


class _Builder:
    def __init__(self, currency: str) -> None:
        self.currency = currency

    def cbc(self, parent: etree._Element, name: str, text: object = None, **attrs: str) -> etree._Element:
        element = etree.SubElement(parent, f"{{{CBC}}}{name}", attrs)
        if text is not None:
            element.text = xml_text(text)
        return element

    def cac(self, parent: etree._Element, name: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{CAC}}}{name}")

    def money(self, parent: etree._Element, name: str, value: Decimal, currency: str | None = None) -> None:
        self.cbc(parent, name, amount_text(value), currencyID=currency or self.currency)

    def tax_category(self, parent: etree._Element, name: str, tax: TaxCategory, *, reasons: bool) -> None:
        category = self.cac(parent, name)
        self.cbc(category, "ID", tax.code)
        if tax.code != "O":
            self.cbc(category, "Percent", number_text(tax.rate))
        if reasons and tax.exemption_reason_code:
            self.cbc(category, "TaxExemptionReasonCode", tax.exemption_reason_code)
        if reasons and tax.exemption_reason:
            self.cbc(category, "TaxExemptionReason", tax.exemption_reason)
        self.cbc(self.cac(category, "TaxScheme"), "ID", "VAT")

    def party(self, parent: etree._Element, name: str, party: Party, *, seller: bool) -> None:
        wrapper = self.cac(self.cac(parent, name), "Party")
        endpoint = party.endpoint
        if endpoint is not None:
            self.cbc(wrapper, "EndpointID", endpoint[1], schemeID=endpoint[0])
        self.cbc(self.cac(wrapper, "PartyName"), "Name", party.name)
        self.address(wrapper, "PostalAddress", party.address)
        if party.vat_id:
            scheme = self.cac(wrapper, "PartyTaxScheme")
            self.cbc(scheme, "CompanyID", party.vat_id)
            self.cbc(self.cac(scheme, "TaxScheme"), "ID", "VAT")
        legal = self.cac(wrapper, "PartyLegalEntity")
        self.cbc(legal, "RegistrationName", party.name)
        if party.legal_registration_id:
            self.cbc(legal, "CompanyID", party.legal_registration_id)
        if party.contact_name or party.contact_phone or party.contact_email:
            contact = self.cac(wrapper, "Contact")
            for tag, value in (("Name", party.contact_name), ("Telephone", party.contact_phone),
                               ("ElectronicMail", party.contact_email)):
                if value:
                    self.cbc(contact, tag, value)

    def address(self, parent: etree._Element, name: str, where: Address) -> None:
        address = self.cac(parent, name)
        for tag, value in (("StreetName", where.street), ("AdditionalStreetName", where.additional_street),
                           ("CityName", where.city), ("PostalZone", where.postal_code),
                           ("CountrySubentity", where.subdivision)):
            if value:
                self.cbc(address, tag, value)
        self.cbc(self.cac(address, "Country"), "IdentificationCode", where.country or "")

    def allowance_charge(self, parent: etree._Element, entry: AllowanceCharge) -> None:
        element = self.cac(parent, "AllowanceCharge")
        self.cbc(element, "ChargeIndicator", "true" if entry.charge else "false")
        self.cbc(element, "AllowanceChargeReason", entry.reason)
        if entry.percent is not None and entry.base_amount is not None:
            self.cbc(element, "MultiplierFactorNumeric", number_text(entry.percent))
        self.money(element, "Amount", entry.amount)
        if entry.percent is not None and entry.base_amount is not None:
            self.money(element, "BaseAmount", entry.base_amount)
        if entry.tax is not None:
            self.tax_category(element, "TaxCategory", entry.tax, reasons=False)


def serialize(document: EInvoice, fmt: Format) -> bytes:
    root_ns, root_name = (NS_CREDIT_NOTE, "CreditNote") if document.credit_note else (NS_INVOICE, "Invoice")
    root = etree.Element(f"{{{root_ns}}}{root_name}", nsmap={None: root_ns, "cac": CAC, "cbc": CBC})
    b = _Builder(document.currency)
    b.cbc(root, "CustomizationID", fmt.customization)
    if fmt.profile:
        b.cbc(root, "ProfileID", fmt.profile)
    b.cbc(root, "ID", document.number)
    b.cbc(root, "IssueDate", document.issue_date.isoformat())
    if document.due_date is not None and not document.credit_note:
        b.cbc(root, "DueDate", document.due_date.isoformat())
    b.cbc(root, "CreditNoteTypeCode" if document.credit_note else "InvoiceTypeCode",
          "381" if document.credit_note else "380")
    if document.note:
        b.cbc(root, "Note", document.note)
    b.cbc(root, "DocumentCurrencyCode", document.currency)
    if document.tax_currency:
        b.cbc(root, "TaxCurrencyCode", document.tax_currency)
    if document.buyer_reference:
        b.cbc(root, "BuyerReference", document.buyer_reference)
    if document.period_start is not None or document.period_end is not None:
        period = b.cac(root, "InvoicePeriod")  # BG-14
        if document.period_start is not None:
            b.cbc(period, "StartDate", document.period_start.isoformat())
        if document.period_end is not None:
            b.cbc(period, "EndDate", document.period_end.isoformat())
    if document.order_reference:
        b.cbc(b.cac(root, "OrderReference"), "ID", document.order_reference)
    if document.preceding_invoice:
        reference = b.cac(b.cac(root, "BillingReference"), "InvoiceDocumentReference")
        b.cbc(reference, "ID", document.preceding_invoice)
        if document.preceding_invoice_date is not None:
            b.cbc(reference, "IssueDate", document.preceding_invoice_date.isoformat())
    b.party(root, "AccountingSupplierParty", document.seller, seller=True)
    b.party(root, "AccountingCustomerParty", document.buyer, seller=False)
    if document.delivery_date is not None or document.delivery_address is not None:
        delivery = b.cac(root, "Delivery")
        if document.delivery_date is not None:
            b.cbc(delivery, "ActualDeliveryDate", document.delivery_date.isoformat())
        if document.delivery_address is not None:
            b.address(b.cac(delivery, "DeliveryLocation"), "Address", document.delivery_address)
    if document.payment is not None:
        means = b.cac(root, "PaymentMeans")
        b.cbc(means, "PaymentMeansCode", document.payment.means_code)
        if document.payment.remittance:
            b.cbc(means, "PaymentID", document.payment.remittance)
        if document.payment.iban:
            account = b.cac(means, "PayeeFinancialAccount")
            b.cbc(account, "ID", document.payment.iban)
            if document.payment.account_name:
                b.cbc(account, "Name", document.payment.account_name)
            if document.payment.bic:
                b.cbc(b.cac(account, "FinancialInstitutionBranch"), "ID", document.payment.bic)
    if document.payment_terms:
        b.cbc(b.cac(root, "PaymentTerms"), "Note", document.payment_terms)
    for entry in (*document.allowances, *document.charges):
        b.allowance_charge(root, entry)
    tax_total = b.cac(root, "TaxTotal")
    b.money(tax_total, "TaxAmount", document.tax_total)
    for group in document.tax_groups():
        subtotal = b.cac(tax_total, "TaxSubtotal")
        b.money(subtotal, "TaxableAmount", group.taxable_amount)
        b.money(subtotal, "TaxAmount", group.tax_amount)
        b.tax_category(subtotal, "TaxCategory", group.category, reasons=True)
    if document.tax_currency and document.tax_total_accounting is not None:
        b.money(b.cac(root, "TaxTotal"), "TaxAmount", document.tax_total_accounting, document.tax_currency)
    totals = b.cac(root, "LegalMonetaryTotal")
    b.money(totals, "LineExtensionAmount", document.line_total)
    b.money(totals, "TaxExclusiveAmount", document.tax_exclusive)
    b.money(totals, "TaxInclusiveAmount", document.tax_inclusive)
    if document.allowances:
        b.money(totals, "AllowanceTotalAmount", document.allowance_total)
    if document.charges:
        b.money(totals, "ChargeTotalAmount", document.charge_total)
    if document.prepaid:
        b.money(totals, "PrepaidAmount", document.prepaid)
    if document.rounding:
        b.money(totals, "PayableRoundingAmount", document.rounding)
    b.money(totals, "PayableAmount", document.payable)
    line_name, quantity_name = ("CreditNoteLine", "CreditedQuantity") if document.credit_note else \
        ("InvoiceLine", "InvoicedQuantity")
    for line in document.lines:
        element = b.cac(root, line_name)
        b.cbc(element, "ID", line.id)
        b.cbc(element, quantity_name, number_text(line.quantity), unitCode=line.unit_code)
        b.money(element, "LineExtensionAmount", line.net_amount)
        for entry in line.allowances:  # BG-27 / BG-28
            allowance = b.cac(element, "AllowanceCharge")
            b.cbc(allowance, "ChargeIndicator", "true" if entry.charge else "false")
            b.cbc(allowance, "AllowanceChargeReason", entry.reason)
            b.money(allowance, "Amount", entry.amount)
        item = b.cac(element, "Item")
        b.cbc(item, "Name", line.name)
        if line.tax is not None:
            b.tax_category(item, "ClassifiedTaxCategory", line.tax, reasons=False)
        price = b.cac(element, "Price")
        b.cbc(price, "PriceAmount", number_text(line.net_price), currencyID=document.currency)
        if line.base_quantity != 1:
            b.cbc(price, "BaseQuantity", number_text(line.base_quantity), unitCode=line.unit_code)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# -- reading (issue 17 item 5): the same business terms, the other way -------------------------------------


def parse(xml: bytes) -> Received:
    """A UBL 2.1 Invoice or CreditNote read into the model (each XPath is the one `serialize` writes).
    UnreadableEInvoice when a term the bill needs is missing."""
    root = root_of(xml)
    local = etree.QName(root).localname
    if local not in ("Invoice", "CreditNote"):
        raise UnreadableEInvoice(f"a UBL {local} is not an invoice or a credit note")
    r = Reader({"cac": CAC, "cbc": CBC})
    credit_note = local == "CreditNote" or r.text(root, "cbc:InvoiceTypeCode") == "381"
    currency = r.required(root, "cbc:DocumentCurrencyCode", "BT-5 invoice currency code")
    prefix = "CreditNote" if local == "CreditNote" else "Invoice"
    quantity_name = "CreditedQuantity" if local == "CreditNote" else "InvoicedQuantity"

    def tax_of(at: etree._Element | None) -> TaxCategory | None:
        if at is None or r.text(at, "cbc:ID") is None:
            return None
        code = r.text(at, "cbc:ID") or ""
        return TaxCategory(code, r.decimal(at, "cbc:Percent", "BT-152 VAT rate") or Decimal(0),
                           r.text(at, "cbc:TaxExemptionReason"), r.text(at, "cbc:TaxExemptionReasonCode"))

    def party(path: str) -> Party:
        at = r.node(root, path)
        if at is None:
            raise UnreadableEInvoice(f"{path.split(':')[-1].split('/')[0]} is missing")
        scheme = r.text(at, "cbc:EndpointID/@schemeID")
        endpoint = r.text(at, "cbc:EndpointID")
        address = r.node(at, "cac:PostalAddress")
        return Party(
            name=r.text(at, "cac:PartyLegalEntity/cbc:RegistrationName") or r.text(at, "cac:PartyName/cbc:Name")
            or "",
            address=Address() if address is None else Address(
                street=r.text(address, "cbc:StreetName"), additional_street=r.text(address, "cbc:AdditionalStreetName"),
                city=r.text(address, "cbc:CityName"), postal_code=r.text(address, "cbc:PostalZone"),
                subdivision=r.text(address, "cbc:CountrySubentity"),
                country=r.text(address, "cac:Country/cbc:IdentificationCode")),
            vat_id=r.text(at, "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID"),
            legal_registration_id=r.text(at, "cac:PartyLegalEntity/cbc:CompanyID"),
            electronic_address=f"{scheme}:{endpoint}" if scheme and endpoint else None,
            contact_name=r.text(at, "cac:Contact/cbc:Name"), contact_phone=r.text(at, "cac:Contact/cbc:Telephone"),
            contact_email=r.text(at, "cac:Contact/cbc:ElectronicMail"))

    def line_allowance(at: etree._Element) -> AllowanceCharge:  # BG-27 / BG-28
        charge = r.text(at, "cbc:ChargeIndicator") == "true"
        return AllowanceCharge(charge=charge, amount=r.decimal(at, "cbc:Amount", "BT-136 line allowance amount")
                               or Decimal(0), reason=r.text(at, "cbc:AllowanceChargeReason")
                               or ("Charge" if charge else "Discount"), tax=None)

    lines = []
    for element in r.nodes(root, f"cac:{prefix}Line"):
        quantity = r.decimal(element, f"cbc:{quantity_name}", "BT-129 invoiced quantity")
        lines.append(Line(
            id=r.text(element, "cbc:ID") or str(len(lines) + 1),
            name=r.text(element, "cac:Item/cbc:Name") or "Item",
            quantity=Decimal(1) if quantity is None else quantity,
            net_price=r.decimal(element, "cac:Price/cbc:PriceAmount", "BT-146 item net price") or Decimal(0),
            net_amount=r.decimal(element, "cbc:LineExtensionAmount", "BT-131 invoice line net amount")
            or Decimal(0),
            tax=tax_of(r.node(element, "cac:Item/cac:ClassifiedTaxCategory")),
            unit_code=r.text(element, f"cbc:{quantity_name}/@unitCode") or "C62",
            base_quantity=r.decimal(element, "cac:Price/cbc:BaseQuantity", "BT-149 base quantity") or Decimal(1),
            allowances=tuple(line_allowance(each) for each in r.nodes(element, "cac:AllowanceCharge"))))
    allowances, charges = [], []
    for element in r.nodes(root, "cac:AllowanceCharge"):
        charge = r.text(element, "cbc:ChargeIndicator") == "true"
        entry = AllowanceCharge(
            charge=charge, amount=r.decimal(element, "cbc:Amount", "BT-92 allowance amount") or Decimal(0),
            reason=r.text(element, "cbc:AllowanceChargeReason") or ("Charge" if charge else "Discount"),
            tax=tax_of(r.node(element, "cac:TaxCategory")),
            percent=r.decimal(element, "cbc:MultiplierFactorNumeric", "BT-94 percentage"),
            base_amount=r.decimal(element, "cbc:BaseAmount", "BT-93 base amount"))
        (charges if charge else allowances).append(entry)
    tax_amounts: dict[tuple[str, Decimal], Decimal] = {}
    tax_total, tax_currency, tax_total_accounting = None, r.text(root, "cbc:TaxCurrencyCode"), None
    for total in r.nodes(root, "cac:TaxTotal"):
        amount = r.decimal(total, "cbc:TaxAmount", "BT-110 invoice total VAT amount")
        if (r.text(total, "cbc:TaxAmount/@currencyID") or currency) != currency:
            tax_total_accounting = amount
            continue
        tax_total = amount
        for subtotal in r.nodes(total, "cac:TaxSubtotal"):
            category = tax_of(r.node(subtotal, "cac:TaxCategory"))
            if category is not None:
                tax_amounts[category.key] = tax_amounts.get(category.key, Decimal(0)) + (
                    r.decimal(subtotal, "cbc:TaxAmount", "BT-117 VAT category tax amount") or Decimal(0))
    money = r.node(root, "cac:LegalMonetaryTotal")
    stated = StatedTotals() if money is None else StatedTotals(
        line_total=r.decimal(money, "cbc:LineExtensionAmount", "BT-106"),
        allowance_total=r.decimal(money, "cbc:AllowanceTotalAmount", "BT-107"),
        charge_total=r.decimal(money, "cbc:ChargeTotalAmount", "BT-108"),
        tax_exclusive=r.decimal(money, "cbc:TaxExclusiveAmount", "BT-109"), tax_total=tax_total,
        tax_inclusive=r.decimal(money, "cbc:TaxInclusiveAmount", "BT-112"),
        prepaid=r.decimal(money, "cbc:PrepaidAmount", "BT-113"),
        rounding=r.decimal(money, "cbc:PayableRoundingAmount", "BT-114"),
        payable=r.decimal(money, "cbc:PayableAmount", "BT-115"))
    means = r.node(root, "cac:PaymentMeans")
    document = EInvoice(
        credit_note=credit_note, number=r.required(root, "cbc:ID", "BT-1 invoice number"),
        issue_date=iso_date(r.required(root, "cbc:IssueDate", "BT-2 invoice issue date"), "BT-2"),  # type: ignore[arg-type]
        currency=currency, seller=party("cac:AccountingSupplierParty/cac:Party"),
        buyer=party("cac:AccountingCustomerParty/cac:Party"), lines=tuple(lines), tax_amounts=tax_amounts,
        tax_total=tax_total or Decimal(0), rounding=stated.rounding or Decimal(0), total=stated.payable or Decimal(0),
        prepaid=stated.prepaid or Decimal(0), allowances=tuple(allowances), charges=tuple(charges),
        due_date=iso_date(r.text(root, "cbc:DueDate") or r.text(root, "cac:PaymentMeans/cbc:PaymentDueDate"),
                          "BT-9"),
        note=r.text(root, "cbc:Note"), buyer_reference=r.text(root, "cbc:BuyerReference"),
        order_reference=r.text(root, "cac:OrderReference/cbc:ID"),
        preceding_invoice=r.text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"),
        preceding_invoice_date=iso_date(
            r.text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate"), "BT-26"),
        delivery_date=iso_date(r.text(root, "cac:Delivery/cbc:ActualDeliveryDate"), "BT-72"),
        period_start=iso_date(r.text(root, "cac:InvoicePeriod/cbc:StartDate"), "BT-73"),
        period_end=iso_date(r.text(root, "cac:InvoicePeriod/cbc:EndDate"), "BT-74"),
        payment=None if means is None else Payment(
            means_code=r.text(means, "cbc:PaymentMeansCode") or "30",
            iban=r.text(means, "cac:PayeeFinancialAccount/cbc:ID"),
            bic=r.text(means, "cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID"),
            account_name=r.text(means, "cac:PayeeFinancialAccount/cbc:Name"),
            remittance=r.text(means, "cbc:PaymentID")),
        payment_terms=r.text(root, "cac:PaymentTerms/cbc:Note"), tax_currency=tax_currency,
        tax_total_accounting=tax_total_accounting)
    return Received(document, stated, r.text(root, "cbc:CustomizationID") or "", "ubl")
