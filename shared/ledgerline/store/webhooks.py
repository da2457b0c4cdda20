"""Webhook endpoints, their health, and deliveries.

- endpoint: `T#<tid>` / `WEBHOOK#<id>` (versioned; signing secrets only as sealed tokens)
- health:   `T#<tid>` / `WHHEALTH#<id>` (since when every attempt failed; updated by senders
  without touching the endpoint's version, so a PATCH never races a delivery)
- delivery: `T#<tid>#WHD#<id>` / `DELIVERY`; GSI1 `T#<tid>#WEBHOOK#<endpoint id>` / `<delivery id>`
  lists an endpoint's deliveries newest first. Deliveries expire (TTL) 30 days after creation.

Every change to a delivery after its creation is conditioned on `attempt_count`, so one attempt
has exactly one writer however often its queue message arrives.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.exceptions import DoesNotExist, PutError, UpdateError
from pynamodb.transactions import TransactWrite

from ledgerline.domain.errors import NotFound
from ledgerline.domain.query import normalise
from ledgerline.store.query import moment_key
from ledgerline.store.records import (
    Page,
    TenantRecord,
    check_start_key,
    load,
    page_of,
    save_versioned,
    tenant_partition,
)
from ledgerline.store.table import TableModel, connection, is_condition_failure, raise_if_retryable

DELIVERY_RETENTION = timedelta(days=30)
KEPT_ATTEMPTS = 50  # attempts listed on a delivery; older ones are dropped


class SealedSecret(MapAttribute):
    """A signing secret encrypted at rest (ledgerline.secret_box); `valid_until` is set once rotated out."""

    sealed = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    valid_until = UTCDateTimeAttribute(null=True)


class WebhookEndpoint(TenantRecord):
    PREFIX = "WEBHOOK"
    NOUN = "webhook endpoint"

    url = UnicodeAttribute()
    events = ListAttribute(of=UnicodeAttribute)
    description = UnicodeAttribute(null=True)
    enabled = BooleanAttribute(default=True)
    disabled_reason = UnicodeAttribute(null=True)
    disabled_at = UTCDateTimeAttribute(null=True)
    secrets = ListAttribute(of=SealedSecret, default=list)
    # The dated API version its payloads are written in (domain/api_versions); absent: endpoints made before
    # versions existed, which keep the original
    api_version = UnicodeAttribute(null=True)
    # Issue 18 (part QB): casefolded copies for search and the query planner's keys (`store/lists.py`)
    search_url = UnicodeAttribute(null=True)
    search_description = UnicodeAttribute(null=True)

    LIST = "WEBHOOKS"

    def assign_keys(self) -> None:
        """Its record key, and issue 18's indexes: by casefolded URL (GSI4) and by `updated_at` (GSI5). Every
        write of an endpoint calls it (`save_endpoint`, `disable_endpoint`)."""
        super().assign_keys()
        self.search_url = normalise(self.url) or None
        self.search_description = normalise(self.description) or None
        self.gsi4pk, self.gsi4sk = self.index_partition(self.tenant_id, "URL"), f"{self.search_url or ''}#{self.id}"
        self.gsi5pk, self.gsi5sk = (self.index_partition(self.tenant_id, "UPDATED"),
                                    f"{moment_key(self.updated_at)}#{self.id}")

    @classmethod
    def index_partition(cls, tenant_id: str, name: str) -> str:
        """A partition of one of issue 18's indexes: `T#<tid>#WEBHOOKS#<name>`."""
        return f"{tenant_partition(tenant_id)}#{cls.LIST}#{name}"

    @property
    def secret_rotated_at(self) -> datetime | None:
        current = [s.created_at for s in self.secrets or [] if s.valid_until is None]
        return max(current) if current else None


class WebhookHealth(TableModel):
    """How an endpoint has fared lately; no version, written by concurrent senders."""

    failing_since = UTCDateTimeAttribute(null=True)
    last_failure_at = UTCDateTimeAttribute(null=True)
    last_success_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key(tenant_id: str, endpoint_id: str) -> tuple[str, str]:
        return tenant_partition(tenant_id), f"WHHEALTH#{endpoint_id}"


class Attempt(MapAttribute):
    at = UTCDateTimeAttribute()
    status_code = NumberAttribute(null=True)
    latency_ms = NumberAttribute()
    error = UnicodeAttribute(null=True)
    trigger = UnicodeAttribute()  # dispatch, retry (scheduled), manual_retry, replay, test


class Delivery(TableModel):
    NOUN = "webhook delivery"

    id = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    endpoint_id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    payload = UnicodeAttribute()  # the exact body sent (and signed) on every attempt
    trigger = UnicodeAttribute()  # what created it: dispatch, replay, test
    status = UnicodeAttribute()  # pending, succeeded, dead
    attempt_count = NumberAttribute(default=0)
    next_attempt_at = UTCDateTimeAttribute(null=True)
    last_attempt_at = UTCDateTimeAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    attempts = ListAttribute(of=Attempt, default=list)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()

    @staticmethod
    def key(tenant_id: str, delivery_id: str) -> tuple[str, str]:
        return f"{tenant_partition(tenant_id)}#WHD#{delivery_id}", "DELIVERY"

    @staticmethod
    def list_partition(tenant_id: str, endpoint_id: str) -> str:
        return f"{tenant_partition(tenant_id)}#WEBHOOK#{endpoint_id}"

    def assign_keys(self) -> None:
        self.pk, self.sk = self.key(self.tenant_id, self.id)
        self.gsi1pk, self.gsi1sk = self.list_partition(self.tenant_id, self.endpoint_id), self.id


# ------------------------------------------------------------------------------------ endpoints


def save_endpoint(endpoint: WebhookEndpoint) -> None:
    """Save an endpoint whose version the caller loaded (or a new one), its index keys assigned first."""
    endpoint.assign_keys()
    save_versioned(endpoint)


def all_endpoints(tenant_id: str) -> list[WebhookEndpoint]:
    """Every endpoint of a tenant (a tenant has few: the service caps them)."""
    connection()
    return list(WebhookEndpoint.query(
        tenant_partition(tenant_id), WebhookEndpoint.sk.startswith(f"{WebhookEndpoint.PREFIX}#"), consistent_read=True
    ))


def load_endpoint(tenant_id: str, endpoint_id: str) -> WebhookEndpoint:
    return load(WebhookEndpoint, tenant_id, endpoint_id)


def delete_endpoint(endpoint: WebhookEndpoint) -> None:
    connection()
    endpoint.delete()
    WebhookHealth(*WebhookHealth.key(endpoint.tenant_id, endpoint.id)).delete()


def disable_endpoint(tx: TransactWrite, endpoint: WebhookEndpoint, reason: str, at: datetime) -> None:
    """Switch an endpoint off inside a transaction (with the event that reports it)."""
    endpoint.enabled, endpoint.disabled_reason, endpoint.disabled_at, endpoint.updated_at = False, reason, at, at
    endpoint.assign_keys()  # issue 18: its `updated_at` index key moves with it
    tx.save(endpoint)


# --------------------------------------------------------------------------------------- health


def note_failure(tenant_id: str, endpoint_id: str, at: datetime) -> datetime:
    """Record a failed attempt; returns since when every attempt has failed."""
    connection()
    health = WebhookHealth(*WebhookHealth.key(tenant_id, endpoint_id))
    health.update(actions=[
        WebhookHealth.failing_since.set(WebhookHealth.failing_since | at),
        WebhookHealth.last_failure_at.set(at),
    ])
    return health.failing_since or at


def note_success(tenant_id: str, endpoint_id: str, at: datetime) -> None:
    connection()
    WebhookHealth(*WebhookHealth.key(tenant_id, endpoint_id)).update(actions=[
        WebhookHealth.failing_since.remove(),
        WebhookHealth.last_success_at.set(at),
    ])


def failing_since(tenant_id: str, endpoint_id: str) -> datetime | None:
    connection()
    try:
        return WebhookHealth.get(*WebhookHealth.key(tenant_id, endpoint_id), consistent_read=True).failing_since
    except DoesNotExist:
        return None


def forget_failures(tenant_id: str, endpoint_id: str) -> None:
    """A re-enabled endpoint starts with a clean record."""
    connection()
    WebhookHealth(*WebhookHealth.key(tenant_id, endpoint_id)).update(actions=[WebhookHealth.failing_since.remove()])


# ----------------------------------------------------------------------------------- deliveries


def new_delivery(*, delivery_id: str, tenant_id: str, endpoint_id: str, event_id: str, event_type: str,
                 payload: str, trigger: str, at: datetime) -> Delivery:
    delivery = Delivery(
        id=delivery_id, tenant_id=tenant_id, endpoint_id=endpoint_id, event_id=event_id, event_type=event_type,
        payload=payload, trigger=trigger, status="pending", attempt_count=0, next_attempt_at=at, attempts=[],
        created_at=at, updated_at=at, expires_at=at + DELIVERY_RETENTION,
    )
    delivery.assign_keys()
    return delivery


def insert_delivery(delivery: Delivery) -> bool:
    """Write a new delivery; False when one with this id exists already (a repeated dispatch)."""
    connection()
    try:
        delivery.save(condition=Delivery.pk.does_not_exist())
    except PutError as exc:
        raise_if_retryable(exc)
        if is_condition_failure(exc):
            return False
        raise
    return True


def find_delivery(tenant_id: str, delivery_id: str) -> Delivery:
    connection()
    try:
        return Delivery.get(*Delivery.key(tenant_id, delivery_id), consistent_read=True)
    except DoesNotExist as exc:
        raise NotFound(f"No such webhook delivery: '{delivery_id}'", param="id") from exc


def list_deliveries(tenant_id: str, endpoint_id: str, *, status: str | None, limit: int,
                    start_key: dict[str, Any] | None) -> Page[Delivery]:
    """An endpoint's deliveries, newest first."""
    connection()
    partition = Delivery.list_partition(tenant_id, endpoint_id)
    check_start_key(start_key, "GSI1PK", partition)
    results = Delivery.gsi1.query(
        partition,
        filter_condition=(Delivery.status == status) if status else None,
        scan_index_forward=False,
        limit=limit + 1,
        last_evaluated_key=start_key,
    )
    return page_of(results, limit, index=Delivery.gsi1)


def _conditional_update(delivery: Delivery, actions: list[Any], condition: Any) -> bool:
    connection()
    try:
        delivery.update(actions=actions, condition=condition)
    except UpdateError as exc:
        raise_if_retryable(exc)
        if is_condition_failure(exc):
            return False
        raise
    return True


def claim_attempt(delivery: Delivery, made: int, at: datetime) -> bool:
    """Take attempt number `made + 1`; False when it was taken already or the delivery moved on."""
    return _conditional_update(
        delivery,
        [Delivery.attempt_count.set(made + 1), Delivery.last_attempt_at.set(at), Delivery.updated_at.set(at)],
        Delivery.pk.exists() & (Delivery.attempt_count == made) & (Delivery.status == "pending"),
    )


def record_attempt(delivery: Delivery, number: int, attempt: Attempt, *, status: str,
                   next_attempt_at: datetime | None) -> bool:
    """Store the outcome of attempt `number` (claimed by this caller) and what happens next."""
    kept = list(delivery.attempts or [])
    actions = [
        Delivery.status.set(status),
        Delivery.updated_at.set(attempt.at),
        Delivery.last_error.set(attempt.error) if attempt.error else Delivery.last_error.remove(),
        Delivery.next_attempt_at.set(next_attempt_at) if next_attempt_at else Delivery.next_attempt_at.remove(),
    ]
    if len(kept) >= KEPT_ATTEMPTS:
        actions.append(Delivery.attempts.set(kept[-(KEPT_ATTEMPTS - 1):] + [attempt]))
    else:
        actions.append(Delivery.attempts.set(Delivery.attempts.append([attempt])))
    return _conditional_update(delivery, actions, Delivery.pk.exists() & (Delivery.attempt_count == number))


def give_up(delivery: Delivery, reason: str, at: datetime) -> bool:
    """A delivery that cannot be attempted (its endpoint is gone or off) is dead without an attempt."""
    return _conditional_update(
        delivery,
        [Delivery.status.set("dead"), Delivery.last_error.set(reason), Delivery.next_attempt_at.remove(),
         Delivery.updated_at.set(at)],
        Delivery.pk.exists() & (Delivery.attempt_count == delivery.attempt_count),
    )


def reopen(delivery: Delivery, at: datetime) -> bool:
    """Make a delivery pending again for a manual retry, whatever its status."""
    return _conditional_update(
        delivery,
        [Delivery.status.set("pending"), Delivery.next_attempt_at.set(at), Delivery.updated_at.set(at)],
        Delivery.pk.exists() & (Delivery.attempt_count == delivery.attempt_count),
    )
