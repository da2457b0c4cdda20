"""Typed settings: environment first, `configure` overrides for the process, cached between calls."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ledgerline import settings as settings_module
from ledgerline.settings import Settings, configure, get_settings

REAL_SECRET = "x7Kq2Lw9Rt4Yp8Zm3Nb6Vc1Hd5Gf0Js2Ae7Ui4Oo9"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ("LEDGERLINE_ENVIRONMENT", "LEDGERLINE_TABLE_NAME", "LEDGERLINE_DYNAMODB_ENDPOINT",
                 "LEDGERLINE_DYNAMODB_PORT", "LEDGERLINE_API_KEY_PREFIX", "AWS_REGION", "LEDGERLINE_CURSOR_SECRET"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def restore_overrides():
    """`configure` changes the whole process; put back whatever the session configured before."""
    saved = dict(settings_module._overrides)
    yield
    settings_module._overrides.clear()
    settings_module._overrides.update(saved)
    get_settings.cache_clear()


def test_local_defaults_point_at_dynamodb_local_on_the_configured_port(monkeypatch):
    assert Settings().dynamodb_endpoint == "http://127.0.0.1:8000"
    monkeypatch.setenv("LEDGERLINE_DYNAMODB_PORT", "8123")
    assert Settings().dynamodb_endpoint == "http://127.0.0.1:8123"
    assert Settings().is_local


def test_in_aws_there_is_no_endpoint_unless_one_is_given(monkeypatch):
    monkeypatch.setenv("LEDGERLINE_ENVIRONMENT", "aws")
    monkeypatch.setenv("LEDGERLINE_CURSOR_SECRET", REAL_SECRET)
    monkeypatch.setenv("AWS_REGION", "ap-southeast-2")
    settings = Settings()
    assert settings.dynamodb_endpoint is None and not settings.is_local
    assert settings.region == "ap-southeast-2"


def test_an_explicit_endpoint_wins(monkeypatch):
    monkeypatch.setenv("LEDGERLINE_DYNAMODB_ENDPOINT", "http://db:9000")
    assert Settings().dynamodb_endpoint == "http://db:9000"


def test_invalid_settings_are_refused_once_at_load(monkeypatch):
    monkeypatch.setenv("LEDGERLINE_ENVIRONMENT", "staging")
    with pytest.raises(ValidationError):
        Settings()


def test_settings_are_frozen():
    with pytest.raises(ValidationError):
        Settings().table_name = "other"  # type: ignore[misc]


def test_the_cursor_secret_is_not_printed():
    assert "local-development-cursor-secret" not in repr(Settings())


def test_configure_overrides_and_the_result_is_cached(restore_overrides):
    # When the process is configured
    configured = configure(table_name="unit-table", api_key_prefix="ll_test_")
    # Then get_settings returns that very object until the next configure
    assert get_settings() is configured
    assert (configured.table_name, configured.api_key_prefix) == ("unit-table", "ll_test_")
    # And a later configure keeps earlier overrides while adding new ones
    again = configure(dynamodb_port=8999)
    assert again is get_settings() and again is not configured
    assert again.table_name == "unit-table" and again.dynamodb_port == 8999


def test_configure_beats_the_environment(monkeypatch, restore_overrides):
    monkeypatch.setenv("LEDGERLINE_TABLE_NAME", "from-env")
    assert configure(table_name="from-configure").table_name == "from-configure"


def test_configure_validates(restore_overrides):
    with pytest.raises(ValidationError):
        configure(environment="staging")


@pytest.mark.parametrize("secret", [None, "local-development-cursor-secret", "short-but-not-the-default"])
def test_outside_the_local_runtime_a_development_cursor_secret_refuses_to_start(monkeypatch, secret):
    # Issue 11.20: whoever knows the cursor secret can forge cursors, so AWS never runs on the default.
    monkeypatch.setenv("LEDGERLINE_ENVIRONMENT", "aws")
    if secret is not None:
        monkeypatch.setenv("LEDGERLINE_CURSOR_SECRET", secret)
    with pytest.raises(ValidationError, match="LEDGERLINE_CURSOR_SECRET"):
        Settings()
    monkeypatch.setenv("LEDGERLINE_CURSOR_SECRET", REAL_SECRET)
    assert not Settings().is_local
    monkeypatch.setenv("LEDGERLINE_ENVIRONMENT", "local")
    monkeypatch.delenv("LEDGERLINE_CURSOR_SECRET")
    assert Settings().is_local  # the development default is fine locally


def test_a_lambda_handler_refuses_to_start_on_a_development_secret(monkeypatch, restore_overrides):
    from ledgerline.observability import instrument

    # Given a function configured for AWS without a cursor secret
    settings_module._overrides.pop("cursor_secret", None)
    settings_module._overrides.update(environment="aws", dynamodb_endpoint="http://127.0.0.1:1")
    get_settings.cache_clear()
    # Then wrapping its handler (module import, i.e. the Lambda init phase) fails, before any request
    with pytest.raises(ValidationError, match="LEDGERLINE_CURSOR_SECRET"):
        instrument(lambda event, context: None)
    configure(cursor_secret=REAL_SECRET)
    instrument(lambda event, context: None)
