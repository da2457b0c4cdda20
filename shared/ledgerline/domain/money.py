"""Exact money: Decimal amounts rounded to each currency's minor unit."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

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
