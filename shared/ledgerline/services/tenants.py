"""Creating tenants with their starting books, and changing their settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.transactions import TransactWrite

from ledgerline.clock import utc_now
from ledgerline.domain import chart, countries, kinds, periods
from ledgerline.domain import tenants as rules
from ledgerline.domain.errors import FieldIssue, NotFound, PreconditionFailed, ValidationFailed
from ledgerline.domain.events import EventType
from ledgerline.domain.money import SUPPORTED_CURRENCIES
from ledgerline.domain.scopes import ADMIN
from ledgerline.ids import new_id
from ledgerline.schemas.tenant import TenantOut
from ledgerline.services.api_keys import ADMIN_KEY_NAME, key_event, new_key, revoke_all
from ledgerline.store.accounts import Account
from ledgerline.store.events import add_event, snapshot
from ledgerline.store.records import assign, check_version, load, save_versioned
from ledgerline.store.tax_codes import TaxCode
from ledgerline.store.tenant_setup import insert_tenant
from ledgerline.store.tenants import SystemAccounts, Tenant, load_tenant


def create_tenant(
    *,
    name: str,
    base_currency: str,
    country: str,
    plan: str = rules.Plan.STARTER,
    timezone: str = "UTC",
    **settings: Any,
) -> tuple[Tenant, str]:
    """Create a tenant, its default chart and tax codes, and an admin key whose secret is returned once."""
    _check_fixed_settings(base_currency, country)
    now = utc_now()
    tenant = Tenant(
        id=new_id("ten"),
        name=name,
        base_currency=base_currency,
        country=country.upper(),
        plan=plan,
        timezone=timezone,
        status="active",
        fiscal_year_start_month=1,
        payment_terms_days=rules.DEFAULT_PAYMENT_TERMS_DAYS,
        invoice_number_format=rules.DEFAULT_INVOICE_FORMAT,
        credit_note_number_format=rules.DEFAULT_CREDIT_NOTE_FORMAT,
        stored_number_formats=kinds.default_number_formats(),
        prices_include_tax=False,
        cash_rounding=False,
        created_at=now,
        updated_at=now,
    )
    _apply(tenant, settings)
    accounts = [
        Account(
            id=new_id("acc"),
            tenant_id=tenant.id,
            code=t.code,
            name=t.name,
            type=t.type,
            subtype=t.subtype,
            archived=False,
            created_at=now,
            updated_at=now,
        )
        for t in chart.DEFAULT_CHART
    ]
    account_ids = {account.code: account.id for account in accounts}
    tenant.system_accounts = SystemAccounts(
        **{role: account_ids[code] for role, code in chart.SYSTEM_ACCOUNT_CODES.items()}
    )
    tax_codes = [
        TaxCode(
            id=new_id("txc"),
            tenant_id=tenant.id,
            code=t.code,
            name=t.name,
            rate=t.rate,
            account_id=account_ids[t.account_code],
            active=True,
            archived=False,
            created_at=now,
            updated_at=now,
        )
        for t in chart.tax_codes_for(tenant.country)
    ]
    admin_key, secret = new_key(tenant.id, ADMIN_KEY_NAME, [ADMIN], None)
    created = tenant_event(tenant, EventType.TENANT_CREATED)
    key_created = key_event(admin_key, EventType.API_KEY_CREATED, now)

    def events(tx: TransactWrite) -> None:
        created(tx)
        key_created(tx)

    insert_tenant(tenant, accounts, tax_codes, admin_key, events)
    return tenant, secret


def tenant_event(tenant: Tenant, type: EventType) -> Callable[[TransactWrite], None]:
    """The tenant's outbox event (`tenant.created`, `.updated`, `.deactivated`): the tenant as `GET /v1/tenant`
    shows it after the change; call it for the transaction that saves the tenant."""

    def write(tx: TransactWrite) -> None:
        add_event(tx, tenant_id=tenant.id, type=type, object_type="tenant", object_id=tenant.id,
                  sequence=(tenant.version or 0) + 1, data=snapshot(TenantOut, tenant), at=tenant.updated_at)

    return write


def _check_fixed_settings(base_currency: str, country: str) -> None:
    # Both are fixed at creation and every amount the tenant books depends on them.
    issues = []
    if base_currency not in SUPPORTED_CURRENCIES:
        issues.append(FieldIssue("base_currency", f"unsupported currency {base_currency!r}; use an ISO 4217 code"))
    if not countries.is_country(country):
        issues.append(FieldIssue("country", "use an ISO 3166-1 alpha-2 country code such as AU, CH, ID"))
    if issues:
        raise ValidationFailed(issues[0].message, param=issues[0].field, details=issues)


def get_tenant(tenant_id: str) -> Tenant:
    return load_tenant(tenant_id)


def update_tenant(tenant_id: str, changes: dict[str, Any], expected_version: int | None) -> Tenant:
    tenant = load_tenant(tenant_id)
    check_version(tenant, expected_version)
    # A closed year stays closed: the lock date never moves back before it, and its boundaries stay put.
    if "lock_date" in changes:
        periods.check_lock_date(changes["lock_date"], tenant.closed_years, tenant.fiscal_year_start_month)
    if changes.get("fiscal_year_start_month") is not None:
        periods.check_fiscal_year_start_change(
            tenant.fiscal_year_start_month, changes["fiscal_year_start_month"], tenant.closed_years
        )
    _apply(tenant, changes)
    tenant.updated_at = utc_now()
    save_versioned(tenant, tenant_event(tenant, EventType.TENANT_UPDATED))
    return tenant


def _apply(tenant: Tenant, changes: dict[str, Any]) -> None:
    changes = dict(changes)
    formats = _number_formats(changes)
    default_tax = changes.get("default_tax_code_id")
    if default_tax is not None and not _is_active_tax_code(tenant.id, default_tax):
        reason = f"no active tax code with id '{default_tax}'"
        raise ValidationFailed(f"default_tax_code_id: {reason}", param="default_tax_code_id",
                               details=[FieldIssue("default_tax_code_id", reason)])
    assign(tenant, changes)
    for name, template in formats.items():
        tenant.set_number_format(kinds.SERIES[name], template)


def _number_formats(changes: dict[str, Any]) -> dict[str, str]:
    """The number formats a change sets, by series, taken out of `changes`: from `number_formats` and from
    each series' own field (`invoice_number_format`), which must agree when both are given."""
    formats: dict[str, str] = {}
    for name, template in (changes.pop("number_formats", None) or {}).items():
        field = f"number_formats.{name}"
        if name not in kinds.SERIES:
            reason = f"unknown number series; use one of {', '.join(sorted(kinds.SERIES))}"
            raise ValidationFailed(f"{field}: {reason}", param=field, details=[FieldIssue(field, reason)])
        if reason := rules.number_format_error(template):
            raise ValidationFailed(f"{field} {reason}", param=field, details=[FieldIssue(field, reason)])
        formats[name] = template
    for series in kinds.SERIES.values():
        field = series.format_field
        template = changes.pop(field, None)
        if template is None:
            continue
        if reason := rules.number_format_error(template):
            raise ValidationFailed(f"{field} {reason}", param=field, details=[FieldIssue(field, reason)])
        if formats.get(series.name, template) != template:
            reason = f"differs from number_formats.{series.name}: give the format once"
            raise ValidationFailed(f"{field} {reason}", param=field, details=[FieldIssue(field, reason)])
        formats[series.name] = template
    return formats


def _is_active_tax_code(tenant_id: str, tax_code_id: str) -> bool:
    try:
        tax_code = load(TaxCode, tenant_id, tax_code_id)
    except NotFound:
        return False
    return bool(tax_code.active and not tax_code.archived)


def deactivate_tenant(tenant_id: str) -> Tenant:
    """Deprovision a tenant: from now on its keys are refused (status, and every key revoked).

    Its books stay: accounting records must be retained, and an auditor may need them.
    """
    for attempt in range(3):
        tenant = load_tenant(tenant_id)
        if tenant.status == rules.TenantStatus.DEACTIVATED:
            break
        tenant.status, tenant.updated_at = rules.TenantStatus.DEACTIVATED, utc_now()
        try:
            save_versioned(tenant, tenant_event(tenant, EventType.TENANT_DEACTIVATED))
            break
        except PreconditionFailed:
            if attempt == 2:
                raise
    revoke_all(tenant_id)
    return tenant
