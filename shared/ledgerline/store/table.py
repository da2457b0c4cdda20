"""The single table: the base model every entity extends, its indexes, and its connection."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any, TypeVar

from botocore.exceptions import ClientError
from pynamodb.attributes import UnicodeAttribute
from pynamodb.connection import TableConnection
from pynamodb.exceptions import PutError, TransactWriteError, UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from ledgerline.domain.errors import InvalidRequest, ServiceUnavailable
from ledgerline.settings import Settings, get_settings
from ledgerline.store.item_size import check_item

T = TypeVar("T")

# Errors DynamoDB returns when the request was fine but the moment was not: retrying may succeed.
RETRYABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "TransactionConflictException",
        "TransactionInProgressException",
        "InternalServerError",
        "TransactionConflict",
        "ThrottlingError",
    }
)


class Gsi1(GlobalSecondaryIndex["TableModel"]):
    """Generic secondary index: entities put what they need to be found by in GSI1PK/GSI1SK."""

    class Meta:
        index_name = "GSI1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True, attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(range_key=True, attr_name="GSI1SK")


class Gsi2(GlobalSecondaryIndex["TableModel"]):
    """Sparse index: only items that set GSI2PK appear (e.g. open invoices by due date)."""

    class Meta:
        index_name = "GSI2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True, attr_name="GSI2PK")
    gsi2sk = UnicodeAttribute(range_key=True, attr_name="GSI2SK")


class Gsi3(GlobalSecondaryIndex["TableModel"]):
    """Sparse index of a customer's open items: open invoices and documents holding customer credit."""

    class Meta:
        index_name = "GSI3"
        projection = AllProjection()

    gsi3pk = UnicodeAttribute(hash_key=True, attr_name="GSI3PK")
    gsi3sk = UnicodeAttribute(range_key=True, attr_name="GSI3SK")


class Gsi4(GlobalSecondaryIndex["TableModel"]):
    """Lookups and name order (issue 18): a numbered document by its number (`T#<tid>#<LIST>#NUMBER` /
    `<number>`), a party by its casefolded name (`T#<tid>#PARTIES#NAME` / `<name>#<id>`)."""

    class Meta:
        index_name = "GSI4"
        projection = AllProjection()

    gsi4pk = UnicodeAttribute(hash_key=True, attr_name="GSI4PK")
    gsi4sk = UnicodeAttribute(range_key=True, attr_name="GSI4SK")


class Gsi5(GlobalSecondaryIndex["TableModel"]):
    """Changes (issue 18): a list's records and tombstones by `updated_at` (`T#<tid>#<LIST>#UPDATED` /
    `<updated_at>#<id>`), for `updated_since` and `sort=updated_at`."""

    class Meta:
        index_name = "GSI5"
        projection = AllProjection()

    gsi5pk = UnicodeAttribute(hash_key=True, attr_name="GSI5PK")
    gsi5sk = UnicodeAttribute(range_key=True, attr_name="GSI5SK")


class Gsi6(GlobalSecondaryIndex["TableModel"]):
    """Due dates (issue 18): every invoice by due date (`T#<tid>#<LIST>#DUE` / `<due date>#<id>`), drafts and
    closed ones included (GSI2 holds the open ones only)."""

    class Meta:
        index_name = "GSI6"
        projection = AllProjection()

    gsi6pk = UnicodeAttribute(hash_key=True, attr_name="GSI6PK")
    gsi6sk = UnicodeAttribute(range_key=True, attr_name="GSI6SK")


class Gsi7(GlobalSecondaryIndex["TableModel"]):
    """References (issue 18): a document by its casefolded reference (`T#<tid>#<LIST>#REF` /
    `<reference>#<id>`), for `reference=` lookups and `reference[startswith]=`."""

    class Meta:
        index_name = "GSI7"
        projection = AllProjection()

    gsi7pk = UnicodeAttribute(hash_key=True, attr_name="GSI7PK")
    gsi7sk = UnicodeAttribute(range_key=True, attr_name="GSI7SK")


class TableModel(Model):
    """Base of every entity. Generic key names in the table; meaning lives in each entity."""

    class Meta:
        table_name = "ledgerline"
        region = "us-east-1"
        host: str | None = None

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    gsi1pk = UnicodeAttribute(null=True, attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(null=True, attr_name="GSI1SK")
    gsi1 = Gsi1()
    gsi2pk = UnicodeAttribute(null=True, attr_name="GSI2PK")
    gsi2sk = UnicodeAttribute(null=True, attr_name="GSI2SK")
    gsi2 = Gsi2()
    gsi3pk = UnicodeAttribute(null=True, attr_name="GSI3PK")
    gsi3sk = UnicodeAttribute(null=True, attr_name="GSI3SK")
    gsi3 = Gsi3()
    gsi4pk = UnicodeAttribute(null=True, attr_name="GSI4PK")
    gsi4sk = UnicodeAttribute(null=True, attr_name="GSI4SK")
    gsi4 = Gsi4()
    gsi5pk = UnicodeAttribute(null=True, attr_name="GSI5PK")
    gsi5sk = UnicodeAttribute(null=True, attr_name="GSI5SK")
    gsi5 = Gsi5()
    gsi6pk = UnicodeAttribute(null=True, attr_name="GSI6PK")
    gsi6sk = UnicodeAttribute(null=True, attr_name="GSI6SK")
    gsi6 = Gsi6()
    gsi7pk = UnicodeAttribute(null=True, attr_name="GSI7PK")
    gsi7sk = UnicodeAttribute(null=True, attr_name="GSI7SK")
    gsi7 = Gsi7()


@cache
def connection() -> TableConnection:
    """Bind every model to the configured table and return the one connection they share.

    Subclasses find `_connection` on the base class, so the whole process uses one botocore
    client. Called lazily by every access pattern, never at import time.
    """
    settings = get_settings()
    _configure_meta(settings)
    TableModel._connection = None
    table = TableModel._get_connection()
    # The client PynamoDB (and Powertools' idempotency records) send every request through: DynamoDB refusing
    # one for now, or refusing a list's start key, raises its domain error right there (`refusal`), so
    # nothing above the store sees an SDK exception for those.
    table.connection.client.meta.events.register_last("after-call.dynamodb", _raise_refusal,
                                                      unique_id="ledgerline-refusals")
    return table


def _configure_meta(settings: Settings) -> None:
    meta = TableModel.Meta
    meta.table_name = settings.table_name
    meta.region = settings.region
    meta.host = settings.dynamodb_endpoint
    meta.max_retry_attempts = 3
    if settings.dynamodb_endpoint:
        # DynamoDB Local accepts any credentials but botocore insists on having some.
        meta.aws_access_key_id = "local"
        meta.aws_secret_access_key = "local"


def reset_connection() -> None:
    """Forget the bound connection (tests that point the process at another table)."""
    connection.cache_clear()
    TableModel._connection = None
    for model in _subclasses(TableModel):
        if "_connection" in vars(model):
            model._connection = None


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


class SizedTransactWrite(TransactWrite):
    """A transaction that refuses, before anything is written, an item too large for the table."""

    def save(self, model: Any, condition: Any = None, return_values: str | None = None) -> None:
        super().save(model, condition=condition, return_values=return_values)
        check_item(self._put_items[-1]["Item"], _noun(model))


def _noun(model: Any) -> str:
    # An event carries its document: name the document, which is what the client can change.
    return (getattr(model, "object_type", None) or getattr(model, "NOUN", None) or "item").replace("_", " ")


@contextmanager
def transaction() -> Iterator[TransactWrite]:
    """A write transaction on the shared connection: all of it happens, or none of it. Every item put
    into it must fit the table (`item_size.check_item`), or nothing is written (422)."""
    with SizedTransactWrite(connection=connection().connection) as tx:
        yield tx


def cancellation_codes(exc: TransactWriteError) -> list[str | None]:
    """The per-item reasons DynamoDB gave for cancelling a transaction, in request order."""
    return [reason.code if reason else None for reason in (exc.cancellation_reasons or [])]


def is_condition_failure(exc: PutError | UpdateError | TransactWriteError) -> bool:
    """True when a condition of the write (or of any item of a transaction) did not hold."""
    if isinstance(exc, TransactWriteError):
        return "ConditionalCheckFailed" in cancellation_codes(exc)
    return exc.cause_response_code == "ConditionalCheckFailedException"


def raise_if_retryable(exc: Exception) -> None:
    code = getattr(exc, "cause_response_code", None)
    codes: set[str | None] = {code}
    if isinstance(exc, TransactWriteError):
        codes |= set(cancellation_codes(exc))
    if codes & RETRYABLE_CODES:
        raise ServiceUnavailable("the database is busy; retry the request shortly") from exc


def refusal(code: str | None, message: str | None) -> ServiceUnavailable | InvalidRequest | None:
    """What DynamoDB refusing a request means to a client, when it means something: refusing the work for
    now (throttling, a conflicting transaction, its own 500) is a ServiceUnavailable (503, safe to retry);
    refusing a list's start key (a cursor that is signed but does not fit the query) is a 400."""
    if code in RETRYABLE_CODES:
        return ServiceUnavailable("the database is busy; retry the request shortly")
    if code == "ValidationException" and "starting key" in str(message or "").lower():
        return InvalidRequest("The cursor is malformed or was not issued for this list", param="cursor",
                              code="invalid_cursor")
    return None


def _raise_refusal(parsed: dict[str, Any] | None = None, model: Any = None, **_: Any) -> None:
    """botocore's `after-call` hook on the table's client (after its own retries): a refusal that means
    something to a client raises its domain error in place of the SDK's exception (kept as its cause)."""
    error = (parsed or {}).get("Error") or {}
    refused = refusal(error.get("Code"), error.get("Message"))
    if refused is not None:
        raise refused from ClientError(parsed or {}, getattr(model, "name", "DynamoDB"))


def as_domain_error(exc: BaseException) -> ServiceUnavailable | InvalidRequest | None:
    """The domain error anywhere in an exception's cause chain (Powertools wraps what the table's client
    raised in its own error), or what an SDK error found there means (`refusal`); else None."""
    pending: list[BaseException] = [exc]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ServiceUnavailable | InvalidRequest):
            return current
        code = getattr(current, "cause_response_code", None)
        response = getattr(current, "response", None)
        if code is None and isinstance(response, dict):
            code = response.get("Error", {}).get("Code")
        message = getattr(current, "cause_response_message", None)
        if message is None and isinstance(response, dict):
            message = response.get("Error", {}).get("Message")
        refused = refusal(code, message)
        if refused is not None:
            return refused
        pending += [e for e in (current.__cause__, current.__context__, *current.args) if isinstance(e, BaseException)]
    return None


def key_of(item: TableModel, index: Any = None) -> dict[str, dict[str, str]]:
    """The exclusive start key that resumes a query right after `item`."""
    key = {"PK": {"S": item.pk}, "SK": {"S": item.sk}}
    if isinstance(index, Gsi1):
        key |= {"GSI1PK": {"S": item.gsi1pk}, "GSI1SK": {"S": item.gsi1sk}}
    elif isinstance(index, Gsi2):
        key |= {"GSI2PK": {"S": item.gsi2pk}, "GSI2SK": {"S": item.gsi2sk}}
    elif isinstance(index, Gsi3):
        key |= {"GSI3PK": {"S": item.gsi3pk}, "GSI3SK": {"S": item.gsi3sk}}
    elif index is not None:  # GSI4 and later (issue 18): the index names its key attributes
        name = index.Meta.index_name
        key |= {f"{name}PK": {"S": getattr(item, f"{name.lower()}pk")},
                f"{name}SK": {"S": getattr(item, f"{name.lower()}sk")}}
    return key


Key = tuple[str, str]


class Contention(Exception):
    """Another writer changed what this write was conditioned on; re-read and try again.

    `stale` names the items that made the transaction fail (their condition did not hold, or another
    transaction held them), with the item as it stands when DynamoDB returned it (an item written with
    `return_values=ALL_OLD`), else None: a retry re-reads only those, and not even those it was given."""

    def __init__(self, message: str = "", stale: dict[Key, dict[str, Any] | None] | None = None) -> None:
        super().__init__(message)
        self.stale: dict[Key, dict[str, Any] | None] = dict(stale or {})


CONTENDED = frozenset({"ConditionalCheckFailed", "TransactionConflict"})


def stale_items(requests: list[dict[str, Any]], exc: TransactWriteError) -> dict[Key, dict[str, Any] | None]:
    """The items of a cancelled transaction that made it fail, by key (in request order, as DynamoDB gives
    its reasons), with the current item where DynamoDB returned it."""
    stale: dict[Key, dict[str, Any] | None] = {}
    for request, reason in zip(requests, exc.cancellation_reasons or [], strict=False):
        if reason is None or reason.code not in CONTENDED:
            continue
        key = request.get("Key") or request.get("Item") or {}
        if "PK" in key and "SK" in key:
            stale[(key["PK"]["S"], key["SK"]["S"])] = reason.raw_item
    return stale


def _requests(tx: TransactWrite) -> list[dict[str, Any]]:
    """A transaction's items in the order PynamoDB sends them (condition checks, deletes, puts, updates)."""
    return [*tx._condition_check_items, *tx._delete_items, *tx._put_items, *tx._update_items]


def commit(build: Callable[[TransactWrite], T]) -> T:
    """Run one write transaction; conditions that did not hold, or a conflicting writer, become
    Contention (naming the stale items) so the use case can re-read them and retry."""
    connection()
    tx: TransactWrite | None = None
    try:
        with transaction() as tx:
            result = build(tx)
    except TransactWriteError as exc:
        if CONTENDED & set(cancellation_codes(exc)):
            raise Contention(str(exc), stale_items(_requests(tx), exc) if tx is not None else {}) from exc
        raise_if_retryable(exc)
        raise
    return result
