"""Posting rules: which accounts a document moves, and by how much."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ledgerline.domain.journal import JournalLine, Leg, lines_from_legs
from ledgerline.domain.money import round_money
from ledgerline.domain.parties import PartyRole


@dataclass(frozen=True)
class SystemAccounts:
    """The accounts posting rules use without being told: set per tenant at creation."""

    receivable: str
    customer_credit: str
    rounding: str
    fx: str
    retained_earnings: str


@dataclass(frozen=True)
class Conversion:
    currency: str
    base_currency: str
    rate: Decimal

    def base(self, amount: Decimal) -> Decimal:
        return round_money(amount * self.rate, self.base_currency)


@dataclass(frozen=True)
class TaxAmount:
    """One tax code's part of a document, in the document's currency and converted to the base currency.

    The base amounts are computed here once (`convert_taxes`) and both the journal (tax per account:
    the sum of its codes' base amounts) and the tax summary (per code) use them, so the two agree by
    construction, whatever the rate and however many codes share one tax account."""

    tax_code_id: str
    account_id: str
    taxable: Decimal
    tax: Decimal
    base_taxable: Decimal
    base_tax: Decimal
    direction: str = "output"
    investment: bool = False  # input tax on investments (fixed-asset lines): CH form box 405, not 400


OUTPUT, INPUT = "output", "input"  # TaxAmount.direction: tax on sales, input tax on purchases
_INPUT_SUFFIX = "/input"
_INVESTMENT_SUFFIX = "/input/investment"


def tax_key(tax_code_id: str, direction: str = OUTPUT, *, investment: bool = False) -> str:
    """The key of a tax code's total in one direction (`tax_totals`): the code itself for output tax (as
    before directions existed), the code with `/input` for input tax, so reverse charge keeps both; input tax
    on investments apart again (`/input/investment`), so every key there was before keeps its meaning."""
    if direction not in (OUTPUT, INPUT):
        raise ValueError(f"unknown tax direction {direction!r}")
    if direction == OUTPUT:
        return tax_code_id
    return f"{tax_code_id}{_INVESTMENT_SUFFIX if investment else _INPUT_SUFFIX}"


def split_tax_key(key: str) -> tuple[str, str]:
    """(tax code id, direction) of a `tax_key`; input tax on investments is input tax."""
    for suffix in (_INVESTMENT_SUFFIX, _INPUT_SUFFIX):
        if key.endswith(suffix):
            return key[: -len(suffix)], INPUT
    return key, OUTPUT


def is_investment_key(key: str) -> bool:
    """True for the key of input tax on investments (`tax_key(..., investment=True)`)."""
    return key.endswith(_INVESTMENT_SUFFIX)


def convert_taxes(breakdown: Sequence[tuple[str, str, Decimal, Decimal]], conversion: Conversion) -> list[TaxAmount]:
    """(tax code, tax account, taxable, tax) in the document's currency → the same with base amounts."""
    return [TaxAmount(code, account, taxable, tax, conversion.base(taxable), conversion.base(tax))
            for code, account, taxable, tax in breakdown]


def _tax_legs(taxes: Sequence[TaxAmount], sign: int, description: str) -> list[Leg]:
    by_account: dict[str, list[Decimal]] = {}
    for tax in taxes:
        slot = by_account.setdefault(tax.account_id, [Decimal(0), Decimal(0)])
        slot[0] += tax.tax
        slot[1] += tax.base_tax
    return [Leg(account, sign * amount, base_amount=sign * base, description=description)
            for account, (amount, base) in by_account.items()]


def invoice_lines(*, total: Decimal, nets_by_account: Mapping[str, Decimal], taxes: Sequence[TaxAmount],
                  rounding_adjustment: Decimal, accounts: SystemAccounts, conversion: Conversion,
                  description: str) -> list[JournalLine]:
    """Debit receivable for the total; credit revenue per account, tax per tax account, and rounding."""
    sign = PartyRole.CUSTOMER.posting_sign  # a sale credits its nets and tax
    legs = [Leg(account, sign * net, description=description) for account, net in nets_by_account.items()]
    legs += _tax_legs(taxes, sign, description)
    if rounding_adjustment:
        legs.append(Leg(accounts.rounding, sign * rounding_adjustment, description=description))
    return lines_from_legs(legs, balancing=Leg(accounts.receivable, total, description=description),
                           currency=conversion.currency, base_currency=conversion.base_currency,
                           rate=conversion.rate)


@dataclass(frozen=True)
class Settlement:
    """Part of an invoice's receivable cleared by a receipt, credit or credit note."""

    amount: Decimal
    base_amount: Decimal


def settlement_base(*, amount: Decimal, amount_due: Decimal, base_total: Decimal, base_settled: Decimal,
                    conversion: Conversion) -> Decimal:
    """Receivable is cleared at the invoice's own rate; the final settlement clears whatever is left,
    so a fully settled invoice leaves exactly zero in the base currency."""
    return part_base(amount=amount, remaining=amount_due, remaining_base=base_total - base_settled,
                     conversion=conversion)


def part_base(*, amount: Decimal, remaining: Decimal, remaining_base: Decimal, conversion: Conversion) -> Decimal:
    """The base value of taking `amount` out of something held at a fixed rate (an invoice's receivable,
    a receipt's customer credit): converted at that rate, except that the piece that takes all that is
    left takes all the base amount that is left, so nothing stays behind in the base currency."""
    if amount == remaining:
        return remaining_base
    return conversion.base(amount)


def receipt_lines(*, amount: Decimal, bank_account: str, settlements: Sequence[Settlement], credit: Decimal,
                  accounts: SystemAccounts, conversion: Conversion, description: str) -> list[JournalLine]:
    """Debit the bank; credit receivable for what settles invoices and customer credit for the rest.
    A difference in the base currency (rates moved since invoicing) is an exchange gain or loss."""
    legs = [Leg(bank_account, amount, description=description)]
    if settlements:
        legs.append(Leg(accounts.receivable, -sum((s.amount for s in settlements), Decimal(0)),
                        base_amount=-sum((s.base_amount for s in settlements), Decimal(0)),
                        description=description))
    if credit:
        legs.append(Leg(accounts.customer_credit, -credit, description=description))
    return lines_from_legs(legs, balancing=Leg(accounts.fx, Decimal(0), description=description),
                           currency=conversion.currency, base_currency=conversion.base_currency,
                           rate=conversion.rate)


def credit_application_lines(*, settlements: Sequence[Settlement], credit_base: Decimal, accounts: SystemAccounts,
                             conversion: Conversion, description: str) -> list[JournalLine]:
    """Use customer credit (held at the receipt's rate, `credit_base` from `part_base`) to settle invoices."""
    amount = sum((s.amount for s in settlements), Decimal(0))
    legs = [Leg(accounts.customer_credit, amount, base_amount=credit_base, description=description),
            Leg(accounts.receivable, -amount, base_amount=-sum((s.base_amount for s in settlements), Decimal(0)),
                description=description)]
    return lines_from_legs(legs, balancing=Leg(accounts.fx, Decimal(0), description=description),
                           currency=conversion.currency, base_currency=conversion.base_currency,
                           rate=conversion.rate)


def credit_note_lines(*, nets_by_account: Mapping[str, Decimal], taxes: Sequence[TaxAmount],
                      rounding_adjustment: Decimal, settlement: Settlement | None, credit: Decimal,
                      accounts: SystemAccounts, conversion: Conversion, description: str) -> list[JournalLine]:
    """The mirror of an invoice: debit revenue and tax; credit receivable for what was due, and
    customer credit for any excess."""
    sign = -PartyRole.CUSTOMER.posting_sign  # the sale undone
    legs = [Leg(account, sign * net, description=description) for account, net in nets_by_account.items()]
    legs += _tax_legs(taxes, sign, description)
    if rounding_adjustment:
        legs.append(Leg(accounts.rounding, sign * rounding_adjustment, description=description))
    if settlement is not None and settlement.amount:
        legs.append(Leg(accounts.receivable, -settlement.amount, base_amount=-settlement.base_amount,
                        description=description))
    if credit:
        legs.append(Leg(accounts.customer_credit, -credit, description=description))
    return lines_from_legs(legs, balancing=Leg(accounts.fx, Decimal(0), description=description),
                           currency=conversion.currency, base_currency=conversion.base_currency,
                           rate=conversion.rate)


def tax_totals(taxes: Sequence[TaxAmount], sign: int = 1) -> dict[str, tuple[Decimal, Decimal]]:
    """Taxable amount and tax per tax code in the base currency, for the tax summary: the same base
    amounts the journal's tax lines are made of. Sales documents add (`sign` 1); credit notes and
    voids subtract (`sign` -1). Keyed by `tax_key(code, direction)`: output tax by the code alone, input
    tax apart from it (a reverse-charge purchase has both for one code)."""
    totals: dict[str, tuple[Decimal, Decimal]] = {}
    for tax in taxes:
        key = tax_key(tax.tax_code_id, tax.direction, investment=tax.investment)
        taxable, amount = totals.get(key, (Decimal(0), Decimal(0)))
        totals[key] = (taxable + sign * tax.base_taxable, amount + sign * tax.base_tax)
    return totals


def refund_lines(*, amount: Decimal, bank_account: str, credit_base: Decimal, accounts: SystemAccounts,
                 conversion: Conversion, description: str) -> list[JournalLine]:
    """Pay customer credit back out: debit customer credit at the base value it was booked at
    (`credit_base`), credit the bank at the refund's rate; a difference is an exchange gain or loss."""
    legs = [Leg(accounts.customer_credit, amount, base_amount=credit_base, description=description),
            Leg(bank_account, -amount, description=description)]
    return lines_from_legs(legs, balancing=Leg(accounts.fx, Decimal(0), description=description),
                           currency=conversion.currency, base_currency=conversion.base_currency,
                           rate=conversion.rate)
