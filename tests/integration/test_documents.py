"""PDFs of invoices and credit notes: on demand through the API, by the bus consumer, and in S3 (moto)."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from io import BytesIO

import boto3
import pytest
from botocore.config import Config
from moto.server import ThreadedMotoServer
from pypdf import PdfReader

from ledgerline.domain.api_keys import digest
from ledgerline.local.dynamodb_local import free_port
from ledgerline.pdf import blobs
from ledgerline.pdf.blobs import MemoryBlobStore, S3BlobStore
from ledgerline.store.api_keys import find_by_digest
from ledgerline.store.events import list_events
from tests.conftest import load_event
from tests.integration.books import Books
from tests.lambda_context import LambdaContext


@pytest.fixture
def store() -> Iterator[MemoryBlobStore]:
    memory = MemoryBlobStore()
    blobs.use(memory)
    yield memory
    blobs.use(None)


def text_of(data: bytes) -> tuple[int, str]:
    reader = PdfReader(BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def handler(function: str, module: str = "app"):
    return importlib.import_module(f"functions.{function}.{module}").handler


def test_a_posted_invoice_downloads_as_a_pdf_with_its_number_total_and_customer(books: Books, store):
    # Given a posted invoice to a customer whose name is not Latin-1
    customer = books.customer("Łódź 東京 Zürich GmbH", address={"line1": "ul. Piotrkowska 10", "city": "Łódź",
                                                                  "country": "PL"})
    invoice = books.posted(customer, reference="PO-77")
    # When its PDF is asked for (locally: the bytes)
    response = books.call("GET", f"/v1/invoices/{invoice['id']}/pdf", expect=200)
    # Then it is a PDF a person can read: number, total, customer, reference
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == f'inline; filename="{invoice["number"]}.pdf"'
    pages, text = text_of(response.content)
    assert pages == 1 and "Page 1 of 1" in text
    assert invoice["number"] in text and "1,375.00" in text and "AUD 1,375.00" in text
    assert "Łódź 東京 Zürich GmbH" in text and "PO-77" in text and "Test Pty Ltd" in text
    # And the file is recorded once, with its SHA-256, under the tenant's prefix
    (key, (data, content_type)), = store.objects.items()
    assert key.startswith(f"{books.tenant_id}/invoice/{invoice['id']}/") and content_type == "application/pdf"
    assert response.headers["x-content-sha256"] in key and data == response.content
    assert books.events().count("document.rendered") == 1


def test_asking_again_or_rendering_on_the_event_gives_the_same_file(books: Books, store):
    invoice = books.posted(books.customer())
    first = books.call("GET", f"/v1/invoices/{invoice['id']}/pdf", expect=200)
    # The bus event arrives after the on-demand render: nothing new is written
    event = load_event("eventbridge/invoice_posted.json", tenant_id=books.tenant_id, invoice_id=invoice["id"])
    result = handler("pdf_renderer")(event, LambdaContext())
    second = books.call("GET", f"/v1/invoices/{invoice['id']}/pdf", expect=200)
    assert result["rendered"] and result["sha256"] == first.headers["x-content-sha256"]
    assert first.content == second.content and len(store.objects) == 1
    assert books.events().count("document.rendered") == 1


def test_the_bus_consumer_renders_before_anyone_asks(books: Books, store):
    invoice = books.posted(books.customer())
    event = load_event("eventbridge/invoice_posted.json", tenant_id=books.tenant_id, invoice_id=invoice["id"])
    result = handler("pdf_renderer")(event, LambdaContext())
    assert result["rendered"] and result["key"] in store.objects
    rendered = [e for e in list_events(books.tenant_id, limit=100) if e.type == "document.rendered"]
    assert rendered[0].payload()["document_id"] == invoice["id"]
    assert rendered[0].payload()["sha256"] == result["sha256"]


def test_a_draft_has_no_pdf_and_another_tenants_invoice_is_not_found(books: Books, make_tenant, api, store):
    draft = books.draft(books.customer())
    refused = books.call("GET", f"/v1/invoices/{draft['id']}/pdf", expect=409).json()["error"]
    assert refused["code"] == "document_not_posted" and "post it first" in refused["message"]
    posted = books.posted(books.customer())
    other = make_tenant()
    response = api.get(f"/v1/invoices/{posted['id']}/pdf", headers=other.headers)
    assert response.status_code == 404 and response.json()["error"]["code"] == "resource_missing"
    assert not store.objects


def test_a_long_invoice_has_numbered_pages(books: Books, store):
    lines = [{"description": f"Line {n}", "unit_price": "10.00", "tax_code_id": books.tax_codes["GST10"]}
             for n in range(1, 101)]
    invoice = books.posted(books.customer(), lines)
    pages, text = text_of(books.call("GET", f"/v1/invoices/{invoice['id']}/pdf", expect=200).content)
    assert pages > 1 and "Page 1 of" in text and f"Page {pages} of {pages}" in text
    assert "Line 100" in text and "1,100.00" in text


def test_a_credit_note_pdf(books: Books, store):
    invoice = books.posted(books.customer())
    note = books.post("/v1/credit-notes", {"invoice_id": invoice["id"], "amount": "100.00", "reason": "Discount"})
    response = books.call("GET", f"/v1/credit-notes/{note['id']}/pdf", expect=200)
    _, text = text_of(response.content)
    assert note["number"] in text and invoice["number"] in text and "110.00" in text
    event = load_event("eventbridge/invoice_posted.json", tenant_id=books.tenant_id, invoice_id=note["id"])
    event["detail-type"] = "credit_note.posted"
    assert handler("pdf_renderer")(event, LambdaContext())["sha256"] == response.headers["x-content-sha256"]


# --------------------------------------------------------------------------------------- S3 (moto)


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_store(s3_endpoint) -> Iterator[S3BlobStore]:
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id="test",
                          aws_secret_access_key="test", config=Config(signature_version="s3v4"))
    client.create_bucket(Bucket="ledgerline-documents")
    store = S3BlobStore("ledgerline-documents", client)
    blobs.use(store)
    yield store
    blobs.use(None)


def test_in_aws_the_pdf_is_kept_in_s3_and_handed_out_as_a_presigned_url(books: Books, s3_store):
    invoice = books.posted(books.customer())
    # The invoices function, as API Gateway invokes it, with the bucket configured
    key_id = find_by_digest(digest(books.headers["Authorization"].split()[1])).id
    event = load_event("api/get_invoice_pdf.json", tenant_id=books.tenant_id, key_id=key_id,
                       invoice_id=invoice["id"])
    response = handler("invoices")(event, LambdaContext())
    assert response["statusCode"] == 200, response["body"]
    body = json.loads(response["body"])
    assert body["object"] == "document_pdf" and body["document_id"] == invoice["id"]
    assert set(body) >= {"url", "expires_at", "sha256", "size"}
    key = f"{books.tenant_id}/invoice/{invoice['id']}/{body['sha256']}.pdf"
    assert key in body["url"] and "X-Amz-Signature" in body["url"] and "X-Amz-Expires=900" in body["url"]
    # The object is private in the bucket, under the tenant's prefix, and is the PDF
    stored = s3_store.client.get_object(Bucket="ledgerline-documents", Key=key)
    assert stored["ContentType"] == "application/pdf"
    assert invoice["number"] in text_of(stored["Body"].read())[1]


def test_an_australian_tenant_that_filled_in_its_details_issues_a_tax_invoice(books: Books, store):
    # Given the tenant's address, ABN and bank details, as README "Before your first invoice" fills them
    books.call("PATCH", "/v1/tenant", {
        "tax_id": "51 824 753 556", "email": "accounts@acme.example",
        "address": {"line1": "1 George St", "city": "Sydney", "region": "NSW", "postal_code": "2000",
                    "country": "AU"},
        "bank_details": {"account_name": "Test Pty Ltd", "bank_name": "Westpac", "routing_code": "032-000",
                         "account_number": "123456"}}, expect=200)
    # And an invoice that says when the work was done
    customer = books.customer("Globex", address={"line1": "5 Collins St", "city": "Melbourne", "region": "VIC",
                                                 "postal_code": "3000", "country": "AU"})
    draft = books.draft(customer, supply_date="2026-01-15")
    assert draft["supply_date"] == "2026-01-15"
    invoice = books.post(f"/v1/invoices/{draft['id']}/post", expect=200)
    assert invoice["supply_date"] == "2026-01-15"
    # Then its PDF is an Australian tax invoice
    _, text = text_of(books.call("GET", f"/v1/invoices/{invoice['id']}/pdf", expect=200).content)
    assert "TAX INVOICE" in text and "ABN 51 824 753 556" in text
    assert "Sydney NSW 2000" in text and "Melbourne VIC 3000" in text
    assert "GST" in text and "BSB: 032-000" in text and "2026-01-15" in text


def test_an_invoice_without_a_supply_date_shows_null_and_keeps_it_through_edits(books: Books):
    draft = books.draft(books.customer())
    assert draft["supply_date"] is None
    dated = books.call("PATCH", f"/v1/invoices/{draft['id']}", {"supply_date": "2026-02-01"}, expect=200).json()
    assert dated["supply_date"] == "2026-02-01"
    kept = books.call("PATCH", f"/v1/invoices/{draft['id']}", {"notes": "x"}, expect=200).json()
    assert kept["supply_date"] == "2026-02-01"
    bad = books.call("PATCH", f"/v1/invoices/{draft['id']}", {"supply_date": "2026-13-01"}, expect=422).json()
    assert bad["error"]["param"] == "supply_date"


# ------------------------------------------------ in AWS the API functions carry no PDF stack (issue 13)


class RendererFunction:
    """Stands in for AWS Lambda's Invoke of the PDF renderer function (Lambda has no local equivalent that
    runs without containers): the renderer function's real handler, in this process, with the payload and
    answer as Lambda passes them."""

    def __init__(self) -> None:
        self.requests: list[dict] = []

    def invoke(self, *, FunctionName: str, InvocationType: str, Payload: bytes) -> dict:  # noqa: N803 - boto3's names
        assert FunctionName == "ledgerline-PdfRendererFunction" and InvocationType == "RequestResponse"
        request = json.loads(Payload)
        self.requests.append(request)
        answer = handler("pdf_renderer")(request, LambdaContext())
        return {"StatusCode": 200, "Payload": BytesIO(json.dumps(answer).encode())}


@pytest.fixture
def renderer_function(monkeypatch) -> Iterator[RendererFunction]:
    from ledgerline.pdf import renderer_function as remote
    from ledgerline.settings import configure, get_settings

    before = get_settings().pdf_renderer_function
    function = RendererFunction()
    monkeypatch.setattr(remote, "lambda_client", lambda: function)
    configure(pdf_renderer_function="ledgerline-PdfRendererFunction")
    yield function
    configure(pdf_renderer_function=before)


def test_in_aws_a_pdf_not_made_yet_is_rendered_by_the_renderer_function_and_then_kept(books: Books, s3_store,
                                                                                      renderer_function):
    invoice = books.posted(books.customer())  # no bus here: nothing rendered it yet
    key_id = find_by_digest(digest(books.headers["Authorization"].split()[1])).id
    event = load_event("api/get_invoice_pdf.json", tenant_id=books.tenant_id, key_id=key_id,
                       invoice_id=invoice["id"])
    response = handler("invoices")(event, LambdaContext())
    assert response["statusCode"] == 200, response["body"]
    # The invoices function asked the renderer function for exactly this document, once
    assert renderer_function.requests == [{"render": {"tenant_id": books.tenant_id, "kind": "invoice",
                                                      "id": invoice["id"]}}]
    body = json.loads(response["body"])
    key = f"{books.tenant_id}/invoice/{invoice['id']}/{body['sha256']}.pdf"
    assert key in body["url"] and invoice["number"] in text_of(
        s3_store.client.get_object(Bucket="ledgerline-documents", Key=key)["Body"].read())[1]
    # Asked again (or rendered by the bus meanwhile), the kept file answers: no second render
    again = handler("invoices")(load_event("api/get_invoice_pdf.json", tenant_id=books.tenant_id, key_id=key_id,
                                           invoice_id=invoice["id"]), LambdaContext())
    assert json.loads(again["body"])["sha256"] == body["sha256"] and len(renderer_function.requests) == 1


def test_a_render_request_for_a_withdrawn_or_unknown_document_renders_nothing(books: Books, store):
    answer = handler("pdf_renderer")({"render": {"tenant_id": books.tenant_id, "kind": "reminder",
                                                 "id": "rem_01K0000000000000000000000"}}, LambdaContext())
    assert answer == {"rendered": False, "reason": "not_found"} and store.objects == {}
    answer = handler("pdf_renderer")({"render": {"tenant_id": books.tenant_id, "kind": "quote", "id": "x"}},
                                     LambdaContext())
    assert answer["rendered"] is False and store.objects == {}
