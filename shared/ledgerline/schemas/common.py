"""Building blocks shared by the request and response models."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictInt,
    StrictStr,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from ledgerline.domain.money import MAX_AMOUNT, SUPPORTED_CURRENCIES, plain


class MultiLine:
    """Marks a text type whose values may hold line breaks and tabs (notes, descriptions, messages)."""


# Unicode category Cc (C0 controls, DEL, C1 controls); the multi-line set spares tab, LF and CR.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROLS_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _control_character(text: str, *, multi_line: bool) -> str | None:
    """The first control character the text may not hold, if any."""
    found = (_CONTROLS_BUT_LINES if multi_line else _CONTROLS).search(text)
    return found.group() if found else None


def _is_multi_line(annotation: Any) -> bool:
    """Whether a field's annotation (`Text`, `Text | None`, `list[Text]`, ...) carries the MultiLine marker."""
    if any(isinstance(meta, MultiLine) or meta is MultiLine for meta in getattr(annotation, "__metadata__", ())):
        return True
    return any(_is_multi_line(arg) for arg in get_args(annotation))


def _check_text(value: Any, *, multi_line: bool, path: str = "") -> None:
    if isinstance(value, str):
        char = _control_character(value, multi_line=multi_line)
        if char is not None:
            allowed = " (tabs and line breaks are allowed)" if multi_line else ""
            where = f"{path}: " if path else ""
            raise ValueError(f"{where}must not contain control characters such as U+{ord(char):04X}{allowed}")
    elif isinstance(value, (list, tuple, set, frozenset)):
        for index, item in enumerate(value):
            _check_text(item, multi_line=multi_line, path=f"{path}.{index}" if path else str(index))
    elif isinstance(value, BaseModel) and not isinstance(value, Input):  # Address, BankDetails; Inputs check
        for name in type(value).model_fields:                            # themselves
            _check_text(getattr(value, name), multi_line=_multi_line_field(type(value), name),
                        path=f"{path}.{name}" if path else name)


class Input(BaseModel):
    """Request bodies: unknown fields are an error, never silently dropped.

    No text field holds NUL or another control character (Unicode Cc): a 422 names the field. Fields
    typed `Text` (notes, descriptions, messages: marked `MultiLine`) may hold tabs and line breaks;
    every other text is one line. Free-form `dict` fields (a bulk item's `data`) are checked by the
    model that validates them.

    Models are built on first use (`defer_build`): a function builds the validators of its own
    routes' models at cold start, not those of every model its imports happen to define."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any, info: ValidationInfo) -> Any:
        _check_text(value, multi_line=_multi_line_field(cls, info.field_name or ""))
        return value


@cache
def _multi_line_field(model: type[BaseModel], name: str) -> bool:
    field = model.model_fields.get(name)
    # pydantic moves a bare `Text`'s metadata to the field; `Text | None` keeps it in the annotation.
    return field is not None and (any(isinstance(meta, MultiLine) for meta in field.metadata)
                                  or _is_multi_line(field.annotation))


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True, defer_build=True)


READ_AT = "read_at"


def read_at(moment: datetime) -> dict[str, Any]:
    """The validation context of an output read at `moment` (`XOut.model_validate(obj, context=read_at(t))`):
    derived states (an invoice overdue, an API key expired) are those at `moment`. Schemas read no clock; the
    caller gives the moment (a response: the request's clock; an event: the change's `updated_at`)."""
    return {READ_AT: moment}


def moment_read(context: Any) -> datetime | None:
    """The moment a validation context gives (see `read_at`), or None."""
    return context.get(READ_AT) if isinstance(context, dict) else None


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
Text = Annotated[str, StringConstraints(max_length=2000), MultiLine()]
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


# -- Metadata (issue 20) -----------------------------------------------------------------------------
# One implementation for every object users create: `MetadataIn` on create and PATCH bodies, `MetadataOut` on
# the object's representation; the record stores it in `TenantRecord.metadata`; the rules are domain/metadata.


def _metadata_key(key: str) -> str:
    from ledgerline.domain.metadata import key_problem

    problem = key_problem(key)
    if problem is not None:
        raise PydanticCustomError("metadata_key", problem)
    return key


def _metadata_value(value: str | None) -> str | None:
    from ledgerline.domain.metadata import value_problem

    problem = None if value is None else value_problem(value)
    if problem is not None:
        raise PydanticCustomError("metadata_value", problem)
    return value


MetadataKey = Annotated[str, AfterValidator(_metadata_key)]
MetadataValue = Annotated[StrictStr | None, AfterValidator(_metadata_value)]
METADATA_DESCRIPTION = (
    "Your own key-value pairs (at most 50 keys of at most 40 characters, string values of at most 500): not "
    "accounting data, so they may change on any object, a posted document too. On PATCH they merge: a key given "
    '`""` or null is removed, keys not named stay. Lists on the query planner filter on `metadata[key]=value`.')


class MetadataIn(Input):
    """Mixin of create and PATCH bodies: `metadata`."""

    metadata: dict[MetadataKey, MetadataValue] | None = Field(
        None, max_length=50, description=METADATA_DESCRIPTION, examples=[{"order_id": "42"}])


def _metadata_out(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if hasattr(value, "as_dict"):
        value = value.as_dict()
    return dict(value)


class MetadataOut(BaseModel):
    """Mixin of representations: `metadata`, `{}` when none was set."""

    metadata: Annotated[dict[str, str], BeforeValidator(_metadata_out)] = Field(
        default_factory=dict, description="Your own key-value pairs (see `metadata` on create)")


class MetadataUpdate(MetadataIn):
    """The body of `PATCH` on an object whose other fields never change once made (a receipt, a credit note…)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"metadata": {"order_id": "42", "batch": ""}}]})

    metadata: dict[MetadataKey, MetadataValue] = Field(  # type: ignore[assignment]
        description=METADATA_DESCRIPTION, max_length=50, examples=[{"order_id": "42"}])
