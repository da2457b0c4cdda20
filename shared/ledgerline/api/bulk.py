"""Running the items of a bulk request: validate each, run its use case, report each outcome.

An item's error is exactly what the single-item POST would have answered (the same status and the
same `error` body, through api/errors.py), so a client handles both the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from pydantic import BaseModel, ValidationError

from ledgerline.api import errors
from ledgerline.domain.errors import LedgerlineError
from ledgerline.schemas.bulk import BulkItemResult, BulkOperation, BulkResult
from ledgerline.services.bulk import DraftNotPosted

# (fields, idempotency key) -> the created object as the API shows it
UseCase = Callable[[dict[str, Any], str | None], dict[str, Any]]
# (id, changes, expected version, idempotency key) -> the updated object as the API shows it
UpdateUseCase = Callable[[str, dict[str, Any], int | None, str | None], dict[str, Any]]


@dataclass(frozen=True)
class Kind:
    """What a bulk route does with each operation: the schemas that validate `data`, and the use cases."""

    create_schema: type[BaseModel]
    create: UseCase
    update_schema: type[BaseModel] | None = None
    update: UpdateUseCase | None = None
    # The changes a validated PATCH body makes (default: the fields it sets)
    changes: Callable[[Any], dict[str, Any]] = lambda body: body.model_dump(exclude_unset=True)


@dataclass(frozen=True)
class Together:
    """Creates a route runs together (`eligible` ones: several per transaction), through `run`: the
    validated fields of each, in order -> per item the created object or its error (`DraftNotPosted`, a
    domain error), in the same order."""

    eligible: Callable[[BulkOperation], bool]
    run: Callable[[list[dict[str, Any]]], list[Any]]


def run_items(request: Request, operations: list[BulkOperation], kind: Kind,
              together: Together | None = None) -> BulkResult:
    """Process the operations in order, each on its own: one failing does not stop or undo the others. With
    `together`, its eligible creates are validated one by one and then run together; each still gets its
    own result, as if it had been run alone."""
    grouped: dict[int, dict[str, Any]] = {}
    results: dict[int, BulkItemResult] = {}
    for index, operation in enumerate(operations):
        if together is not None and operation.operation == "create" and together.eligible(operation):
            try:
                grouped[index] = kind.create_schema.model_validate(operation.data).model_dump()
            except ValidationError as exc:
                results[index] = _failed(index, operation, 422, errors.describe_validation(request, exc.errors()))
        else:
            results[index] = _run_item(request, index, operation, kind)
    if grouped and together is not None:
        try:
            outcomes = together.run(list(grouped.values()))
        except Exception as exc:  # noqa: BLE001 - logged with the request id; the other items' results stand
            error = errors.describe_unexpected(request, exc)
            outcomes = [None] * len(grouped)
            for index in grouped:
                results[index] = _failed(index, operations[index], 500, error)
        for index, done in zip(grouped, outcomes, strict=True):
            if done is not None:
                results[index] = _outcome(request, index, operations[index], done)
    ordered = [results[index] for index in range(len(operations))]
    return _summary(ordered)


def _failed(index: int, item: BulkOperation, status: int, error: dict[str, Any],
            data: dict[str, Any] | None = None) -> BulkItemResult:
    return BulkItemResult(index=index, operation=item.operation, success=False, status=status,
                          idempotency_key=item.idempotency_key, data=data, error=error)


def _outcome(request: Request, index: int, item: BulkOperation, done: Any) -> BulkItemResult:
    if isinstance(done, DraftNotPosted):
        return _failed(index, item, *errors.describe_domain_error(request, done.cause), data=done.draft)
    if isinstance(done, LedgerlineError):
        return _failed(index, item, *errors.describe_domain_error(request, done))
    return BulkItemResult(index=index, operation=item.operation, success=True, status=201,
                          idempotency_key=item.idempotency_key, data=done)


def _summary(results: list[BulkItemResult]) -> BulkResult:
    succeeded = sum(result.success for result in results)
    return BulkResult(processed=len(results), succeeded=succeeded, failed=len(results) - succeeded, results=results)


def _run_item(request: Request, index: int, item: BulkOperation, kind: Kind) -> BulkItemResult:
    def failed(status: int, error: dict[str, Any], data: dict[str, Any] | None = None) -> BulkItemResult:
        return BulkItemResult(index=index, operation=item.operation, success=False, status=status,
                              idempotency_key=item.idempotency_key, data=data, error=error)

    updating = item.operation == "update"
    schema = kind.update_schema if updating else kind.create_schema
    if schema is None or (updating and kind.update is None):  # the batch schema already refuses these
        return failed(422, errors.describe_validation(request, [{"loc": ("operation",), "msg": "not supported"}]))
    try:
        validated = schema.model_validate(item.data)
        fields = kind.changes(validated) if updating else validated.model_dump()
    except ValidationError as exc:
        return failed(422, errors.describe_validation(request, exc.errors()))
    try:
        if updating:
            assert kind.update is not None and item.id is not None
            done = kind.update(item.id, fields, item.version, item.idempotency_key)
        else:
            done = kind.create(fields, item.idempotency_key)
    except DraftNotPosted as exc:
        return failed(*errors.describe_domain_error(request, exc.cause), data=exc.draft)
    except LedgerlineError as exc:
        return failed(*errors.describe_domain_error(request, exc))
    except Exception as exc:  # noqa: BLE001 - logged with the request id; the other items' results must still reach the client
        return failed(500, errors.describe_unexpected(request, exc))
    return BulkItemResult(index=index, operation=item.operation, success=True, status=200 if updating else 201,
                          idempotency_key=item.idempotency_key, data=done)
