"""`Idempotency-Key` on every POST that creates something or moves money: a completed record per tenant and
key (`store/idempotency.py`), written in the same transaction as the write it answers.

- A replay answers what the first request answered and is marked (`Idempotent-Replayed: true`, set by
  the app factory from `tracking()`); the same key with another body is 422 `idempotency_error`.
- A use case on the unit of work reads the key's record in its first read and puts the completed record
  in its own transaction (conditional on none existing): no extra round trip, no "in progress" state, so a
  request killed in flight leaves nothing behind and its retry simply runs. A duplicate that loses the race
  replays the winner's record.
- A use case not on the unit of work reads the record first (GetItem) and puts it after its write: two
  concurrent duplicates may then both run (each answers its own result; logged).
- A committed write always answers its result, even when its record cannot be put afterwards; a result
  too large for a DynamoDB item is stored as a reference to the object, and its replay reads the object now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from ledgerline.clock import utc_now
from ledgerline.domain.errors import LedgerlineError, ServiceUnavailable, ValidationFailed
from ledgerline.observability import logger
from ledgerline.store.idempotency import (
    Claim,
    IdempotencyRecord,
    Replay,
    as_stored,
    claiming,
    find_record,
    fits,
    new_record,
    overwrite,
    payload_hash,
    put_after,
    record_size,
)
from ledgerline.store.unit_of_work import open_unit

EXPIRES_AFTER_SECONDS = 24 * 3600
REFERENCE = "idempotent_reference"
"""The stored form of a result too large to keep: `{REFERENCE: {"object": …, "id": …}}`."""

__all__ = ["REFERENCE", "once", "fitting", "record_size", "tracking"]


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
    in_unit: bool = False,
) -> dict[str, Any]:
    """Run `run` once per tenant and key: a repeat with the same operation and body returns the first
    result; the same key with another body is refused. Without a key, just run.

    `keep` turns the result into what the record stores (e.g. a secret sealed or left out); `replay`
    turns what was stored back into the replayed response (or refuses it). Both default to as is.
    `in_unit`: the use case reads through a unit of work before it writes, so the key's record is read in
    that read; otherwise it is read first with a GetItem of its own. Either way a unit of work opened by
    `run` puts the record in its transaction.
    """
    if key is None:
        return run()

    def kept(result: dict[str, Any]) -> dict[str, Any] | None:
        stored = fitting(tenant_id, keep(result) if keep else result)
        return stored if fits(tenant_id, stored) else None

    claim = Claim(tenant_id, key, operation, payload_hash(operation, payload), utc_now(), kept)
    try:
        with claiming(claim):
            if not in_unit:
                found = find_record(tenant_id, key, claim.at)
                if found is not None:
                    raise Replay(found)
            try:
                result = run()
            except LedgerlineError as refused:
                # A batched read is not a snapshot: a duplicate that committed while this one read can leave
                # it seeing the duplicate's effects (the credit taken, the invoice posted) but not yet its
                # record. A refusal therefore looks for the record once more before it is answered.
                if isinstance(refused, ServiceUnavailable) or claim.stored is not None:
                    raise
                open_unit(tenant_id).prefetch()  # reads the key's record with the tenant: Replay if it exists
                raise
    except Replay as replayed:
        return _answer(claim, replayed.record, replay)
    stored = kept(result)
    if claim.stored is None:
        _put_after(claim, stored)
    elif stored is not None and claim.stored != as_stored(stored):
        # the response named in the transaction differs from what the use case answered: keep the answer
        logger.warning("idempotency record rewritten with the use case's response", extra={"operation": operation})
        overwrite(new_record(tenant_id, key, operation, claim.payload_hash, stored, claim.at))
    return result


def _put_after(claim: Claim, stored: dict[str, Any] | None) -> None:
    """The record of a write that did not put it in its own transaction, put after it."""
    if stored is None:
        logger.warning("idempotency record not kept: the response does not fit an item",
                       extra={"operation": claim.operation})
        return
    try:
        winner = put_after(new_record(claim.tenant_id, claim.key, claim.operation, claim.payload_hash, stored,
                                      claim.at), claim.at)
    except Exception as exc:  # the write committed; only its record failed: the client gets its result
        logger.warning("idempotency record not put after the write committed",
                       extra={"operation": claim.operation, "error": repr(exc)})
        return
    if winner is not None:  # both ran (no in-progress record off the unit of work); each answers its own result
        logger.warning("a concurrent request with the same Idempotency-Key also ran",
                       extra={"operation": claim.operation})


def _answer(claim: Claim, record: IdempotencyRecord, replay: Callable[[dict[str, Any]], dict[str, Any]] | None,
            ) -> dict[str, Any]:
    """Replay a completed record, if it was made by the same request."""
    if record.operation != claim.operation or record.payload_hash != claim.payload_hash:
        raise ValidationFailed(
            "This Idempotency-Key was already used with a different request",
            param="Idempotency-Key",
            code="idempotency_error",
        )
    _mark_replayed(claim.key)
    stored = record.stored()
    if REFERENCE in stored:
        return _current(claim.tenant_id, stored[REFERENCE])
    return replay(stored) if replay else stored


def fitting(tenant_id: str, result: dict[str, Any]) -> dict[str, Any]:
    """What to store for `result`: itself if its record fits in a DynamoDB item, else a reference."""
    if fits(tenant_id, result):
        return result
    if not {"object", "id"} <= result.keys() or result["object"] not in _READERS:
        return result  # nothing to refer to: no record is kept, and the client still gets its result
    return {REFERENCE: {"object": result["object"], "id": result["id"]}}


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
