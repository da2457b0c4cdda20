"""Payment runs' use cases on the in-memory unit of work (issue 16, item 4): create (named bills or due by a
date), the 422s that name the bill and the field and write nothing, a bill in one run is not in a second,
cancel, and the statement that books a run's payments (bank_reconciliation.auto_match)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from ledgerline.domain.banking import pain001
from ledgerline.domain.banking import payment_runs as rules
from ledgerline.domain.banking.references import qr_reference, rf_reference
from ledgerline.domain.documents import InvalidState
from ledgerline.domain.errors import NotFound, ValidationFailed
from ledgerline.pdf import blobs
from ledgerline.pdf.blobs import MemoryBlobStore
from ledgerline.services import bank_accounts, bank_statements, bills, payment_runs, tenants
from ledgerline.store.accounts import Account
from ledgerline.store.banking import BankTransaction
from ledgerline.store.bills import SupplierPayment
from ledgerline.store.memory import MemoryTable
from ledgerline.store.parties import Party
from ledgerline.store.payment_runs import PaymentRun
from ledgerline.store.records import tenant_partition
from ledgerline.store.tax_codes import TaxCode
from ledgerline.store.unit_of_work import open_unit, using
from tests.camt_builder import Entry, camt053

TODAY = date.today()
NOW = datetime(2026, 1, 5, tzinfo=UTC)
EUR_IBAN = "DE89370400440532013000"
SUPPLIER_IBAN = "FR1420041010050500013M02606"
CH_IBAN = "CH9300762011623852957"
CH_SUPPLIER_IBAN = "CH5604835012345678009"
QR_IBAN = "CH4431999123000889012"


class Books:
    def __init__(self, table: MemoryTable, tenant_id: str, accounts: dict[str, str], tax_codes: dict[str, str]):
        self.table, self.tenant_id, self.accounts, self.tax_codes = table, tenant_id, accounts, tax_codes

    def balances(self) -> dict[str, D]:
        codes = {account_id: code for code, account_id in self.accounts.items()}
        return {codes.get(a, a): b for a, b in self.table.balances(self.tenant_id).items() if b != 0}

    def supplier(self, party_id: str = "pty_s", **bank: str) -> str:
        self.table.put(Party(id=party_id, tenant_id=self.tenant_id, name=f"Supplier {party_id}", kind="supplier",
                             archived=False, created_at=NOW, updated_at=NOW, **bank))
        return party_id

    def bill(self, supplier: str, reference: str, price: str = "100", due_in: int = 10) -> dict:
        code = next(iter(self.tax_codes))
        body = {"supplier_id": supplier, "supplier_reference": reference, "bill_date": TODAY - timedelta(days=2),
                "due_date": TODAY + timedelta(days=due_in),
                "lines": [{"description": "Service", "quantity": D(1), "unit_price": D(price),
                           "account_id": self.accounts["6000"], "tax_code_id": self.tax_codes[code]}]}
        return bills.post(self.tenant_id, bills.create_draft(self.tenant_id, body)["id"])


def _books(currency: str, country: str) -> Iterator[Books]:
    table = MemoryTable()
    with using(table.unit):
        tenant, _ = tenants.create_tenant(name="Acme", base_currency=currency, country=country)
        partition = tenant_partition(tenant.id)
        accounts = {a.code: a.id for a in table.partition(Account, partition) if a.sk.startswith("ACCOUNT#")}
        codes = {t.code: t.id for t in table.partition(TaxCode, partition) if t.sk.startswith("TAXCODE#")}
        codes = {"VAT0": codes["VAT0"]}  # net = total keeps the amounts plain
        yield Books(table, tenant.id, accounts, codes)


@pytest.fixture
def books() -> Iterator[Books]:
    yield from _books("EUR", "DE")


@pytest.fixture
def swiss() -> Iterator[Books]:
    yield from _books("CHF", "CH")


@pytest.fixture(autouse=True)
def blob_store() -> Iterator[MemoryBlobStore]:
    store = MemoryBlobStore()
    blobs.use(store)
    yield store
    blobs.use(None)


def bank(books: Books, iban: str = EUR_IBAN, currency: str = "EUR") -> dict:
    return bank_accounts.create(books.tenant_id, {"name": "Main", "iban": iban, "currency": currency})


def run(books: Books, account: dict, *named: tuple[str, str | None], **fields) -> dict:
    body = {"bank_account_id": account["id"], "execution_date": TODAY} | fields
    if named:
        body["bills"] = [{"bill_id": b} | ({"amount": D(a)} if a else {}) for b, a in named]
    return payment_runs.create(books.tenant_id, body)


def bill_of(books: Books, bill_id: str) -> dict:
    return bills.get_bill(books.tenant_id, bill_id)


def file_tree(books: Books, run_id: str) -> etree._Element:
    content, name = payment_runs.file_of(books.tenant_id, run_id)
    assert name == f"{run_id}.xml"
    return etree.fromstring(content)


def test_a_run_of_named_bills_schedules_them_writes_the_file_and_posts_nothing(books):
    supplier = books.supplier(iban=SUPPLIER_IBAN)
    rf = rf_reference("2026A7")
    first, second = books.bill(supplier, rf, "100"), books.bill(supplier, "INV-8", "40")
    before = books.balances()
    made = run(books, bank(books), (first["id"], None), (second["id"], "15.50"))
    assert (made["status"], made["currency"], made["file_format"], made["total"]) == (
        "scheduled", "EUR", rules.SEPA_09, "115.50")
    assert [(p["bill_id"], p["amount"], p["reference_type"], p["status"]) for p in made["payments"]] == [
        (first["id"], "100.00", "SCOR", "scheduled"), (second["id"], "15.50", None, "scheduled")]
    assert books.balances() == before  # scheduled: no journal entry
    assert (bill_of(books, first["id"])["scheduled_amount"], bill_of(books, second["id"])["scheduled_amount"]) == (
        "100.00", "15.50")
    assert bill_of(books, first["id"])["amount_due"] == "100.00"
    tree = file_tree(books, made["id"])
    ns = {"p": pain001.namespace(rules.SEPA_09)}
    assert [e.text for e in tree.findall(".//p:EndToEndId", ns)] == [p["end_to_end_id"] for p in made["payments"]]
    assert tree.findtext(".//p:DbtrAcct/p:Id/p:IBAN", namespaces=ns) == EUR_IBAN
    content, _ = payment_runs.file_of(books.tenant_id, made["id"])
    import hashlib

    assert hashlib.sha256(content).hexdigest() == made["file_sha256"]
    assert books.table.event_types(books.tenant_id)[-1] == "payment_run.created"


def test_a_bill_in_a_run_is_not_in_a_second_one(books):
    supplier = books.supplier(iban=SUPPLIER_IBAN)
    bill = books.bill(supplier, "INV-1", "100", due_in=3)
    account = bank(books)
    run(books, account, (bill["id"], "60"))
    with pytest.raises(ValidationFailed) as error:
        run(books, account, (bill["id"], "50"))
    assert error.value.param == "bills.0.amount" and bill["id"] in str(error.value)
    second = run(books, account, due_by=TODAY + timedelta(days=5))  # what is left of it
    assert [(p["bill_id"], p["amount"]) for p in second["payments"]] == [(bill["id"], "40.00")]
    with pytest.raises(ValidationFailed) as error:
        run(books, account, due_by=TODAY + timedelta(days=5))
    assert error.value.param == "due_by"
    assert bill_of(books, bill["id"])["scheduled_amount"] == "100.00"


def test_due_by_takes_the_open_bills_in_the_accounts_currency_due_by_then(books):
    supplier = books.supplier(iban=SUPPLIER_IBAN)
    soon, later = books.bill(supplier, "S-1", "10", due_in=2), books.bill(supplier, "S-2", "20", due_in=30)
    made = run(books, bank(books), due_by=TODAY + timedelta(days=7))
    assert [p["bill_id"] for p in made["payments"]] == [soon["id"]]
    assert made["due_by"] == (TODAY + timedelta(days=7)).isoformat()
    assert bill_of(books, later["id"])["scheduled_amount"] == "0.00"


def test_a_supplier_without_an_iban_is_a_422_naming_the_bill_and_nothing_is_written(books, blob_store):
    paid = books.supplier("pty_ok", iban=SUPPLIER_IBAN)
    unpaid = books.supplier("pty_no")
    good, bad = books.bill(paid, "G-1"), books.bill(unpaid, "B-1")
    writes = books.table.transactions
    with pytest.raises(ValidationFailed) as error:
        run(books, bank(books), (good["id"], None), (bad["id"], None))
    assert error.value.param == "bills.1.bill_id"
    assert bad["id"] in str(error.value) and "iban" in str(error.value)
    assert books.table.transactions == writes + 1  # only the bank account
    assert bill_of(books, good["id"])["scheduled_amount"] == "0.00"


def test_refusals_for_the_run_itself(books):
    supplier = books.supplier(iban=SUPPLIER_IBAN)
    bill = books.bill(supplier, "R-1")
    usd = bank_accounts.create(books.tenant_id, {"name": "USD", "currency": "USD", "iban": "GB29NWBK60161331926819"})
    with pytest.raises(ValidationFailed) as error:
        run(books, usd, (bill["id"], None))
    assert error.value.param == "bank_account_id"
    no_iban = bank_accounts.create(books.tenant_id, {"name": "Cash box", "currency": "EUR"})
    with pytest.raises(ValidationFailed) as error:
        run(books, no_iban, (bill["id"], None))
    assert error.value.param == "bank_account_id"
    with pytest.raises(NotFound):
        run(books, bank(books), ("bill_nope", None))
    with pytest.raises(ValidationFailed) as error:
        run(books, bank(books), (bill["id"], None), (bill["id"], None))
    assert error.value.param == "bills.1.bill_id"


def test_cancel_unschedules_every_bill_and_is_refused_once_cancelled(books):
    supplier = books.supplier(iban=SUPPLIER_IBAN)
    bill = books.bill(supplier, "C-1")
    made = run(books, bank(books), (bill["id"], None))
    cancelled = payment_runs.cancel(books.tenant_id, made["id"])
    assert cancelled["status"] == "cancelled" and {p["status"] for p in cancelled["payments"]} == {"cancelled"}
    assert bill_of(books, bill["id"])["scheduled_amount"] == "0.00"
    assert books.table.event_types(books.tenant_id)[-1] == "payment_run.cancelled"
    with pytest.raises(InvalidState):
        payment_runs.cancel(books.tenant_id, made["id"])
    run(books, bank(books), (bill["id"], None))  # free for another run


def statement(books: Books, account: dict, *entries: Entry, currency: str = "EUR") -> list[BankTransaction]:
    content = camt053(list(entries), currency=currency, statement_id=f"S-{len(entries)}-{entries[0].amount}")
    result = bank_statements.import_statement(books.tenant_id, account["id"], content, file_name="s.xml", fmt=None)
    return [open_unit(books.tenant_id).load(BankTransaction, tid) for tid in result["transaction_ids"]]


def test_the_statement_carrying_the_end_to_end_ids_books_each_payment_and_matches_it(books):
    supplier = books.supplier(iban=SUPPLIER_IBAN)
    first, second = books.bill(supplier, "E-1", "100"), books.bill(supplier, "E-2", "30")
    account = bank(books)
    made = run(books, account, (first["id"], None), (second["id"], None))
    e2e = [p["end_to_end_id"] for p in made["payments"]]
    day = TODAY.isoformat()
    one, fee, other = statement(books, account, Entry("-100.00", day, end_to_end_id=e2e[0]),
                                Entry("-2.00", day, text="Fee"), Entry("-29.00", day, end_to_end_id=e2e[1]))
    assert (one.status, one.matched_by, fee.status, other.status) == (
        "matched", "supplier_payment", "unmatched", "unmatched")  # another amount: left to the user
    paid = bill_of(books, first["id"])
    assert (paid["status"], paid["amount_due"], paid["scheduled_amount"]) == ("paid", "0.00", "0.00")
    now = payment_runs.get_payment_run(books.tenant_id, made["id"])
    assert (now["status"], [p["status"] for p in now["payments"]]) == ("scheduled", ["booked", "scheduled"])
    assert now["payments"][0]["bank_transaction_id"] == one.id
    payment = open_unit(books.tenant_id).load(SupplierPayment, now["payments"][0]["supplier_payment_id"])
    assert (payment.amount, payment.allocations[0].bill_id) == (D("100"), first["id"])
    assert books.balances()["2000"] == D("-30")  # the other bill is still owed
    # the bank books the second one later
    [last] = statement(books, account, Entry("-30.00", day, end_to_end_id=e2e[1]))
    assert last.status == "matched"
    done = payment_runs.get_payment_run(books.tenant_id, made["id"])
    assert done["status"] == "completed" and done["completed_at"]
    assert bill_of(books, second["id"])["status"] == "paid"
    assert "2000" not in books.balances()
    with pytest.raises(InvalidState):
        payment_runs.cancel(books.tenant_id, made["id"])


def test_a_booked_payment_keeps_a_run_from_being_cancelled(books):
    supplier = books.supplier(iban=SUPPLIER_IBAN)
    first, second = books.bill(supplier, "K-1", "10"), books.bill(supplier, "K-2", "20")
    account = bank(books)
    made = run(books, account, (first["id"], None), (second["id"], None))
    statement(books, account, Entry("-10.00", TODAY.isoformat(), end_to_end_id=made["payments"][0]["end_to_end_id"]))
    with pytest.raises(InvalidState):
        payment_runs.cancel(books.tenant_id, made["id"])
    assert bill_of(books, second["id"])["scheduled_amount"] == "20.00"


def test_an_end_to_end_id_of_another_bank_account_books_nothing(books):
    supplier = books.supplier(iban=SUPPLIER_IBAN)
    bill = books.bill(supplier, "X-1", "10")
    made = run(books, bank(books), (bill["id"], None))
    other = bank(books, iban="DE02120300000000202051")
    e2e = made["payments"][0]["end_to_end_id"]
    [tx] = statement(books, other, Entry("-10.00", TODAY.isoformat(), end_to_end_id=e2e))
    assert tx.status == "unmatched"
    assert open_unit(books.tenant_id).load(PaymentRun, made["id"]).payments[0].status == "scheduled"


def test_a_chf_run_pays_a_qr_reference_to_the_suppliers_qr_iban(swiss):
    supplier = swiss.supplier(iban=CH_SUPPLIER_IBAN, qr_iban=QR_IBAN)
    qr = qr_reference(2026042)
    bill = swiss.bill(supplier, qr, "250.05")
    plain = swiss.bill(supplier, "F-2026-1", "10")
    made = run(swiss, bank(swiss, CH_IBAN, "CHF"), (bill["id"], None), (plain["id"], None))
    assert made["file_format"] == rules.CH_09
    assert [(p["creditor_iban"], p["reference_type"], p["reference"]) for p in made["payments"]] == [
        (QR_IBAN, "QRR", qr), (CH_SUPPLIER_IBAN, None, None)]
    ns = {"p": pain001.namespace(rules.CH_09)}
    tree = file_tree(swiss, made["id"])
    assert tree.findtext(".//p:CdtrRefInf/p:Tp/p:CdOrPrtry/p:Prtry", namespaces=ns) == "QRR"


def test_a_qr_reference_without_the_suppliers_qr_iban_is_a_422(swiss):
    supplier = swiss.supplier(iban=CH_SUPPLIER_IBAN)
    bill = swiss.bill(supplier, qr_reference(77), "5")
    with pytest.raises(ValidationFailed) as error:
        run(swiss, bank(swiss, CH_IBAN, "CHF"), (bill["id"], None))
    assert error.value.param == "bills.0.bill_id" and "qr_iban" in str(error.value)


@settings(max_examples=15, deadline=None)
@given(steps=st.lists(st.sampled_from(["run", "cancel", "book"]), min_size=1, max_size=6))
def test_scheduled_never_exceeds_due_and_is_what_live_runs_hold(steps):
    """State machine: runs, cancels and bookings in any order; each bill's scheduled amount is always the sum of
    its live runs' scheduled payments, and never more than it owes."""
    for made_books in _books("EUR", "DE"):
        blobs.use(MemoryBlobStore())
        supplier = made_books.supplier(iban=SUPPLIER_IBAN)
        bill = made_books.bill(supplier, "P-1", "90")
        account = bank(made_books)
        runs_made: list[dict] = []
        for n, step in enumerate(steps):
            live = [r for r in runs_made if payment_runs.get_payment_run(made_books.tenant_id, r["id"])["status"]
                    == "scheduled"]
            if step == "run":
                try:
                    runs_made.append(run(made_books, account, (bill["id"], "30")))
                except ValidationFailed:
                    assert D(bill_of(made_books, bill["id"])["scheduled_amount"]) + 30 > D(
                        bill_of(made_books, bill["id"])["amount_due"])
            elif step == "cancel" and live:
                payment_runs.cancel(made_books.tenant_id, live[0]["id"])
            elif step == "book" and live:
                e2e = live[-1]["payments"][0]["end_to_end_id"]
                statement(made_books, account, Entry("-30.00", TODAY.isoformat(), end_to_end_id=e2e,
                                                     bank_reference=f"B{n}"))
            now = bill_of(made_books, bill["id"])
            held = sum((D(p["amount"]) for r in runs_made
                        for p in payment_runs.get_payment_run(made_books.tenant_id, r["id"])["payments"]
                        if p["status"] == "scheduled"), D(0))
            assert D(now["scheduled_amount"]) == held <= D(now["amount_due"])
        blobs.use(None)


def test_a_scheduled_bill_cannot_be_voided_until_its_run_is_cancelled(books):
    supplier = books.supplier(iban=SUPPLIER_IBAN)
    bill = books.bill(supplier, "V-1", "10")
    made = run(books, bank(books), (bill["id"], None))
    with pytest.raises(InvalidState) as error:
        bills.void(books.tenant_id, bill["id"], None)
    assert "payment run" in str(error.value)
    assert bill_of(books, bill["id"])["status"] != "voided"
    payment_runs.cancel(books.tenant_id, made["id"])
    assert bills.void(books.tenant_id, bill["id"], None)["status"] == "voided"


def test_unmatching_a_booked_transfer_schedules_it_again_and_a_manual_match_books_it_again(books):
    from ledgerline.services import bank_reconciliation

    supplier = books.supplier(iban=SUPPLIER_IBAN)
    bill = books.bill(supplier, "U-1", "70")
    account = bank(books)
    made = run(books, account, (bill["id"], None))
    [tx] = statement(books, account, Entry("-70.00", TODAY.isoformat(),
                                           end_to_end_id=made["payments"][0]["end_to_end_id"]))
    assert payment_runs.get_payment_run(books.tenant_id, made["id"])["status"] == "completed"

    undone = bank_reconciliation.unmatch(books.tenant_id, tx.id, {})
    assert undone["status"] == "unmatched"
    again = payment_runs.get_payment_run(books.tenant_id, made["id"])
    assert (again["status"], again["completed_at"], again["payments"][0]["status"]) == ("scheduled", None,
                                                                                        "scheduled")
    shown = bill_of(books, bill["id"])
    assert (shown["status"] != "paid", shown["amount_due"], shown["scheduled_amount"]) == (True, "70.00", "70.00")
    assert "2000" in books.balances()

    rematched = bank_reconciliation.match(books.tenant_id, tx.id, {})
    assert rematched["matched_by"] == "supplier_payment"
    done = payment_runs.get_payment_run(books.tenant_id, made["id"])
    assert done["status"] == "completed" and done["payments"][0]["bank_transaction_id"] == tx.id
    shown = bill_of(books, bill["id"])
    assert (shown["status"], shown["scheduled_amount"]) == ("paid", "0.00")
    assert "2000" not in books.balances()


def test_due_by_names_each_bill_whose_supplier_cannot_be_paid(books):
    good = books.bill(books.supplier("pty_ok", iban=SUPPLIER_IBAN), "D-1", due_in=1)
    bad = books.bill(books.supplier("pty_no"), "D-2", due_in=2)
    with pytest.raises(ValidationFailed) as error:
        run(books, bank(books), due_by=TODAY + timedelta(days=3))
    assert error.value.param == "due_by"
    assert [d.field for d in error.value.details] == ["due_by"] and bad["id"] in error.value.details[0].message
    assert bill_of(books, good["id"])["scheduled_amount"] == "0.00"
