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

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from ledgerline.domain.query import normalise
from ledgerline.store.attributes import DateAttribute, DecimalAttribute
from ledgerline.store.documents import DocumentRecord, Invoice, dated_documents
from ledgerline.store.query import moment_key
from ledgerline.store.records import Page, TenantRecord, list_records, tenant_partition
from ledgerline.store.table import TableModel, connection

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
    # Issue 18 (part Q2): casefolded copies for search and the query planner's keys (`store/lists.py`)
    search_name = UnicodeAttribute(null=True)
    search_iban = UnicodeAttribute(null=True)

    LIST = "BANKACCOUNTS"

    def assign_keys(self) -> None:
        """Its record key, and issue 18's indexes: by casefolded name (GSI4) and by `updated_at` (GSI5)."""
        super().assign_keys()
        self.search_name = normalise(self.name) or None
        self.search_iban = normalise(self.iban) or None
        self.gsi4pk, self.gsi4sk = self.index_partition(self.tenant_id, "NAME"), f"{self.search_name or ''}#{self.id}"
        self.gsi5pk, self.gsi5sk = (self.index_partition(self.tenant_id, "UPDATED"),
                                    f"{moment_key(self.updated_at)}#{self.id}")

    @classmethod
    def index_partition(cls, tenant_id: str, name: str) -> str:
        """A partition of one of issue 18's indexes: `T#<tid>#BANKACCOUNTS#<name>`."""
        return f"{tenant_partition(tenant_id)}#{cls.LIST}#{name}"


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
    # Reconciliation (issue 16): what matching created (a receipt) or booking posted (a journal entry); the
    # transaction on the other bank account a transfer matched; cleared by unmatch.
    matched_by = UnicodeAttribute(null=True)  # receipt, supplier_payment, booking, transfer
    receipt_id = UnicodeAttribute(null=True)
    supplier_payment_id = UnicodeAttribute(null=True)  # money out matched to bills (issue 16)
    journal_entry_id = UnicodeAttribute(null=True)
    transfer_transaction_id = UnicodeAttribute(null=True)
    matched_at = UTCDateTimeAttribute(null=True)
    rule_id = UnicodeAttribute(null=True)  # the bank rule that booked it on import
    transfer_bank_account_id = UnicodeAttribute(null=True)  # a transfer's other bank account
    # a booking with a tax code: what it added to the tax totals (unmatch takes it out again)
    tax_code_id = UnicodeAttribute(null=True)
    tax_direction = UnicodeAttribute(null=True)
    booked_taxable = DecimalAttribute(null=True)
    booked_tax = DecimalAttribute(null=True)
    # Issue 18 (part Q2): casefolded copies for search (`store/lists.py`)
    search_counterparty_name = UnicodeAttribute(null=True)
    search_reference = UnicodeAttribute(null=True)
    search_remittance_information = UnicodeAttribute(null=True)

    def list_date(self) -> date:
        return self.date

    def assign_keys(self) -> None:
        """GSI1 by booking date, and issue 18's indexes: GSI5 by `updated_at` (changes), GSI7 by casefolded
        reference (the lookup), and the searchable copies. Maintained by DynamoDB with the write."""
        super().assign_keys()
        self.search_counterparty_name = normalise(self.counterparty_name) or None
        self.search_reference = normalise(self.reference) or None
        self.search_remittance_information = normalise(self.remittance_information) or None
        self.gsi5pk = self.index_partition(self.tenant_id, "UPDATED")
        self.gsi5sk = f"{moment_key(self.updated_at)}#{self.id}"
        self.gsi7pk, self.gsi7sk = ((self.index_partition(self.tenant_id, "REF"), f"{self.search_reference}#{self.id}")
                                    if self.search_reference else (None, None))


def bank_partition(tenant_id: str, bank_account_id: str) -> str:
    return f"{tenant_partition(tenant_id)}#BANK#{bank_account_id}"


class BankRule(TenantRecord):
    """When a bank transaction's counterparty or text matches, book it to `account_id` (domain/banking/rules.py)."""

    PREFIX = "BANKRULE"
    NOUN = "bank rule"

    name = UnicodeAttribute()
    field = UnicodeAttribute()  # counterparty, text, any
    operator = UnicodeAttribute()  # contains, equals
    value = UnicodeAttribute()
    direction = UnicodeAttribute()  # in, out, any
    bank_account_id = UnicodeAttribute(null=True)
    account_id = UnicodeAttribute()
    tax_code_id = UnicodeAttribute(null=True)
    description = UnicodeAttribute(null=True)
    priority = NumberAttribute(default=100)
    active = BooleanAttribute(default=True)
    # Issue 18 (part QC): casefolded copies for search and the query planner's keys (`store/lists.py`)
    search_name = UnicodeAttribute(null=True)
    search_value = UnicodeAttribute(null=True)
    search_description = UnicodeAttribute(null=True)

    LIST = "BANKRULES"

    def assign_keys(self) -> None:
        """Its record key, and issue 18's indexes: by casefolded name (GSI4) and by `updated_at` (GSI5)."""
        super().assign_keys()
        self.search_name = normalise(self.name) or None
        self.search_value = normalise(self.value) or None
        self.search_description = normalise(self.description) or None
        self.gsi4pk, self.gsi4sk = self.index_partition(self.tenant_id, "NAME"), f"{self.search_name or ''}#{self.id}"
        self.gsi5pk, self.gsi5sk = (self.index_partition(self.tenant_id, "UPDATED"),
                                    f"{moment_key(self.updated_at)}#{self.id}")

    @classmethod
    def index_partition(cls, tenant_id: str, name: str) -> str:
        """A partition of one of issue 18's indexes: `T#<tid>#BANKRULES#<name>`."""
        return f"{tenant_partition(tenant_id)}#{cls.LIST}#{name}"


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


class PendingTransfer(TableModel):
    """A transfer booked from one bank account to another whose statement has not shown it yet: the import
    into that other bank account matches its transaction of the opposite amount to the same entry."""

    transaction_id = UnicodeAttribute()  # the booked side
    amount = DecimalAttribute()  # what the other side's transaction will show (the opposite amount)
    date = DateAttribute()

    @staticmethod
    def at(tenant_id: str, bank_account_id: str, transaction_id: str) -> tuple[str, str]:
        return bank_partition(tenant_id, bank_account_id), f"TRANSFER#{transaction_id}"

    @classmethod
    def new(cls, tenant_id: str, bank_account_id: str, transaction_id: str, amount: Any, day: date) -> PendingTransfer:
        pk, sk = cls.at(tenant_id, bank_account_id, transaction_id)
        return cls(pk, sk, transaction_id=transaction_id, amount=amount, date=day)


def pending_transfers(tenant_id: str, bank_account_id: str) -> list[PendingTransfer]:
    connection()
    return list(PendingTransfer.query(bank_partition(tenant_id, bank_account_id),
                                      PendingTransfer.sk.startswith("TRANSFER#"), consistent_read=True))


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
    """Every active (or archived) bank account, oldest first: the use cases' own read (revaluation,
    reconciliation); `GET /v1/bank-accounts` answers from the query planner (`lists.query_bank_accounts`)."""
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


OPEN_INVOICES_READ = 2000  # suggestions look at this many open invoices at most (oldest due first)


def open_invoices(tenant_id: str, *, currency: str | None = None, limit: int = OPEN_INVOICES_READ) -> list[Invoice]:
    """The tenant's open invoices (the sparse open-invoice index, oldest due date first), of one currency when
    given: what reconciliation suggests a bank transaction pays. Eventually consistent: matching re-reads
    each invoice it pays."""
    connection()
    condition = None if currency is None else Invoice.currency == currency
    return list(Invoice.gsi2.query(f"{tenant_partition(tenant_id)}#OPEN", filter_condition=condition,
                                   limit=limit))


def list_bank_rules(tenant_id: str, *, limit: int, start_key: dict[str, Any] | None) -> Page[BankRule]:
    """Every rule by id: the use cases' own read (`all_bank_rules`); `GET /v1/bank-rules` answers from the query
    planner (`lists.query_bank_rules`)."""
    return list_records(BankRule, tenant_id, limit=limit, start_key=start_key)


def all_bank_rules(tenant_id: str) -> list[BankRule]:
    """Every rule of the tenant (what an import applies): one query per 1,000."""
    rules: list[BankRule] = []
    start_key = None
    while True:
        page = list_bank_rules(tenant_id, limit=1000, start_key=start_key)
        rules += page.items
        if page.next_key is None:
            return rules
        start_key = page.next_key
