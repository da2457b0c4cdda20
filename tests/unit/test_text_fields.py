"""No input text holds NUL or another control character; `Text` fields may hold tabs and line breaks
(issue 11.19). One rule in schemas/common.Input, so every request model has it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from pydantic import ValidationError

import ledgerline.schemas as schemas_package
from ledgerline.schemas.api_keys import ApiKeyCreate
from ledgerline.schemas.common import Input
from ledgerline.schemas.documents import InvoiceCreate
from ledgerline.schemas.parties import PartyCreate
from ledgerline.schemas.reminders import DunningPolicyUpdate
from ledgerline.schemas.tenant import TenantUpdate
from ledgerline.schemas.webhooks import WebhookCreate

CONTROLS = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b"]


def refusal(model, body) -> tuple[tuple, str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(body)
    problem = caught.value.errors()[0]
    return problem["loc"], problem["msg"]


@pytest.mark.parametrize("char", CONTROLS + ["\n", "\r", "\t"])
def test_one_line_fields_refuse_every_control_character(char):
    loc, message = refusal(PartyCreate, {"name": f"Acme{char}Corp"})
    assert loc == ("name",) and f"U+{ord(char):04X}" in message


@pytest.mark.parametrize("char", CONTROLS)
def test_multi_line_fields_refuse_controls_but_keep_tabs_and_line_breaks(char):
    body = {"customer_id": "pty_1", "notes": "Thanks!\r\nPay within\t14 days", "lines": [{"description": "a\nb"}]}
    assert InvoiceCreate.model_validate(body).notes == "Thanks!\r\nPay within\t14 days"
    assert refusal(InvoiceCreate, {**body, "notes": f"x{char}y"})[0] == ("notes",)
    assert refusal(InvoiceCreate, {**body, "lines": [{"description": f"x{char}y"}]})[0] == ("lines", 0, "description")


def test_nested_lists_and_plain_models_are_checked_and_named():
    loc, message = refusal(ApiKeyCreate, {"name": "k", "scopes": ["admin", "parties:read\x00"]})
    assert loc == ("scopes",) and message.startswith("Value error, 1:")
    loc, message = refusal(PartyCreate, {"name": "Acme", "address": {"line1": "1 Main St\x00"}})
    assert loc == ("address",) and "line1:" in message
    loc, message = refusal(TenantUpdate, {"bank_details": {"iban": "DE89\x00"}})
    assert loc == ("bank_details",) and "iban:" in message
    levels = [{"days_after_due": 7, "title": "First\nreminder", "message": "Please pay"}]
    assert refusal(DunningPolicyUpdate, {"levels": levels})[0] == ("levels", 0, "title")
    # a required Text field (pydantic keeps its marker on the field, not in the annotation) is multi-line too
    levels = [{"days_after_due": 7, "title": "First reminder", "message": "Dear customer,\n\nplease pay."}]
    assert DunningPolicyUpdate.model_validate({"levels": levels}).levels[0].message == "Dear customer,\n\nplease pay."
    levels[0]["message"] = "Please pay\x00"
    assert refusal(DunningPolicyUpdate, {"levels": levels})[0] == ("levels", 0, "message")
    assert refusal(WebhookCreate, {"url": "https://x.example/\r\nHost: evil", "events": ["*"]})[0] == ("url",)


def test_printable_unicode_is_fine():
    assert PartyCreate.model_validate({"name": "Zürich 株式会社 – ünïcødé 🙂"}).name == "Zürich 株式会社 – ünïcødé 🙂"


def test_every_request_model_is_an_input_and_so_has_the_rule():
    for info in pkgutil.iter_modules(schemas_package.__path__):
        module = importlib.import_module(f"ledgerline.schemas.{info.name}")
        for name, model in inspect.getmembers(module, inspect.isclass):
            if name.endswith(("Create", "Update", "In", "Request")) and model.__module__ == module.__name__:
                assert issubclass(model, Input), f"{module.__name__}.{name} is a request model but not an Input"
