"""The app factory's one error mapping, without any I/O."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.testclient import TestClient

from ledgerline.api.app import create_app
from ledgerline.domain.errors import Conflict

router = APIRouter()


@router.get("/boom")
def boom() -> None:
    raise RuntimeError("a bug")


@router.get("/conflict")
def conflict() -> None:
    raise Conflict("Cannot do that now", param="status", code="invalid_state")


client = TestClient(create_app(router), raise_server_exceptions=False)


def test_an_unexpected_error_is_a_500_envelope_with_the_request_id():
    response = client.get("/boom", headers={"X-Request-ID": "req-123"})
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "req-123"
    error = response.json()["error"]
    assert (error["type"], error["code"], error["request_id"]) == ("api_error", "internal_error", "req-123")
    assert "a bug" not in response.text


def test_domain_errors_map_to_their_status_with_param_and_code():
    response = client.get("/conflict")
    assert response.status_code == 409
    error = response.json()["error"]
    assert (error["code"], error["param"], error["message"]) == ("invalid_state", "status", "Cannot do that now")
    assert response.headers["X-Request-ID"] == error["request_id"]
