"""The API functions' call of the PDF renderer function (pdf/renderer_function.py): the Invoke request as
Lambda's API takes it, and a failed render as a 503 (botocore's Stubber checks the request against the
Lambda API model; Lambda has no local equivalent)."""

from __future__ import annotations

import json
from io import BytesIO

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from ledgerline.domain.errors import ServiceUnavailable
from ledgerline.pdf import renderer_function as remote


@pytest.fixture
def stubbed(monkeypatch):
    client = boto3.client("lambda", region_name="eu-central-1", aws_access_key_id="x", aws_secret_access_key="x")
    monkeypatch.setattr(remote, "lambda_client", lambda: client)
    with Stubber(client) as stubber:
        yield stubber


def body(data: dict) -> StreamingBody:
    raw = json.dumps(data).encode()
    return StreamingBody(BytesIO(raw), len(raw))


def request(document_id: str = "inv_1") -> dict:
    payload = {"render": {"tenant_id": "ten_1", "kind": "invoice", "id": document_id}}
    return {"FunctionName": "ledgerline-PdfRendererFunction", "InvocationType": "RequestResponse",
            "Payload": json.dumps(payload).encode()}


def test_the_renderer_is_invoked_synchronously_with_the_document_and_its_answer_returned(stubbed):
    stubbed.add_response("invoke", {"StatusCode": 200, "Payload": body({"rendered": True, "sha256": "ab"})},
                         request())
    answer = remote.render_in_renderer("ledgerline-PdfRendererFunction", "ten_1", "invoice", "inv_1")
    assert answer == {"rendered": True, "sha256": "ab"}


def test_a_render_that_failed_in_the_renderer_is_a_503_to_retry(stubbed):
    stubbed.add_response("invoke", {"StatusCode": 200, "FunctionError": "Unhandled",
                                    "Payload": body({"errorMessage": "boom"})}, request())
    with pytest.raises(ServiceUnavailable):
        remote.render_in_renderer("ledgerline-PdfRendererFunction", "ten_1", "invoice", "inv_1")


def test_a_renderer_that_cannot_be_invoked_is_a_503_to_retry(stubbed):
    stubbed.add_client_error("invoke", "TooManyRequestsException", http_status_code=429, expected_params=request())
    with pytest.raises(ServiceUnavailable):
        remote.render_in_renderer("ledgerline-PdfRendererFunction", "ten_1", "invoice", "inv_1")
