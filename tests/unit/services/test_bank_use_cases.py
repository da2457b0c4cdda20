"""Bank accounts, statement import and bank transactions on the in-memory unit of work (issue 16).

The integration tier (tests/integration/test_banking.py) runs the same against DynamoDB Local over the API.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest

from ledgerline import clock
from ledgerline.domain.banking.statements import MalformedStatement
from ledgerline.domain.documents import InvalidState
from ledgerline.domain.errors import NotFound, ValidationFailed
from ledgerline.pdf import blobs
from ledgerline.pdf.blobs import MemoryBlobStore
from ledgerline.services import bank_accounts, bank_statements, bank_transactions, tenants
from ledgerline.store.accounts import Account
from ledgerline.store.banking import IMPORTING, BankTransaction
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.table import Contention
from ledgerline.store.unit_of_work import open_unit

FIXTURES = Path(__file__).parents[2] / "fixtures" / "banking"
JANUARY = (FIXTURES / "camt053_ch_qr_rf.xml").read_bytes()
FEBRUARY = (FIXTURES / "camt053_ch_february.xml").read_bytes()


@pytest.fixture(autouse=True)
def blob_store():
    store = MemoryBlobStore()
    blobs.use(store)
    yield store
    blobs.use(None)


def chf_account(books, **fields):
    body = {"name": "ZKB", "iban": "CH9300762011623852957", "currency": "CHF"} | fields
    return bank_accounts.create(books.tenant_id, body)


def transactions(books, **filters):
    # the store's own read (GET /v1/bank-transactions answers from the query planner: issue 18, part Q2)
    page = bank_transactions.bank_store.list_bank_transactions(
        books.tenant_id, status=filters.get("status"), bank_account_id=filters.get("bank_account_id"),
        from_date=None, to_date=None, limit=100, start_key=None)
    return page.items


def imported(books, account_id, content=JANUARY, fmt=None):
    result = bank_statements.import_statement(books.tenant_id, account_id, content, file_name="s.xml", fmt=fmt)
    return result, not result.get("already_imported")


@pytest.fixture(autouse=True)
def listed(books, monkeypatch):
    """The list is a GSI1 query the in-memory table does not answer: answered from its items here."""
    def list_bank_transactions(tenant_id, *, status, bank_account_id, **_):  # noqa: ANN001, ANN202
        found = [BankTransaction.from_raw_data(data) for data in books.table.items.values()
                 if data.get("GSI1PK", {}).get("S") == f"T#{tenant_id}#BANKTX"]
        found = [t for t in found if (t.status == status if status else t.status != IMPORTING)
                 and (bank_account_id is None or t.bank_account_id == bank_account_id)]
        return type("Page", (), {"items": sorted(found, key=lambda t: t.gsi1sk), "next_key": None})

    monkeypatch.setattr(bank_transactions.bank_store, "list_bank_transactions", list_bank_transactions)


def test_a_bank_account_creates_its_ledger_account_and_posts_its_opening_balance(books):
    made = bank_accounts.create(books.tenant_id, {"name": "Main", "iban": "CH9300762011623852957",
                                                  "opening_balance": D("2500.00"), "opening_date": date(2026, 1, 1),
                                                  "is_default": True})
    assert made["currency"] == "AUD" and made["is_default"] and made["opening_balance"] == "2500.00"
    uow = open_unit(books.tenant_id)
    ledger = uow.load(Account, made["account_id"])
    assert ledger.code == "1011" and ledger.subtype == "bank" and ledger.type == "asset"
    entry = uow.load(JournalEntry, made["opening_entry_id"])
    assert entry.source_type == "bank_opening_balance" and entry.date == date(2026, 1, 1)
    balances = books.table.balances(books.tenant_id)
    assert balances[made["account_id"]] == D("2500.00") and balances[books.accounts["3000"]] == D("-2500.00")
    assert "bank_account.created" in books.table.event_types(books.tenant_id)
    assert "account.created" in books.table.event_types(books.tenant_id)


def test_an_existing_bank_account_can_be_used_and_another_subtype_cannot(books):
    made = bank_accounts.create(books.tenant_id, {"name": "Existing", "account_id": books.accounts["1010"]})
    assert made["account_id"] == books.accounts["1010"] and made["opening_entry_id"] is None
    with pytest.raises(ValidationFailed) as caught:
        bank_accounts.create(books.tenant_id, {"name": "Wrong", "account_id": books.accounts["4000"]})
    assert caught.value.param == "account_id"


def test_a_foreign_opening_balance_needs_its_rate_and_nothing_is_written_without(books):
    before = dict(books.table.items)
    with pytest.raises(ValidationFailed) as caught:
        chf_account(books, opening_balance=D("100"), opening_date=date(2026, 1, 1))
    assert caught.value.param == "opening_exchange_rate"
    assert books.table.items == before
    made = chf_account(books, opening_balance=D("-100"), opening_date=date(2026, 1, 1),
                       opening_exchange_rate=D("1.5"))
    assert books.table.balances(books.tenant_id)[made["account_id"]] == D("-150.00")  # an overdraft


def test_the_default_moves_and_the_default_cannot_be_archived(books):
    first = bank_accounts.create(books.tenant_id, {"name": "First", "is_default": True})
    second = bank_accounts.create(books.tenant_id, {"name": "Second", "is_default": True})
    assert not bank_accounts.get_bank_account(books.tenant_id, first["id"])["is_default"]
    with pytest.raises(ValidationFailed) as caught:
        bank_accounts.update(books.tenant_id, second["id"], {"archived": True}, None)
    assert caught.value.param == "archived"
    archived = bank_accounts.update(books.tenant_id, first["id"], {"archived": True}, None)
    assert archived["archived"] and "bank_account.archived" in books.table.event_types(books.tenant_id)


def test_importing_a_camt053_makes_unmatched_transactions_once(books, blob_store):
    account = chf_account(books)
    statement, created = imported(books, account["id"])
    assert created and (statement["entries"], statement["imported"], statement["duplicates"]) == (7, 7, 0)
    assert statement["follows_previous"] is None and any(statement["file_sha256"] in key for key in blob_store.objects)
    listed = transactions(books, status="unmatched")
    assert len(listed) == 7 and {t.reference_type for t in listed} == {"qr", "rf", None}
    again, created = imported(books, account["id"])
    assert not created and again["id"] == statement["id"] and again["already_imported"]
    assert len(transactions(books)) == 7
    assert bank_accounts.get_bank_account(books.tenant_id, account["id"])["statement_balance"] == "12187.25"


def test_an_overlapping_statement_adds_only_new_entries_and_follows(books):
    account = chf_account(books)
    imported(books, account["id"])
    february, _ = imported(books, account["id"], FEBRUARY)
    assert (february["imported"], february["duplicates"]) == (1, 1)
    assert february["follows_previous"] is True and february["expected_opening_balance"] == "12202.25"
    assert len(transactions(books)) == 8


def test_the_first_statement_follows_the_opening_balance(books):
    account = chf_account(books, opening_balance=D("9000.00"), opening_date=date(2026, 1, 1),
                          opening_exchange_rate=D("1.6"))
    reported, _ = imported(books, account["id"])
    assert (reported["follows_previous"], reported["expected_opening_balance"], reported["balance_difference"]) == (
        False, "9000.00", "1000.00")


def test_a_statement_that_does_not_follow_is_reported(books):
    account = chf_account(books)
    imported(books, account["id"])
    gap = FEBRUARY.replace(b"12202.25", b"12302.25").replace(b"12387.25", b"12487.25")
    reported, _ = imported(books, account["id"], gap)
    assert reported["follows_previous"] is False and reported["balance_difference"] == "100.00"
    assert "bank_statement.imported" in books.table.event_types(books.tenant_id)


def test_a_malformed_statement_writes_nothing(books):
    account = chf_account(books)
    before = dict(books.table.items)
    with pytest.raises(MalformedStatement) as caught:
        imported(books, account["id"], JANUARY.replace(b"<Amt Ccy=\"CHF\">980.00", b"<Amt Ccy=\"CHF\">x"))
    assert caught.value.where == "Stmt[1]/Ntry[2]/Amt"
    assert books.table.items == before


def test_a_statement_for_another_iban_or_currency_is_refused(books):
    account = chf_account(books, iban="CH5604835012345678009")
    with pytest.raises(MalformedStatement, match="CH9300762011623852957"):
        imported(books, account["id"])
    euro = bank_accounts.create(books.tenant_id, {"name": "EUR", "currency": "EUR"})
    with pytest.raises(MalformedStatement, match="currency CHF"):
        imported(books, euro["id"])


def test_another_tenants_bank_account_is_not_found(books):
    account = chf_account(books)
    other, _ = tenants.create_tenant(name="Other", base_currency="CHF", country="CH")
    with pytest.raises(NotFound):
        bank_statements.import_statement(other.id, account["id"], JANUARY, file_name=None, fmt=None)
    with pytest.raises(NotFound):
        bank_accounts.get_bank_account(other.id, account["id"])


def test_ignore_and_unignore(books):
    account = chf_account(books)
    imported(books, account["id"])
    transaction = transactions(books)[0]
    ignored = bank_transactions.ignore(books.tenant_id, transaction.id)
    assert ignored["status"] == "ignored" and len(transactions(books, status="ignored")) == 1
    with pytest.raises(InvalidState):
        bank_transactions.ignore(books.tenant_id, transaction.id)
    assert bank_transactions.unignore(books.tenant_id, transaction.id)["status"] == "unmatched"
    with pytest.raises(InvalidState):
        bank_transactions.unignore(books.tenant_id, transaction.id)
    assert books.table.event_types(books.tenant_id)[-2:] == ["bank_transaction.ignored",
                                                               "bank_transaction.unignored"]


def big_statement(entries: int = 120) -> bytes:
    rows = "".join(
        f"<Ntry><Amt Ccy=\"CHF\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>"
        f"<BookgDt><Dt>2026-01-05</Dt></BookgDt><AcctSvcrRef>BIG-{n:05d}</AcctSvcrRef></Ntry>" for n in range(entries))
    return (f"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.04\"><BkToCstmrStmt><Stmt><Id>BIG</Id>"
            f"<Acct><Id><IBAN>CH9300762011623852957</IBAN></Id><Ccy>CHF</Ccy></Acct>{rows}</Stmt></BkToCstmrStmt>"
            f"</Document>").encode()


def test_an_import_that_died_after_its_steps_shows_nothing_and_the_next_one_finishes_it(books, monkeypatch):
    account = chf_account(books)
    steps = bank_statements._write_in_steps

    def dies_after_the_steps(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        steps(*args, **kwargs)
        raise SystemExit("the process died")

    start = datetime(2026, 2, 1, 9, tzinfo=UTC)
    with clock.using(clock.FixedClock(start)) as fixed:
        monkeypatch.setattr(bank_statements, "_write_in_steps", dies_after_the_steps)
        with pytest.raises(SystemExit):
            imported(books, account["id"], big_statement())
        monkeypatch.setattr(bank_statements, "_write_in_steps", steps)
        assert transactions(books) == [] and len(transactions(books, status=IMPORTING)) == 120
        # another import of it while the first might still run: duplicates, left for that import to show
        running, _ = imported(books, account["id"], big_statement().replace(b"<Id>BIG", b"<Id>BIG-2"))
        assert (running["imported"], running["duplicates"]) == (0, 120) and transactions(books) == []
        # later, the same file again: the first import is dead, its transactions are this one's
        fixed.set(start + timedelta(minutes=20))
        finished, _ = imported(books, account["id"], big_statement())
    assert (finished["imported"], finished["duplicates"]) == (120, 0)
    shown = transactions(books, status="unmatched")
    assert len(shown) == 120 and {t.statement_id for t in shown} == {finished["id"]}


def test_a_retry_of_a_large_import_takes_over_the_steps_it_wrote(books, monkeypatch):
    account = chf_account(books)
    commits = []
    commit = type(open_unit(books.tenant_id)).commit

    def loses_once(self):  # noqa: ANN001, ANN202
        if any(type(w.entity).__name__ == "BankStatement" for w in self.writes if hasattr(w, "entity")) and not commits:
            commits.append(1)
            self.writes = []
            raise Contention("a concurrent change", stale={})
        return commit(self)

    monkeypatch.setattr(type(open_unit(books.tenant_id)), "commit", loses_once)
    statement, _ = imported(books, account["id"], big_statement())
    assert commits and (statement["imported"], statement["duplicates"]) == (120, 0)
    assert len(transactions(books, status="unmatched")) == 120


def test_a_statement_larger_than_one_transaction_is_imported_in_steps_and_shown_at_the_end(books):
    account = chf_account(books)
    entries = "".join(
        f"<Ntry><Amt Ccy=\"CHF\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>"
        f"<BookgDt><Dt>2026-01-05</Dt></BookgDt><AcctSvcrRef>BIG-{n:05d}</AcctSvcrRef></Ntry>" for n in range(120))
    big = (f"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.04\"><BkToCstmrStmt><Stmt><Id>BIG</Id>"
           f"<Acct><Id><IBAN>CH9300762011623852957</IBAN></Id><Ccy>CHF</Ccy></Acct>{entries}</Stmt></BkToCstmrStmt>"
           f"</Document>").encode()
    books.table.transactions = 0
    statement, _ = imported(books, account["id"], big)
    assert statement["imported"] == 120 and books.table.transactions > 1
    assert len(transactions(books, status="unmatched")) == 120
    assert not transactions(books, status=IMPORTING)
    again, _ = imported(books, account["id"], big.replace(b"<Id>BIG</Id>", b"<Id>BIG2</Id>"))
    assert (again["imported"], again["duplicates"]) == (0, 120)


def test_a_foreign_bank_account_keeps_its_balance_in_its_currency_by_posting(books):
    """Issue 16, part V: its ledger account is kept in EUR; the opening entry ADDs the EUR balance to the same
    buckets in its transaction; a manual entry (in the base) to it and a base ledger account for it are refused."""
    from ledgerline.services import journal_entries

    euro = bank_accounts.create(books.tenant_id, {"name": "EUR", "currency": "EUR", "opening_balance": D("500.00"),
                                                  "opening_date": date(2026, 1, 2), "opening_exchange_rate": D("1.6")})
    uow = open_unit(books.tenant_id)
    assert uow.find(Account, euro["account_id"]).currency == "EUR"
    assert uow.foreign_balances_as_of(date(2026, 1, 31)) == {euro["account_id"]: ("EUR", D("500.00"), D("800.00"))}
    assert uow.foreign_balances_as_of(date(2026, 1, 1)) == {}
    before = dict(books.table.items)
    with pytest.raises(ValidationFailed) as manual:
        journal_entries.create(books.tenant_id, {"date": date(2026, 1, 3), "lines": [
            {"account_id": euro["account_id"], "debit": D("5")},
            {"account_id": books.accounts["3000"], "credit": D("5")}]})
    assert manual.value.param == "lines.0.account_id"
    with pytest.raises(ValidationFailed) as shared:
        bank_accounts.create(books.tenant_id, {"name": "EUR 2", "currency": "EUR",
                                               "account_id": books.accounts["1010"]})
    assert shared.value.param == "account_id"
    assert books.table.items == before
    chf = chf_account(books)  # an AUD tenant's CHF account: kept in CHF too; an AUD one is not kept in a currency
    aud = bank_accounts.create(books.tenant_id, {"name": "AUD", "currency": "AUD"})
    assert open_unit(books.tenant_id).find(Account, chf["account_id"]).currency == "CHF"
    assert open_unit(books.tenant_id).find(Account, aud["account_id"]).currency is None
    # a CHF transaction does not say its EUR amount: it is not booked to the EUR account (nor to the CHF one's)
    from ledgerline.services import bank_reconciliation

    imported(books, chf["id"])
    transaction = transactions(books, bank_account_id=chf["id"])[0]
    with pytest.raises(ValidationFailed) as booked:
        bank_reconciliation.book(books.tenant_id, transaction.id, {"account_id": euro["account_id"]})
    assert booked.value.param == "account_id" and "EUR" in booked.value.message
