"""Exact money: Decimal amounts rounded to each currency's minor unit."""

from __future__ import annotations

import decimal
from decimal import ROUND_HALF_UP, Decimal

# The one decimal context of the process: DynamoDB's 38 significant digits (Python's default is 28), so
# no product or sum of amounts within the limits below is ever rounded or raises InvalidOperation. Installed
# on import, as the defaults every thread starts from and as the importing thread's own context; the traps
# stay Python's defaults (InvalidOperation, DivisionByZero, Overflow).
PRECISION = 38


def use_money_context() -> None:
    for context in (decimal.DefaultContext, decimal.getcontext()):
        context.prec = PRECISION


use_money_context()

# The largest amount a price, a line, a receipt or a journal line may be: 10^15 (a quadrillion) in any
# currency. With at most 100 lines, tax rates up to 100 % and exchange rates below 10^8, every total and
# base-currency amount stays below 10^26, well inside PRECISION.
MAX_AMOUNT = Decimal(10) ** 15

# ISO 4217 currencies Ledgerline accepts, with the number of digits after the decimal point.
_MINOR_UNITS: dict[str, int] = {
    **dict.fromkeys(
        "AED AUD BDT BGN BRL CAD CHF CNY CZK DKK EGP EUR GBP HKD ILS INR MAD MXN MYR NOK NZD "
        "PHP PKR PLN QAR RON SAR SEK SGD THB TRY TWD USD ZAR".split(),
        2,
    ),
    **dict.fromkeys("IDR JPY KRW VND CLP ISK HUF UGX".split(), 0),
    **dict.fromkeys("KWD BHD OMR JOD TND".split(), 3),
}

SUPPORTED_CURRENCIES: frozenset[str] = frozenset(_MINOR_UNITS)


def minor_units(currency: str) -> int:
    try:
        return _MINOR_UNITS[currency]
    except KeyError as exc:
        raise ValueError(f"unsupported currency {currency!r}") from exc


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round half away from zero to the currency's minor unit (commercial rounding)."""
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def with_minor_units(amount: Decimal, currency: str) -> Decimal:
    """`amount` with at least the currency's minor units and every digit it has (prices may be finer)."""
    exponent = min(amount.as_tuple().exponent, -minor_units(currency))
    return amount.quantize(Decimal(1).scaleb(exponent))


def plain(amount: Decimal) -> Decimal:
    """The same number without a positive exponent (1E+1 is 10) or a negative zero; exact, any size."""
    if amount.is_zero():
        amount = amount.copy_abs()
    if amount.as_tuple().exponent > 0:  # type: ignore[operator]
        amount = Decimal(int(amount))
    return amount


def within_limit(amount: Decimal) -> bool:
    return abs(amount) <= MAX_AMOUNT
