"""A tenant's enabled currencies (issue 16, part X): create, list, get, PATCH, disable.

The base currency is always there (listed first, read from the tenant when it has no record) and cannot be
disabled. Each currency has its rounding step (its ISO 4217 minor unit unless set) and a cash rounding step
(CHF 0.05 by default). Documents are not refused for a currency that is not enabled: the list says which
currencies the tenant uses and how they round.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ledgerline.clock import utc_now
from ledgerline.domain.currencies import check_step, default_steps
from ledgerline.domain.errors import AlreadyExists, Conflict, NotFound
from ledgerline.domain.events import EventType
from ledgerline.domain.money import SUPPORTED_CURRENCIES, minor_units
from ledgerline.schemas.currencies import CurrencyOut
from ledgerline.services.idempotency import once
from ledgerline.services.retry import retrying
from ledgerline.store import currencies as currency_store
from ledgerline.store.currencies import CurrencySetting
from ledgerline.store.records import check_version
from ledgerline.store.tenants import Tenant
from ledgerline.store.unit_of_work import UnitOfWork, open_unit


def _out(record: CurrencySetting, tenant: Tenant) -> CurrencyOut:
    return CurrencyOut.model_validate({
        "id": record.code, "code": record.code, "name": record.name, "is_base": record.code == tenant.base_currency,
        "enabled": bool(record.enabled) or record.code == tenant.base_currency,
        "minor_units": minor_units(record.code), "rounding_step": record.rounding_step,
        "cash_rounding_step": record.cash_rounding_step, "created_at": record.created_at,
        "updated_at": record.updated_at, "version": record.version or 0})


def represent(record: CurrencySetting, tenant: Tenant) -> dict[str, Any]:
    return _out(record, tenant).model_dump(mode="json")


def _base(tenant: Tenant) -> CurrencySetting:
    """The base currency as it is without a record of its own."""
    step, cash = default_steps(tenant.base_currency)
    return CurrencySetting(id=tenant.base_currency, tenant_id=tenant.id, code=tenant.base_currency, name=None,
                           rounding_step=step, cash_rounding_step=cash, enabled=True,
                           created_at=tenant.created_at, updated_at=tenant.updated_at)


def _find(uow: UnitOfWork, tenant: Tenant, code: str) -> CurrencySetting | None:
    found = uow.find(CurrencySetting, code)
    if found is None and code == tenant.base_currency:
        return _base(tenant)
    return found


def get_currency(tenant_id: str, code: str) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    uow.prefetch([(CurrencySetting, code)])
    tenant = uow.tenant()
    found = _find(uow, tenant, code)
    if found is None:
        raise NotFound(f"No such currency: '{code}'", param="id")
    return represent(found, tenant)


def list_currencies(tenant_id: str, *, enabled: bool | None, limit: int,
                    start_key: dict[str, Any] | None) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The base currency first (on the first page, unless listing disabled ones), then the others by code."""
    uow = open_unit(tenant_id)
    tenant = uow.tenant()
    base_first = start_key is None and enabled is not False
    if base_first:
        uow.prefetch([(CurrencySetting, tenant.base_currency)])
    page = currency_store.list_currencies(tenant_id, enabled=enabled, limit=limit - 1 if base_first else limit,
                                          start_key=start_key)
    items = [represent(record, tenant) for record in page.items if record.code != tenant.base_currency]
    if base_first:
        items.insert(0, represent(_find(uow, tenant, tenant.base_currency) or _base(tenant), tenant))
    return items, page.next_key


def create(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "create_currency", fields,
                lambda: retrying(lambda: _create(tenant_id, fields)), in_unit=True)


def _create(tenant_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    code = fields["code"]
    uow = open_unit(tenant_id)
    uow.prefetch([(CurrencySetting, code)])
    tenant = uow.tenant()
    if _find(uow, tenant, code) is not None:
        raise AlreadyExists(f"The currency {code} is there already: PATCH it", param="code")
    step, cash = default_steps(code)
    now = utc_now()
    record = CurrencySetting(id=code, tenant_id=tenant_id, code=code, name=fields.get("name"),
                             rounding_step=_step(code, fields.get("rounding_step"), step, "rounding_step"),
                             cash_rounding_step=_step(code, fields.get("cash_rounding_step"), cash,
                                                      "cash_rounding_step"),
                             enabled=True, created_at=now, updated_at=now)
    uow.create(record)
    uow.record_event_data(EventType.CURRENCY_CREATED, object_type="currency", object_id=code,
                          data=represent(record, tenant), at=now)
    uow.respond_data(represent(record, tenant))
    uow.commit()
    return represent(record, tenant)


def _step(code: str, given: Decimal | None, default: Decimal | None, field: str) -> Decimal | None:
    return default if given is None else check_step(code, Decimal(given), field)


def update(tenant_id: str, code: str, changes: dict[str, Any], expected_version: int | None) -> dict[str, Any]:
    return retrying(lambda: _update(tenant_id, code, changes, expected_version))


def disable(tenant_id: str, code: str, expected_version: int | None) -> dict[str, Any]:
    return retrying(lambda: _update(tenant_id, code, {"enabled": False}, expected_version))


def _update(tenant_id: str, code: str, changes: dict[str, Any], expected_version: int | None) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    uow.prefetch([(CurrencySetting, code)])
    tenant = uow.tenant()
    stored = uow.find(CurrencySetting, code)
    record = stored or (_base(tenant) if code == tenant.base_currency else None)
    if record is None or code not in SUPPORTED_CURRENCIES:
        raise NotFound(f"No such currency: '{code}'", param="id")
    if stored is not None:
        check_version(stored, expected_version)
    if changes.get("enabled") is False and code == tenant.base_currency:
        raise Conflict(f"{code} is the base currency: it cannot be disabled", param="enabled")
    if "name" in changes:
        record.name = changes["name"]
    if changes.get("rounding_step") is not None:
        record.rounding_step = check_step(code, Decimal(changes["rounding_step"]), "rounding_step")
    if "cash_rounding_step" in changes:
        given = changes["cash_rounding_step"]
        record.cash_rounding_step = None if given is None else check_step(code, Decimal(given), "cash_rounding_step")
    if changes.get("enabled") is not None:
        record.enabled = bool(changes["enabled"])
    record.updated_at = utc_now()
    if stored is None:
        uow.create(record)
    else:
        uow.save_if_unchanged(record)
    disabled = changes.get("enabled") is False
    uow.record_event_data(EventType.CURRENCY_DISABLED if disabled else EventType.CURRENCY_UPDATED,
                          object_type="currency", object_id=code, data=represent(record, tenant),
                          at=record.updated_at)
    uow.commit()
    return represent(record, tenant)
