"""Receiving a supplier's e-invoice as a draft bill (issue 17 item 5), pure.

`ubl.parse` / `cii.parse` read the XML into the same model the output uses (`document.Received`); this module
maps that model to what `POST /v1/bills` takes, in the terms of `docs/einvoicing.md` read the other way:
the supplier is matched by electronic address (BT-34), VAT id (BT-31), else legal registration id (BT-30);
each line's VAT category and rate (BT-151/152), and each document-level allowance's and charge's
(BT-95/96, BT-102/103), name the tenant's purchase tax code of that category and rate; allowances become
negative lines and charges positive ones, so the bill's net per tax code is the document's BT-116. After
pricing, `total_warnings` compares the bill with the document's own totals (BT-106 … BT-115).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ledgerline.domain.einvoice.document import EInvoice, Party, StatedTotals, TaxCategory
from ledgerline.domain.errors import FieldIssue

SIX_DECIMALS = Decimal("0.000001")


@dataclass(frozen=True)
class KnownParty:
    """What matching needs of one of the tenant's parties."""

    id: str
    electronic_address: str | None = None
    vat_id: str | None = None
    legal_registration_id: str | None = None


def _key(value: str | None) -> str | None:
    return re.sub(r"[\s.\-]", "", value).upper() if value else None


def match_supplier(seller: Party, parties: Iterable[KnownParty]) -> str | None:
    """The id of the party that is the seller: the first with the same electronic address (scheme and id),
    else the same VAT id, else the same legal registration id (compared without spaces, dots, dashes and case);
    None when none is."""
    known = list(parties)
    for mine, theirs in ((seller.electronic_address, "electronic_address"), (seller.vat_id, "vat_id"),
                         (seller.legal_registration_id, "legal_registration_id")):
        wanted = _key(mine)
        if wanted is None:
            continue
        found = next((party.id for party in known if _key(getattr(party, theirs)) == wanted), None)
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class PurchaseCode:
    """One of the tenant's tax codes usable on purchases on the bill's date."""

    id: str
    category: str
    rate: Decimal


def describe(tax: TaxCategory) -> str:
    return f"category {tax.code}" if tax.code == "O" else f"category {tax.code} at {tax.rate.normalize():f} %"


def tax_code_for(tax: TaxCategory, codes: Iterable[PurchaseCode]) -> str | None:
    """The first purchase tax code of the category and rate (O: of the category; it has no rate)."""
    for code in codes:
        if code.category == tax.code and (tax.code == "O" or Decimal(code.rate) == Decimal(tax.rate)):
            return code.id
    return None


def line_quantity(net_amount: Decimal, quantity: Decimal) -> tuple[Decimal, Decimal]:
    """(quantity, unit price) so that quantity × unit price is the line net (BT-131) exactly: the invoiced
    quantity (BT-129, as a positive number) where the net divides by it in 6 decimals, else 1 × the net."""
    quantity = abs(quantity)
    if quantity:
        price = net_amount / quantity
        if price == price.quantize(SIX_DECIMALS) and price.quantize(SIX_DECIMALS) * quantity == net_amount:
            return quantity.normalize(), price.quantize(SIX_DECIMALS).normalize()
    return Decimal(1), net_amount


def bill_lines(document: EInvoice, codes: list[PurchaseCode], account_id: str
               ) -> tuple[list[dict[str, Any]], list[FieldIssue]]:
    """The bill's lines (`POST /v1/bills` shape): one per invoice line (BT-153 as the description), then one
    per document-level allowance (negative) and charge; each with the purchase tax code of its category and
    rate and `account_id`. The issues name each category and rate the tenant has no purchase tax code for."""
    lines: list[dict[str, Any]] = []
    issues: list[FieldIssue] = []

    def code_of(tax: TaxCategory | None, where: str) -> str | None:
        if tax is None:
            issues.append(FieldIssue(where, "has no VAT category (BT-151)"))
            return None
        found = tax_code_for(tax, codes)
        if found is None and not any(issue.message.endswith(f"({describe(tax)})") for issue in issues):
            issues.append(FieldIssue(where, f"the tenant has no purchase tax code of this VAT category and rate "
                                            f"({describe(tax)})"))
        return found

    for index, line in enumerate(document.lines):
        quantity, price = line_quantity(line.net_amount, line.quantity)
        lines.append({"description": line.name[:500], "quantity": quantity, "unit_price": price,
                      "account_id": account_id, "tax_code_id": code_of(line.tax, f"lines.{index}")})
    for kind, entries, sign in (("allowances", document.allowances, -1), ("charges", document.charges, 1)):
        for index, entry in enumerate(entries):
            lines.append({"description": entry.reason[:500], "quantity": Decimal(1),
                          "unit_price": sign * entry.amount, "account_id": account_id,
                          "tax_code_id": code_of(entry.tax, f"{kind}.{index}")})
    return lines, issues


@dataclass(frozen=True)
class TotalWarning:
    term: str  # e.g. "BT-110"
    name: str
    stated: Decimal  # the document's
    computed: Decimal  # the bill's

    @property
    def message(self) -> str:
        return (f"{self.term} {self.name}: the document states {self.stated:f}, the bill comes to "
                f"{self.computed:f}")


def total_warnings(stated: StatedTotals, *, subtotal: Decimal, tax_total: Decimal, total: Decimal
                   ) -> list[TotalWarning]:
    """Where the bill as Ledgerline priced it differs from the document's own totals: BT-109 (total without
    VAT), BT-110 (VAT), BT-112 + BT-114 (total with VAT, rounded); an amount already paid (BT-113) is named too,
    since the bill is for the whole BT-112 and the payment is not recorded."""
    warnings: list[TotalWarning] = []
    checks = (("BT-109", "invoice total amount without VAT", stated.tax_exclusive, subtotal),
              ("BT-110", "invoice total VAT amount", stated.tax_total, tax_total),
              ("BT-112", "invoice total amount with VAT (plus BT-114 rounding)",
               None if stated.tax_inclusive is None else stated.tax_inclusive + (stated.rounding or 0), total))
    for term, name, document_says, bill_says in checks:
        if document_says is not None and Decimal(document_says) != Decimal(bill_says):
            warnings.append(TotalWarning(term, name, Decimal(document_says), Decimal(bill_says)))
    if stated.prepaid:
        warnings.append(TotalWarning("BT-113", "paid amount (not recorded: the bill is for the whole total)",
                                     stated.prepaid, Decimal(0)))
    return warnings
