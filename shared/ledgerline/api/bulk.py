"""Running the items of a bulk request: validate each, run its use case, report each outcome.

An item's error is exactly what the single-item POST would have answered (the same status and the
same `error` body, through api/errors.py), so a client handles both the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from pydantic import BaseModel, ValidationError

from ledgerline.api import errors
from ledgerline.domain.errors import LedgerlineError
from ledgerline.schemas.bulk import BulkItem, BulkItemResult, BulkResult
from ledgerline.services.bulk import DraftNotPosted

# (fields, idempotency key) -> the created object as the API shows it
UseCase = Callable[[dict[str, Any], str | None], dict[str, Any]]


def run_items(request: Request, items: list[BulkItem], schema: type[BaseModel], use_case: UseCase) -> BulkResult:
    """Process the items in order, each on its own: one failing does not stop or undo the others."""
    results = [_run_item(request, index, item, schema, use_case) for index, item in enumerate(items)]
    succeeded = sum(result.success for result in results)
    return BulkResult(processed=len(results), succeeded=succeeded, failed=len(results) - succeeded, results=results)


def _run_item(request: Request, index: int, item: BulkItem, schema: type[BaseModel],
              use_case: UseCase) -> BulkItemResult:
    def failed(status: int, error: dict[str, Any], data: dict[str, Any] | None = None) -> BulkItemResult:
        return BulkItemResult(index=index, success=False, status=status, idempotency_key=item.idempotency_key,
                              data=data, error=error)

    try:
        fields = schema.model_validate(item.data).model_dump()
    except ValidationError as exc:
        return failed(422, errors.describe_validation(request, exc.errors()))
    try:
        created = use_case(fields, item.idempotency_key)
    except DraftNotPosted as exc:
        return failed(*errors.describe_domain_error(request, exc.cause), data=exc.draft)
    except LedgerlineError as exc:
        return failed(*errors.describe_domain_error(request, exc))
    except Exception as exc:  # noqa: BLE001 - logged with the request id; the other items' results must still reach the client
        return failed(500, errors.describe_unexpected(request, exc))
    return BulkItemResult(index=index, success=True, status=201, idempotency_key=item.idempotency_key, data=created)
