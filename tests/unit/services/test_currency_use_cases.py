"""A tenant's currencies (issue 16, part X) on the in-memory unit of work: the base currency always there,
rounding steps from ISO 4217 (CHF cash 0.05), PATCH, disable."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from ledgerline.domain.currencies import check_step, default_steps
from ledgerline.domain.errors import AlreadyExists, Conflict, NotFound, ValidationFailed
from ledgerline.services import currencies


@pytest.fixture(autouse=True)
def listed(books, monkeypatch):
    """The list is a query the in-memory table does not answer: answered from its items here."""
    from ledgerline.store.currencies import CurrencySetting

    def list_currencies(tenant_id, *, enabled, **_):  # noqa: ANN001, ANN202
        found = [CurrencySetting.from_raw_data(data) for (pk, sk), data in sorted(books.table.items.items())
                 if pk == f"T#{tenant_id}" and sk.startswith("CURRENCY#")]
        return type("Page", (), {"items": [c for c in found if enabled is None or c.enabled == enabled],
                                 "next_key": None})

    monkeypatch.setattr(currencies.currency_store, "list_currencies", list_currencies)


def listing(books, enabled=None):
    return [c["code"] for c in currencies.list_currencies(books.tenant_id, enabled=enabled, limit=100,
                                                            start_key=None)[0]]


def test_steps_default_to_the_minor_unit_and_chf_cash_to_five_rappen():
    assert default_steps("EUR") == (D("0.01"), None)
    assert default_steps("JPY") == (D("1"), None)
    assert default_steps("KWD") == (D("0.001"), None)
    assert default_steps("CHF") == (D("0.01"), D("0.05"))


@pytest.mark.parametrize(("currency", "step"), [("EUR", "0.001"), ("JPY", "0.5"), ("EUR", "0"), ("EUR", "-0.05"),
                                                ("EUR", "1000")])
def test_a_step_finer_than_the_minor_unit_or_not_positive_is_refused(currency, step):
    with pytest.raises(ValidationFailed) as caught:
        check_step(currency, D(step), "rounding_step")
    assert caught.value.param == "rounding_step"


def test_the_base_currency_is_always_listed_first_and_cannot_be_disabled_or_created(books):
    assert listing(books) == ["AUD"]
    base = currencies.get_currency(books.tenant_id, "AUD")
    assert (base["is_base"], base["enabled"], base["rounding_step"], base["minor_units"]) == (True, True, "0.01", 2)
    with pytest.raises(AlreadyExists):
        currencies.create(books.tenant_id, {"code": "AUD"})
    with pytest.raises(Conflict):
        currencies.disable(books.tenant_id, "AUD", None)
    changed = currencies.update(books.tenant_id, "AUD", {"cash_rounding_step": D("0.05")}, None)
    assert (changed["cash_rounding_step"], changed["version"]) == ("0.05", 1)
    assert listing(books) == ["AUD"]


def test_a_currency_is_enabled_changed_and_disabled_with_its_events(books):
    chf = currencies.create(books.tenant_id, {"code": "CHF", "name": "Swiss franc"})
    assert (chf["id"], chf["rounding_step"], chf["cash_rounding_step"], chf["enabled"]) == ("CHF", "0.01", "0.05",
                                                                                          True)
    currencies.create(books.tenant_id, {"code": "EUR", "rounding_step": D("0.05")})
    assert listing(books) == ["AUD", "CHF", "EUR"]
    with pytest.raises(AlreadyExists):
        currencies.create(books.tenant_id, {"code": "CHF"})
    with pytest.raises(ValidationFailed):
        currencies.update(books.tenant_id, "CHF", {"rounding_step": D("0.001")}, None)
    updated = currencies.update(books.tenant_id, "CHF", {"cash_rounding_step": None, "name": "Franc"}, 1)
    assert (updated["cash_rounding_step"], updated["name"], updated["version"]) == (None, "Franc", 2)
    disabled = currencies.disable(books.tenant_id, "CHF", None)
    assert disabled["enabled"] is False
    assert listing(books, enabled=True) == ["AUD", "EUR"] and listing(books, enabled=False) == ["CHF"]
    assert currencies.update(books.tenant_id, "CHF", {"enabled": True}, None)["enabled"] is True
    assert books.table.event_types(books.tenant_id) == [
        "currency.created", "currency.created", "currency.updated", "currency.disabled", "currency.updated"]
    with pytest.raises(NotFound):
        currencies.get_currency(books.tenant_id, "USD")
    with pytest.raises(NotFound):
        currencies.disable(books.tenant_id, "USD", None)
