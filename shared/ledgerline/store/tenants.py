"""Tenants and their settings: `T#<tid>` / `TENANT`."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.exceptions import DoesNotExist

from ledgerline.domain import kinds
from ledgerline.domain.documents.vat_period import Span
from ledgerline.domain.errors import NotFound
from ledgerline.domain.kinds import NumberSeries
from ledgerline.domain.test_mode import is_live
from ledgerline.store.attributes import DateAttribute
from ledgerline.store.parties import Address
from ledgerline.store.records import tenant_partition
from ledgerline.store.table import TableModel, connection


class BankDetails(MapAttribute):
    account_name = UnicodeAttribute(null=True)
    bank_name = UnicodeAttribute(null=True)
    iban = UnicodeAttribute(null=True)
    bic = UnicodeAttribute(null=True)
    account_number = UnicodeAttribute(null=True)
    routing_code = UnicodeAttribute(null=True)


class EInvoicingDetails(MapAttribute):
    """The seller's e-invoicing identifiers (issue 17): BT-34, BT-31, BT-30, BT-41, BT-42."""

    electronic_address = UnicodeAttribute(null=True)
    vat_id = UnicodeAttribute(null=True)
    legal_registration_id = UnicodeAttribute(null=True)
    contact_name = UnicodeAttribute(null=True)
    contact_phone = UnicodeAttribute(null=True)


class SystemAccounts(MapAttribute):
    """Accounts posting uses without being told, chosen from the default chart at creation."""

    receivable = UnicodeAttribute()
    customer_credit = UnicodeAttribute()
    sales = UnicodeAttribute()
    rounding = UnicodeAttribute()
    fx = UnicodeAttribute()
    retained_earnings = UnicodeAttribute()
    sales_tax = UnicodeAttribute(null=True)  # the default account of new tax codes; absent on tenants made before
    vat_settlement = UnicodeAttribute(null=True)  # where a VAT period's close puts the net; absent before issue 15
    # Issue 15 (absent on tenants made before: found by their codes 2000, 1300, 1400 of the default chart)
    payable = UnicodeAttribute(null=True)
    input_tax = UnicodeAttribute(null=True)
    supplier_prepayments = UnicodeAttribute(null=True)
    # Issue 19 (absent on tenants made before: found by their codes 1200, 5000, 5100 of the default chart)
    inventory = UnicodeAttribute(null=True)
    cost_of_goods_sold = UnicodeAttribute(null=True)
    inventory_adjustment = UnicodeAttribute(null=True)


class VatPeriodSpan(MapAttribute):
    id = UnicodeAttribute()
    start = DateAttribute()
    end = DateAttribute()
    status = UnicodeAttribute()


class Tenant(TableModel):
    NOUN = "tenant"

    id = UnicodeAttribute()
    name = UnicodeAttribute()
    base_currency = UnicodeAttribute()
    country = UnicodeAttribute()
    timezone = UnicodeAttribute()
    plan = UnicodeAttribute()
    status = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    tax_id = UnicodeAttribute(null=True)
    address = Address(null=True)
    bank_details = BankDetails(null=True)
    lock_date = DateAttribute(null=True)
    fiscal_year_start_month = NumberAttribute()
    payment_terms_days = NumberAttribute()
    # One format per number series (domain/kinds.SERIES), keyed by series name; absent on tenants made before
    # issue 12. The per-series fields below are kept in step for the series that had one, and read where the
    # map has no entry: read formats through `number_format(series)`, change them through `set_number_format`.
    stored_number_formats = MapAttribute(attr_name="number_formats", null=True)
    invoice_number_format = UnicodeAttribute()
    credit_note_number_format = UnicodeAttribute()
    prices_include_tax = BooleanAttribute()
    cash_rounding = BooleanAttribute()
    default_tax_code_id = UnicodeAttribute(null=True)  # taxes a line that names no tax code, nor does its item
    system_accounts = SystemAccounts(null=True)
    closed_years = ListAttribute(of=NumberAttribute, null=True)
    # VAT periods (issue 15): every period's range and status, so that a new one is checked against the others
    # and a tax-affecting posting against the closed ones with the tenant it reads anyway (`vat_spans()`)
    vat_periods = ListAttribute(of=VatPeriodSpan, null=True)
    # Documents sent by email (issue 14): the From address (a verified SES identity in AWS) and the subject and
    # body templates per document kind ({kind: {"subject", "body"}}, domain/emails.MAIL_KINDS).
    email_sender = UnicodeAttribute(null=True)
    email_templates = MapAttribute(null=True)
    einvoicing = EInvoicingDetails(null=True)  # issue 17
    # Inventory (issue 19): which document takes sold goods out of stock (absent: `delivery_note`; `invoice` for a
    # tenant without deliveries, domain/stock.invoice_takes_stock), and whether stock may go below zero
    stock_issued_by = UnicodeAttribute(null=True)
    allow_negative_stock = BooleanAttribute(null=True)

    def email_template_map(self) -> dict[str, dict[str, str]]:
        stored = self.email_templates
        return stored.as_dict() if isinstance(stored, MapAttribute) else dict(stored or {})
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()

    @staticmethod
    def key(tenant_id: str) -> tuple[str, str]:
        return tenant_partition(tenant_id), "TENANT"

    def number_format(self, series: NumberSeries) -> str:
        stored = self.stored_number_formats
        formats = stored.as_dict() if isinstance(stored, MapAttribute) else stored
        return kinds.number_format(formats, series, getattr(self, series.format_field, None))

    def set_number_format(self, series: NumberSeries, template: str) -> None:
        formats = {name: self.number_format(each) for name, each in kinds.SERIES.items()}
        formats[series.name] = template
        self.stored_number_formats = formats  # type: ignore[assignment]
        if series.format_field in self.get_attributes():
            setattr(self, series.format_field, template)

    @property
    def number_formats(self) -> dict[str, str]:
        """Every series' format, as the API shows it."""
        return {name: self.number_format(series) for name, series in kinds.SERIES.items()}

    def vat_spans(self) -> list[Span]:
        return [Span(s.id, s.start, s.end, s.status) for s in self.vat_periods or []]

    def set_vat_spans(self, spans: list[Span]) -> None:
        self.vat_periods = [VatPeriodSpan(id=s.id, start=s.start, end=s.end, status=s.status)
                            for s in sorted(spans, key=lambda s: s.start)]

    @property
    def livemode(self) -> bool:
        """False for a tenant's test twin (domain/test_mode)."""
        return is_live(self.id)

    @property
    def tenant_id(self) -> str:
        """A tenant is its own tenant: its changes are recorded like any tenant record's (`record_event`)."""
        return self.id

    def assign_keys(self) -> None:
        self.pk, self.sk = self.key(self.id)


def load_tenant(tenant_id: str) -> Tenant:
    connection()
    try:
        return Tenant.get(*Tenant.key(tenant_id), consistent_read=True)
    except DoesNotExist as exc:
        raise NotFound(f"No such tenant: '{tenant_id}'", param="tenant_id") from exc


def find_tenant(tenant_id: str) -> Tenant | None:
    """The tenant or None, read eventually consistent (authentication reads it on every key check)."""
    connection()
    try:
        return Tenant.get(*Tenant.key(tenant_id))
    except DoesNotExist:
        return None
