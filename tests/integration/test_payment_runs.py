"""Payment runs over the API against DynamoDB Local (issue 16, item 4): a run's pain.001 file validates against
the ISO XSD (EUR SEPA and CHF Swiss), a bill in a run is not in a second one (also when two runs race), a
missing supplier IBAN is a 422 naming the bill with nothing written, cancel unschedules, and a camt.053 carrying
the run's end-to-end ids books the payments and settles the bills."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from threading import Barrier

import pytest
import xmlschema
from lxml import etree

from ledgerline.clock import today
from ledgerline.domain.banking.references import qr_reference, rf_reference
from ledgerline.pdf import blobs
from ledgerline.pdf.blobs import MemoryBlobStore
from tests.camt_builder import Entry, camt053

DAY = today().isoformat()
XSD = Path(__file__).resolve().parents[1] / "fixtures" / "banking" / "pain001"
SEPA_IBAN, SUPPLIER_IBAN = "DE89370400440532013000", "FR1420041010050500013M02606"
CH_IBAN, CH_SUPPLIER_IBAN, QR_IBAN = "CH9300762011623852957", "CH5604835012345678009", "CH4431999123000889012"


@pytest.fixture(autouse=True)
def blob_store():
    store = MemoryBlobStore()
    blobs.use(store)
    yield store
    blobs.use(None)


def books_of(make_tenant, api, country: str, currency: str):
    from tests.integration.books import Books

    tenant = make_tenant(country=country, currency=currency, name=f"Runs {country}")
    return Books(api, tenant.tenant_id, tenant.headers)


@pytest.fixture
def books(make_tenant, api):
    return books_of(make_tenant, api, "DE", "EUR")


@pytest.fixture
def swiss(make_tenant, api):
    return books_of(make_tenant, api, "CH", "CHF")


def supplier(books, name="Fournisseur SA", **bank):
    return books.post("/v1/parties", {"name": name, "kind": "supplier", **bank})["id"]


def posted_bill(books, supplier_id, reference, price="100.00"):
    code = "VAT0"
    draft = books.post("/v1/bills", {"supplier_id": supplier_id, "supplier_reference": reference, "lines": [
        {"description": "Service", "unit_price": price, "account_id": books.accounts["6000"],
         "tax_code_id": books.tax_codes[code]}]})
    return books.post(f"/v1/bills/{draft['id']}/post", expect=200)


def bank_account(books, iban=SEPA_IBAN, currency="EUR"):
    return books.post("/v1/bank-accounts", {"name": "Main", "iban": iban, "currency": currency})


def file_of(books, run):
    response = books.call("GET", f"/v1/payment-runs/{run['id']}/file", expect=200)
    assert response.headers["content-type"].startswith("application/xml")
    return response.content


def test_a_eur_run_writes_a_sepa_file_that_validates_and_a_camt053_books_it(books):
    paid_to = supplier(books, iban=SUPPLIER_IBAN)
    rf = rf_reference("2026X1")
    first, second = posted_bill(books, paid_to, rf, "120.00"), posted_bill(books, paid_to, "F-2", "30.00")
    account = bank_account(books)
    run = books.post("/v1/payment-runs", {"bank_account_id": account["id"], "execution_date": DAY,
                                          "bills": [{"bill_id": first["id"]}, {"bill_id": second["id"]}]})
    assert (run["status"], run["file_format"], run["total"]) == ("scheduled", "pain.001.001.09", "150.00")
    content = file_of(books, run)
    xmlschema.XMLSchema(XSD / "pain.001.001.09.xsd").validate(content.decode())
    assert books.get(f"/v1/bills/{first['id']}")["scheduled_amount"] == "120.00"
    assert books.balance("2000") == Decimal("-150.00")  # scheduled: nothing booked yet
    assert "payment_run.created" in books.events()

    e2e = [p["end_to_end_id"] for p in run["payments"]]
    statement = camt053([Entry("-120.00", DAY, end_to_end_id=e2e[0], name="Fournisseur SA"),
                         Entry("-30.00", DAY, end_to_end_id=e2e[1], name="Fournisseur SA")],
                        currency="EUR", statement_id="RUN-1")
    response = books.api.post(f"/v1/bank-accounts/{account['id']}/statements", headers=books.headers,
                              files={"file": ("s.xml", statement, "application/xml")})
    assert response.status_code == 201, response.text
    for tid in response.json()["transaction_ids"]:
        assert books.get(f"/v1/bank-transactions/{tid}")["matched_by"] == "supplier_payment"
    done = books.get(f"/v1/payment-runs/{run['id']}")
    assert done["status"] == "completed" and {p["status"] for p in done["payments"]} == {"booked"}
    for bill in (first, second):
        shown = books.get(f"/v1/bills/{bill['id']}")
        assert (shown["status"], shown["amount_due"], shown["scheduled_amount"]) == ("paid", "0.00", "0.00")
    assert books.balance("2000") == 0
    trial = books.trial_balance()
    assert trial["total_debit"] == trial["total_credit"]
    assert {"payment_run.updated", "payment_run.completed", "supplier_payment.posted", "bill.paid"} <= set(
        books.events())
    assert books.call("POST", f"/v1/payment-runs/{run['id']}/cancel", expect=409)


def test_a_pain_001_001_03_file_validates_too(books):
    bill = posted_bill(books, supplier(books, iban=SUPPLIER_IBAN, bic="BNPAFRPPXXX"), "V3-1")
    run = books.post("/v1/payment-runs", {"bank_account_id": bank_account(books)["id"],
                                          "file_format": "pain.001.001.03", "bills": [{"bill_id": bill["id"]}]})
    content = file_of(books, run)
    xmlschema.XMLSchema(XSD / "pain.001.001.03.xsd").validate(content.decode())
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
    assert etree.fromstring(content).findtext(".//p:CdtrAgt/p:FinInstnId/p:BIC", namespaces=ns) == "BNPAFRPPXXX"


def test_a_chf_run_pays_the_qr_reference_to_the_qr_iban_and_validates(swiss):
    paid_to = supplier(swiss, "Lieferant AG", iban=CH_SUPPLIER_IBAN, qr_iban=QR_IBAN)
    qr = qr_reference(2026123)
    bill = posted_bill(swiss, paid_to, qr, "99.95")
    run = swiss.post("/v1/payment-runs", {"bank_account_id": bank_account(swiss, CH_IBAN, "CHF")["id"],
                                          "bills": [{"bill_id": bill["id"]}]})
    assert run["file_format"] == "pain.001.001.09.ch"
    content = file_of(swiss, run)
    xmlschema.XMLSchema(XSD / "pain.001.001.09.xsd").validate(content.decode())
    tree, ns = etree.fromstring(content), {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
    assert tree.findtext(".//p:CdtrAcct/p:Id/p:IBAN", namespaces=ns) == QR_IBAN
    assert tree.findtext(".//p:CdtrRefInf/p:Ref", namespaces=ns) == qr
    assert tree.findtext(".//p:CdtrRefInf/p:Tp/p:CdOrPrtry/p:Prtry", namespaces=ns) == "QRR"


def test_a_bill_in_a_run_is_not_in_a_second_one_and_cancel_frees_it(books):
    bill = posted_bill(books, supplier(books, iban=SUPPLIER_IBAN), "TWICE-1")
    account = bank_account(books)
    due_by = books.get(f"/v1/bills/{bill['id']}")["due_date"]
    first = books.post("/v1/payment-runs", {"bank_account_id": account["id"], "due_by": due_by})
    assert [p["bill_id"] for p in first["payments"]] == [bill["id"]]
    refused = books.call("POST", "/v1/payment-runs", {"bank_account_id": account["id"], "due_by": due_by},
                         expect=422).json()
    assert refused["error"]["param"] == "due_by"
    refused = books.call("POST", "/v1/payment-runs", {"bank_account_id": account["id"],
                                                       "bills": [{"bill_id": bill["id"]}]}, expect=422).json()
    assert refused["error"]["param"] == "bills.0.amount" and bill["id"] in refused["error"]["message"]
    cancelled = books.post(f"/v1/payment-runs/{first['id']}/cancel", expect=200)
    assert cancelled["status"] == "cancelled"
    assert books.get(f"/v1/bills/{bill['id']}")["scheduled_amount"] == "0.00"
    again = books.post("/v1/payment-runs", {"bank_account_id": account["id"], "due_by": due_by})
    assert again["status"] == "scheduled"
    listed = books.get("/v1/payment-runs?status=cancelled")["data"]
    assert [r["id"] for r in listed] == [first["id"]]
    assert {r["id"] for r in books.get(f"/v1/payment-runs?bank_account_id={account['id']}")["data"]} == {
        first["id"], again["id"]}


def test_two_concurrent_runs_of_one_bill_schedule_it_once(books):
    bill = posted_bill(books, supplier(books, iban=SUPPLIER_IBAN), "RACE-1")
    account = bank_account(books)
    barrier = Barrier(4)

    def attempt(_: int) -> int:
        barrier.wait()
        return books.call("POST", "/v1/payment-runs", {"bank_account_id": account["id"],
                                                        "bills": [{"bill_id": bill["id"]}]}).status_code

    with ThreadPoolExecutor(4) as pool:
        codes = sorted(pool.map(attempt, range(4)))
    assert codes.count(201) == 1 and set(codes) <= {201, 409, 422}, codes
    assert books.get(f"/v1/bills/{bill['id']}")["scheduled_amount"] == "100.00"


def test_a_supplier_without_an_iban_is_a_422_naming_the_bill_and_nothing_is_written(books, blob_store):
    bill = posted_bill(books, supplier(books), "NOIBAN-1")
    account = bank_account(books)
    before = books.events()
    refused = books.call("POST", "/v1/payment-runs", {"bank_account_id": account["id"],
                                                       "bills": [{"bill_id": bill["id"]}]}, expect=422).json()
    assert refused["error"]["param"] == "bills.0.bill_id" and bill["id"] in refused["error"]["message"]
    assert "iban" in refused["error"]["message"]
    assert books.get("/v1/payment-runs")["data"] == []
    assert books.get(f"/v1/bills/{bill['id']}")["scheduled_amount"] == "0.00"
    assert books.events() == before
    assert not [key for key in blob_store.objects if "/payment-runs/" in key]  # no file kept either


def test_another_tenants_run_is_a_404_and_unknown_parameters_a_400(books, make_tenant, api):
    bill = posted_bill(books, supplier(books, iban=SUPPLIER_IBAN), "ISO-1")
    run = books.post("/v1/payment-runs", {"bank_account_id": bank_account(books)["id"],
                                          "bills": [{"bill_id": bill["id"]}]})
    other = books_of(make_tenant, api, "DE", "EUR")
    for path in (f"/v1/payment-runs/{run['id']}", f"/v1/payment-runs/{run['id']}/file"):
        assert other.call("GET", path).status_code == 404
    assert other.call("POST", f"/v1/payment-runs/{run['id']}/cancel").status_code == 404
    assert books.call("GET", "/v1/payment-runs?colour=red").status_code == 400


def test_unmatching_a_booked_transfer_schedules_it_again_and_matching_it_books_it_again(books):
    bill = posted_bill(books, supplier(books, iban=SUPPLIER_IBAN), "UNDO-1", "80.00")
    account = bank_account(books)
    run = books.post("/v1/payment-runs", {"bank_account_id": account["id"], "bills": [{"bill_id": bill["id"]}]})
    statement = camt053([Entry("-80.00", DAY, end_to_end_id=run["payments"][0]["end_to_end_id"])],
                        currency="EUR", statement_id="UNDO")
    response = books.api.post(f"/v1/bank-accounts/{account['id']}/statements", headers=books.headers,
                              files={"file": ("s.xml", statement, "application/xml")})
    [tid] = response.json()["transaction_ids"]
    assert books.get(f"/v1/payment-runs/{run['id']}")["status"] == "completed"

    assert books.post(f"/v1/bank-transactions/{tid}/unmatch", expect=200)["status"] == "unmatched"
    again = books.get(f"/v1/payment-runs/{run['id']}")
    assert (again["status"], again["payments"][0]["status"]) == ("scheduled", "scheduled")
    shown = books.get(f"/v1/bills/{bill['id']}")
    assert (shown["amount_due"], shown["scheduled_amount"]) == ("80.00", "80.00")
    assert books.balance("2000") == Decimal("-80.00")

    assert books.post(f"/v1/bank-transactions/{tid}/match", {}, expect=200)["matched_by"] == "supplier_payment"
    assert books.get(f"/v1/payment-runs/{run['id']}")["status"] == "completed"
    assert books.get(f"/v1/bills/{bill['id']}")["status"] == "paid"
    assert books.balance("2000") == 0


def test_a_suppliers_bank_details_are_checked_and_normalised(books):
    made = books.post("/v1/parties", {"name": "Lieferant", "kind": "supplier", "iban": "fr14 2004 1010 0505 0001 "
                                      "3M02 606", "bic": "bnpafrpp"})
    assert (made["iban"], made["bic"]) == (SUPPLIER_IBAN, "BNPAFRPP")
    for field, value in (("iban", "FR14 2004 1010 0505 0001 3M02 607"), ("qr_iban", CH_SUPPLIER_IBAN),
                         ("bic", "NOTABIC!")):
        refused = books.call("POST", "/v1/parties", {"name": "Bad", "kind": "supplier", field: value}, expect=422)
        assert refused.json()["error"]["param"] == field, refused.text
