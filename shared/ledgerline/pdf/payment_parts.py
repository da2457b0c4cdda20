"""Payment parts on invoices (issue 16, part Q): the Swiss QR-bill and the EPC QR code ("GiroCode").

Which one an invoice gets (`payment_part_of`):
- a CH/LI tenant's invoice in CHF or EUR, when the default bank account has a CH/LI IBAN or QR-IBAN and both
  addresses have a postcode and town: the QR-bill (`qrbill` builds and checks the data: a QR reference goes
  with the QR-IBAN, an RF reference with the IBAN);
- another EUR invoice, when the default bank account has an IBAN: the EPC QR code (`segno.helpers`, EPC069-12
  version 002) with the RF reference as the structured remittance;
- otherwise neither: the reference is printed with the bank details (pdf/views.py).

The QR codes are drawn by ReportLab from segno's module matrix (pdf/render.py), so no SVG or image library is
needed. Imported only where PDFs are rendered (the PDF layer holds `qrbill` and `segno`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import segno
from qrbill import QRBill

from ledgerline.domain.banking import references
from ledgerline.pdf.model import QrBillSlip

QR_BILL_COUNTRIES = frozenset({"CH", "LI"})
QR_BILL_CURRENCIES = frozenset({"CHF", "EUR"})
EPC_MAX = Decimal("999999999.99")


_SWISS_EXTRA = frozenset("ȘșȚț€")


def swiss_text(value: str) -> str:
    """Text as the Swiss QR Code may carry it (Implementation Guidelines 2.3: Basic Latin, Latin-1 Supplement,
    Latin Extended-A, Ș ș Ț ț €): any other character becomes "." (a bank refuses the code otherwise)."""
    kept = "".join(char if 0x20 <= ord(char) <= 0x7E or 0xA0 <= ord(char) <= 0x17F or char in _SWISS_EXTRA
                   else "." for char in value)
    return " ".join(kept.split())


def _address(name: str, address: Any) -> dict[str, str] | None:
    """A structured QR-bill address (name, street, postcode, town, country), or None when one is missing."""
    if address is None or not address.postal_code or not address.city or not address.country:
        return None
    street = swiss_text(", ".join(part for part in (address.line1, address.line2) if part))
    return {"name": swiss_text(name)[:70], "street": street[:70], "pcode": swiss_text(address.postal_code)[:16],
            "city": swiss_text(address.city)[:35], "country": address.country.upper()}


def _group(value: str, size: int = 4) -> str:
    return " ".join(value[i:i + size] for i in range(0, len(value), size))


def _amount(amount: Decimal) -> str:
    """As the QR-bill prints amounts: a space between thousands, two decimals (`1 375.00`)."""
    return f"{amount:,.2f}".replace(",", " ")


def qr_bill_of(*, tenant_name: str, tenant_address: Any, debtor_name: str, debtor_address: Any,
               iban: str | None, qr_iban: str | None, amount: Decimal, currency: str, reference: str | None,
               message: str | None) -> QrBillSlip | None:
    """The QR-bill of an invoice, or None when one cannot be made (no suitable account, address or currency).
    The account is the QR-IBAN with a QR reference, the IBAN otherwise."""
    if currency not in QR_BILL_CURRENCIES:
        return None
    creditor = _address(tenant_name, tenant_address)
    if creditor is None or creditor["country"] not in QR_BILL_COUNTRIES:
        return None
    kind = references.kind_of(reference) if reference else None
    account = qr_iban if kind == "qr" else iban
    if not account or account[:2].upper() not in QR_BILL_COUNTRIES:
        return None
    debtor = _address(debtor_name, debtor_address)
    try:
        bill = QRBill(account=account, creditor=creditor, debtor=debtor, amount=f"{amount:.2f}" if amount > 0 else None,
                      currency=currency, reference_number=references.compact(reference) if kind else None,
                      additional_information=swiss_text(message or "")[:140], language="en")
    except ValueError:  # what qrbill refuses (an address it cannot take): no QR-bill rather than a wrong one
        return None
    printed = (references.format_qr(reference) if kind == "qr" else references.format_rf(reference)) if kind else None

    def lines(party: dict[str, str] | None) -> tuple[str, ...]:
        if party is None:
            return ()
        return tuple(line for line in (party["name"], party["street"],
                                       f"{party['country']}-{party['pcode']} {party['city']}") if line)

    return QrBillSlip(payload=bill.qr_data(), account=_group(references.compact(account)), creditor=lines(creditor),
                      reference=printed, additional_information=message or None, currency=currency,
                      amount=_amount(amount) if amount > 0 else "", debtor=lines(debtor))


def epc_payload(*, name: str, iban: str | None, bic: str | None, amount: Decimal, currency: str,
                reference: str | None, text: str | None) -> str | None:
    """The EPC QR code's text (EPC069-12 version 002: BCD, UTF-8, SCT) for a EUR invoice paid to an IBAN, else
    None. The RF reference goes into the structured remittance field; without one, `text` (the invoice number)
    into the unstructured one (the standard allows one of the two)."""
    if currency != "EUR" or not iban or not (Decimal("0.01") <= amount <= EPC_MAX):
        return None
    structured = references.compact(reference) if reference and references.is_rf_reference(reference) else ""
    fields = ["BCD", "002", "1", "SCT", (bic or "").upper(), name.strip()[:70], references.compact(iban),
              f"EUR{amount:.2f}", "", structured[:35], "" if structured else (text or "")[:140]]
    return "\n".join(fields).rstrip("\n")


def qr_matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code of `payload` as rows of dark (True) modules, without the quiet zone: error correction M,
    byte mode in UTF-8 (what both the Swiss QR Code and the EPC QR code ask for)."""
    qr = segno.make_qr(payload.encode("utf-8"), error="m", boost_error=False)
    return tuple(tuple(bool(module) for module in row) for row in qr.matrix)
