"""Creating tenants with their starting books, and changing their settings."""

from __future__ import annotations

from typing import Any

from ledgerline.clock import utc_now
from ledgerline.domain import chart, countries, kinds, periods, test_mode
from ledgerline.domain import tenants as rules
from ledgerline.domain.errors import FieldIssue, NotFound, ValidationFailed
from ledgerline.domain.events import EventType
from ledgerline.domain.money import SUPPORTED_CURRENCIES
from ledgerline.domain.scopes import ADMIN
from ledgerline.ids import new_id
from ledgerline.schemas.api_keys import ApiKeyOut
from ledgerline.schemas.common import read_at
from ledgerline.schemas.tenant import TenantOut
from ledgerline.services.api_keys import ADMIN_KEY_NAME, new_key, revoke_all
from ledgerline.services.retry import retrying
from ledgerline.store.accounts import Account
from ledgerline.store.api_keys import ApiKey
from ledgerline.store.records import assign, check_version
from ledgerline.store.tax_codes import TaxCode
from ledgerline.store.tenants import SystemAccounts, Tenant
from ledgerline.store.unit_of_work import UnitOfWork, open_unit


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
    tenant_id = new_id("ten")
    uow = open_unit(tenant_id)
    tenant, accounts, tax_codes = _new_books(uow, tenant_id, name=name, base_currency=base_currency,
                                             country=country, plan=plan, timezone=timezone, settings=settings)
    admin_key, secret = new_key(tenant.id, ADMIN_KEY_NAME, [ADMIN], None)
    _commit_new_tenant(uow, tenant, accounts, tax_codes, admin_key)
    return tenant, secret


def _new_books(uow: UnitOfWork, tenant_id: str, *, name: str, base_currency: str, country: str, plan: str,
               timezone: str, settings: dict[str, Any]) -> tuple[Tenant, list[Account], list[TaxCode]]:
    """A new tenant record with its default chart and tax codes (not written yet)."""
    now = utc_now()
    tenant = Tenant(
        id=tenant_id,
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
    _apply(uow, tenant, settings)
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
            input_account_id=account_ids[chart.SYSTEM_ACCOUNT_CODES["input_tax"]],  # issue 15: purchases' input tax
            active=True,
            archived=False,
            created_at=now,
            updated_at=now,
        )
        for t in chart.tax_codes_for(tenant.country)
    ]
    return tenant, accounts, tax_codes


def _commit_new_tenant(uow: UnitOfWork, tenant: Tenant, accounts: list[Account], tax_codes: list[TaxCode],
                       first_key: ApiKey) -> None:
    uow.create_tenant(tenant, accounts, tax_codes, first_key)
    # the events: the tenant as `GET /v1/tenant` shows it, the key as `GET /v1/api-keys/{id}` (no secret)
    uow.record_event(EventType.TENANT_CREATED, tenant, TenantOut)
    uow.record_event_data(EventType.API_KEY_CREATED, object_type="api_key", object_id=first_key.id,
                          data=ApiKeyOut.model_validate(first_key, context=read_at(tenant.created_at))
                          .model_dump(mode="json"), at=tenant.created_at)
    uow.commit()


# Test mode (issue 20): the settings a test twin copies from its live tenant when it is made. Not copied: the
# lock date, closed years and VAT periods (the twin's books are its own) and the default tax code (an id of
# the live tenant's; the twin has its own tax codes).
TWIN_COPIES = ("timezone", "email", "tax_id", "address", "bank_details", "fiscal_year_start_month",
               "payment_terms_days", "stored_number_formats", "invoice_number_format", "credit_note_number_format",
               "prices_include_tax", "cash_rounding", "email_sender", "email_templates", "einvoicing")


def find_test_twin(tenant_id: str) -> Tenant | None:
    try:
        return open_unit(test_mode.test_twin(tenant_id)).tenant()
    except NotFound:
        return None


def create_test_twin(tenant_id: str, first_key: ApiKey | None = None) -> tuple[Tenant, str | None]:
    """Make a live tenant's test twin (domain/test_mode): its own tenant record with the live one's settings
    (TWIN_COPIES), default chart and tax codes, and `first_key` (by default a test admin key, whose secret is
    returned once). One transaction, on condition that the twin does not exist yet."""
    live = open_unit(tenant_id).tenant()
    if not test_mode.is_live(live.id):
        raise ValueError(f"{tenant_id} is a test twin already")
    twin_id = test_mode.test_twin(live.id)
    uow = open_unit(twin_id)
    twin, accounts, tax_codes = _new_books(uow, twin_id, name=live.name, base_currency=live.base_currency,
                                           country=live.country, plan=live.plan, timezone=live.timezone, settings={})
    for name in TWIN_COPIES:
        setattr(twin, name, getattr(live, name))
    secret = None
    if first_key is None:
        first_key, secret = new_key(twin_id, ADMIN_KEY_NAME, [ADMIN], None)
    _commit_new_tenant(uow, twin, accounts, tax_codes, first_key)
    return twin, secret


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
    return open_unit(tenant_id).tenant()


def update_tenant(tenant_id: str, changes: dict[str, Any], expected_version: int | None) -> Tenant:
    """Change settings; a concurrent change makes it re-read and apply `changes` again (with `If-Match`,
    the re-read version no longer matches: 412)."""
    return retrying(lambda: _update(tenant_id, dict(changes), expected_version))


def _update(tenant_id: str, changes: dict[str, Any], expected_version: int | None) -> Tenant:
    uow = open_unit(tenant_id)
    tenant = uow.tenant()
    check_version(tenant, expected_version)
    # A closed year stays closed: the lock date never moves back before it, and its boundaries stay put.
    if "lock_date" in changes:
        periods.check_lock_date(changes["lock_date"], tenant.closed_years, tenant.fiscal_year_start_month)
    if changes.get("fiscal_year_start_month") is not None:
        periods.check_fiscal_year_start_change(
            tenant.fiscal_year_start_month, changes["fiscal_year_start_month"], tenant.closed_years
        )
    _apply(uow, tenant, changes)
    tenant.updated_at = utc_now()
    uow.save_if_unchanged(tenant)
    uow.record_event(EventType.TENANT_UPDATED, tenant, TenantOut)
    uow.commit()
    return tenant


def _apply(uow: UnitOfWork, tenant: Tenant, changes: dict[str, Any]) -> None:
    changes = dict(changes)
    formats = _number_formats(changes)
    default_tax = changes.get("default_tax_code_id")
    if default_tax is not None and not _is_active_tax_code(uow, default_tax):
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


def _is_active_tax_code(uow: UnitOfWork, tax_code_id: str) -> bool:
    tax_code = uow.find(TaxCode, tax_code_id)
    return tax_code is not None and bool(tax_code.active and not tax_code.archived)


def deactivate_tenant(tenant_id: str) -> Tenant:
    """Deprovision a tenant: from now on its keys are refused (status, and every key revoked).

    Its books stay: accounting records must be retained, and an auditor may need them.
    """
    tenant = retrying(lambda: _deactivate(tenant_id))
    revoke_all(tenant_id)
    if test_mode.is_live(tenant_id) and find_test_twin(tenant_id) is not None:  # test mode goes with it
        deactivate_tenant(test_mode.test_twin(tenant_id))
    return tenant


def _deactivate(tenant_id: str) -> Tenant:
    uow = open_unit(tenant_id)
    tenant = uow.tenant()
    if tenant.status != rules.TenantStatus.DEACTIVATED:
        tenant.status, tenant.updated_at = rules.TenantStatus.DEACTIVATED, utc_now()
        uow.save_if_unchanged(tenant)
        uow.record_event(EventType.TENANT_DEACTIVATED, tenant, TenantOut)
        uow.commit()
    return tenant
