"""`Idempotency-Key` on money-moving POSTs, with Powertools idempotency records in the single table."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from ledgerline.domain.errors import Conflict, ValidationFailed
from ledgerline.settings import get_settings
from ledgerline.store.records import tenant_partition
from ledgerline.store.table import as_domain_error, connection

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig

# Powertools' idempotency utility (and boto3 with it) is imported by the first request that sends an
# Idempotency-Key, not at import time: requests without one, and cold starts, do not pay for it.


@cache
def config() -> IdempotencyConfig:
    """The client's key is the idempotency key; the operation and body must match on a replay."""
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

    return IdempotencyConfig(
        event_key_jmespath="key",
        payload_validation_jmespath="[operation, payload]",
        expires_after_seconds=24 * 3600,
        raise_on_no_idempotency_key=True,
    )


def _persistence(tenant_id: str) -> DynamoDBPersistenceLayer:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    # Records live under the tenant's own partition prefix, on the process's one DynamoDB client.
    return DynamoDBPersistenceLayer(
        table_name=get_settings().table_name,
        key_attr="PK",
        sort_key_attr="SK",
        static_pk_value=f"{tenant_partition(tenant_id)}#IDEMPOTENCY",
        expiry_attr="expires_at",
        boto3_client=connection().connection.client,
    )


def once(
    tenant_id: str, key: str | None, operation: str, payload: Any, run: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """Run `run` once per tenant and key: a repeat with the same operation and body returns the first
    result; the same key with another body is refused. Without a key, just run."""
    if key is None:
        return run()
    from aws_lambda_powertools.utilities.idempotency import idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyPersistenceLayerError,
        IdempotencyValidationError,
    )

    @idempotent_function(
        data_keyword_argument="request",
        persistence_store=_persistence(tenant_id),
        config=config(),
        key_prefix="ledgerline",
    )
    def execute(request: dict[str, Any]) -> dict[str, Any]:
        return run()

    try:
        return execute(request={"key": key, "operation": operation, "payload": payload})
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
        # The idempotency record could not be read or written (e.g. throttled): busy, not broken.
        unavailable = as_domain_error(exc)
        if unavailable is None:
            raise
        raise unavailable from exc
