"""Statement import (issue 16): a camt.053/054, MT940 or CSV file becomes bank transactions, each once.

Per statement in the file: every booked entry gets its dedupe key (`domain/banking/statements.dedupe_keys`);
the keys already held by the bank account (`ENTRY#` uniqueness items) are duplicates, the rest become
bank transactions with status `unmatched`, each created with its uniqueness item (conditional on it not
existing), the statement record, the bank account's new closing balance (on its version) and the
`bank_statement.imported` event, and one `bank_transaction.imported` event per transaction: one transaction.
A concurrent import of the same entries loses its
condition, re-reads and finds them duplicates.

A statement too large for one transaction (DynamoDB: 100 items) is written in steps: its transactions
first, with status `importing` (no list or read shows them), then the statement record with the balance
and event, then each step flips its transactions to `unmatched`, each with its `bank_transaction.imported`
event (once: a transaction already flipped is left alone). A failure in between leaves `importing`
transactions and their uniqueness items; importing the file again finds them and finishes the job.
The file is kept in the blob store with its SHA-256; the same file again answers its first import.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from ledgerline.clock import utc_now
from ledgerline.domain.banking import camt, csv_statement, mt940
from ledgerline.domain.banking.statements import (
    MalformedStatement,
    Statement,
    check_balances,
    continuity,
    dedupe_keys,
)
from ledgerline.domain.errors import FieldIssue, ValidationFailed
from ledgerline.domain.events import EventType
from ledgerline.ids import new_id
from ledgerline.pdf.blobs import blob_store
from ledgerline.schemas.banking import BankStatementOut, BankTransactionOut
from ledgerline.services.idempotency import once
from ledgerline.services.retry import retrying
from ledgerline.store.banking import (
    IMPORTING,
    BankAccount,
    BankEntryKey,
    BankStatement,
    BankTransaction,
    StatementFileKey,
)
from ledgerline.store.unit_of_work import open_unit

MAX_FILE_BYTES = 10 * 1024 * 1024
ONE_TRANSACTION = 94  # items: room for the statement, the bank account, the event, the file key, an Idempotency-Key
PER_TRANSACTION = 3  # items a new transaction takes in one transaction: itself, its uniqueness item, its event
STEP = 45  # transactions (with their uniqueness items) per step of a larger statement
REVEAL_STEP = 45  # transactions made visible per step (each saved with its `bank_transaction.imported` event)
SHOWN_IDS = 1000  # the statement record lists this many of its transactions; what runs after the import sees all
ABANDONED_AFTER = timedelta(minutes=15)  # an import runs in one Lambda invocation (29 s at most)


def detect(content: bytes, declared: str | None) -> str:
    if declared:
        return declared
    head = content[:4096].lstrip()
    if head.startswith(b"<"):
        return "camt.054" if b"BkToCstmrDbtCdtNtfctn" in content[:20000] else "camt.053"
    if b":20:" in head[:200] or head.startswith(b"{1:"):
        return "mt940"
    return "csv"


def parse(content: bytes, fmt: str, account: BankAccount) -> list[Statement]:
    if fmt in ("camt.053", "camt.054"):
        return camt.parse(content)
    if fmt == "mt940":
        return mt940.parse(content)
    mapping = account.csv_mapping
    if not mapping:
        raise ValidationFailed("format: a CSV statement needs the bank account's csv_mapping (PATCH it first)",
                               param="format", details=[FieldIssue("format", "no csv_mapping")])
    return csv_statement.parse(content, csv_statement.CsvMapping(**mapping), account.currency)


def import_statement(tenant_id: str, bank_account_id: str, content: bytes | None, *, file_name: str | None,
                     fmt: str | None, idempotency_key: str | None = None) -> dict[str, Any]:
    """Import a file: the (last) statement as the API shows it; the same file again answers its first import
    with `already_imported`. Another tenant's (or no) bank account is a 404 before the file is looked at."""
    payload = {"bank_account_id": bank_account_id, "format": fmt,
               "sha256": hashlib.sha256(content).hexdigest() if content is not None else None}
    return once(tenant_id, idempotency_key, "import_bank_statement", payload,
                lambda: _import_and_match(tenant_id, bank_account_id, content, file_name=file_name, fmt=fmt),
                in_unit=True)


def _import_and_match(tenant_id: str, bank_account_id: str, content: bytes | None, *, file_name: str | None,
                      fmt: str | None) -> dict[str, Any]:
    """Import, then match each new incoming payment that carries an open invoice's QR/RF reference (its
    receipt posted), then book what bank rules match: each in a transaction of its own, after the import's."""
    from ledgerline.services import bank_rules
    from ledgerline.services.bank_reconciliation import auto_match, match_transfers

    added: list[str] = []
    result = _import(tenant_id, bank_account_id, content, file_name=file_name, fmt=fmt, added=added)
    if not result.get("already_imported") and added:
        match_transfers(tenant_id, bank_account_id, added)  # transfers booked from another bank account
        auto_match(tenant_id, bank_account_id, added)
        bank_rules.apply(tenant_id, added)  # the bank rules book what is left
    return result


def _import(tenant_id: str, bank_account_id: str, content: bytes | None, *, file_name: str | None,
            fmt: str | None, added: list[str] | None = None) -> dict[str, Any]:
    """The import; `added` collects the ids of the transactions every statement of the file added."""
    uow = open_unit(tenant_id)
    account = uow.load(BankAccount, bank_account_id)
    if content is None:
        raise ValidationFailed("file: required", param="file", details=[FieldIssue("file", "required")])
    if not content:
        raise ValidationFailed("file: empty", param="file", details=[FieldIssue("file", "empty")])
    if len(content) > MAX_FILE_BYTES:
        raise ValidationFailed("file: larger than 10 MB", param="file", details=[FieldIssue("file", "too large")])
    sha256 = hashlib.sha256(content).hexdigest()
    if account.archived:
        raise ValidationFailed("id: the bank account is archived", param="id",
                               details=[FieldIssue("id", "archived")])
    seen = uow.find_at(StatementFileKey, StatementFileKey.at(tenant_id, bank_account_id, sha256))
    if seen is not None:
        statement = uow.load(BankStatement, seen.statement_id)
        return {**_out(statement), "already_imported": True}
    fmt = detect(content, fmt)
    statements = parse(content, fmt, account)
    for statement in statements:
        check_balances(statement)
        for entry in statement.entries:
            if entry.currency != account.currency:
                raise MalformedStatement(entry.where or "entry",
                                         f"currency {entry.currency} is not the bank account's {account.currency}")
        if statement.account_iban and account.iban and statement.account_iban != account.iban:
            raise MalformedStatement("Acct/Id/IBAN" if fmt.startswith("camt") else ":25:",
                                     f"the statement is for {statement.account_iban}, not this bank account's "
                                     f"IBAN {account.iban}")
    key = f"{tenant_id}/bank-statements/{bank_account_id}/{sha256}"
    blob_store().put(key, content, "application/octet-stream")
    result: dict[str, Any] = {}
    for n, statement in enumerate(statements):
        last = n == len(statements) - 1
        statement_id = new_id("bst")  # the same in every attempt: a retry recognises the steps it wrote
        result, ids = retrying(lambda s=statement, last=last, statement_id=statement_id: _import_one(
            tenant_id, bank_account_id, s, statement_id=statement_id, sha256=sha256, file_key=key,
            file_name=file_name, fmt=fmt, keep_file=last))
        if added is not None:
            added += ids  # every one, not only the `SHOWN_IDS` the statement record lists
    return result


def _out(statement: BankStatement) -> dict[str, Any]:
    return BankStatementOut.model_validate(statement).model_dump(mode="json")


def _import_one(tenant_id: str, bank_account_id: str, statement: Statement, *, statement_id: str, sha256: str,
                file_key: str, file_name: str | None, fmt: str, keep_file: bool) -> tuple[dict[str, Any], list[str]]:
    """One statement of the file: as the API shows it, and the ids of every transaction it imported."""
    uow = open_unit(tenant_id)
    keys = dedupe_keys(statement.entries)
    uow.prefetch([(BankAccount, bank_account_id)],
                 at=[BankEntryKey.at(tenant_id, bank_account_id, key) for key in keys])
    account = uow.load(BankAccount, bank_account_id)
    now = utc_now()
    held = {key: found for key in keys
            if (found := uow.find_at(BankEntryKey, BankEntryKey.at(tenant_id, bank_account_id, key))) is not None}
    uow.prefetch([(BankTransaction, guard.transaction_id) for guard in held.values()])
    new: list[BankTransaction] = []
    taken_over: list[BankTransaction] = []  # written `importing` by this import's earlier attempt, or abandoned
    duplicate_amount = Decimal(0)
    for entry, key in zip(statement.entries, keys, strict=True):
        if key in held:
            earlier = uow.find(BankTransaction, held[key].transaction_id)
            if earlier is not None and _ours_to_finish(earlier, statement_id, now):
                earlier.statement_id = statement_id
                taken_over.append(earlier)
            else:
                duplicate_amount += entry.amount
            continue
        new.append(BankTransaction(
            id=new_id("btx"), tenant_id=tenant_id, status="unmatched", bank_account_id=bank_account_id,
            statement_id=statement_id, date=entry.booking_date, value_date=entry.value_date, amount=entry.amount,
            currency=entry.currency, counterparty_name=entry.counterparty_name,
            counterparty_iban=entry.counterparty_iban, remittance_information=entry.remittance,
            reference=entry.reference, reference_type=entry.reference_type, end_to_end_id=entry.end_to_end_id,
            bank_transaction_code=entry.bank_code, entry_reference=entry.entry_reference, reversal=entry.reversal,
            dedupe_key=key, created_at=now, updated_at=now))
    imported = [*taken_over, *new]
    # an overlapping statement: its opening balance is before the entries both statements hold
    last_closing = account.statement_balance
    expected = None if last_closing is None else last_closing - duplicate_amount
    check = continuity(expected, statement)
    from_date, to_date = statement.period()
    record = BankStatement(
        id=statement_id, tenant_id=tenant_id, bank_account_id=bank_account_id, status="imported", format=fmt,
        file_name=file_name, file_sha256=sha256, file_key=file_key, statement_reference=statement.statement_id,
        from_date=from_date, to_date=to_date,
        opening_balance=statement.opening.amount if statement.opening else None,
        closing_balance=statement.closing.amount if statement.closing else None,
        entries=len(statement.entries), imported=len(imported), duplicates=len(statement.entries) - len(imported),
        follows_previous=check.follows, expected_opening_balance=check.expected_opening,
        balance_difference=check.difference, transaction_ids=[t.id for t in imported[:SHOWN_IDS]],
        created_at=now, updated_at=now)
    if statement.closing is not None and (account.statement_date is None or statement.closing.on is None
                                          or statement.closing.on >= account.statement_date):
        account.statement_balance = statement.closing.amount
        account.statement_date = statement.closing.on or to_date
        account.last_statement_id = statement_id
    account.updated_at = now
    small = not taken_over and PER_TRANSACTION * len(new) <= ONE_TRANSACTION
    if not small:
        _write_in_steps(tenant_id, new)
    else:
        for transaction in new:
            uow.create(transaction)
            uow.create(BankEntryKey.new(tenant_id, bank_account_id, transaction.dedupe_key, transaction.id))
            uow.record_event(EventType.BANK_TRANSACTION_IMPORTED, transaction, BankTransactionOut)
    uow.create(record)
    if keep_file:
        uow.create(StatementFileKey.new(tenant_id, bank_account_id, sha256, statement_id))
    uow.save_if_unchanged(account)
    uow.record_event(EventType.BANK_STATEMENT_IMPORTED, record, BankStatementOut)
    uow.respond(BankStatementOut, record)
    if not keep_file:
        uow.a_step()  # a file of several statements answers with its last one
    uow.commit()
    if not small:
        _reveal(tenant_id, statement_id, [t.id for t in imported])
    return _out(record), [t.id for t in imported]


def _ours_to_finish(transaction: BankTransaction, statement_id: str, now: datetime) -> bool:
    """An `importing` transaction this statement takes over: written by an earlier attempt of this import (its
    statement id), or left by an import that died before its statement committed (older than any import runs;
    a recent one belongs to an import still running, and is that import's to show)."""
    return transaction.status == IMPORTING and (transaction.statement_id == statement_id
                                                or transaction.created_at < now - ABANDONED_AFTER)


def _write_in_steps(tenant_id: str, transactions: list[BankTransaction]) -> None:
    """Write a large statement's transactions, invisible (`importing`), with their uniqueness items."""
    for start in range(0, len(transactions), STEP):
        uow = open_unit(tenant_id)
        for transaction in transactions[start:start + STEP]:
            transaction.status = IMPORTING
            uow.create(transaction)
            uow.create(BankEntryKey.new(tenant_id, transaction.bank_account_id, transaction.dedupe_key,
                                        transaction.id))
        uow.commit()


def _reveal(tenant_id: str, statement_id: str, transaction_ids: list[str]) -> None:
    """Once the statement is committed: its transactions still `importing` become `unmatched` (and name it)."""
    for start in range(0, len(transaction_ids), REVEAL_STEP):
        def step(ids: list[str] = transaction_ids[start:start + REVEAL_STEP]) -> None:
            uow = open_unit(tenant_id)
            uow.prefetch([(BankTransaction, id_) for id_ in ids])
            for id_ in ids:
                transaction = uow.find(BankTransaction, id_)
                if transaction is not None and transaction.status == IMPORTING:
                    transaction.status = "unmatched"
                    transaction.statement_id = statement_id
                    uow.save_if_unchanged(transaction)
                    uow.record_event(EventType.BANK_TRANSACTION_IMPORTED, transaction, BankTransactionOut)
            uow.commit()

        retrying(step)
