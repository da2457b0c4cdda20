"""What each kind of document shows on paper: records in, a formatted `PdfDocument` out.

An invoice's PDF is the invoice as issued: its lines, taxes and total, with the total as the amount
to pay. Payments and credits that come later are not printed on it (reminders show what is still due).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ledgerline.domain import country_rules
from ledgerline.domain.banking import references
from ledgerline.domain.money import round_money, with_minor_units
from ledgerline.pdf.model import Addressee, Column, PdfDocument
from ledgerline.store.documents import CreditNote, Invoice, PricedDocument
from ledgerline.store.parties import Party
from ledgerline.store.quotes import Quote
from ledgerline.store.reminders import Reminder
from ledgerline.store.sales import Delivery
from ledgerline.store.tenants import Tenant


def line_columns(tax_label: str = "Tax") -> tuple[Column, ...]:
    return (
        Column("#", 0.05, numeric=True),
        Column("Description", 0.43),
        Column("Qty", 0.09, numeric=True),
        Column("Unit price", 0.14, numeric=True),
        Column(tax_label, 0.11, numeric=True),
        Column("Amount", 0.18, numeric=True),
    )


# ------------------------------------------------------------------------------------ formatting


def money(amount: Decimal, currency: str) -> str:
    """`1,375.00` at the currency's minor units (IDR: `555,000`)."""
    return f"{round_money(amount, currency):,}"


def price(amount: Decimal, currency: str) -> str:
    return f"{with_minor_units(amount, currency):,}"


def plain(number: Decimal) -> str:
    """A quantity or rate without trailing zeros and never in exponent form: 10, 1.5, 8.1."""
    text = format(number.normalize(), "f")
    return text


def percent(rate: Decimal) -> str:
    return f"{plain(rate)}%"


def day(value: date) -> str:
    return value.isoformat()


def address_lines(address: Any, home_country: str | None = None) -> list[str]:
    """As the address's country writes it; its country's name only when it is not `home_country`."""
    if address is None:
        return []
    return country_rules.address_lines(line1=address.line1, line2=address.line2, city=address.city,
                                       region=address.region, postal_code=address.postal_code,
                                       country=address.country, home_country=home_country)


def party_country(party: Party | None, tenant: Tenant) -> str:
    """Where the customer is: its address's country, else (no address) the tenant's."""
    address = party.address if party else None
    return (address.country if address is not None and address.country else tenant.country) or ""


def issuer(tenant: Tenant, party: Party | None = None) -> Addressee:
    """The seller: its address (with its country when the customer is abroad), its tax id under the name
    its country gives it (ABN, VAT no., ...), its email."""
    lines = address_lines(tenant.address, home_country=party_country(party, tenant))
    if tenant.tax_id:
        lines.append(f"{country_rules.rules_for(tenant.country).tax_id_label} {tenant.tax_id}")
    if tenant.email:
        lines.append(tenant.email)
    return Addressee(tenant.name, tuple(lines))


def recipient(name: str, party: Party | None, tenant: Tenant | None = None) -> Addressee:
    home = tenant.country if tenant is not None else None
    lines = address_lines(party.address, home_country=home) if party else []
    if party and party.tax_id:
        label = country_rules.rules_for(party_country(party, tenant) if tenant is not None else None).tax_id_label
        lines.append(f"{label} {party.tax_id}")
    return Addressee(name, tuple(lines))


def bank_lines(tenant: Tenant) -> list[str]:
    bank = tenant.bank_details
    if bank is None:
        return []
    labelled = (("Account name", bank.account_name), ("Bank", bank.bank_name), ("IBAN", bank.iban),
                ("BIC / SWIFT", bank.bic), ("Account number", bank.account_number),
                (country_rules.rules_for(tenant.country).routing_code_label, bank.routing_code))
    return [f"{label}: {value}" for label, value in labelled if value]


def _lines(document: PricedDocument) -> tuple[tuple[str, ...], ...]:
    currency = document.currency
    return tuple(
        (str(index), line.description or "", plain(line.quantity), price(line.unit_price, currency),
         percent(line.tax_rate) if line.tax_code_id else "–", money(line.net_amount, currency))
        for index, line in enumerate(document.lines, start=1)
    )


def _position_rows(document: PricedDocument) -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, int], ...]]:
    """Every position as a row (issue 14): items as `_lines` shows lines (numbered in order), text blocks,
    subtotals, discounts (negative), group titles with their amount (their positions indented below), and
    page breaks; with their kind and depth for the renderer. Documents without positions: their lines."""
    lines = _lines(document)
    if not document.positions:
        return lines, ()
    currency = document.currency
    rows: list[tuple[str, ...]] = []
    styles: list[tuple[str, int]] = []
    numbered = iter(lines)

    def walk(positions: list[dict], depth: int) -> None:
        for position in positions:
            kind = position["type"]
            amount = position.get("amount")
            if kind == "item":
                rows.append(next(numbered))
            elif kind == "text":
                rows.append(("", position.get("text") or "", "", "", "", ""))
            elif kind == "subtotal":
                rows.append(("", position.get("label") or "Subtotal", "", "", "", money(Decimal(amount), currency)))
            elif kind == "discount":
                what = f"Discount {plain(Decimal(position['percent']))} %" if position.get("percent") else "Discount"
                reason = f": {position['reason']}" if position.get("reason") else ""
                rows.append(("", what + reason, "", "", "", money(-Decimal(amount), currency)))
            elif kind == "group":
                rows.append(("", position.get("title") or "", "", "", "", money(Decimal(amount), currency)))
            else:
                rows.append(("", "", "", "", "", ""))
            styles.append((kind, depth))
            if kind == "group":
                walk(position.get("positions") or [], depth + 1)

    walk(document.positions, 0)
    return tuple(rows), tuple(styles)


def _allowance_rows(document: PricedDocument) -> list[tuple[str, str]]:
    """Document-level allowances (negative) and charges, above the subtotal."""
    currency = document.currency
    rows = []
    for label, sign, entries in (("Allowance", -1, document.allowances), ("Charge", 1, document.charges)):
        for entry in entries or []:
            what = f"{label} {plain(Decimal(entry['percent']))} %" if entry.get("percent") else label
            reason = f": {entry['reason']}" if entry.get("reason") else ""
            rows.append((what + reason, money(sign * Decimal(entry["net_amount"]), currency)))
    return rows


def _taxes(document: PricedDocument) -> tuple[tuple[str, str, str, str], ...]:
    return tuple((tax.tax_code, percent(tax.rate), money(tax.taxable_amount, document.currency),
                  money(tax.tax_amount, document.currency)) for tax in document.tax_breakdown)


def _totals(document: PricedDocument, tax_label: str = "Tax") -> tuple[tuple[str, str], ...]:
    currency = document.currency
    rows = [*_allowance_rows(document), ("Subtotal", money(document.subtotal, currency)),
            (tax_label, money(document.tax_total, currency))]
    if document.rounding_adjustment:
        rows.append(("Rounding", money(document.rounding_adjustment, currency)))
    rows.append((f"Total {currency}", money(document.total, currency)))
    return tuple(rows)


# ------------------------------------------------------------------------------------- documents


def account_lines(bank: Any) -> list[str]:
    """The default bank account's payment details (issue 16): its name, IBAN and BIC."""
    labelled = (("Bank account", bank.name), ("IBAN", _grouped(bank.iban) if bank.iban else None),
                ("BIC / SWIFT", bank.bic))
    return [f"{label}: {value}" for label, value in labelled if value]


def _grouped(iban: str) -> str:
    value = iban.replace(" ", "").upper()
    return " ".join(value[i:i + 4] for i in range(0, len(value), 4))


def _payment_parts(tenant: Tenant, invoice: Invoice, customer: Party | None, bank: Any) -> dict[str, Any]:
    """The QR-bill (CH/LI) or the EPC QR code (EUR) of a posted invoice, when its default bank account allows
    one (pdf/payment_parts.py)."""
    if invoice.number is None:
        return {}
    return payment_part(tenant, bank, debtor_name=invoice.customer_name, customer=customer, amount=invoice.total,
                        currency=invoice.currency, reference=invoice.payment_reference,
                        message=f"Invoice {invoice.number}")


def payment_part(tenant: Tenant, bank: Any, *, debtor_name: str, customer: Party | None, amount: Decimal,
                 currency: str, reference: str | None, message: str) -> dict[str, Any]:
    """The payment part of an amount to pay to the default bank account: a QR-bill (CH/LI) or an EPC QR code
    (EUR), as `PdfDocument` fields; none without a bank account or an amount. The invoice and its reminders
    (issue 16, part V) print the same; imported here only, where a PDF is being made."""
    from ledgerline.pdf import payment_parts

    if bank is None or amount <= 0:
        return {}
    if (tenant.country or "").upper() in payment_parts.QR_BILL_COUNTRIES:
        bill = payment_parts.qr_bill_of(
            tenant_name=tenant.name, tenant_address=tenant.address, debtor_name=debtor_name,
            debtor_address=customer.address if customer is not None else None, iban=bank.iban, qr_iban=bank.qr_iban,
            amount=amount, currency=currency, reference=reference, message=message)
        return {"qr_bill": bill} if bill is not None else {}
    epc = payment_parts.epc_payload(name=tenant.name, iban=bank.iban, bic=bank.bic, amount=amount,
                                    currency=currency, reference=reference, text=message)
    return {"epc_qr": epc} if epc is not None else {}


def invoice_document(tenant: Tenant, invoice: Invoice, customer: Party | None, bank: Any = None) -> PdfDocument:
    """The invoice as the tenant's country asks for it: the title ("Tax invoice" in AU, NZ, SG), the tax's
    name (GST, VAT), the seller's tax id under its local name, and the date of supply where it is required
    (DE, AT: the issue date unless the invoice says otherwise) or given. `bank`: the tenant's default bank
    account (issue 16): its details replace the tenant's bank details, and it makes the payment part (a
    Swiss QR-bill page, an EPC QR code); the invoice's payment reference is printed with them."""
    rules = country_rules.rules_for(tenant.country)
    currency, number = invoice.currency, invoice.number or ""
    due = f"{currency} {money(invoice.total, currency)}"
    facts = [("Invoice number", number), ("Issue date", day(invoice.issue_date))]
    supplied = invoice.supply_date
    if supplied is not None or rules.supply_date_always:
        facts.append(("Date of supply", day(supplied or invoice.issue_date)))
    facts.append(("Due date", day(invoice.due_date)))
    if invoice.reference:
        facts.append(("Reference", invoice.reference))
    facts.append(("Currency", currency))
    details = account_lines(bank) if bank is not None and bank.iban else bank_lines(tenant)
    payment = [f"Please pay {due} by {day(invoice.due_date)}, quoting {number}.", *details]
    if invoice.payment_reference:
        payment.append(f"Payment reference: {_printed_reference(invoice.payment_reference)}")
    return PdfDocument(
        title=rules.invoice_title,
        number=number,
        issuer=issuer(tenant, customer),
        recipient_label="Bill to",
        recipient=recipient(invoice.customer_name, customer, tenant),
        facts=tuple(facts),
        columns=line_columns(rules.tax_label),
        rows=_position_rows(invoice)[0],
        row_styles=_position_rows(invoice)[1],
        tax_rows=_taxes(invoice),
        tax_label=rules.tax_label,
        totals=_totals(invoice, rules.tax_label),
        amount_due=("Amount due", due),
        notes=invoice.notes,
        payment=tuple(payment),
        subject=f"{rules.invoice_title} {number} to {invoice.customer_name}",
        **_payment_parts(tenant, invoice, customer, bank),
    )


def _printed_reference(reference: str) -> str:
    """A QR reference in its groups of five, an RF reference in groups of four (as the customer types it)."""
    kind = references.kind_of(reference)
    return references.format_qr(reference) if kind == "qr" else references.format_rf(reference) if kind else reference


def credit_note_document(tenant: Tenant, note: CreditNote, customer: Party | None) -> PdfDocument:
    rules = country_rules.rules_for(tenant.country)
    currency = note.currency
    facts = [("Credit note", note.number or ""), ("Date", day(note.date)), ("Invoice", note.invoice_number),
             ("Currency", currency)]
    settlement = [f"This credit note corrects invoice {note.invoice_number}."]
    if note.amount_applied:
        settlement.append(f"{currency} {money(note.amount_applied, currency)} reduces what that invoice still owes.")
    if note.unallocated_amount:
        settlement.append(f"{currency} {money(note.unallocated_amount, currency)} is held as credit in your favour.")
    return PdfDocument(
        title="Credit note",
        number=note.number or "",
        issuer=issuer(tenant, customer),
        recipient_label="Credit to",
        recipient=recipient(note.customer_name, customer, tenant),
        facts=tuple(facts),
        columns=line_columns(rules.tax_label),
        rows=_position_rows(note)[0],
        row_styles=_position_rows(note)[1],
        tax_rows=_taxes(note),
        tax_label=rules.tax_label,
        totals=_totals(note, rules.tax_label),
        amount_due=("Total credited", f"{currency} {money(note.total, currency)}"),
        notes=f"Reason: {note.reason}" if note.reason else None,
        payment_heading="Settlement",
        payment=tuple(settlement),
        subject=f"Credit note {note.number} to {note.customer_name}",
    )


def quote_document(tenant: Tenant, quote: Quote, customer: Party | None) -> PdfDocument:
    """An issued quote (issue 14): the offer, its positions (every type, as an invoice's) and totals, and how
    long it holds."""
    rules = country_rules.rules_for(tenant.country)
    currency, number = quote.currency, quote.number or ""
    facts = [("Quote number", number), ("Date", day(quote.issue_date)), ("Valid until", day(quote.valid_until))]
    if quote.reference:
        facts.append(("Reference", quote.reference))
    facts.append(("Currency", currency))
    return PdfDocument(
        title="Quote",
        number=number,
        issuer=issuer(tenant, customer),
        recipient_label="Quote for",
        recipient=recipient(quote.customer_name, customer, tenant),
        facts=tuple(facts),
        columns=line_columns(rules.tax_label),
        rows=_position_rows(quote)[0],
        row_styles=_position_rows(quote)[1],
        tax_rows=_taxes(quote),
        tax_label=rules.tax_label,
        totals=_totals(quote, rules.tax_label),
        amount_due=("Total", f"{currency} {money(quote.total, currency)}"),
        notes=quote.notes,
        payment_heading="Validity",
        payment=(f"This offer holds until {day(quote.valid_until)}.",),
        subject=f"Quote {number} to {quote.customer_name}",
    )


def order_document(tenant: Tenant, order: Any, customer: Party | None) -> PdfDocument:
    """A confirmed sales order as an order confirmation (issue 14, part L): its positions (every type, as an
    invoice's), totals and payment terms."""
    rules = country_rules.rules_for(tenant.country)
    currency, number = order.currency, order.number or ""
    facts = [("Order number", number), ("Date", day(order.order_date))]
    if order.reference:
        facts.append(("Reference", order.reference))
    facts.append(("Currency", currency))
    terms = (f"Invoices for this order are due {order.payment_terms_days} days after their date."
             if order.payment_terms_days is not None else "Invoices follow as the order is delivered.")
    return PdfDocument(
        title="Order confirmation",
        number=number,
        issuer=issuer(tenant, customer),
        recipient_label="Ordered by",
        recipient=recipient(order.customer_name, customer, tenant),
        facts=tuple(facts),
        columns=line_columns(rules.tax_label),
        rows=_position_rows(order)[0],
        row_styles=_position_rows(order)[1],
        tax_rows=_taxes(order),
        tax_label=rules.tax_label,
        totals=_totals(order, rules.tax_label),
        amount_due=("Total", f"{currency} {money(order.total, currency)}"),
        notes=order.notes,
        payment_heading="Terms",
        payment=(terms,),
        subject=f"Order confirmation {number} to {order.customer_name}",
    )


REMINDER_COLUMNS = (
    Column("Document", 0.28),
    Column("Date", 0.13, numeric=True),
    Column("Due date", 0.13, numeric=True),
    Column("Total", 0.15, numeric=True),
    Column("Paid", 0.13, numeric=True),
    Column("Outstanding", 0.18, numeric=True),
)


def reminder_document(tenant: Tenant, reminder: Reminder, customer: Party | None, bank: Any = None,
                      payment_reference: str | None = None) -> PdfDocument:
    """A reminder of an overdue invoice. `bank` (the default bank account) and `payment_reference` (the
    invoice's, issue 16, part V): the payment details, the reference and the payment part the invoice's PDF
    shows (a QR-bill page, an EPC QR code), for the invoice's amount still due; so that the bank import
    matches the payment to the invoice. A fee is its own invoice with its own reference, not in that amount."""
    currency = reminder.currency
    overdue_days = (reminder.date - reminder.invoice_due_date).days
    rows = [(f"Invoice {reminder.invoice_number}", day(reminder.invoice_date), day(reminder.invoice_due_date),
             money(reminder.invoice_total, currency), money(reminder.amount_paid, currency),
             money(reminder.amount_due, currency))]
    totals: list[tuple[str, str]] = []
    to_pay = reminder.amount_due
    if reminder.fee and reminder.fee_currency:
        fee = money(reminder.fee, reminder.fee_currency)
        rows.append((f"Reminder fee {reminder.fee_invoice_number or ''}".strip(), day(reminder.date),
                     day(reminder.pay_by), fee, money(Decimal(0), reminder.fee_currency), fee))
        if reminder.fee_currency == currency:
            to_pay += reminder.fee
        else:
            totals = [(f"Invoice {reminder.invoice_number}", f"{currency} {money(reminder.amount_due, currency)}"),
                      ("Reminder fee", f"{reminder.fee_currency} {fee}")]
    due = f"{currency} {money(to_pay, currency)}"
    instruction = (f"Please pay {due} by {day(reminder.pay_by)}, quoting {reminder.invoice_number}."
                   if not totals else
                   f"Please pay both amounts by {day(reminder.pay_by)}, quoting {reminder.invoice_number}.")
    payment = [instruction, *(account_lines(bank) if bank is not None and bank.iban else bank_lines(tenant))]
    if payment_reference:
        payment.append(f"Payment reference: {_printed_reference(payment_reference)}")
    return PdfDocument(
        title="Payment reminder",
        number=f"{reminder.invoice_number} · level {reminder.level}",
        issuer=issuer(tenant, customer),
        recipient_label="To",
        recipient=recipient(reminder.customer_name, customer, tenant),
        facts=(("Reminder date", day(reminder.date)), ("Invoice", reminder.invoice_number),
               ("Invoice due", day(reminder.invoice_due_date)), ("Days overdue", str(overdue_days)),
               ("Pay by", day(reminder.pay_by))),
        headline=reminder.title,
        intro=reminder.message,
        columns=REMINDER_COLUMNS,
        rows=tuple(rows),
        totals=tuple(totals),
        amount_due=None if totals else ("Amount to pay", due),
        payment=tuple(payment),
        subject=f"{reminder.title}: invoice {reminder.invoice_number} to {reminder.customer_name}",
        **payment_part(tenant, bank, debtor_name=reminder.customer_name, customer=customer,
                       amount=reminder.amount_due, currency=currency, reference=payment_reference,
                       message=f"Invoice {reminder.invoice_number}"),
    )


DELIVERY_COLUMNS = (
    Column("#", 0.06, numeric=True),
    Column("Description", 0.62),
    Column("Order line", 0.14, numeric=True),
    Column("Qty", 0.18, numeric=True),
)


def delivery_document(tenant: Tenant, delivery: Delivery, customer: Party | None) -> PdfDocument:
    """A delivery note: what goes to the customer, without prices (issue 14)."""
    facts = [("Delivery note", delivery.number or ""), ("Date", day(delivery.delivery_date))]
    if delivery.order_number:
        facts.append(("Order", delivery.order_number))
    if delivery.reference:
        facts.append(("Reference", delivery.reference))
    rows = tuple((str(index), line.description or "", str(line.order_line) if line.order_line else "",
                  plain(line.quantity)) for index, line in enumerate(delivery.lines, start=1))
    return PdfDocument(
        title="Delivery note",
        number=delivery.number or "",
        issuer=issuer(tenant, customer),
        recipient_label="Deliver to",
        recipient=recipient(delivery.customer_name, customer, tenant),
        facts=tuple(facts),
        columns=DELIVERY_COLUMNS,
        rows=rows,
        notes=delivery.notes,
        subject=f"Delivery note {delivery.number} to {delivery.customer_name}",
    )


def purchase_order_document(tenant: Tenant, order: Any, supplier: Party | None) -> PdfDocument:
    """A sent purchase order (issue 15): what is ordered from the supplier, at what price, and by when."""
    rules = country_rules.rules_for(tenant.country)
    currency, number = order.currency, order.number or ""
    facts = [("Purchase order", number), ("Date", day(order.order_date))]
    if order.expected_date:
        facts.append(("Expected by", day(order.expected_date)))
    if order.reference:
        facts.append(("Your reference", order.reference))
    facts.append(("Currency", currency))
    totals = [("Subtotal", money(order.subtotal, currency)), (rules.tax_label, money(order.tax_total, currency))]
    if order.rounding_adjustment:
        totals.append(("Rounding", money(order.rounding_adjustment, currency)))
    return PdfDocument(
        title="Purchase order",
        number=number,
        issuer=issuer(tenant, supplier),
        recipient_label="Order from",
        recipient=recipient(order.supplier_name, supplier, tenant),
        facts=tuple(facts),
        columns=line_columns(rules.tax_label),
        rows=_lines(order),
        tax_rows=_taxes(order),
        tax_label=rules.tax_label,
        totals=tuple(totals),
        amount_due=("Order total", f"{currency} {money(order.total, currency)}"),
        notes=order.notes,
        payment_heading="Delivery",
        payment=(f"Please deliver by {day(order.expected_date)} and quote {number} on your delivery note and "
                 "invoice." if order.expected_date else f"Please quote {number} on your delivery note and invoice.",),
        subject=f"Purchase order {number} to {order.supplier_name}",
    )
