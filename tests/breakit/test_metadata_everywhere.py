"""Issue 20: `metadata` on every object users create, swept over the OpenAPI document so a new kind cannot
forget it.

- Every creating POST of an object (201, a JSON body) takes `metadata`, and the object it answers with shows it.
- Every `PATCH /v1/<kind>/{id}` takes `metadata`: on an object of each kind, made by the break-it factories in
  whatever status they leave it (posted, issued, paid…), a PATCH of metadata alone merges it (`""` removes a
  key), shows it on GET, raises the version and records the kind's `.updated` event carrying it; another
  tenant's id is a 404 and changes nothing.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from ledgerline.domain.events import EventType
from ledgerline.store.events import list_events
from tests.breakit.conftest import new_tenant
from tests.breakit.objects import TenantObjects

# Creating routes whose object is not one users annotate, each with the reason.
NO_METADATA = {
    "/v1/api-keys": "a credential, not business data (Stripe keys have none either)",
    "/v1/bulk/": "a batch of other objects: each object of the batch takes its own metadata",
    "/v1/tenants": "the tenant is the account itself",
    "/v1/files/uploads": "an upload session; the file it makes takes metadata",
    "/v1/periods/": "an operation on the books (year close, revaluation), not an object",
    "/v1/einvoices/validate": "a check, nothing is stored",
    "/v1/bills/import": "makes a bill from an e-invoice; the bill is PATCHed afterwards",
    "/v1/vat-periods": "closing a VAT period is an operation on the books; its settlement entry takes metadata",
    "/v1/currencies": "reference data (a currency's rounding), not a business object",
    "/v1/exchange-rates": "reference data (a rate of a day), not a business object",
}


@pytest.fixture(scope="module")
def openapi(api) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return api.get("/openapi.json").json()


def _schema(openapi: dict[str, Any], ref: dict[str, Any] | None) -> dict[str, Any]:
    while ref and "$ref" in ref:
        ref = openapi["components"]["schemas"][ref["$ref"].rsplit("/", 1)[-1]]
    if ref and "anyOf" in ref:  # `X | None` bodies
        ref = next(_schema(openapi, option) for option in ref["anyOf"] if option.get("type") != "null")
    return ref or {}


def _json_body(openapi: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    content = operation.get("requestBody", {}).get("content", {})
    return _schema(openapi, content.get("application/json", {}).get("schema"))


def _excluded(path: str) -> bool:
    # `POST /v1/<kind>/{id}/<action>` acts on an object (post, reverse, deliver…); what it makes is PATCHed after
    return "{" in path or any(path.startswith(prefix) for prefix in NO_METADATA)


def test_every_creating_post_takes_and_shows_metadata(openapi) -> None:  # type: ignore[no-untyped-def]
    missing = []
    for path, methods in openapi["paths"].items():
        operation = methods.get("post")
        if operation is None or "201" not in operation.get("responses", {}) or _excluded(path):
            continue
        body = _json_body(openapi, operation)
        if body.get("type") != "object" and "properties" not in body:
            continue  # multipart uploads are checked by their own tests
        answer = _schema(openapi, operation["responses"]["201"].get("content", {})
                         .get("application/json", {}).get("schema"))
        if "metadata" not in body.get("properties", {}):
            missing.append(f"POST {path}: body has no metadata")
        if answer and "metadata" not in answer.get("properties", {}):
            missing.append(f"POST {path}: {answer.get('title')} shows no metadata")
    assert missing == []


def _patch_paths(openapi: dict[str, Any]) -> list[str]:
    return sorted(path for path, methods in openapi["paths"].items()
                  if "patch" in methods and re.fullmatch(r"/v1/[a-z-]+/\{id\}", path) and not _excluded(path[:-5]))


def test_every_patch_of_an_object_takes_metadata(openapi) -> None:  # type: ignore[no-untyped-def]
    lacking = [path for path in _patch_paths(openapi)
               if "metadata" not in _json_body(openapi, openapi["paths"][path]["patch"]).get("properties", {})]
    assert lacking == []


def test_metadata_changes_on_an_object_of_every_kind_whatever_its_status(api, openapi) -> None:  # type: ignore[no-untyped-def]
    owner = TenantObjects(api, new_tenant("Metadata Owner"), "owner")
    other = new_tenant("Metadata Stranger")
    checked = []
    for path in _patch_paths(openapi):
        prefix = path.removesuffix("/{id}")
        object_id = owner.ids_for(prefix)[0]
        before = owner.get(f"{prefix}/{object_id}")
        first = owner.call("PATCH", f"{prefix}/{object_id}", {"metadata": {"crm": "C-1", "batch": "7"}})
        assert first["metadata"] == {"crm": "C-1", "batch": "7"}, path
        changed = owner.call("PATCH", f"{prefix}/{object_id}", {"metadata": {"batch": ""}})
        assert changed["metadata"] == {"crm": "C-1"}, path
        assert changed["version"] == before["version"] + 2, path
        shown = owner.get(f"{prefix}/{object_id}")
        assert shown["metadata"] == {"crm": "C-1"}, path
        unchanged = {k: v for k, v in before.items() if k not in ("metadata", "version", "updated_at")}
        assert {k: v for k, v in shown.items() if k in unchanged} == unchanged, path
        # another tenant's key cannot change it, nor learn that it exists
        response = api.request("PATCH", f"{prefix}/{object_id}", json={"metadata": {"x": "y"}},
                               headers=other.headers)
        assert response.status_code == 404, (path, response.text)
        assert owner.get(f"{prefix}/{object_id}")["metadata"] == {"crm": "C-1"}, path
        checked.append(shown.get("object", prefix))
    events = [e for e in list_events(owner.tenant.tenant_id, limit=5000) if e.type.endswith(".updated")]
    carried = {e.type.removesuffix(".updated") for e in events if json.loads(e.data).get("metadata") == {"crm": "C-1"}}
    for kind in checked:
        if f"{kind}.updated" not in {t.value for t in EventType}:
            continue  # webhook endpoints are configuration: no event
        assert kind in carried, f"no {kind}.updated event carries the new metadata"
    assert len(checked) >= 15


def test_every_expandable_reference_of_every_kind_expands(api, openapi) -> None:  # type: ignore[no-untyped-def]
    """Each GET of one object that declares expansions (`x-ledgerline-expand`) inlines each reference of an
    object made by the break-it factories as the referenced object itself (its id), or null where it names none."""
    owner = TenantObjects(api, new_tenant("Expand Owner"), "owner")
    expanded = 0
    for path, methods in sorted(openapi["paths"].items()):
        declared = methods.get("get", {}).get("x-ledgerline-expand")
        if not declared or not path.endswith("/{id}"):
            continue
        prefix = path.removesuffix("/{id}")
        for object_id in owner.ids_for(prefix):
            plain = owner.get(f"{prefix}/{object_id}")
            body = owner.get(f"{prefix}/{object_id}?expand={','.join(declared)}")
            for name in declared:
                within, _, into = name.rpartition(".")
                holders = body.get(within) or [] if within else [body]
                plain_holders = plain.get(within) or [] if within else [plain]
                for holder, before in zip(holders, plain_holders, strict=True):
                    reference = before.get(f"{into}_id")
                    if reference is None:
                        assert holder[into] is None, (path, name)
                    else:
                        assert holder[into] is not None and holder[into]["id"] == reference, (path, name, reference)
                        expanded += 1
    assert expanded >= 15


def test_every_list_that_declares_expansions_expands_its_items(api, openapi) -> None:  # type: ignore[no-untyped-def]
    """A list route with `x-ledgerline-expand` inlines each item's references, as GET of the item does."""
    owner = TenantObjects(api, new_tenant("Expand Lists Owner"), "owner")
    lists = 0
    for path, methods in sorted(openapi["paths"].items()):
        declared = methods.get("get", {}).get("x-ledgerline-expand")
        if not declared or path.endswith("}"):
            continue
        owner.ids_for(path)  # objects of the kind exist
        page = owner.get(f"{path}?limit=100&expand={','.join(declared)}")
        assert page["data"], path
        for item in page["data"]:
            one = owner.get(f"{path}/{item['id']}?expand={','.join(declared)}")
            assert item == one, (path, item["id"])
        lists += 1
    assert lists >= 10
