"""Building blocks shared by the request and response models."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictInt,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from ledgerline.domain.money import MAX_AMOUNT, SUPPORTED_CURRENCIES, plain


class Input(BaseModel):
    """Request bodies: unknown fields are an error, never silently dropped.

    Models are built on first use (`defer_build`): a function builds the validators of its own
    routes' models at cold start, not those of every model its imports happen to define."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True, defer_build=True)


def _currency(value: str) -> str:
    code = value.upper()
    if code not in SUPPORTED_CURRENCIES:
        raise ValueError(f"unsupported currency {value!r}; use an ISO 4217 code such as USD, EUR, IDR")
    return code


def _country(value: str) -> str:
    if not (len(value) == 2 and value.isalpha() and value.isascii()):
        raise ValueError("use an ISO 3166-1 alpha-2 country code such as AU, CH, ID")
    return value.upper()


def _plain_rate(value: Decimal) -> Decimal:
    # DynamoDB stores numbers without trailing zeros, so "10.00" would be read back as "10":
    # drop them on the way in and the create response matches every later read. (abs: "-0" is 0.)
    normal = abs(value).normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


# -- Numbers and dates at the edge -----------------------------------------------------------------
# Money, quantities and rates come in as a JSON number or a plain decimal string and go out as a plain
# decimal string (never exponent form). Dates come in as YYYY-MM-DD only. The OpenAPI schema types them as
# strings with a pattern that states the limits, and the validators below enforce the same limits.

PLAIN_DECIMAL = r"^-?[0-9]+(\.[0-9]+)?$"
_PLAIN_DECIMAL = re.compile(PLAIN_DECIMAL)
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A JSON number with a fraction or an exponent reaches the app as a float, exact to 15 significant digits.
FLOAT_DIGITS = 15


def _decimal_error(message: str) -> PydanticCustomError:
    return PydanticCustomError("decimal_string", message)


def strict_decimal(value: Any) -> Any:
    """A JSON number or a plain decimal string (ASCII digits, optional "-" and "."), as a Decimal."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, bool):
        raise _decimal_error('must be a decimal string such as "1375.00" or a number, not a boolean')
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _decimal_error("must be a finite number")
        number = Decimal(repr(value)).normalize()
        if len(number.as_tuple().digits) > FLOAT_DIGITS:
            raise _decimal_error(f"has more than {FLOAT_DIGITS} significant digits, more than a JSON number "
                                 'carries exactly: send it as a decimal string such as "1234567.891234567"')
    elif isinstance(value, str) and len(value) <= 64 and _PLAIN_DECIMAL.fullmatch(value):
        number = Decimal(value)
    elif isinstance(value, str):
        raise _decimal_error('must be a plain decimal string such as "1375.00": digits 0-9 with an optional '
                             'leading "-" and one "."; no exponent, spaces, "+" or separators')
    else:
        raise _decimal_error('must be a decimal string such as "1375.00" or a number')
    return plain(number)


def decimal_pattern(whole: int, decimals: int, *, negative: bool = False) -> str:
    sign = "-?" if negative else ""
    return rf"^{sign}[0-9]{{1,{whole}}}(\.[0-9]{{1,{decimals}}})?$"


def _plain_json(value: Decimal) -> str:
    return format(plain(value), "f")


PLAIN_OUTPUT = PlainSerializer(_plain_json, return_type=str, when_used="json")


def decimal_input(*, whole: int, decimals: int, example: str, negative: bool = False, **limits: Any) -> Any:
    """A Decimal request field: JSON number or plain decimal string with at most `whole` digits before the
    point and `decimals` after it, within `limits` (ge, gt, le). Documented as a string with that pattern."""
    schema = {"type": "string", "pattern": decimal_pattern(whole, decimals, negative=negative), "examples": [example]}
    return Annotated[
        Decimal,
        BeforeValidator(strict_decimal),
        Field(max_digits=whole + decimals, decimal_places=decimals, **limits),
        PLAIN_OUTPUT,
        WithJsonSchema(schema),
    ]


# Amounts, quantities and rates in responses: always a plain decimal string ("1375.00", "1000000", "0.5").
DecimalOut = Annotated[
    Decimal, PLAIN_OUTPUT,
    WithJsonSchema({"type": "string", "pattern": PLAIN_DECIMAL, "examples": ["1375.00"]}, mode="serialization"),
]


def _iso_day(value: Any) -> Any:
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DAY.fullmatch(value)):
        return value
    raise PydanticCustomError("date_format", "must be a date as YYYY-MM-DD, e.g. 2026-02-01")


EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2999, 12, 31)


def _day(value: date) -> date:
    # Books live in this range; it also keeps date arithmetic (terms, previous periods) in range.
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise ValueError(f"must be between {EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()}")
    return value


Currency = Annotated[str, AfterValidator(_currency)]
Day = Annotated[date, BeforeValidator(_iso_day), AfterValidator(_day)]
Country = Annotated[str, AfterValidator(_country)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(max_length=2000)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
Email = Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
# Prices and amounts: at most MAX_AMOUNT (10^15), with up to 6 decimals (prices may be finer than cents).
UnitPrice = decimal_input(whole=16, decimals=6, example="1375.00", ge=0, le=MAX_AMOUNT)
Rate = Annotated[decimal_input(whole=3, decimals=4, example="10", ge=0, le=100),
                 Field(description="Percent: 10 means 10 %"), AfterValidator(_plain_rate)]
TermsDays = Annotated[StrictInt, Field(ge=0, le=365)]


class Address(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True, str_strip_whitespace=True)

    line1: Annotated[str, StringConstraints(max_length=200)] | None = None
    line2: Annotated[str, StringConstraints(max_length=200)] | None = None
    city: Annotated[str, StringConstraints(max_length=100)] | None = None
    region: Annotated[str, StringConstraints(max_length=100)] | None = None
    postal_code: Annotated[str, StringConstraints(max_length=20)] | None = None
    country: Country | None = None


class Timestamps(Output):
    created_at: datetime
    updated_at: datetime
    version: int
