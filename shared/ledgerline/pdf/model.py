"""What a PDF shows, as plain text already formatted: the renderer only lays it out.

`pdf/views.py` builds these from invoices, credit notes and reminders; `pdf/render.py` turns one into
bytes. Keeping formatting and layout apart lets both be tested without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Addressee:
    name: str
    lines: tuple[str, ...] = ()  # address, tax id, email: one line each


@dataclass(frozen=True)
class Column:
    heading: str
    width: float  # share of the text width
    numeric: bool = False  # right-aligned


@dataclass(frozen=True)
class QrBillSlip:
    """The Swiss QR-bill's payment part and receipt (issue 16): the QR code's payload and the same data as
    printed beside it, formatted (pdf/payment_parts.py builds it with `qrbill`)."""

    payload: str  # the Swiss QR Code's text (SPC, version 0200), what the bank's app reads
    account: str  # the IBAN or QR-IBAN, in groups of four
    creditor: tuple[str, ...]  # name, street, postcode and town
    reference: str | None  # the QR or RF reference, as printed
    additional_information: str | None
    currency: str
    amount: str  # "1 375.00"
    debtor: tuple[str, ...]


@dataclass(frozen=True)
class PdfDocument:
    title: str  # "Invoice" ("Tax invoice" in AU), "Credit note", "Payment reminder"
    number: str
    issuer: Addressee
    recipient_label: str  # "Bill to"
    recipient: Addressee
    facts: tuple[tuple[str, str], ...]  # (label, value) beside the recipient: dates, reference, ...
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    # Per row, with positions (issue 14): (kind, depth): kind is item, text, subtotal, discount, group or
    # page_break; depth the row's group nesting (indented). Empty: every row is an item at depth 0.
    row_styles: tuple[tuple[str, int], ...] = ()
    tax_rows: tuple[tuple[str, str, str, str], ...] = ()  # code, rate, taxable amount, tax
    tax_label: str = "Tax"  # the tax's name in the issuer's country: GST, VAT
    totals: tuple[tuple[str, str], ...] = ()  # (label, amount) under the lines
    amount_due: tuple[str, str] | None = None  # the highlighted last line: ("Amount due", "AUD 1,375.00")
    headline: str | None = None  # a letter's heading above its text, in the text font (reminders)
    intro: str | None = None  # a letter's text above the table (reminders)
    notes: str | None = None
    payment_heading: str = "How to pay"
    payment: tuple[str, ...] = field(default=())  # payment instructions, one line each
    subject: str = ""  # PDF metadata
    # Payment parts (issue 16): the EPC QR code's payload ("GiroCode", EUR) drawn in the payment box, and the
    # Swiss QR-bill appended as the last page (CH/LI).
    epc_qr: str | None = None
    qr_bill: QrBillSlip | None = None
