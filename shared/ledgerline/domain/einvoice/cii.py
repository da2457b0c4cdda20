"""UN/CEFACT Cross Industry Invoice D16B (EN 16931 CII, XRechnung CII), built with lxml."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree

from ledgerline.domain.einvoice.document import Address, EInvoice, Format, Party, TaxCategory
from ledgerline.domain.einvoice.ubl import amount_text, number_text, xml_text

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"


def _el(parent: etree._Element, ns: str, name: str, text: object = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{name}", attrs)
    if text is not None:
        element.text = xml_text(text)
    return element


def ram(parent: etree._Element, name: str, text: object = None, **attrs: str) -> etree._Element:
    return _el(parent, RAM, name, text, **attrs)


def _date(parent: etree._Element, name: str, day: date) -> None:
    _el(ram(parent, name), UDT, "DateTimeString", day.strftime("%Y%m%d"), format="102")


def _tax(parent: etree._Element, name: str, tax: TaxCategory, *, amounts: tuple[Decimal, Decimal] | None = None,
         reasons: bool = False) -> None:
    element = ram(parent, name)
    if amounts is not None:
        ram(element, "CalculatedAmount", amount_text(amounts[1]))
    ram(element, "TypeCode", "VAT")
    if reasons and tax.exemption_reason:
        ram(element, "ExemptionReason", tax.exemption_reason)
    if amounts is not None:
        ram(element, "BasisAmount", amount_text(amounts[0]))
    ram(element, "CategoryCode", tax.code)
    if reasons and tax.exemption_reason_code:
        ram(element, "ExemptionReasonCode", tax.exemption_reason_code)
    if tax.code != "O":
        ram(element, "RateApplicablePercent", number_text(tax.rate))


def _address(parent: etree._Element, where: Address) -> None:
    address = ram(parent, "PostalTradeAddress")
    for tag, value in (("PostcodeCode", where.postal_code), ("LineOne", where.street),
                       ("LineTwo", where.additional_street), ("CityName", where.city)):
        if value:
            ram(address, tag, value)
    ram(address, "CountryID", where.country or "")
    if where.subdivision:
        ram(address, "CountrySubDivisionName", where.subdivision)


def _party(parent: etree._Element, name: str, party: Party) -> None:
    element = ram(parent, name)
    ram(element, "Name", party.name)
    if party.legal_registration_id:
        ram(ram(element, "SpecifiedLegalOrganization"), "ID", party.legal_registration_id)
    if party.contact_name or party.contact_phone or party.contact_email:
        contact = ram(element, "DefinedTradeContact")
        if party.contact_name:
            ram(contact, "PersonName", party.contact_name)
        if party.contact_phone:
            ram(ram(contact, "TelephoneUniversalCommunication"), "CompleteNumber", party.contact_phone)
        if party.contact_email:
            ram(ram(contact, "EmailURIUniversalCommunication"), "URIID", party.contact_email)
    _address(element, party.address)
    endpoint = party.endpoint
    if endpoint is not None:
        ram(ram(element, "URIUniversalCommunication"), "URIID", endpoint[1], schemeID=endpoint[0])
    if party.vat_id:
        ram(ram(element, "SpecifiedTaxRegistration"), "ID", party.vat_id, schemeID="VA")


def serialize(document: EInvoice, fmt: Format) -> bytes:
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap={"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT})
    context = _el(root, RSM, "ExchangedDocumentContext")
    if fmt.profile:
        ram(ram(context, "BusinessProcessSpecifiedDocumentContextParameter"), "ID", fmt.profile)
    ram(ram(context, "GuidelineSpecifiedDocumentContextParameter"), "ID", fmt.customization)
    header = _el(root, RSM, "ExchangedDocument")
    ram(header, "ID", document.number)
    ram(header, "TypeCode", "381" if document.credit_note else "380")
    _date(header, "IssueDateTime", document.issue_date)
    if document.note:
        ram(ram(header, "IncludedNote"), "Content", document.note)
    transaction = _el(root, RSM, "SupplyChainTradeTransaction")
    for line in document.lines:
        item = ram(transaction, "IncludedSupplyChainTradeLineItem")
        ram(ram(item, "AssociatedDocumentLineDocument"), "LineID", line.id)
        ram(ram(item, "SpecifiedTradeProduct"), "Name", line.name)
        agreement = ram(item, "SpecifiedLineTradeAgreement")
        net_price = ram(agreement, "NetPriceProductTradePrice")
        ram(net_price, "ChargeAmount", number_text(line.net_price))
        if line.base_quantity != 1:
            ram(net_price, "BasisQuantity", number_text(line.base_quantity), unitCode=line.unit_code)
        ram(ram(item, "SpecifiedLineTradeDelivery"), "BilledQuantity", number_text(line.quantity),
            unitCode=line.unit_code)
        settlement = ram(item, "SpecifiedLineTradeSettlement")
        if line.tax is not None:
            _tax(settlement, "ApplicableTradeTax", line.tax)
        ram(ram(settlement, "SpecifiedTradeSettlementLineMonetarySummation"), "LineTotalAmount",
            amount_text(line.net_amount))
    agreement = ram(transaction, "ApplicableHeaderTradeAgreement")
    if document.buyer_reference:
        ram(agreement, "BuyerReference", document.buyer_reference)
    _party(agreement, "SellerTradeParty", document.seller)
    _party(agreement, "BuyerTradeParty", document.buyer)
    if document.order_reference:
        ram(ram(agreement, "BuyerOrderReferencedDocument"), "IssuerAssignedID", document.order_reference)
    delivery = ram(transaction, "ApplicableHeaderTradeDelivery")
    if document.delivery_address is not None:
        _address(ram(delivery, "ShipToTradeParty"), document.delivery_address)
    if document.delivery_date is not None:
        _date(ram(delivery, "ActualDeliverySupplyChainEvent"), "OccurrenceDateTime", document.delivery_date)
    settlement = ram(transaction, "ApplicableHeaderTradeSettlement")
    if document.payment is not None and document.payment.remittance:
        ram(settlement, "PaymentReference", document.payment.remittance)
    if document.tax_currency:
        ram(settlement, "TaxCurrencyCode", document.tax_currency)
    ram(settlement, "InvoiceCurrencyCode", document.currency)
    if document.payment is not None:
        means = ram(settlement, "SpecifiedTradeSettlementPaymentMeans")
        ram(means, "TypeCode", document.payment.means_code)
        if document.payment.iban:
            account = ram(means, "PayeePartyCreditorFinancialAccount")
            ram(account, "IBANID", document.payment.iban)
            if document.payment.account_name:
                ram(account, "AccountName", document.payment.account_name)
        if document.payment.bic:
            ram(ram(means, "PayeeSpecifiedCreditorFinancialInstitution"), "BICID", document.payment.bic)
    for group in document.tax_groups():
        _tax(settlement, "ApplicableTradeTax", group.category, amounts=(group.taxable_amount, group.tax_amount),
             reasons=True)
    for entry in (*document.allowances, *document.charges):
        element = ram(settlement, "SpecifiedTradeAllowanceCharge")
        _el(ram(element, "ChargeIndicator"), UDT, "Indicator", "true" if entry.charge else "false")
        if entry.percent is not None and entry.base_amount is not None:
            ram(element, "CalculationPercent", number_text(entry.percent))
            ram(element, "BasisAmount", amount_text(entry.base_amount))
        ram(element, "ActualAmount", amount_text(entry.amount))
        ram(element, "Reason", entry.reason)
        if entry.tax is not None:
            _tax(element, "CategoryTradeTax", entry.tax)
    if document.payment_terms or (document.due_date is not None and not document.credit_note):
        terms = ram(settlement, "SpecifiedTradePaymentTerms")
        if document.payment_terms:
            ram(terms, "Description", document.payment_terms)
        if document.due_date is not None and not document.credit_note:
            _date(terms, "DueDateDateTime", document.due_date)
    totals = ram(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")
    ram(totals, "LineTotalAmount", amount_text(document.line_total))
    if document.charges:
        ram(totals, "ChargeTotalAmount", amount_text(document.charge_total))
    if document.allowances:
        ram(totals, "AllowanceTotalAmount", amount_text(document.allowance_total))
    ram(totals, "TaxBasisTotalAmount", amount_text(document.tax_exclusive))
    ram(totals, "TaxTotalAmount", amount_text(document.tax_total), currencyID=document.currency)
    if document.tax_currency and document.tax_total_accounting is not None:
        ram(totals, "TaxTotalAmount", amount_text(document.tax_total_accounting), currencyID=document.tax_currency)
    if document.rounding:
        ram(totals, "RoundingAmount", amount_text(document.rounding))
    ram(totals, "GrandTotalAmount", amount_text(document.tax_inclusive))
    if document.prepaid:
        ram(totals, "TotalPrepaidAmount", amount_text(document.prepaid))
    ram(totals, "DuePayableAmount", amount_text(document.payable))
    if document.preceding_invoice:
        reference = ram(settlement, "InvoiceReferencedDocument")
        ram(reference, "IssuerAssignedID", document.preceding_invoice)
        if document.preceding_invoice_date is not None:
            _el(ram(reference, "FormattedIssueDateTime"), QDT, "DateTimeString",
                document.preceding_invoice_date.strftime("%Y%m%d"), format="102")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
