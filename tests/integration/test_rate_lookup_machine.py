"""Random rates added and deleted in several currencies against DynamoDB Local (issue 16, part X): at every
step the named read `rate_on` (one descending query on the rates' sort key) answers what a plain model says,
the latest rate of the currency on or before the day, for days before, between, on and after the rates."""

from __future__ import annotations

from contextlib import suppress
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from ledgerline.domain.errors import Conflict
from ledgerline.services import exchange_rates
from ledgerline.services.tenants import create_tenant
from ledgerline.store.exchange_rates import rate_on

START = date(2025, 12, 25)
days = st.integers(0, 20).map(lambda n: START + timedelta(days=n))
currencies = st.sampled_from(["CHF", "EUR", "GBP"])  # EUR sorts between the others
rates = st.decimals(min_value=Decimal("0.5"), max_value=Decimal("2"), places=4, allow_nan=False)
PROBES = [START - timedelta(days=1), *(START + timedelta(days=n) for n in range(0, 22, 3)), date(2099, 1, 1)]


class RateBook(RuleBasedStateMachine):
    @initialize()
    def open_books(self) -> None:
        tenant, _ = create_tenant(name="Rates Ltd", base_currency="AUD", country="AU")
        self.tenant = tenant.id
        self.model: dict[tuple[str, date], Decimal] = {}

    @rule(currency=currencies, day=days, rate=rates)
    def add(self, currency: str, day: date, rate: Decimal) -> None:
        try:
            exchange_rates.create(self.tenant, {"currency": currency, "date": day, "rate": rate})
        except Conflict:
            assert (currency, day) in self.model
            return
        assert (currency, day) not in self.model
        self.model[(currency, day)] = rate

    @rule(currency=currencies, day=days)
    def delete(self, currency: str, day: date) -> None:
        with suppress(LookupError):
            self.model.pop((currency, day))
            exchange_rates.delete(self.tenant, f"{currency}-{day.isoformat()}", None)

    @invariant()
    def the_lookup_is_the_latest_on_or_before(self) -> None:
        if not hasattr(self, "tenant"):
            return
        for currency in ("CHF", "EUR", "GBP", "USD"):
            for probe in PROBES:
                known = [d for (c, d) in self.model if c == currency and d <= probe]
                found = rate_on(self.tenant, currency, probe)
                if not known:
                    assert found is None, (currency, probe)
                else:
                    latest = max(known)
                    assert (found.date, Decimal(found.rate)) == (latest, self.model[(currency, latest)])


RateBook.TestCase.settings = settings(max_examples=6, stateful_step_count=10, deadline=None,
                                      suppress_health_check=[HealthCheck.too_slow])
test_the_rate_lookup_is_the_latest_on_or_before_the_day = RateBook.TestCase
