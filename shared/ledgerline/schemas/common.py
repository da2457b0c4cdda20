"""Building blocks shared by the request and response models."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from ledgerline.domain.money import SUPPORTED_CURRENCIES


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


EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2999, 12, 31)


def _day(value: date) -> date:
    # Books live in this range; it also keeps date arithmetic (terms, previous periods) in range.
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise ValueError(f"must be between {EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()}")
    return value


Currency = Annotated[str, AfterValidator(_currency)]
Day = Annotated[date, AfterValidator(_day)]
Country = Annotated[str, AfterValidator(_country)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(max_length=2000)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
Email = Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
UnitPrice = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=6)]
Rate = Annotated[Decimal, Field(ge=0, le=100, max_digits=7, decimal_places=4, description="Percent: 10 means 10 %"),
                 AfterValidator(_plain_rate)]
TermsDays = Annotated[int, Field(ge=0, le=365)]


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
