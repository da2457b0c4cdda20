"""The EN 16931 semantic model of a posted invoice or credit note, and what each output format requires.

Every field is named after its business term (BT-xx, BG-xx); `docs/einvoicing.md` is the mapping table from
Ledgerline's fields to these terms. The model is built by `services/einvoices.py` from the stored document,
its customer, the tenant and its tax codes; `missing(document, format)` lists each business term a format
needs that the data does not give, before anything is serialized.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

# VAT category codes (UNCL5305 subset of EN 16931) and the categories that need an exemption reason (BT-120
# or BT-121: BR-E-10, BR-AE-10, BR-IC-10, BR-G-10, BR-O-10).
CATEGORIES = ("S", "Z", "E", "AE", "K", "G", "O", "L", "M")
NEEDS_EXEMPTION_REASON = frozenset({"E", "AE", "K", "G", "O"})
# Categories whose rate is zero by definition (BR-Z-05, BR-E-05, BR-AE-05, BR-IC-05, BR-G-05); O has no rate.
ZERO_RATED = frozenset({"Z", "E", "AE", "K", "G"})


@dataclass(frozen=True)
class Format:
    name: str
    syntax: str  # "ubl" | "cii"
    customization: str  # BT-24 specification identifier
    profile: str | None  # BT-23 business process
    rules: str  # the validation rule set that judges it (einvoice/validation.RULE_SETS)
    peppol: bool = False
    xrechnung: bool = False


EN16931 = "urn:cen.eu:en16931:2017"
PEPPOL_PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
XRECHNUNG = f"{EN16931}#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
FORMATS: dict[str, Format] = {
    "peppol": Format("peppol", "ubl", f"{EN16931}#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0",
                     PEPPOL_PROFILE, "peppol", peppol=True),
    "ubl": Format("ubl", "ubl", EN16931, None, "en16931"),
    "cii": Format("cii", "cii", EN16931, None, "en16931"),
    "xrechnung-ubl": Format("xrechnung-ubl", "ubl", XRECHNUNG, PEPPOL_PROFILE, "xrechnung", xrechnung=True),
    "xrechnung-cii": Format("xrechnung-cii", "cii", XRECHNUNG, PEPPOL_PROFILE, "xrechnung", xrechnung=True),
}


@dataclass(frozen=True)
class Address:
    street: str | None = None  # BT-35 / BT-50
    additional_street: str | None = None  # BT-36 / BT-51
    city: str | None = None  # BT-37 / BT-52
    postal_code: str | None = None  # BT-38 / BT-53
    subdivision: str | None = None  # BT-39 / BT-54
    country: str | None = None  # BT-40 / BT-55


@dataclass(frozen=True)
class Party:
    """The seller (BG-4) or the buyer (BG-7)."""

    name: str  # BT-27 / BT-44
    address: Address = field(default_factory=Address)  # BG-5 / BG-8
    vat_id: str | None = None  # BT-31 / BT-48
    legal_registration_id: str | None = None  # BT-30 / BT-47
    electronic_address: str | None = None  # BT-34 / BT-49 as "<scheme>:<id>" (EAS code list)
    contact_name: str | None = None  # BT-41 / BT-56
    contact_phone: str | None = None  # BT-42 / BT-57
    contact_email: str | None = None  # BT-43 / BT-58

    @property
    def endpoint(self) -> tuple[str, str] | None:
        """(scheme, identifier) of the electronic address."""
        if not self.electronic_address or ":" not in self.electronic_address:
            return None
        scheme, _, identifier = self.electronic_address.partition(":")
        return scheme, identifier


@dataclass(frozen=True)
class TaxCategory:
    code: str  # BT-151 / BT-95 / BT-102 / BT-118
    rate: Decimal  # BT-152 / BT-96 / BT-103 / BT-119 (absent in the XML for O)
    exemption_reason: str | None = None  # BT-120
    exemption_reason_code: str | None = None  # BT-121 (VATEX code list)

    @property
    def key(self) -> tuple[str, Decimal]:
        return self.code, self.rate.normalize() if self.rate else Decimal(0)


@dataclass(frozen=True)
class Line:
    """An invoice line (BG-25): net amounts, in the document's currency."""

    id: str  # BT-126
    name: str  # BT-153
    quantity: Decimal  # BT-129 (negative for a negative line: prices are never negative, BR-27)
    net_price: Decimal  # BT-146
    net_amount: Decimal  # BT-131
    tax: TaxCategory | None  # BG-30; None: the line has no tax code (missing BT-151)
    unit_code: str = "C62"  # BT-130 (UN/ECE rec 20; C62 "one")
    base_quantity: Decimal = Decimal(1)  # BT-149
    # BG-27 / BG-28: line allowances and charges (amount BT-136/BT-141, reason BT-139/BT-144; no tax category):
    # BT-131 = BT-129 × BT-146 / BT-149 − allowances + charges (PEPPOL-EN16931-R120)
    allowances: tuple[AllowanceCharge, ...] = ()


def line_price(net_amount: Decimal, quantity: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """(quantity, net price, base quantity) of a line so that quantity × price / base = net amount exactly
    (PEPPOL-EN16931-R120) and the price is never negative (BR-27): a negative line has a negative quantity;
    a price that does not divide out in 6 decimals is the net amount per the whole quantity (BT-149)."""
    quantity = -abs(quantity) if net_amount < 0 else abs(quantity)
    price = net_amount / quantity if quantity else abs(net_amount)
    if quantity and price == price.quantize(Decimal("0.000001")) and price * quantity == net_amount:
        return quantity, price.normalize() if price else Decimal(0), Decimal(1)
    return quantity, abs(net_amount), abs(quantity)


@dataclass(frozen=True)
class AllowanceCharge:
    """A document-level allowance (BG-20) or charge (BG-21), net."""

    charge: bool
    amount: Decimal  # BT-92 / BT-99
    reason: str  # BT-97 / BT-104
    tax: TaxCategory | None  # BT-95.. / BT-102..
    percent: Decimal | None = None  # BT-94 / BT-101
    base_amount: Decimal | None = None  # BT-93 / BT-100


def single_line_discounts(positions: Sequence[dict[str, Any]] | None) -> dict[int, list[tuple[Decimal, str]]]:
    """The discount positions (as stored: `type`, `amount`, `reason`, `applies_to`) that apply to exactly one
    item position, by that item's line index: {line: [(amount, reason), …]} — the line allowances (BG-27) of an
    e-invoice. The scope is the one `domain/positions` prices with: `above` the items above the discount in its
    level, `all` every item of its level, nested groups included. Other discounts stay document-level."""
    found: dict[int, list[tuple[Decimal, str]]] = {}

    def level(entries: Sequence[dict[str, Any]]) -> list[int]:
        lines: list[int] = []
        pending: list[tuple[dict[str, Any], int]] = []
        for entry in entries:
            kind = entry.get("type")
            if kind == "item":
                lines.append(int(entry["line"]))
            elif kind == "group":
                lines.extend(level(entry.get("positions") or []))
            elif kind == "discount":
                pending.append((entry, len(lines)))
        for entry, before in pending:
            scope = lines[:before] if (entry.get("applies_to") or "above") == "above" else lines
            amount = Decimal(str(entry.get("amount") or 0))
            if len(scope) == 1 and amount > 0:
                found.setdefault(scope[0], []).append((amount, entry.get("reason") or "Discount"))
        return lines

    level(positions or [])
    return found


@dataclass(frozen=True)
class Payment:
    """Payment instructions (BG-16) from the tenant's bank account."""

    means_code: str = "58"  # BT-81: 58 SEPA credit transfer, 30 credit transfer
    iban: str | None = None  # BT-84
    bic: str | None = None  # BT-86
    account_name: str | None = None  # BT-85
    remittance: str | None = None  # BT-83 (the payment reference, else the invoice number)


@dataclass(frozen=True)
class TaxGroup:
    """One VAT breakdown (BG-23)."""

    category: TaxCategory
    taxable_amount: Decimal  # BT-116
    tax_amount: Decimal  # BT-117


@dataclass(frozen=True)
class EInvoice:
    credit_note: bool  # BT-3: 380 commercial invoice, 381 credit note
    number: str  # BT-1
    issue_date: date  # BT-2
    currency: str  # BT-5
    seller: Party  # BG-4
    buyer: Party  # BG-7
    lines: tuple[Line, ...]  # BG-25
    tax_amounts: dict[tuple[str, Decimal], Decimal]  # BT-117 per (category, rate), as posted
    tax_total: Decimal  # BT-110
    rounding: Decimal = Decimal(0)  # BT-114
    total: Decimal = Decimal(0)  # BT-112 + BT-114: what the document is for
    prepaid: Decimal = Decimal(0)  # BT-113
    allowances: tuple[AllowanceCharge, ...] = ()  # BG-20
    charges: tuple[AllowanceCharge, ...] = ()  # BG-21
    due_date: date | None = None  # BT-9
    note: str | None = None  # BT-22
    buyer_reference: str | None = None  # BT-10 (the Leitweg-ID for German public buyers)
    order_reference: str | None = None  # BT-13
    preceding_invoice: str | None = None  # BT-25 (a credit note's invoice)
    preceding_invoice_date: date | None = None  # BT-26
    delivery_date: date | None = None  # BT-72
    period_start: date | None = None  # BT-73 (BG-14 invoicing period)
    period_end: date | None = None  # BT-74
    delivery_address: Address | None = None  # BG-15 (BT-75 … BT-80)
    payment: Payment | None = None  # BG-16
    payment_terms: str | None = None  # BT-20
    tax_currency: str | None = None  # BT-6: the accounting currency when the document's differs
    tax_total_accounting: Decimal | None = None  # BT-111: the tax total in BT-6

    # -- derived totals (BG-22) ------------------------------------------------------------------------------
    @property
    def line_total(self) -> Decimal:  # BT-106
        return sum((line.net_amount for line in self.lines), Decimal(0))

    @property
    def allowance_total(self) -> Decimal:  # BT-107
        return sum((entry.amount for entry in self.allowances), Decimal(0))

    @property
    def charge_total(self) -> Decimal:  # BT-108
        return sum((entry.amount for entry in self.charges), Decimal(0))

    @property
    def tax_exclusive(self) -> Decimal:  # BT-109
        return self.line_total - self.allowance_total + self.charge_total

    @property
    def tax_inclusive(self) -> Decimal:  # BT-112
        return self.tax_exclusive + self.tax_total

    @property
    def payable(self) -> Decimal:  # BT-115
        return self.tax_inclusive - self.prepaid + self.rounding

    def tax_groups(self) -> list[TaxGroup]:
        """BG-23 per (category, rate): taxable from the lines, allowances and charges; tax as posted."""
        taxable: dict[tuple[str, Decimal], Decimal] = {}
        categories: dict[tuple[str, Decimal], TaxCategory] = {}
        entries = [(line.tax, line.net_amount) for line in self.lines]
        entries += [(entry.tax, -entry.amount) for entry in self.allowances]
        entries += [(entry.tax, entry.amount) for entry in self.charges]
        for tax, amount in entries:
            if tax is None:
                continue
            taxable[tax.key] = taxable.get(tax.key, Decimal(0)) + amount
            categories.setdefault(tax.key, tax)
        return [TaxGroup(categories[key], amount, self.tax_amounts.get(key, Decimal(0)))
                for key, amount in taxable.items()]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def missing(document: EInvoice, format_name: str) -> list[str]:
    """Each business term `format_name` needs that `document` lacks, as "BT-49 buyer electronic address"
    (a line's or an allowance's as "BT-151 invoiced item VAT category code (line 2)"); [] when complete."""
    fmt = FORMATS[format_name]
    seller, buyer = document.seller, document.buyer
    found: list[str] = []

    def need(value: object, term: str) -> None:
        if _blank(value) and term not in found:
            found.append(term)

    need(seller.address.country, "BT-40 seller country code")
    need(buyer.address.country, "BT-55 buyer country code")
    for index, line in enumerate(document.lines, start=1):
        if line.tax is None:
            found.append(f"BT-151 invoiced item VAT category code (line {index}: the line has no tax code)")
    for entry in (*document.allowances, *document.charges):
        if entry.tax is None:
            term = "BT-102 document level charge VAT category code" if entry.charge else \
                "BT-95 document level allowance VAT category code"
            need(None, term)
    categories = {group.category.code for group in document.tax_groups()}
    for group in document.tax_groups():
        if group.category.code in NEEDS_EXEMPTION_REASON and _blank(group.category.exemption_reason) and \
                _blank(group.category.exemption_reason_code):
            need(None, f"BT-120 VAT exemption reason text (category {group.category.code})")
    if categories & {"S", "Z", "E", "AE", "K", "G", "L", "M"}:
        # BR-S-02 and its siblings: the seller's VAT identifier (or tax registration, BT-32)
        need(seller.vat_id, "BT-31 seller VAT identifier")
    if categories & {"AE", "K"}:
        need(buyer.vat_id, "BT-48 buyer VAT identifier")
    if "K" in categories:
        need(document.delivery_date, "BT-72 actual delivery date")
        need(document.delivery_address.country if document.delivery_address else None,
             "BT-80 deliver to country code")
    if document.payment is not None and document.payment.means_code in ("30", "58"):
        need(document.payment.iban, "BT-84 payment account identifier")
    if fmt.peppol or fmt.xrechnung:
        need(seller.electronic_address, "BT-34 seller electronic address")
        need(buyer.electronic_address, "BT-49 buyer electronic address")
    # PEPPOL-EN16931-R003: a buyer reference or an order reference
    if fmt.peppol and _blank(document.buyer_reference) and _blank(document.order_reference):
        found.append("BT-10 buyer reference (or BT-13 purchase order reference)")
    # XRechnung's rules (BR-DE-*), and Peppol's German national rules (DE-R-*) for a German seller and buyer
    if fmt.xrechnung or (fmt.peppol and seller.address.country == buyer.address.country == "DE"):
        need(document.buyer_reference, "BT-10 buyer reference (Leitweg-ID)")
        need(seller.address.city, "BT-37 seller city")
        need(seller.address.postal_code, "BT-38 seller post code")
        need(buyer.address.city, "BT-52 buyer city")
        need(buyer.address.postal_code, "BT-53 buyer post code")
        need(seller.contact_name, "BT-41 seller contact point")
        need(seller.contact_phone, "BT-42 seller contact telephone number")
        need(seller.contact_email, "BT-43 seller contact email address")
        need(document.payment, "BT-81 payment means type code")
    return found


# -- receiving (issue 17 item 5): the same model read back from a supplier's XML --------------------------


@dataclass(frozen=True)
class StatedTotals:
    """The document totals (BG-22) as the document states them, beside the model's own derivation."""

    line_total: Decimal | None = None  # BT-106
    allowance_total: Decimal | None = None  # BT-107
    charge_total: Decimal | None = None  # BT-108
    tax_exclusive: Decimal | None = None  # BT-109
    tax_total: Decimal | None = None  # BT-110
    tax_inclusive: Decimal | None = None  # BT-112
    prepaid: Decimal | None = None  # BT-113
    rounding: Decimal | None = None  # BT-114
    payable: Decimal | None = None  # BT-115


@dataclass(frozen=True)
class Received:
    """A supplier's e-invoice read by `ubl.parse` / `cii.parse`: the model, its stated totals and BT-24."""

    document: EInvoice
    stated: StatedTotals
    customization: str  # BT-24 specification identifier
    syntax: str  # "ubl" | "cii"

    @property
    def rules(self) -> str:
        return rules_for(self.customization)


def rules_for(customization: str) -> str:
    """The rule set a BT-24 specification identifier claims (einvoice/validation.RULE_SETS): `xrechnung` when it
    names XRechnung, `peppol` when it names Peppol BIS, else `en16931` (which every rule set includes)."""
    claimed = customization.lower()
    if "xrechnung" in claimed:
        return "xrechnung"
    if "peppol.eu" in claimed:
        return "peppol"
    return "en16931"
