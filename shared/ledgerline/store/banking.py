"""Banking (issue 16): bank accounts, imported statements and their bank transactions.

- bank account: `T#<tid>` / `BANKACCOUNT#<id>` (master data beside the ledger account it is); the tenant's
  default: the pointer `T#<tid>` / `BANKDEFAULT#default`.
- statement: `T#<tid>#BSTMT#<id>` / `DOC`, GSI1 `T#<tid>#BANKSTATEMENTS` / `<to date>#<id>`.
- bank transaction: `T#<tid>#BTX#<id>` / `DOC`, GSI1 `T#<tid>#BANKTX` / `<booking date>#<id>`.
- uniqueness items in the bank account's own partition `T#<tid>#BANK#<bank account id>`: `ENTRY#<dedupe key>`
  (one per bank entry ever imported; created with the transaction, conditional on not existing) and
  `FILE#<sha256>` (one per statement file).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute

from ledgerline.store.attributes import DateAttribute, DecimalAttribute
from ledgerline.store.documents import DocumentRecord, dated_documents
from ledgerline.store.records import Page, TenantRecord, list_records, tenant_partition
from ledgerline.store.table import TableModel

IMPORTING = "importing"  # a transaction of a statement larger than one transaction, not yet committed


class BankAccount(TenantRecord):
    PREFIX = "BANKACCOUNT"
    NOUN = "bank account"

    name = UnicodeAttribute()
    iban = UnicodeAttribute(null=True)
    bic = UnicodeAttribute(null=True)
    qr_iban = UnicodeAttribute(null=True)
    currency = UnicodeAttribute()
    account_id = UnicodeAttribute()  # the ledger account (subtype bank)
    opening_balance = DecimalAttribute()
    opening_date = DateAttribute(null=True)
    opening_entry_id = UnicodeAttribute(null=True)
    archived = BooleanAttribute(default=False)
    is_default = BooleanAttribute(default=False)
    csv_mapping = JSONAttribute(null=True)
    # the closing balance of the latest statement imported (the next one's opening must follow it)
    statement_balance = DecimalAttribute(null=True)
    statement_date = DateAttribute(null=True)
    last_statement_id = UnicodeAttribute(null=True)


class BankDefault(TenantRecord):
    """The tenant's default bank account (one pointer: setting another default moves it)."""

    PREFIX = "BANKDEFAULT"
    NOUN = "default bank account"
    ID = "default"

    bank_account_id = UnicodeAttribute()
    # The default account's QR-IBAN, kept with the pointer (issue 16, part Q): posting an invoice reads the
    # pointer with the invoice and knows whether its reference is a QR or an RF reference without another read.
    qr_iban = UnicodeAttribute(null=True)


class BankStatement(DocumentRecord):
    PREFIX = "BSTMT"
    LIST = "BANKSTATEMENTS"
    NOUN = "bank statement"

    bank_account_id = UnicodeAttribute()
    status = UnicodeAttribute()  # imported
    format = UnicodeAttribute()
    file_name = UnicodeAttribute(null=True)
    file_sha256 = UnicodeAttribute()
    file_key = UnicodeAttribute()
    statement_reference = UnicodeAttribute(null=True)
    from_date = DateAttribute(null=True)
    to_date = DateAttribute(null=True)
    opening_balance = DecimalAttribute(null=True)
    closing_balance = DecimalAttribute(null=True)
    entries = NumberAttribute()
    imported = NumberAttribute()
    duplicates = NumberAttribute()
    follows_previous = BooleanAttribute(null=True)
    expected_opening_balance = DecimalAttribute(null=True)
    balance_difference = DecimalAttribute(null=True)
    transaction_ids = JSONAttribute(null=True)  # ids of the transactions it added (up to 1,000; see decisions)

    def list_date(self) -> date:
        return self.to_date or self.created_at.date()


class BankTransaction(DocumentRecord):
    PREFIX = "BTX"
    LIST = "BANKTX"
    NOUN = "bank transaction"

    status = UnicodeAttribute()  # unmatched, matched, ignored (importing while its statement is not committed)
    bank_account_id = UnicodeAttribute()
    statement_id = UnicodeAttribute()
    date = DateAttribute()
    value_date = DateAttribute(null=True)
    amount = DecimalAttribute()
    currency = UnicodeAttribute()
    counterparty_name = UnicodeAttribute(null=True)
    counterparty_iban = UnicodeAttribute(null=True)
    remittance_information = UnicodeAttribute(null=True)
    reference = UnicodeAttribute(null=True)
    reference_type = UnicodeAttribute(null=True)
    end_to_end_id = UnicodeAttribute(null=True)
    bank_transaction_code = UnicodeAttribute(null=True)
    entry_reference = UnicodeAttribute(null=True)
    reversal = BooleanAttribute(default=False)
    dedupe_key = UnicodeAttribute()

    def list_date(self) -> date:
        return self.date


def bank_partition(tenant_id: str, bank_account_id: str) -> str:
    return f"{tenant_partition(tenant_id)}#BANK#{bank_account_id}"


class BankEntryKey(TableModel):
    """One bank entry of a bank account, ever: created with its transaction, refused if it exists."""

    transaction_id = UnicodeAttribute()

    @staticmethod
    def at(tenant_id: str, bank_account_id: str, dedupe_key: str) -> tuple[str, str]:
        return bank_partition(tenant_id, bank_account_id), f"ENTRY#{dedupe_key}"

    @classmethod
    def new(cls, tenant_id: str, bank_account_id: str, dedupe_key: str, transaction_id: str) -> BankEntryKey:
        pk, sk = cls.at(tenant_id, bank_account_id, dedupe_key)
        return cls(pk, sk, transaction_id=transaction_id)


class StatementFileKey(TableModel):
    """One statement file (by its SHA-256) of a bank account: the same file again is the same statement."""

    statement_id = UnicodeAttribute()

    @staticmethod
    def at(tenant_id: str, bank_account_id: str, sha256: str) -> tuple[str, str]:
        return bank_partition(tenant_id, bank_account_id), f"FILE#{sha256}"

    @classmethod
    def new(cls, tenant_id: str, bank_account_id: str, sha256: str, statement_id: str) -> StatementFileKey:
        pk, sk = cls.at(tenant_id, bank_account_id, sha256)
        return cls(pk, sk, statement_id=statement_id)


def list_bank_accounts(tenant_id: str, *, archived: bool, limit: int,
                       start_key: dict[str, Any] | None) -> Page[BankAccount]:
    return list_records(BankAccount, tenant_id, limit=limit, start_key=start_key,
                        filter_condition=BankAccount.archived == archived)


def list_bank_transactions(tenant_id: str, *, status: str | None, bank_account_id: str | None,
                           from_date: date | None, to_date: date | None, limit: int,
                           start_key: dict[str, Any] | None) -> Page[BankTransaction]:
    """Bank transactions by booking date, of one status and one bank account when given; never one whose
    statement is still being imported."""
    condition = BankTransaction.status != IMPORTING if status is None else BankTransaction.status == status
    if bank_account_id is not None:
        condition &= BankTransaction.bank_account_id == bank_account_id
    return dated_documents(BankTransaction, tenant_id, from_date=from_date, to_date=to_date,
                           filter_condition=condition, limit=limit, start_key=start_key)


def list_bank_statements(tenant_id: str, *, bank_account_id: str | None, limit: int,
                         start_key: dict[str, Any] | None) -> Page[BankStatement]:
    condition = None if bank_account_id is None else BankStatement.bank_account_id == bank_account_id
    return dated_documents(BankStatement, tenant_id, from_date=None, to_date=None, filter_condition=condition,
                           limit=limit, start_key=start_key)
