"""Bank accounts (issue 16): a bank's account and the ledger account (subtype bank) it is, one transaction.

Creating one creates its ledger account (or takes an existing active account of subtype bank), posts a
non-zero opening balance against equity (Owner's equity, code 3000, unless `opening_account_id` names
another account) and, when it is the default, moves the tenant's default pointer: all in one commit.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ledgerline.clock import utc_now
from ledgerline.domain.accounts import AccountType
from ledgerline.domain.banking.opening import opening_lines
from ledgerline.domain.errors import FieldIssue, ValidationFailed
from ledgerline.domain.events import EventType
from ledgerline.domain.query import Query
from ledgerline.ids import new_id
from ledgerline.schemas.accounts import AccountOut
from ledgerline.schemas.banking import BankAccountOut
from ledgerline.services import metadata as record_metadata
from ledgerline.services.document_rules import conversion, open_period
from ledgerline.services.idempotency import once
from ledgerline.services.retry import retrying
from ledgerline.store import lists
from ledgerline.store.accounts import Account
from ledgerline.store.banking import BankAccount, BankDefault
from ledgerline.store.codes import CodeGuard
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.query import Result
from ledgerline.store.records import check_version
from ledgerline.store.unit_of_work import UnitOfWork, open_unit

EQUITY_CODE = "3000"
BANK_CODES = [str(code) for code in range(1011, 1100)]  # where a new bank account's ledger account goes


def invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{field}: {message}", param=field, details=[FieldIssue(field, message)])


def represent(account: BankAccount) -> dict[str, Any]:
    return BankAccountOut.model_validate(account).model_dump(mode="json")


def get_bank_account(tenant_id: str, bank_account_id: str) -> dict[str, Any]:
    return represent(open_unit(tenant_id).load(BankAccount, bank_account_id))


def query_bank_accounts(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None) -> Result:
    """A page of bank accounts as a planned query asks (issue 18: the store's named read
    `lists.query_bank_accounts`)."""
    return lists.query_bank_accounts(tenant_id, query, limit=limit, start_key=start_key)


def create(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "create_bank_account", fields,
                lambda: retrying(lambda: _create(tenant_id, fields)), in_unit=True)


def _ledger_account(uow: UnitOfWork, fields: dict[str, Any], name: str, now: Any,
                    foreign: str | None = None) -> tuple[Account, bool]:
    """The existing bank-subtype account named, or a new one (its code given or the next free 10xx). A bank
    account in a foreign currency has its ledger account kept in that currency (`Account.currency`, issue 16):
    a new one, or an existing one kept in it already (one kept in the base currency has no balance in the
    foreign currency to revalue, so it is refused)."""
    if fields.get("account_id"):
        account = uow.find(Account, fields["account_id"])
        if account is None:
            raise invalid("account_id", f"no account with id '{fields['account_id']}'")
        if account.archived or account.subtype != "bank":
            raise invalid("account_id", "must be an active account of subtype bank")
        if (account.currency or None) != foreign:
            kept = account.currency or "the base currency"
            raise invalid("account_id", f"the account is kept in {kept}, the bank account is in "
                                        f"{foreign or 'the base currency'}: leave account_id out to create one")
        return account, False
    code = fields.get("account_code")
    if code:
        if uow.find_by_code(Account, code) is not None:
            raise invalid("account_code", f"the code '{code}' is taken")
    else:
        uow.prefetch(at=[(CodeGuard.for_code(uow.tenant_id, Account.PREFIX, c).pk,
                          CodeGuard.for_code(uow.tenant_id, Account.PREFIX, c).sk) for c in BANK_CODES])
        code = next((c for c in BANK_CODES if uow.find_by_code(Account, c) is None), None)
        if code is None:
            raise invalid("account_code", "no free code between 1011 and 1099: give one")
    account = Account(id=new_id("acc"), tenant_id=uow.tenant_id, code=code, name=name[:200],
                      type=AccountType.ASSET.value, subtype="bank", archived=False, currency=foreign,
                      created_at=now, updated_at=now)
    return account, True


def _create(tenant_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    uow.prefetch([(Account, fields.get("account_id") or ""), (Account, fields.get("opening_account_id") or ""),
                  (BankDefault, BankDefault.ID)])
    tenant = uow.tenant()
    now = utc_now()
    currency = fields.get("currency") or tenant.base_currency
    ledger, new_ledger = _ledger_account(uow, fields, fields["name"], now,
                                         currency if currency != tenant.base_currency else None)
    balance = Decimal(fields.get("opening_balance") or 0)
    record = BankAccount(
        id=new_id("bacc"), tenant_id=tenant_id, name=fields["name"], iban=fields.get("iban"), bic=fields.get("bic"),
        qr_iban=fields.get("qr_iban"), currency=currency, account_id=ledger.id, opening_balance=balance,
        opening_date=fields.get("opening_date"), archived=False, is_default=bool(fields.get("is_default")),
        csv_mapping=fields.get("csv_mapping"), created_at=now, updated_at=now,
    )
    if record.opening_date is not None:  # the first statement's opening balance must follow it
        record.statement_balance, record.statement_date = balance, record.opening_date
    if new_ledger:
        uow.create(ledger)
        uow.claim_code(ledger)
        uow.record_event(EventType.ACCOUNT_CREATED, ledger, AccountOut)
    if balance:
        _stage_opening(uow, tenant, record, ledger, fields, now)
    if record.is_default:
        _become_default(uow, record, now)
    record_metadata.on_create(record, fields)
    uow.create(record)
    uow.record_event(EventType.BANK_ACCOUNT_CREATED, record, BankAccountOut)
    uow.respond(BankAccountOut, record)
    uow.commit()
    return represent(record)


def _stage_opening(uow: UnitOfWork, tenant: Any, record: BankAccount, ledger: Account, fields: dict[str, Any],
                   now: Any) -> None:
    day: date = fields["opening_date"]
    open_period(tenant, day, "opening_date")
    equity = (uow.find(Account, fields["opening_account_id"]) if fields.get("opening_account_id")
              else uow.find_by_code(Account, EQUITY_CODE))
    if equity is None or equity.archived:
        raise invalid("opening_account_id", "no active account to post the opening balance against (the default "
                                            "is Owner's equity, code 3000)")
    try:
        rate = conversion(tenant, record.currency, fields.get("opening_exchange_rate"))
    except ValidationFailed as exc:
        raise invalid("opening_exchange_rate", exc.message.split(": ", 1)[-1]) from exc
    description = f"Opening balance of {record.name}"
    entry = JournalEntry.new(uow.tenant_id, day, rate, source_type="bank_opening_balance", source_id=record.id,
                             description=description, at=now)
    lines = opening_lines(bank_account=ledger.id, equity_account=equity.id, balance=record.opening_balance,
                          conversion=rate, description=description)
    uow.post_entry(entry, lines)
    record.opening_entry_id = entry.id


def _become_default(uow: UnitOfWork, record: BankAccount, now: Any) -> None:
    """Move the tenant's default pointer to this bank account; the previous default stops being one."""
    pointer = uow.find(BankDefault, BankDefault.ID)
    if pointer is None:
        uow.create(BankDefault(id=BankDefault.ID, tenant_id=uow.tenant_id, bank_account_id=record.id,
                               qr_iban=record.qr_iban, created_at=now, updated_at=now))
        return
    if pointer.bank_account_id == record.id:
        if pointer.qr_iban != record.qr_iban:  # the pointer keeps the default's QR-IBAN (invoice references)
            pointer.qr_iban = record.qr_iban
            pointer.updated_at = now
            uow.save_if_unchanged(pointer)
        return
    previous = uow.find(BankAccount, pointer.bank_account_id)
    if previous is not None and previous.is_default:
        previous.is_default = False
        previous.updated_at = now
        uow.save_if_unchanged(previous)
        uow.record_event(EventType.BANK_ACCOUNT_UPDATED, previous, BankAccountOut)
    pointer.bank_account_id = record.id
    pointer.qr_iban = record.qr_iban
    pointer.updated_at = now
    uow.save_if_unchanged(pointer)


def update(tenant_id: str, bank_account_id: str, changes: dict[str, Any],
           expected_version: int | None) -> dict[str, Any]:
    return retrying(lambda: _update(tenant_id, bank_account_id, changes, expected_version))


def _update(tenant_id: str, bank_account_id: str, changes: dict[str, Any],
            expected_version: int | None) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    uow.prefetch([(BankAccount, bank_account_id), (BankDefault, BankDefault.ID)])
    record = uow.load(BankAccount, bank_account_id)
    check_version(record, expected_version)
    now = utc_now()
    was_archived = record.archived
    for name in ("name", "iban", "bic", "qr_iban", "csv_mapping", "archived"):
        if name in changes and (changes[name] is not None or name in ("iban", "bic", "qr_iban", "csv_mapping")):
            setattr(record, name, changes[name])
    record_metadata.take(record, changes)  # issue 20
    if changes.get("is_default") is True:
        if record.archived:
            raise invalid("is_default", "an archived bank account cannot be the default")
        record.is_default = True
        _become_default(uow, record, now)
    elif changes.get("is_default") is False and record.is_default:
        raise invalid("is_default", "make another bank account the default instead")
    elif record.is_default and "qr_iban" in changes:
        _become_default(uow, record, now)  # already the default: keeps the pointer's QR-IBAN in step
    if record.archived and record.is_default and not was_archived:
        raise invalid("archived", "the default bank account cannot be archived: make another one the default first")
    record.updated_at = now
    uow.save_if_unchanged(record)
    uow.record_event(EventType.BANK_ACCOUNT_ARCHIVED if record.archived and not was_archived
                     else EventType.BANK_ACCOUNT_UPDATED, record, BankAccountOut)
    uow.respond(BankAccountOut, record)
    uow.commit()
    return represent(record)
