"""Bank transactions (issue 16): reads, and ignore / unignore (matching and booking come next)."""

from __future__ import annotations

from typing import Any

from ledgerline.clock import utc_now
from ledgerline.domain.banking import transactions as life_cycle
from ledgerline.domain.errors import NotFound
from ledgerline.domain.events import EventType
from ledgerline.domain.query import Query
from ledgerline.schemas.banking import BankTransactionOut
from ledgerline.services.idempotency import once
from ledgerline.services.retry import retrying
from ledgerline.store import banking as bank_store
from ledgerline.store import lists
from ledgerline.store.banking import IMPORTING, BankAccount, BankStatement, BankTransaction
from ledgerline.store.query import Result
from ledgerline.store.records import Page
from ledgerline.store.unit_of_work import UnitOfWork, open_unit


def represent(transaction: BankTransaction) -> dict[str, Any]:
    return BankTransactionOut.model_validate(transaction).model_dump(mode="json")


def _load(uow: UnitOfWork, transaction_id: str) -> BankTransaction:
    transaction = uow.load(BankTransaction, transaction_id)
    if transaction.status == IMPORTING:  # its statement is not committed: not there yet
        raise NotFound(f"No such bank transaction: '{transaction_id}'", param="id")
    return transaction


def get_bank_transaction(tenant_id: str, transaction_id: str) -> dict[str, Any]:
    """The transaction; an unmatched one with its ranked suggestions (services/bank_reconciliation.py)."""
    from ledgerline.services.bank_reconciliation import shown

    return shown(tenant_id, [_load(open_unit(tenant_id), transaction_id)])[0]


def query_bank_transactions(tenant_id: str, query: Query, *, limit: int,
                            start_key: dict[str, Any] | None) -> Result:
    """A page of bank transactions as a planned query asks (issue 18: the store's named read
    `lists.query_bank_transactions`)."""
    return lists.query_bank_transactions(tenant_id, query, limit=limit, start_key=start_key)


def list_bank_statements(tenant_id: str, bank_account_id: str, *, limit: int,
                         start_key: dict[str, Any] | None) -> Page[BankStatement]:
    open_unit(tenant_id).load(BankAccount, bank_account_id)
    return bank_store.list_bank_statements(tenant_id, bank_account_id=bank_account_id, limit=limit,
                                           start_key=start_key)


def ignore(tenant_id: str, transaction_id: str, idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "ignore_bank_transaction", {"id": transaction_id},
                lambda: retrying(lambda: _change(tenant_id, transaction_id, life_cycle.ignore,
                                                 EventType.BANK_TRANSACTION_IGNORED)), in_unit=True)


def unignore(tenant_id: str, transaction_id: str, idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "unignore_bank_transaction", {"id": transaction_id},
                lambda: retrying(lambda: _change(tenant_id, transaction_id, life_cycle.unignore,
                                                 EventType.BANK_TRANSACTION_UNIGNORED)), in_unit=True)


def _change(tenant_id: str, transaction_id: str, transition: Any, event: EventType) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    uow.prefetch([(BankTransaction, transaction_id)])
    transaction = _load(uow, transaction_id)
    transaction.status = transition(transaction.status)
    transaction.updated_at = utc_now()
    uow.save_if_unchanged(transaction)
    uow.record_event(event, transaction, BankTransactionOut)
    uow.respond(BankTransactionOut, transaction)
    uow.commit()
    return represent(transaction)
