"""Bank accounts, statement import and bank transactions over the API against DynamoDB Local (issue 16)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from threading import Barrier

import pytest

from ledgerline.pdf import blobs
from ledgerline.pdf.blobs import MemoryBlobStore

FIXTURES = Path(__file__).parents[1] / "fixtures" / "banking"
JANUARY = (FIXTURES / "camt053_ch_qr_rf.xml").read_bytes()
FEBRUARY = (FIXTURES / "camt053_ch_february.xml").read_bytes()
MT940 = (FIXTURES / "mt940_de_sepa.sta").read_bytes()


@pytest.fixture(autouse=True)
def blob_store():
    store = MemoryBlobStore()
    blobs.use(store)
    yield store
    blobs.use(None)


@pytest.fixture
def chf(make_tenant, api):
    from tests.integration.books import Books

    tenant = make_tenant(country="CH", currency="CHF", name="Ledgerline Demo AG")
    return Books(api, tenant.tenant_id, tenant.headers)


def bank_account(books, expect=201, **fields):
    body = {"name": "ZKB current account", "iban": "CH93 0076 2011 6238 5295 7", "bic": "ZKBKCHZZ80A"} | fields
    return books.call("POST", "/v1/bank-accounts", body, expect=expect).json()


def upload(books, account_id, content, name="statement.xml", expect=201, **form):
    response = books.api.post(f"/v1/bank-accounts/{account_id}/statements", headers=books.headers,
                              files={"file": (name, content, "application/octet-stream")}, data=form)
    assert response.status_code == expect, response.text
    return response.json()


def listed(books, query=""):
    return books.get(f"/v1/bank-transactions?limit=100{query}")["data"]


def test_a_bank_account_with_an_opening_balance_and_its_ledger_account(chf):
    made = bank_account(chf, opening_balance="10000.00", opening_date="2026-01-01", is_default=True)
    assert (made["object"], made["iban"], made["currency"], made["is_default"]) == (
        "bank_account", "CH9300762011623852957", "CHF", True)
    ledger = chf.get(f"/v1/accounts/{made['account_id']}")
    assert (ledger["subtype"], ledger["type"], ledger["code"]) == ("bank", "asset", "1011")
    entry = chf.get(f"/v1/journal-entries/{made['opening_entry_id']}")
    assert entry["source_type"] == "bank_opening_balance" and entry["date"] == "2026-01-01"
    assert chf.balance("1011") == Decimal("10000.00") and chf.balance("3000") == Decimal("-10000.00")
    trial = chf.trial_balance()
    assert trial["total_debit"] == trial["total_credit"]
    assert chf.get(f"/v1/bank-accounts/{made['id']}") == made
    assert [a["id"] for a in chf.get("/v1/bank-accounts")["data"]] == [made["id"]]
    assert {"bank_account.created", "account.created"} <= set(chf.events())


@pytest.mark.parametrize(("field", "value"), [("iban", "CH93 0076 2011 6238 5295 8"), ("iban", "not an iban"),
                                              ("qr_iban", "CH9300762011623852957"), ("bic", "ZZ")])
def test_a_bad_iban_or_bic_is_a_422_naming_it_and_changes_nothing(chf, field, value):
    response = chf.call("POST", "/v1/bank-accounts", {"name": "Bad", field: value}, expect=422).json()
    assert field in response["error"]["param"]
    assert chf.get("/v1/bank-accounts")["data"] == []


def test_patch_sets_the_csv_mapping_and_archives(chf):
    made = bank_account(chf)
    mapping = {"booking_date": "Date", "amount": "Amount", "remittance": "Text"}
    changed = chf.call("PATCH", f"/v1/bank-accounts/{made['id']}", {"csv_mapping": mapping, "name": "Renamed"},
                       expect=200).json()
    assert changed["name"] == "Renamed" and changed["csv_mapping"]["amount"] == "Amount"
    statement = upload(chf, made["id"], b"Date,Amount,Text\n2026-02-01,50.00,Interest\n2026-02-02,-3.50,Fee\n",
                       name="s.csv", format="csv")
    assert (statement["format"], statement["imported"]) == ("csv", 2)
    archived = chf.call("PATCH", f"/v1/bank-accounts/{made['id']}", {"archived": True}, expect=200).json()
    assert archived["archived"] and chf.get("/v1/bank-accounts")["data"] == []
    assert "bank_account.archived" in chf.events()


def test_import_twice_adds_nothing_twice(chf, blob_store):
    account = bank_account(chf)
    first = upload(chf, account["id"], JANUARY)
    assert (first["object"], first["format"], first["imported"], first["duplicates"]) == (
        "bank_statement", "camt.053", 7, 0)
    assert len(blob_store.objects) == 1 and first["file_sha256"] in next(iter(blob_store.objects))
    again = upload(chf, account["id"], JANUARY, expect=200)
    assert again["already_imported"] and again["id"] == first["id"]
    # the same entries in another file (here: the same statement re-exported) are recognised one by one
    reexported = upload(chf, account["id"], JANUARY.replace(b"<MsgId>STMT-20260131-0001", b"<MsgId>REEXPORT"))
    assert (reexported["imported"], reexported["duplicates"]) == (0, 7)
    transactions = listed(chf)
    assert len(transactions) == 7 and all(t["status"] == "unmatched" for t in transactions)
    qr = next(t for t in transactions if t["reference_type"] == "qr")
    assert (qr["reference"], qr["amount"], qr["counterparty_iban"], qr["end_to_end_id"]) == (
        "210000000003139471430009017", "1250.50", "CH5604835012345678009", "E2E-QR-0001")
    assert chf.get(f"/v1/bank-transactions/{qr['id']}") == qr
    assert chf.get(f"/v1/bank-accounts/{account['id']}")["statement_balance"] == "12187.25"
    assert "bank_statement.imported" in chf.events()


def test_concurrent_imports_of_one_file_keep_every_entry_once(chf):
    account = bank_account(chf)
    start = Barrier(2)

    def send(n):
        start.wait()
        content = JANUARY.replace(b"STMT-20260131-0001", f"STMT-{n}".encode())  # two files, the same entries
        return chf.api.post(f"/v1/bank-accounts/{account['id']}/statements", headers=chf.headers,
                            files={"file": ("s.xml", content)})

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(send, range(2)))
    assert sorted(r.status_code for r in results) == [201, 201]
    assert sorted(r.json()["imported"] for r in results) == [0, 7]
    assert len(listed(chf)) == 7


def test_an_overlapping_statement_and_one_that_does_not_follow(chf):
    account = bank_account(chf)
    upload(chf, account["id"], JANUARY)
    february = upload(chf, account["id"], FEBRUARY)
    assert (february["imported"], february["duplicates"], february["follows_previous"]) == (1, 1, True)
    gap = FEBRUARY.replace(b"STMT-2026-02", b"STMT-2026-03").replace(b"12202.25", b"12302.25").replace(
        b"12387.25", b"12487.25").replace(b"ZKB20260210-000001", b"ZKB20260310-000001")
    reported = upload(chf, account["id"], gap)
    # expected: February's closing 12387.25 less the entry both hold (the fee of -15.00): 12402.25
    assert (reported["follows_previous"], reported["balance_difference"], reported["expected_opening_balance"]) == (
        False, "-100.00", "12402.25")
    assert len(listed(chf)) == 9


def test_a_malformed_file_is_a_422_naming_the_element_and_nothing_is_written(chf, blob_store):
    account = bank_account(chf)
    before = chf.events()
    broken = JANUARY.replace(b"<Amt Ccy=\"CHF\">15.00</Amt>", b"<Amt Ccy=\"CHF\">fifteen</Amt>")
    error = upload(chf, account["id"], broken, expect=422)["error"]
    assert error["code"] == "malformed_statement" and error["param"] == "file"
    assert "Stmt[1]/Ntry[3]/Amt" in error["message"]
    error = upload(chf, account["id"], MT940.replace(b":61:2603050305DR", b":61:26030X0305DR"), expect=422)["error"]
    assert "line 7" in error["message"]
    assert upload(chf, account["id"], b"", expect=422)["error"]["param"] == "file"
    no_file = chf.api.post(f"/v1/bank-accounts/{account['id']}/statements", headers=chf.headers)
    assert no_file.status_code == 422 and no_file.json()["error"]["param"] == "file"
    assert listed(chf) == [] and chf.events() == before and blob_store.objects == {}
    assert chf.get(f"/v1/bank-accounts/{account['id']}/statements")["data"] == []


def test_a_csv_export_with_its_saved_mapping_and_the_statements_list(chf):
    account = bank_account(chf, csv_mapping={
        "booking_date": "Buchungsdatum", "value_date": "Valuta", "amount": "Betrag",
        "counterparty_name": "Auftraggeber", "counterparty_iban": "IBAN", "remittance": "Buchungstext",
        "reference": "Referenz", "delimiter": ";",
        "decimal_separator": ",", "date_format": "%d.%m.%Y"})
    statement = upload(chf, account["id"], (FIXTURES / "export_semicolon.csv").read_bytes(), name="export.csv")
    assert (statement["format"], statement["imported"], statement["follows_previous"]) == ("csv", 3, None)
    rows = {t["amount"]: t for t in listed(chf)}
    assert (rows["1250.50"]["reference"], rows["1250.50"]["reference_type"]) == ("210000000003139471430009017", "qr")
    assert rows["1250.50"]["counterparty_iban"] == "CH5604835012345678009"
    assert (rows["980.00"]["reference_type"], rows["-12.00"]["remittance_information"]) == ("rf", "Kontogebühr Februar")
    assert [s["id"] for s in chf.get(f"/v1/bank-accounts/{account['id']}/statements")["data"]] == [statement["id"]]
    # a CSV without a mapping cannot be read: the 422 names the format
    bare = bank_account(chf, name="No mapping")
    error = upload(chf, bare["id"], b"a,b\n1,2\n", name="x.csv", expect=422)["error"]
    assert error["param"] == "format"


def test_mt940_into_a_euro_account(chf):
    account = bank_account(chf, name="Deutsche Bank", iban="DE89370400440532013000", bic=None, currency="EUR")
    statement = upload(chf, account["id"], MT940, name="march.sta")
    assert (statement["format"], statement["imported"], statement["closing_balance"]) == ("mt940", 4, "6174.50")
    assert {t["reference"] for t in listed(chf)} == {"RF18539007547034", None}


def test_another_tenants_bank_account_and_transactions_are_404(chf, make_tenant, api):
    from tests.integration.books import Books

    account = bank_account(chf)
    upload(chf, account["id"], JANUARY)
    transaction = listed(chf)[0]
    other_key = make_tenant()
    other = Books(api, other_key.tenant_id, other_key.headers)
    assert other.call("GET", f"/v1/bank-accounts/{account['id']}", expect=404).json()["error"]["code"] == (
        "resource_missing")
    upload(other, account["id"], JANUARY, expect=404)
    other.call("GET", f"/v1/bank-transactions/{transaction['id']}", expect=404)
    other.call("POST", f"/v1/bank-transactions/{transaction['id']}/ignore", expect=404)
    assert other.get(f"/v1/bank-transactions?bank_account_id={account['id']}")["data"] == []
    assert chf.get(f"/v1/bank-transactions/{transaction['id']}")["status"] == "unmatched"


def test_ignore_unignore_filters_and_unknown_parameters(chf):
    account = bank_account(chf)
    upload(chf, account["id"], JANUARY)
    first = listed(chf)[0]
    ignored = chf.call("POST", f"/v1/bank-transactions/{first['id']}/ignore", expect=200,
                       **{"Idempotency-Key": "ignore-1"}).json()
    assert ignored["status"] == "ignored"
    replay = chf.call("POST", f"/v1/bank-transactions/{first['id']}/ignore", expect=200,
                      **{"Idempotency-Key": "ignore-1"}).json()
    assert replay == ignored
    assert chf.call("POST", f"/v1/bank-transactions/{first['id']}/ignore", expect=409).json()["error"]["code"] == (
        "invalid_state")
    assert [t["id"] for t in listed(chf, "&status=ignored")] == [first["id"]]
    assert len(listed(chf, "&status=unmatched")) == 6
    assert len(listed(chf, f"&bank_account_id={account['id']}&from_date=2026-01-20&to_date=2026-01-26")) == 3
    page = chf.get("/v1/bank-transactions?limit=3")
    assert len(page["data"]) == 3 and page["has_more"]
    assert chf.call("POST", f"/v1/bank-transactions/{first['id']}/unignore", expect=200).json()["status"] == (
        "unmatched")
    assert chf.call("GET", "/v1/bank-transactions?colour=red", expect=400).json()["error"]["code"] == (
        "unknown_parameter")


def test_an_import_with_an_idempotency_key_replays_and_another_file_with_it_is_refused(chf):
    account = bank_account(chf)
    headers = {**chf.headers, "Idempotency-Key": "import-1"}

    def send(content):
        return chf.api.post(f"/v1/bank-accounts/{account['id']}/statements", headers=headers,
                            files={"file": ("s.xml", content)})

    first = send(JANUARY)
    assert first.status_code == 201, first.text
    again = send(JANUARY)
    assert again.status_code == 201 and again.json() == first.json()
    other = send(FEBRUARY)
    assert other.status_code == 422 and other.json()["error"]["param"] == "Idempotency-Key"
    assert len(listed(chf)) == 7


def test_create_is_idempotent(chf):
    headers = {"Idempotency-Key": "bank-1"}
    first = chf.call("POST", "/v1/bank-accounts", {"name": "Once"}, expect=201, **headers).json()
    again = chf.call("POST", "/v1/bank-accounts", {"name": "Once"}, expect=201, **headers).json()
    assert first == again and len(chf.get("/v1/bank-accounts")["data"]) == 1
