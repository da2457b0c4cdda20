from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from zoneinfo import available_timezones

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictInt, field_validator

from ledgerline.domain.tenants import Plan
from ledgerline.schemas.common import Address, Day, Email, Input, Name, TermsDays, Timestamps
from ledgerline.schemas.parties import ElectronicAddress, RegistrationId, VatId


def _timezone(value: str) -> str:
    if value not in available_timezones():
        raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Australia/Sydney")
    return value


TimeZone = Annotated[str, AfterValidator(_timezone)]
NumberFormat = Annotated[str, Field(max_length=40)]


class BankDetails(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True, str_strip_whitespace=True)

    account_name: str | None = Field(None, max_length=200)
    bank_name: str | None = Field(None, max_length=200)
    iban: str | None = Field(None, max_length=34)
    bic: str | None = Field(None, max_length=11)
    account_number: str | None = Field(None, max_length=34)
    routing_code: str | None = Field(None, max_length=20)


class EInvoicingDetails(BaseModel):
    """What e-invoices say of the seller beyond name, address and email (issue 17)."""

    model_config = ConfigDict(extra="forbid", from_attributes=True, str_strip_whitespace=True)

    electronic_address: ElectronicAddress | None = None
    vat_id: VatId | None = Field(None, description="The seller's VAT id (BT-31); default: `tax_id` when it is one")
    legal_registration_id: RegistrationId | None = None
    contact_name: str | None = Field(None, max_length=200, description="BT-41 (XRechnung requires it)")
    contact_phone: str | None = Field(None, max_length=50, description="BT-42 (XRechnung requires it)")


def _known_placeholders(value: str | None) -> str | None:
    from ledgerline.domain.emails import unknown_placeholders

    if value is not None and (unknown := unknown_placeholders(value)):
        raise ValueError(f"unknown placeholder(s) {', '.join('{' + n + '}' for n in unknown)}")
    return value


class EmailTemplate(BaseModel):
    """A document kind's email: `subject` and `body` with placeholders {number}, {total}, {currency},
    {due_date}, {date}, {customer_name}, {company_name}; an absent one keeps Ledgerline's default."""

    model_config = ConfigDict(extra="forbid", from_attributes=True, str_strip_whitespace=True)

    subject: Annotated[str | None, AfterValidator(_known_placeholders)] = Field(None, min_length=1, max_length=200)
    body: Annotated[str | None, AfterValidator(_known_placeholders)] = Field(None, min_length=1, max_length=2000)


def _mail_kind(value: str) -> str:
    from ledgerline.domain.emails import MAIL_KINDS

    if value not in MAIL_KINDS:
        raise ValueError(f"no email template for {value!r}; one of {', '.join(MAIL_KINDS)}")
    return value


class TenantUpdate(Input):
    name: Name = None  # type: ignore[assignment]
    timezone: TimeZone = None  # type: ignore[assignment]
    email: Email | None = None
    tax_id: str | None = Field(None, max_length=50)
    address: Address | None = None
    bank_details: BankDetails | None = None
    lock_date: Day | None = Field(None, description="Nothing can be posted on or before this date")
    fiscal_year_start_month: StrictInt = Field(None, ge=1, le=12)  # type: ignore[assignment]
    payment_terms_days: TermsDays = None  # type: ignore[assignment]
    invoice_number_format: str = Field(None, max_length=40,  # type: ignore[assignment]
                                       description="Placeholders {YYYY}, {YY}, {SEQ:n}; e.g. INV-{YYYY}-{SEQ:4}")
    credit_note_number_format: str = Field(None, max_length=40)  # type: ignore[assignment]
    number_formats: dict[str, NumberFormat] = Field(  # type: ignore[assignment]
        None, max_length=20,
        description="Formats by number series (`invoice`, `credit_note`); the series named are changed, the "
                    "others kept. `invoice_number_format` and `credit_note_number_format` are the same settings")
    prices_include_tax: StrictBool = None  # type: ignore[assignment]
    cash_rounding: StrictBool = None  # type: ignore[assignment]
    default_tax_code_id: str | None = Field(
        None, max_length=64,
        description="An active tax code applied to invoice lines that name none (nor does their item); null: none")
    email_sender: Email | None = Field(
        None, description="The From of documents sent by email: in AWS a verified SES identity of the tenant")
    email_templates: dict[Annotated[str, AfterValidator(_mail_kind)], EmailTemplate] | None = Field(
        None, max_length=20, description="Subject and body per document kind (`invoice`, `credit_note`, `reminder`)")
    einvoicing: EInvoicingDetails | None = Field(None, description=(
        "E-invoicing (issue 17): the seller's Peppol electronic address (BT-34), VAT id, registration id, contact"))
    stock_issued_by: Literal["delivery_note", "invoice"] = Field(  # type: ignore[assignment]
        None, description="Inventory (issue 19): the document that takes sold stock-managed goods out of stock and "
                          "posts their cost: `delivery_note` (issued delivery notes; the default) or `invoice` "
                          "(posted invoices, for a tenant without deliveries)")
    allow_negative_stock: StrictBool = Field(  # type: ignore[assignment]
        None, description="Inventory (issue 19): let stock go below zero instead of a 409 `insufficient_stock`")


class SystemAccountsOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    receivable: str
    customer_credit: str
    sales: str
    rounding: str
    fx: str
    retained_earnings: str
    sales_tax: str | None = None
    vat_settlement: str | None = None
    payable: str | None = None
    input_tax: str | None = None
    supplier_prepayments: str | None = None
    inventory: str | None = None  # issue 19
    cost_of_goods_sold: str | None = None
    inventory_adjustment: str | None = None


class TenantOut(Timestamps):
    object: Literal["tenant"] = "tenant"
    id: str
    livemode: bool = Field(True, description="False for the test twin a test key reaches (its id ends in `_test`)")
    name: str
    base_currency: str
    country: str
    timezone: str
    plan: Plan
    status: str
    email: str | None
    tax_id: str | None
    address: Address | None
    bank_details: BankDetails | None
    lock_date: date | None
    fiscal_year_start_month: int
    payment_terms_days: int
    invoice_number_format: str
    credit_note_number_format: str
    number_formats: dict[str, str] = Field(
        default_factory=dict, description="The format of every number series, by series (`invoice`, `credit_note`)")
    prices_include_tax: bool
    cash_rounding: bool
    default_tax_code_id: str | None = Field(
        None, description="Applied to invoice lines that name no tax code, nor does their item")
    email_sender: str | None = None
    einvoicing: EInvoicingDetails | None = Field(None, description="E-invoicing details of the seller (issue 17)")
    email_templates: dict[str, EmailTemplate] = Field(default_factory=dict)
    stock_issued_by: Literal["delivery_note", "invoice"] = Field(
        "delivery_note", description="The document that takes sold goods out of stock (issue 19)")
    allow_negative_stock: bool = Field(False, description="Stock may go below zero (issue 19)")

    @field_validator("stock_issued_by", "allow_negative_stock", mode="before")
    @classmethod
    def _inventory_defaults(cls, value: Any, info: Any) -> Any:
        if value is None:
            return "delivery_note" if info.field_name == "stock_issued_by" else False
        return value

    @field_validator("email_templates", mode="before")
    @classmethod
    def _templates(cls, value: Any) -> Any:
        if value is None:
            return {}
        return value.as_dict() if hasattr(value, "as_dict") else value

    system_accounts: SystemAccountsOut | None = Field(
        None, description="Accounts posting uses by default: receivable, customer credit, sales, rounding, FX")
