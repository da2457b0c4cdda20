"""Posting rules of purchases (issue 15; DESIGN.md section 11): a supplier bill → balanced journal lines.

- bill (posted): debit expense or asset per line (net + non-recoverable tax) and input tax (recoverable
  part); credit payable (total).
- bill, a line of a stock-managed item (issue 19): its net debits the item's inventory account instead of
  the line's expense account, at its own base value (`stock_values`); its share of non-recoverable tax
  stays on the expense account.
- bill, reverse charge (AE): debit expense (net + non-recoverable tax) and input tax (recoverable part);
  credit payable (net) and output tax (self-assessed).

Tax per code comes from the document's tax breakdown (EN 16931: per code on the sum of the line nets,
rounded once). A code's recoverable part is `round(tax × recoverable_percent / 100)`; the rest is
non-recoverable and is added to the expense of the lines taxed with that code, split over them in
proportion to their nets (`allocation.allocate`, so the parts add up to the cent). Under reverse charge
(category AE) the supplier charges no tax: the bill's total is its nets, and the buyer self-assesses the
tax at the code's rate: output tax credited, input tax (its recoverable part) debited.

Each tax code yields `TaxAmount`s with a direction: `input` for the recoverable input tax, and, under
reverse charge, `output` for the self-assessed tax. The journal's tax lines are made of the same base
amounts, so the tax buckets and the tax accounts agree by construction.

Input tax on investments (CH form box 405, "investments and other operating costs", against 400 "material
and services"): the input tax of a code is split between the lines on fixed-asset accounts (subtype `fixed`,
`is_investment`) and the others in proportion to their nets (`investment_taxable`, recorded per code on the
document when it is priced); the investment part is a `TaxAmount` of its own with `investment` set, so it
lands in a bucket of its own (`posting.tax_key(..., investment=True)`). The journal is the same either way.

Pure: no I/O, amounts in the document's currency, base amounts through `posting.Conversion`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ledgerline.domain.allocation import allocate
from ledgerline.domain.journal import JournalLine, Leg, lines_from_legs
from ledgerline.domain.money import quantum, round_money
from ledgerline.domain.parties import PartyRole
from ledgerline.domain.posting import Conversion, Settlement, TaxAmount

REVERSE_CHARGE = "AE"  # EN 16931 VAT category code: reverse charge
INPUT, OUTPUT = "input", "output"  # TaxAmount.direction
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class PurchaseTaxCode:
    """What a purchase posting needs of a tax code, as it was when the bill was priced."""

    tax_code_id: str
    rate: Decimal
    input_account_id: str
    output_account_id: str  # the code's own (sales) tax account: where self-assessed tax goes
    recoverable_percent: Decimal = HUNDRED
    category: str = "S"

    @property
    def reverse_charge(self) -> bool:
        return self.category == REVERSE_CHARGE


@dataclass(frozen=True)
class PurchaseLine:
    """A bill line as posting sees it: its expense or asset account, its net (with its share of any
    discounts, allowances and charges) and its tax code."""

    account_id: str
    net: Decimal
    tax_code_id: str | None
    inventory_account_id: str | None = None  # a stock-managed item's line (issue 19): its net goes to inventory


@dataclass(frozen=True)
class PurchaseAccounts:
    payable: str
    rounding: str


def self_assessed_tax(taxable: Decimal, rate: Decimal, currency: str) -> Decimal:
    """The tax a buyer owes under reverse charge: the code's rate on the taxable amount, rounded once."""
    return round_money(taxable * rate / HUNDRED, currency)


def split_recoverable(tax: Decimal, percent: Decimal, currency: str) -> tuple[Decimal, Decimal]:
    """(recoverable, non-recoverable) parts of `tax`; they add up to `tax` exactly."""
    if not Decimal(0) <= percent <= HUNDRED:
        raise ValueError(f"recoverable percent {percent} is not within 0-100")
    recoverable = round_money(tax * percent / HUNDRED, currency)
    return recoverable, tax - recoverable


def code_tax(code: PurchaseTaxCode, taxable: Decimal, charged: Decimal, currency: str) -> Decimal:
    """A code's tax on the bill: what the supplier charged, or under reverse charge what the buyer owes."""
    return self_assessed_tax(taxable, code.rate, currency) if code.reverse_charge else charged


INVESTMENT_SUBTYPES = frozenset({"fixed"})  # asset accounts whose purchases are investments (CH box 405)


def is_investment(account_subtype: str | None) -> bool:
    """A line on a fixed-asset account is an investment: its input tax goes to CH form box 405."""
    return account_subtype in INVESTMENT_SUBTYPES


def investment_taxable(lines: Sequence[tuple[str | None, Decimal, bool]]) -> dict[str, Decimal]:
    """(tax code, net with its adjustment, is an investment) per line → per code, the nets of its investment
    lines (codes without any are left out)."""
    totals: dict[str, Decimal] = {}
    for code_id, net, investment in lines:
        if investment and code_id is not None:
            totals[code_id] = totals.get(code_id, Decimal(0)) + net
    return {code_id: net for code_id, net in totals.items() if net}


def split_investment(tax: TaxAmount, investment: Decimal, conversion: Conversion) -> list[TaxAmount]:
    """An input TaxAmount split into the part on investments (weight `investment`, of its taxable) and the
    rest, each amount to the cent, the parts adding up to the whole (`allocation.allocate`)."""
    if not investment or not tax.taxable:
        return [tax]
    if abs(investment) >= abs(tax.taxable):  # every line of the code is an investment
        return [TaxAmount(tax.tax_code_id, tax.account_id, tax.taxable, tax.tax, tax.base_taxable, tax.base_tax,
                          tax.direction, investment=True)]
    weights = [abs(investment), abs(tax.taxable - investment)]

    def parts(amount: Decimal, currency_quantum: Decimal) -> list[Decimal]:
        return allocate(amount, weights, currency_quantum)

    document, base = quantum(conversion.currency), quantum(conversion.base_currency)
    return [TaxAmount(tax.tax_code_id, tax.account_id, taxable, amount, base_taxable, base_tax, tax.direction,
                      investment=index == 0)
            for index, (taxable, amount, base_taxable, base_tax) in enumerate(zip(
                parts(tax.taxable, document), parts(tax.tax, document), parts(tax.base_taxable, base),
                parts(tax.base_tax, base), strict=True))]


def purchase_taxes(breakdown: Sequence[tuple[str, Decimal, Decimal]], codes: Mapping[str, PurchaseTaxCode],
                   conversion: Conversion, investments: Mapping[str, Decimal] | None = None) -> list[TaxAmount]:
    """(tax code, taxable, tax charged) per code → its TaxAmounts: the recoverable input tax (split off the
    part on investments, `investments`: per code the taxable of its fixed-asset lines), and under reverse
    charge the self-assessed output tax as well. A code with nothing recoverable and no reverse charge yields
    an input amount of zero tax (its taxable still counts)."""
    taxes: list[TaxAmount] = []
    for code_id, taxable, charged in breakdown:
        code = codes[code_id]
        tax = code_tax(code, taxable, charged, conversion.currency)
        recoverable, _ = split_recoverable(tax, code.recoverable_percent, conversion.currency)
        base_taxable = conversion.base(taxable)
        whole = TaxAmount(code_id, code.input_account_id, taxable, recoverable, base_taxable,
                          conversion.base(recoverable), INPUT)
        taxes += split_investment(whole, (investments or {}).get(code_id, Decimal(0)), conversion)
        if code.reverse_charge:
            taxes.append(TaxAmount(code_id, code.output_account_id, taxable, tax, base_taxable,
                                   conversion.base(tax), OUTPUT))
    return taxes


def non_recoverable_by_line(lines: Sequence[PurchaseLine], breakdown: Sequence[tuple[str, Decimal, Decimal]],
                            codes: Mapping[str, PurchaseTaxCode], currency: str) -> list[Decimal]:
    """Each line's share of its code's non-recoverable tax, in proportion to the nets of that code's lines."""
    shares = [Decimal(0) * quantum(currency)] * len(lines)
    for code_id, taxable, charged in breakdown:
        code = codes[code_id]
        _, rest = split_recoverable(code_tax(code, taxable, charged, currency), code.recoverable_percent, currency)
        if not rest:
            continue
        positions = [index for index, line in enumerate(lines) if line.tax_code_id == code_id]
        if not positions:
            continue
        parts = allocate(rest, [abs(lines[index].net) for index in positions], quantum(currency))
        for index, part in zip(positions, parts, strict=True):
            shares[index] += part
    return shares


def stock_values(lines: Sequence[PurchaseLine], conversion: Conversion) -> list[Decimal | None]:
    """Inventory (issue 19): the value each line of a stock-managed item adds to stock, its net converted to
    the base currency (each line on its own, so the stock levels and the inventory account agree to the cent);
    None for the other lines. The inventory leg of a bill is the sum of these values, and its non-recoverable
    tax stays on the line's expense account (the tax side of a bill does not change)."""
    return [conversion.base(line.net) if line.inventory_account_id else None for line in lines]


def bill_lines(*, lines: Sequence[PurchaseLine], breakdown: Sequence[tuple[str, Decimal, Decimal]],
               codes: Mapping[str, PurchaseTaxCode], total: Decimal, rounding_adjustment: Decimal,
               accounts: PurchaseAccounts, conversion: Conversion, description: str,
               investments: Mapping[str, Decimal] | None = None) -> tuple[list[JournalLine], list[TaxAmount]]:
    """A posted bill: debit expense (net + non-recoverable tax) per account and input tax (recoverable part)
    per input account; under reverse charge credit output tax (self-assessed); credit payable for the total.
    Returns the lines and the TaxAmounts they were made from (for the tax buckets)."""
    sign = PartyRole.SUPPLIER.posting_sign  # a purchase debits its nets and input tax
    legs, taxes = _purchase_legs(lines=lines, breakdown=breakdown, codes=codes, rounding_adjustment=rounding_adjustment,
                                 accounts=accounts, conversion=conversion, description=description, sign=sign,
                                 investments=investments)
    journal = lines_from_legs(legs, balancing=Leg(accounts.payable, -sign * total, description=description),
                              currency=conversion.currency, base_currency=conversion.base_currency,
                              rate=conversion.rate)
    return journal, taxes


def _purchase_legs(*, lines: Sequence[PurchaseLine], breakdown: Sequence[tuple[str, Decimal, Decimal]],
                   codes: Mapping[str, PurchaseTaxCode], rounding_adjustment: Decimal, accounts: PurchaseAccounts,
                   conversion: Conversion, description: str, sign: int,
                   investments: Mapping[str, Decimal] | None = None) -> tuple[list[Leg], list[TaxAmount]]:
    """The expense, tax and rounding legs of a purchase (`sign` 1) or of its undoing (-1, a supplier credit
    note), and the TaxAmounts they were made from."""
    currency = conversion.currency
    taxes = purchase_taxes(breakdown, codes, conversion, investments)
    shares = non_recoverable_by_line(lines, breakdown, codes, currency)
    expense: dict[str, Decimal] = {}
    inventory: dict[str, list[Decimal]] = {}
    for line, share, value in zip(lines, shares, stock_values(lines, conversion), strict=True):
        if value is None:
            expense[line.account_id] = expense.get(line.account_id, Decimal(0)) + line.net + share
            continue
        slot = inventory.setdefault(line.inventory_account_id, [Decimal(0), Decimal(0)])  # type: ignore[arg-type]
        slot[0] += line.net
        slot[1] += value
        if share:
            expense[line.account_id] = expense.get(line.account_id, Decimal(0)) + share
    legs = [Leg(account, sign * amount, description=description) for account, amount in expense.items()]
    legs += [Leg(account, sign * amount, base_amount=sign * base, description=description)
             for account, (amount, base) in inventory.items()]
    by_account: dict[tuple[str, str], list[Decimal]] = {}
    for tax in taxes:
        slot = by_account.setdefault((tax.account_id, tax.direction), [Decimal(0), Decimal(0)])
        slot[0] += tax.tax
        slot[1] += tax.base_tax
    for (account, direction), (amount, base) in by_account.items():
        side = sign if direction == INPUT else -sign
        legs.append(Leg(account, side * amount, base_amount=side * base, description=description))
    if rounding_adjustment:
        legs.append(Leg(accounts.rounding, sign * rounding_adjustment, description=description))
    return legs, taxes


@dataclass(frozen=True)
class PaymentAccounts:
    """The system accounts a supplier payment posts to."""

    payable: str
    supplier_prepayments: str
    fx: str


def supplier_payment_lines(*, amount: Decimal, bank_account: str, settlements: Sequence[Settlement],
                           prepayment: Decimal, accounts: PaymentAccounts, conversion: Conversion,
                           description: str) -> list[JournalLine]:
    """The mirror of a receipt: debit payable for what settles bills (at the bills' own base value) and
    supplier prepayments for the rest; credit the bank or cash account. A base-currency difference (the rate
    moved since the bill) is an exchange gain or loss."""
    legs = [Leg(bank_account, -amount, description=description)]
    if settlements:
        legs.append(Leg(accounts.payable, sum((s.amount for s in settlements), Decimal(0)),
                        base_amount=sum((s.base_amount for s in settlements), Decimal(0)), description=description))
    if prepayment:
        legs.append(Leg(accounts.supplier_prepayments, prepayment, description=description))
    return lines_from_legs(legs, balancing=Leg(accounts.fx, Decimal(0), description=description),
                           currency=conversion.currency, base_currency=conversion.base_currency, rate=conversion.rate)


def prepayment_application_lines(*, settlements: Sequence[Settlement], prepayment_base: Decimal,
                                 accounts: PaymentAccounts, conversion: Conversion,
                                 description: str) -> list[JournalLine]:
    """Use a supplier prepayment (held at the payment's rate, `prepayment_base` from `posting.part_base`) to
    settle bills: debit payable, credit supplier prepayments (the mirror of `posting.credit_application_lines`)."""
    amount = sum((s.amount for s in settlements), Decimal(0))
    legs = [Leg(accounts.payable, amount, base_amount=sum((s.base_amount for s in settlements), Decimal(0)),
                description=description),
            Leg(accounts.supplier_prepayments, -amount, base_amount=-prepayment_base, description=description)]
    return lines_from_legs(legs, balancing=Leg(accounts.fx, Decimal(0), description=description),
                           currency=conversion.currency, base_currency=conversion.base_currency, rate=conversion.rate)


def supplier_credit_note_lines(*, lines: Sequence[PurchaseLine], breakdown: Sequence[tuple[str, Decimal, Decimal]],
                               codes: Mapping[str, PurchaseTaxCode], rounding_adjustment: Decimal,
                               settlement: Settlement | None, excess: Decimal, accounts: PurchaseAccounts,
                               payment_accounts: PaymentAccounts, conversion: Conversion, description: str,
                               investments: Mapping[str, Decimal] | None = None,
                               ) -> tuple[list[JournalLine], list[TaxAmount]]:
    """A supplier credit note, the mirror of a bill: credit expense (net + non-recoverable tax) per account and
    input tax; under reverse charge debit the self-assessed output tax; debit payable for what it takes off the
    bill (at the bill's base value) and supplier prepayments for any excess. A base-currency difference is an
    exchange gain or loss."""
    legs, taxes = _purchase_legs(lines=lines, breakdown=breakdown, codes=codes, rounding_adjustment=rounding_adjustment,
                                 accounts=accounts, conversion=conversion, description=description,
                                 sign=-PartyRole.SUPPLIER.posting_sign, investments=investments)
    if settlement is not None and settlement.amount:
        legs.append(Leg(accounts.payable, settlement.amount, base_amount=settlement.base_amount,
                        description=description))
    if excess:
        legs.append(Leg(payment_accounts.supplier_prepayments, excess, description=description))
    journal = lines_from_legs(legs, balancing=Leg(payment_accounts.fx, Decimal(0), description=description),
                              currency=conversion.currency, base_currency=conversion.base_currency,
                              rate=conversion.rate)
    return journal, taxes


def prepayment_refund_lines(*, amount: Decimal, prepayment_base: Decimal, bank_account: str,
                            accounts: PaymentAccounts, conversion: Conversion, description: str) -> list[JournalLine]:
    """Money back from a supplier that uses up a prepayment: debit the bank (at today's rate), credit supplier
    prepayments at the rate it was held (`prepayment_base`); the difference is an exchange gain or loss."""
    legs = [Leg(bank_account, amount, description=description),
            Leg(accounts.supplier_prepayments, -amount, base_amount=-prepayment_base, description=description)]
    return lines_from_legs(legs, balancing=Leg(accounts.fx, Decimal(0), description=description),
                           currency=conversion.currency, base_currency=conversion.base_currency, rate=conversion.rate)
