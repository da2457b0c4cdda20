"""Exchange rates (issue 16, part X): the tenant's rates to its base currency, and the rate a document takes.

A rate is one record per currency and day (`EUR-2026-01-05`); creating one for a day that has one is a 409
(delete it first). `rate_on(uow, currency, day)` is the rate a document without an explicit
`exchange_rate` takes: the latest on or before its date (one query); none → 422 naming the currency and
the date. Bulk upload (`/v1/bulk/exchange-rates`) and the CLI's `rates import` create through `create`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ledgerline.clock import utc_now
from ledgerline.domain.errors import Conflict, FieldIssue, ValidationFailed
from ledgerline.domain.events import EventType
from ledgerline.domain.exchange_rates import parse_rate_file, rate_id
from ledgerline.domain.posting import Conversion
from ledgerline.domain.query import Query
from ledgerline.schemas.exchange_rates import ExchangeRateOut
from ledgerline.services.idempotency import once
from ledgerline.services.retry import retrying
from ledgerline.store import lists
from ledgerline.store.exchange_rates import ExchangeRate
from ledgerline.store.query import Result
from ledgerline.store.records import check_version
from ledgerline.store.tenants import Tenant
from ledgerline.store.unit_of_work import UnitOfWork, open_unit


def invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{field}: {message}", param=field, details=[FieldIssue(field, message)])


def represent(rate: ExchangeRate) -> dict[str, Any]:
    return ExchangeRateOut.model_validate(rate).model_dump(mode="json")


def get_exchange_rate(tenant_id: str, exchange_rate_id: str) -> dict[str, Any]:
    return represent(open_unit(tenant_id).load(ExchangeRate, exchange_rate_id))


def query_exchange_rates(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None) -> Result:
    """A page of rates as a planned query asks (issue 18: the store's named read `lists.query_exchange_rates`)."""
    return lists.query_exchange_rates(tenant_id, query, limit=limit, start_key=start_key)


def create(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "create_exchange_rate", fields,
                lambda: retrying(lambda: _create(tenant_id, fields)), in_unit=True)


def _create(tenant_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    currency, day = fields["currency"], fields["date"]
    record_id = rate_id(currency, day)
    uow.prefetch([(ExchangeRate, record_id)])
    tenant = uow.tenant()
    if currency == tenant.base_currency:
        raise invalid("currency", f"{currency} is the base currency: its rate is always 1")
    if uow.find(ExchangeRate, record_id) is not None:
        raise Conflict(f"There is already a rate of {currency} on {day.isoformat()} ('{record_id}'); delete it "
                       "first", param="date")
    now = utc_now()
    record = ExchangeRate(id=record_id, tenant_id=tenant_id, currency=currency, date=day,
                          rate=Decimal(fields["rate"]), source=fields.get("source") or "manual",
                          created_at=now, updated_at=now)
    uow.create(record)
    uow.record_event(EventType.EXCHANGE_RATE_CREATED, record, ExchangeRateOut)
    uow.respond(ExchangeRateOut, record)
    uow.commit()
    return represent(record)


def delete(tenant_id: str, exchange_rate_id: str, expected_version: int | None) -> ExchangeRate:
    """Documents that took the rate keep it (they store the rate itself); later ones take another."""
    uow = open_unit(tenant_id)
    record = uow.load(ExchangeRate, exchange_rate_id)
    check_version(record, expected_version)
    uow.delete(record)
    uow.record_event(EventType.EXCHANGE_RATE_DELETED, record, ExchangeRateOut)
    uow.commit()
    return record


def import_file(tenant_id: str, content: bytes, source: str = "csv") -> dict[str, Any]:
    """A rate file (CSV, or the ECB's eurofxref XML turned into the tenant's base by cross rates): every rate
    added as `create` adds it; a day that has its rate already, or the base currency, is counted and left. A
    malformed file is a 422 naming the line or element, before anything is added."""
    base = open_unit(tenant_id).tenant().base_currency
    rows = parse_rate_file(content, base, source)
    added, existing, skipped = 0, 0, 0
    for row in rows:
        if row.currency == base:
            skipped += 1
            continue
        try:
            create(tenant_id, {"date": row.day, "currency": row.currency, "rate": row.rate, "source": row.source})
            added += 1
        except Conflict:
            existing += 1
    return {"rates": len(rows), "added": added, "existing": existing, "skipped_base_currency": skipped}


# -- the rate a document takes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TakenRate:
    """A document's conversion and where its rate came from: `exchange_rate_id` is the rate record it took
    (None: the base currency, or a rate the request gave)."""

    conversion: Conversion
    exchange_rate_id: str | None


def rate_on(uow: UnitOfWork, tenant: Tenant, currency: str, day: date, given: Decimal | None,
            field: str = "exchange_rate") -> TakenRate:
    """The rate a document in `currency` dated `day` takes: the base currency's 1, the one the request gave,
    else the tenant's latest rate on or before `day` (one query); none → 422 naming `field`, the currency and
    the date."""
    if currency == tenant.base_currency:
        if given is not None and given != 1:
            raise invalid(field, f"must be 1 (or absent) for the base currency {currency}")
        return TakenRate(Conversion(currency, tenant.base_currency, Decimal(1)), None)
    if given is not None:
        return TakenRate(Conversion(currency, tenant.base_currency, given), None)
    found = uow.rate_on(currency, day)
    if found is None:
        raise invalid(field, f"no exchange rate of {currency} on or before {day.isoformat()}: give "
                             f"{field} ({tenant.base_currency} per {currency}) or add the rate "
                             "(POST /v1/exchange-rates)")
    return TakenRate(Conversion(currency, tenant.base_currency, Decimal(found.rate)), found.id)
