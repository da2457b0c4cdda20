"""Issue 11 (security), items 18 to 21, against the local app and DynamoDB Local."""

from __future__ import annotations

import base64
import json

import pytest

from ledgerline.api.pagination import _signature


def forged_cursor(key: object, tenant_id: str, path: str) -> str:
    """What anyone holding the signing secret could send: a correctly signed cursor around any key."""
    payload = json.dumps({"k": key, "t": tenant_id, "p": path}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=") + "." + _signature(payload)


# ------------------------------------------------------------------------- 20: cursors


@pytest.mark.parametrize("key", [
    {"PK": {"S": "T#{tid}"}},                                   # no sort key
    {"PK": {"S": "T#{tid}"}, "SK": {"S": "ZZZ#outside"}},       # outside the list's key range
    {"PK": {"S": "T#{tid}"}, "SK": {"N": "1"}},                 # wrong attribute type
    {"PK": "T#{tid}", "SK": "PARTY#x"},                         # not attribute values
    {"PK": {"S": "T#{tid}"}, "SK": {"S": "PARTY#x"}, "GSI1PK": {"S": "x"}},  # another index's key
])
def test_a_well_signed_cursor_of_the_wrong_shape_is_a_400_not_a_500(api, tenant, key):
    key = json.loads(json.dumps(key).replace("{tid}", tenant.tenant_id))
    response = api.get(f"/v1/parties?cursor={forged_cursor(key, tenant.tenant_id, '/v1/parties')}",
                       headers=tenant.headers)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "invalid_cursor"


@pytest.mark.parametrize("state", [
    {"key": {"PK": {"S": "x"}, "SK": {"S": "y"}}},                                     # no running balance
    {"key": "nope", "running": "0", "account_id": "{account}"},
    {"key": {"PK": {"S": "T#{tid}#LEDGER#{account}"}, "SK": {"S": "2026"}}, "running": "lots",
     "account_id": "{account}"},
    {"key": {"PK": {"S": "T#{tid}#LEDGER#{account}"}, "SK": {"S": "2026"}}, "running": ["1"],
     "account_id": "{account}"},
])
def test_a_well_signed_general_ledger_cursor_of_the_wrong_shape_is_a_400(api, tenant, state):
    accounts = api.get("/v1/accounts?limit=100", headers=tenant.headers).json()["data"]
    account = next(a["id"] for a in accounts if a["code"] == "1010")
    state = json.loads(json.dumps(state).replace("{tid}", tenant.tenant_id).replace("{account}", account))
    cursor = forged_cursor(state, tenant.tenant_id, "/v1/reports/general-ledger")
    response = api.get(f"/v1/reports/general-ledger?account_id={account}&cursor={cursor}", headers=tenant.headers)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "invalid_cursor"
