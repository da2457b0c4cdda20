"""UN/CEFACT Cross Industry Invoice D16B (EN 16931 CII, XRechnung CII), built with lxml."""

from __future__ import annotations

from datetime import date
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
from ledgerline.domain.einvoice.reading import Reader, UnreadableEInvoice, compact_date, root_of
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
        for entry in line.allowances:  # BG-27 / BG-28
            allowance = ram(settlement, "SpecifiedTradeAllowanceCharge")
            _el(ram(allowance, "ChargeIndicator"), UDT, "Indicator", "true" if entry.charge else "false")
            ram(allowance, "ActualAmount", amount_text(entry.amount))
            ram(allowance, "Reason", entry.reason)
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
    if document.period_start is not None or document.period_end is not None:
        period = ram(settlement, "BillingSpecifiedPeriod")  # BG-14
        if document.period_start is not None:
            _date(period, "StartDateTime", document.period_start)
        if document.period_end is not None:
            _date(period, "EndDateTime", document.period_end)
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


# -- reading (issue 17 item 5): the same business terms, the other way -------------------------------------


def parse(xml: bytes) -> Received:
    """A CII D16B CrossIndustryInvoice read into the model (each XPath is the one `serialize` writes); type
    code 381 is a credit note. UnreadableEInvoice when a term the bill needs is missing."""
    root = root_of(xml)
    if etree.QName(root).localname != "CrossIndustryInvoice":
        raise UnreadableEInvoice("not a CII CrossIndustryInvoice")
    r = Reader({"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT})
    header = r.node(root, "rsm:ExchangedDocument")
    transaction = r.node(root, "rsm:SupplyChainTradeTransaction")
    if header is None or transaction is None:
        raise UnreadableEInvoice("ExchangedDocument or SupplyChainTradeTransaction is missing")
    agreement = r.node(transaction, "ram:ApplicableHeaderTradeAgreement")
    settlement = r.node(transaction, "ram:ApplicableHeaderTradeSettlement")
    if agreement is None or settlement is None:
        raise UnreadableEInvoice("ApplicableHeaderTradeAgreement or ApplicableHeaderTradeSettlement is missing")
    currency = r.required(settlement, "ram:InvoiceCurrencyCode", "BT-5 invoice currency code")

    def day(at: etree._Element, path: str, term: str) -> date | None:
        return compact_date(r.text(at, path), term)

    def tax_of(at: etree._Element | None) -> TaxCategory | None:
        if at is None or r.text(at, "ram:CategoryCode") is None:
            return None
        return TaxCategory(r.text(at, "ram:CategoryCode") or "",
                           r.decimal(at, "ram:RateApplicablePercent", "BT-152 VAT rate") or Decimal(0),
                           r.text(at, "ram:ExemptionReason"), r.text(at, "ram:ExemptionReasonCode"))

    def party(name: str) -> Party:
        at = r.node(agreement, f"ram:{name}")
        if at is None:
            raise UnreadableEInvoice(f"{name} is missing")
        scheme = r.text(at, "ram:URIUniversalCommunication/ram:URIID/@schemeID")
        endpoint = r.text(at, "ram:URIUniversalCommunication/ram:URIID")
        address = r.node(at, "ram:PostalTradeAddress")
        return Party(
            name=r.text(at, "ram:Name") or "",
            address=Address() if address is None else Address(
                street=r.text(address, "ram:LineOne"), additional_street=r.text(address, "ram:LineTwo"),
                city=r.text(address, "ram:CityName"), postal_code=r.text(address, "ram:PostcodeCode"),
                subdivision=r.text(address, "ram:CountrySubDivisionName"), country=r.text(address, "ram:CountryID")),
            vat_id=r.text(at, "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"),
            legal_registration_id=r.text(at, "ram:SpecifiedLegalOrganization/ram:ID"),
            electronic_address=f"{scheme}:{endpoint}" if scheme and endpoint else None,
            contact_name=r.text(at, "ram:DefinedTradeContact/ram:PersonName"),
            contact_phone=r.text(at, "ram:DefinedTradeContact/ram:TelephoneUniversalCommunication/ram:CompleteNumber"),
            contact_email=r.text(at, "ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/ram:URIID"))

    def line_allowance(at: etree._Element) -> AllowanceCharge:  # BG-27 / BG-28
        charge = r.text(at, "ram:ChargeIndicator/udt:Indicator") == "true"
        return AllowanceCharge(charge=charge, amount=r.decimal(at, "ram:ActualAmount", "BT-136 line allowance amount")
                               or Decimal(0), reason=r.text(at, "ram:Reason") or ("Charge" if charge else "Discount"),
                               tax=None)

    lines = []
    for item in r.nodes(transaction, "ram:IncludedSupplyChainTradeLineItem"):
        quantity = r.decimal(item, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", "BT-129 invoiced quantity")
        price = "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice"
        lines.append(Line(
            id=r.text(item, "ram:AssociatedDocumentLineDocument/ram:LineID") or str(len(lines) + 1),
            name=r.text(item, "ram:SpecifiedTradeProduct/ram:Name") or "Item",
            quantity=Decimal(1) if quantity is None else quantity,
            net_price=r.decimal(item, f"{price}/ram:ChargeAmount", "BT-146 item net price") or Decimal(0),
            net_amount=r.decimal(item, "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetary"
                                       "Summation/ram:LineTotalAmount", "BT-131 invoice line net amount") or Decimal(0),
            tax=tax_of(r.node(item, "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax")),
            unit_code=r.text(item, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/@unitCode") or "C62",
            base_quantity=r.decimal(item, f"{price}/ram:BasisQuantity", "BT-149 base quantity") or Decimal(1),
            allowances=tuple(line_allowance(each) for each in r.nodes(
                item, "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge"))))
    allowances, charges = [], []
    for element in r.nodes(settlement, "ram:SpecifiedTradeAllowanceCharge"):
        charge = r.text(element, "ram:ChargeIndicator/udt:Indicator") == "true"
        entry = AllowanceCharge(
            charge=charge, amount=r.decimal(element, "ram:ActualAmount", "BT-92 allowance amount") or Decimal(0),
            reason=r.text(element, "ram:Reason") or ("Charge" if charge else "Discount"),
            tax=tax_of(r.node(element, "ram:CategoryTradeTax")),
            percent=r.decimal(element, "ram:CalculationPercent", "BT-94 percentage"),
            base_amount=r.decimal(element, "ram:BasisAmount", "BT-93 base amount"))
        (charges if charge else allowances).append(entry)
    tax_amounts: dict[tuple[str, Decimal], Decimal] = {}
    for group in r.nodes(settlement, "ram:ApplicableTradeTax"):
        category = tax_of(group)
        if category is not None:
            tax_amounts[category.key] = tax_amounts.get(category.key, Decimal(0)) + (
                r.decimal(group, "ram:CalculatedAmount", "BT-117 VAT category tax amount") or Decimal(0))
    money = r.node(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    tax_currency = r.text(settlement, "ram:TaxCurrencyCode")
    tax_total = tax_total_accounting = None
    if money is not None:
        for total in r.nodes(money, "ram:TaxTotalAmount"):
            amount = r.decimal(total, ".", "BT-110 invoice total VAT amount")
            if (total.get("currencyID") or currency) == currency:
                tax_total = amount
            else:
                tax_total_accounting = amount
    stated = StatedTotals() if money is None else StatedTotals(
        line_total=r.decimal(money, "ram:LineTotalAmount", "BT-106"),
        allowance_total=r.decimal(money, "ram:AllowanceTotalAmount", "BT-107"),
        charge_total=r.decimal(money, "ram:ChargeTotalAmount", "BT-108"),
        tax_exclusive=r.decimal(money, "ram:TaxBasisTotalAmount", "BT-109"), tax_total=tax_total,
        tax_inclusive=r.decimal(money, "ram:GrandTotalAmount", "BT-112"),
        prepaid=r.decimal(money, "ram:TotalPrepaidAmount", "BT-113"),
        rounding=r.decimal(money, "ram:RoundingAmount", "BT-114"),
        payable=r.decimal(money, "ram:DuePayableAmount", "BT-115"))
    means = r.node(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    issued = day(header, "ram:IssueDateTime/udt:DateTimeString", "BT-2 invoice issue date")
    if issued is None:
        raise UnreadableEInvoice("BT-2 invoice issue date is missing")
    reference = "ram:InvoiceReferencedDocument"
    document = EInvoice(
        credit_note=r.text(header, "ram:TypeCode") == "381",
        number=r.required(header, "ram:ID", "BT-1 invoice number"), issue_date=issued, currency=currency,
        seller=party("SellerTradeParty"), buyer=party("BuyerTradeParty"), lines=tuple(lines),
        tax_amounts=tax_amounts, tax_total=tax_total or Decimal(0), rounding=stated.rounding or Decimal(0),
        total=stated.payable or Decimal(0), prepaid=stated.prepaid or Decimal(0), allowances=tuple(allowances),
        charges=tuple(charges),
        due_date=day(settlement, "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString", "BT-9"),
        note=r.text(header, "ram:IncludedNote/ram:Content"), buyer_reference=r.text(agreement, "ram:BuyerReference"),
        order_reference=r.text(agreement, "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"),
        preceding_invoice=r.text(settlement, f"{reference}/ram:IssuerAssignedID"),
        preceding_invoice_date=day(settlement, f"{reference}/ram:FormattedIssueDateTime/qdt:DateTimeString",
                                   "BT-26"),
        delivery_date=day(transaction, "ram:ApplicableHeaderTradeDelivery/ram:ActualDeliverySupplyChainEvent/"
                                       "ram:OccurrenceDateTime/udt:DateTimeString", "BT-72"),
        period_start=day(settlement, "ram:BillingSpecifiedPeriod/ram:StartDateTime/udt:DateTimeString", "BT-73"),
        period_end=day(settlement, "ram:BillingSpecifiedPeriod/ram:EndDateTime/udt:DateTimeString", "BT-74"),
        payment=None if means is None else Payment(
            means_code=r.text(means, "ram:TypeCode") or "30",
            iban=r.text(means, "ram:PayeePartyCreditorFinancialAccount/ram:IBANID"),
            bic=r.text(means, "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID"),
            account_name=r.text(means, "ram:PayeePartyCreditorFinancialAccount/ram:AccountName"),
            remittance=r.text(settlement, "ram:PaymentReference")),
        payment_terms=r.text(settlement, "ram:SpecifiedTradePaymentTerms/ram:Description"),
        tax_currency=tax_currency, tax_total_accounting=tax_total_accounting)
    customization = r.text(root, "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/"
                                 "ram:ID") or ""
    return Received(document, stated, customization, "cii")
