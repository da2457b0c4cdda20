"""`Idempotency-Key` on every POST that creates something or moves money, with Powertools idempotency
records in the single table.

- A replay answers what the first request answered and is marked (`Idempotent-Replayed: true`, set by
  the app factory from `tracking()`).
- A request killed in flight leaves an in-progress record that expires when the Lambda invocation's
  time runs out (Powertools' in-progress expiry from the registered Lambda context), or after
  `LOCAL_IN_PROGRESS_SECONDS` outside Lambda; a retry after that runs.
- A committed write always answers its result, even when its record cannot be completed; a result too
  large for a DynamoDB item is stored as a reference to the object, and its replay reads the object now.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ledgerline.domain.errors import Conflict, ValidationFailed
from ledgerline.observability import current_lambda_context, logger
from ledgerline.settings import get_settings
from ledgerline.store.item_size import MAX_ITEM_BYTES, string_item_size
from ledgerline.store.records import tenant_partition
from ledgerline.store.table import as_domain_error, connection

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig

# Powertools' idempotency utility (and boto3 with it) is imported by the first request that sends an
# Idempotency-Key, not at import time: requests without one, and cold starts, do not pay for it.

EXPIRES_AFTER_SECONDS = 24 * 3600
LOCAL_IN_PROGRESS_SECONDS = 60
"""Outside Lambda (the local server) a request still in progress after this long is taken for dead."""

KEY_PREFIX = "ledgerline"
REFERENCE = "idempotent_reference"
"""The stored form of a result too large to keep: `{REFERENCE: {"object": …, "id": …}}`."""


# ------------------------------------------------------------------------------------- replays


@dataclass
class Replays:
    """Whether the current request's own Idempotency-Key (`key`) was answered from a stored record.
    Keys of bulk items are not the request's key, so a bulk request is never marked as a whole."""

    key: str | None
    replayed: bool = False


_replays: ContextVar[Replays | None] = ContextVar("ledgerline_idempotency_replays", default=None)


@contextmanager
def tracking(key: str | None) -> Iterator[Replays]:
    """Track replays of the request's `Idempotency-Key` while it runs (the app factory sets the header)."""
    replays = Replays(key)
    token = _replays.set(replays)
    try:
        yield replays
    finally:
        _replays.reset(token)


def _mark_replayed(key: str) -> None:
    replays = _replays.get()
    if replays is not None and replays.key == key:
        replays.replayed = True


# ------------------------------------------------------------------------------ configuration


class _LocalDeadline:
    """Stands in for the Lambda context outside Lambda: the in-progress record expires after 60 s."""

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return LOCAL_IN_PROGRESS_SECONDS * 1000


def config() -> IdempotencyConfig:
    """The client's key is the idempotency key; the operation and body must match on a replay. The
    in-progress record expires with the Lambda invocation's remaining time (or the local bound)."""
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

    settings = IdempotencyConfig(
        event_key_jmespath="key",
        payload_validation_jmespath="[operation, payload]",
        expires_after_seconds=EXPIRES_AFTER_SECONDS,
        raise_on_no_idempotency_key=True,
    )
    settings.register_lambda_context(current_lambda_context() or _LocalDeadline())
    return settings


def _persistence(tenant_id: str) -> DynamoDBPersistenceLayer:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    # Records live under the tenant's own partition prefix, on the process's one DynamoDB client.
    return DynamoDBPersistenceLayer(
        table_name=get_settings().table_name,
        key_attr="PK",
        sort_key_attr="SK",
        static_pk_value=_partition(tenant_id),
        expiry_attr="expires_at",
        boto3_client=connection().connection.client,
    )


def _partition(tenant_id: str) -> str:
    return f"{tenant_partition(tenant_id)}#IDEMPOTENCY"


# ------------------------------------------------------------------------------------ the rule


def once(
    tenant_id: str,
    key: str | None,
    operation: str,
    payload: Any,
    run: Callable[[], dict[str, Any]],
    *,
    keep: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    replay: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Run `run` once per tenant and key: a repeat with the same operation and body returns the first
    result; the same key with another body is refused. Without a key, just run.

    `keep` turns the result into what the record stores (e.g. a secret sealed or left out); `replay`
    turns what was stored back into the replayed response (or refuses it). Both default to as is.
    """
    if key is None:
        return run()
    from aws_lambda_powertools.utilities.idempotency import idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyPersistenceLayerError,
        IdempotencyValidationError,
    )

    persistence = _persistence(tenant_id)
    first: list[dict[str, Any]] = []

    @idempotent_function(data_keyword_argument="request", persistence_store=persistence, config=config(),
                         key_prefix=KEY_PREFIX)
    def execute(request: dict[str, Any]) -> dict[str, Any]:
        result = run()
        first.append(result)
        return fitting(tenant_id, keep(result) if keep else result)

    try:
        stored = execute(request={"key": key, "operation": operation, "payload": payload})
    except IdempotencyValidationError as exc:
        raise ValidationFailed(
            "This Idempotency-Key was already used with a different request",
            param="Idempotency-Key",
            code="idempotency_error",
        ) from exc
    except IdempotencyAlreadyInProgressError as exc:
        raise Conflict(
            "A request with this Idempotency-Key is still in progress; retry shortly",
            param="Idempotency-Key",
            code="idempotency_in_progress",
        ) from exc
    except IdempotencyPersistenceLayerError as exc:
        if first:
            # The write committed; only completing its record failed. The client gets its result (a
            # retry with the key is refused as in progress until the in-progress record expires).
            logger.warning("idempotency record not completed after the write committed",
                           extra={"operation": operation, "error": repr(exc)})
            return first[0]
        # The idempotency record could not be read or written (e.g. throttled): busy, not broken.
        unavailable = as_domain_error(exc)
        if unavailable is None:
            raise
        raise unavailable from exc
    if first:
        return first[0]
    _mark_replayed(key)
    if isinstance(stored, dict) and REFERENCE in stored:
        return _current(tenant_id, stored[REFERENCE])
    return replay(stored) if replay else stored


def fitting(tenant_id: str, result: dict[str, Any]) -> dict[str, Any]:
    """What to store for `result`: itself if its record fits in a DynamoDB item, else a reference."""
    if record_size(tenant_id, result) <= MAX_ITEM_BYTES:
        return result
    if not {"object", "id"} <= result.keys() or result["object"] not in _READERS:
        return result  # nothing to refer to: completing the record fails, and the client still gets its result
    return {REFERENCE: {"object": result["object"], "id": result["id"]}}


def record_size(tenant_id: str, result: dict[str, Any]) -> int:
    """The size of the completed Powertools record that would hold `result` (its JSON as Powertools
    writes it: sorted keys, non-ASCII escaped)."""
    from aws_lambda_powertools.shared.json_encoder import Encoder

    digest, now = "0" * 32, 10**13
    return string_item_size({
        "PK": _partition(tenant_id), "SK": f"{KEY_PREFIX}#{digest}", "expires_at": now, "status": "COMPLETED",
        "data": json.dumps(result, cls=Encoder, sort_keys=True), "validation": digest,
        "in_progress_expiration": now,
    })


# Objects whose representation can outgrow an idempotency record: how to read one as the API shows it.
_READERS: dict[str, tuple[str, str, str]] = {
    "invoice": ("invoices", "ledgerline.store.documents", "Invoice"),
    "credit_note": ("credit_notes", "ledgerline.store.documents", "CreditNote"),
    "receipt": ("receipts", "ledgerline.store.documents", "Receipt"),
    "journal_entry": ("journal_entries", "ledgerline.store.ledger", "JournalEntry"),
}


def _current(tenant_id: str, reference: dict[str, str]) -> dict[str, Any]:
    """The referenced object as it is now (its first response was too large to keep)."""
    from importlib import import_module

    from ledgerline.store.records import load

    service, store_module, model = _READERS[reference["object"]]
    record = load(getattr(import_module(store_module), model), tenant_id, reference["id"])
    return import_module(f"ledgerline.services.{service}").represent(record)
