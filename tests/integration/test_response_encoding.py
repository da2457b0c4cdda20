"""Issue 20, item 7 in Lambda: through Mangum with API Gateway (REST) events, a response over 1 KB is gzipped when
the client accepts it and comes back base64-encoded with `Content-Encoding: gzip`; smaller ones and clients that
do not accept gzip get plain bodies. Every response carries `X-Response-Time` and `Ledgerline-Version`, and the
version pinned to the key arrives in the authorizer's context."""

from __future__ import annotations

import base64
import gzip
import importlib
import json
from typing import Any

from ledgerline.domain.api_keys import digest
from ledgerline.domain.api_versions import LATEST, ORIGINAL
from ledgerline.store.api_keys import find_by_digest
from tests.conftest import load_event
from tests.integration.books import Books
from tests.lambda_context import LambdaContext


def invoke(module: str, event_file: str, books: Books, *, headers: dict[str, str] | None = None,
           api_version: str | None = None, party_id: str = "") -> dict[str, Any]:
    handler = importlib.import_module(f"functions.{module}.app").handler
    key_id = find_by_digest(digest(books.headers["Authorization"].removeprefix("Bearer "))).id
    request = load_event(f"api/{event_file}", tenant_id=books.tenant_id, key_id=key_id, party_id=party_id)
    request["headers"].update(headers or {})
    if api_version is not None:
        request["requestContext"]["authorizer"]["api_version"] = api_version
    return handler(request, LambdaContext())


def lowered(response: dict[str, Any]) -> dict[str, str]:
    headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers[name.lower()] = values[0] if isinstance(values, list) else values
    return headers


def test_a_list_over_1kb_is_gzipped_and_base64_encoded_when_the_client_accepts_gzip(books):
    for number in range(12):
        books.customer(f"Customer {number:02d} with a name long enough to fill a kilobyte quickly")
    plain = invoke("parties", "list_parties.json", books)
    zipped = invoke("parties", "list_parties.json", books, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert plain["statusCode"] == zipped["statusCode"] == 200
    assert plain["isBase64Encoded"] is False and "content-encoding" not in lowered(plain)
    assert len(plain["body"]) > 1024
    headers = lowered(zipped)
    assert zipped["isBase64Encoded"] is True and headers["content-encoding"] == "gzip"
    assert headers["content-type"].startswith("application/json") and "accept-encoding" in headers["vary"].lower()
    assert json.loads(gzip.decompress(base64.b64decode(zipped["body"]))) == json.loads(plain["body"])
    for response in (plain, zipped):
        assert float(lowered(response)["x-response-time"]) >= 0
        assert lowered(response)["ledgerline-version"] == ORIGINAL  # the event's authorizer names no version


def test_a_small_response_is_not_gzipped_even_when_accepted(books):
    party = books.customer("Small Co")
    response = invoke("parties", "get_party.json", books, headers={"Accept-Encoding": "gzip"}, party_id=party)
    assert response["statusCode"] == 200, response["body"]
    assert response["isBase64Encoded"] is False and "content-encoding" not in lowered(response)
    assert json.loads(response["body"])["id"] == party and "x-response-time" in lowered(response)


def test_the_authorizers_api_version_answers_and_transforms_through_mangum(books):
    party = books.customer("Versioned Co")
    event = {"party_id": party}
    pinned = invoke("parties", "get_party.json", books, api_version=LATEST, **event)
    header = invoke("parties", "get_party.json", books, api_version=LATEST, headers={"Ledgerline-Version": ORIGINAL},
                    **event)
    bad = invoke("parties", "get_party.json", books, headers={"Ledgerline-Version": "2020-02-02"}, **event)
    assert lowered(pinned)["ledgerline-version"] == LATEST and lowered(header)["ledgerline-version"] == ORIGINAL
    assert bad["statusCode"] == 400 and json.loads(bad["body"])["error"]["param"] == "Ledgerline-Version"
