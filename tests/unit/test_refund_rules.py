"""Refund rules: which credit a refund draws on, its journal lines, and a customer's balance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain.errors import ValidationFailed
from ledgerline.domain.posting import Conversion, SystemAccounts, refund_lines
from ledgerline.domain.refunds import MAX_SOURCES, Credit, OpenInvoice, party_totals, take_credit

ACCOUNTS = SystemAccounts("AR", "CREDIT", "ROUND", "FX", "RE")
DAY = date(2026, 6, 30)


def credit(source_id: str, amount: str, day: date = date(2026, 6, 1), currency: str = "AUD", rate: str = "1",
           source_type: str = "receipt") -> Credit:
    return Credit(source_type, source_id, day, currency, D(amount), D(rate))


def field_of(error: pytest.ExceptionInfo[ValidationFailed]) -> str | None:
    return error.value.param


def test_draws_on_the_oldest_credit_first_and_stops_when_paid():
    credits = [credit("b", "50", date(2026, 6, 10)), credit("a", "100", date(2026, 6, 1)),
               credit("c", "30", date(2026, 6, 20), source_type="credit_note")]
    takes = take_credit(credits, amount=D("120"), currency="AUD", day=DAY, base_currency="AUD")
    assert [(t.credit.source_id, t.amount) for t in takes] == [("a", D("100")), ("b", D("20"))]


def test_only_credit_in_the_currency_and_held_on_the_day_counts():
    credits = [credit("a", "100", date(2026, 7, 1)), credit("b", "40"), credit("c", "500", currency="USD", rate="1.5")]
    with pytest.raises(ValidationFailed) as later:
        take_credit(credits, amount=D("41"), currency="AUD", day=DAY, base_currency="AUD")
    assert field_of(later) == "amount" and "40.00 AUD" in later.value.message
    assert len(take_credit(credits, amount=D("40"), currency="AUD", day=DAY, base_currency="AUD")) == 1


def test_a_currency_the_customer_holds_no_credit_in_is_a_currency_error():
    with pytest.raises(ValidationFailed) as error:
        take_credit([credit("a", "100")], amount=D("1"), currency="USD", day=DAY, base_currency="AUD")
    assert field_of(error) == "currency"
    with pytest.raises(ValidationFailed) as nothing:
        take_credit([], amount=D("1"), currency="USD", day=DAY, base_currency="AUD")
    assert field_of(nothing) == "amount"


@pytest.mark.parametrize(("amount", "currency", "day", "field"), [
    ("100.01", "AUD", DAY, "amount"),
    ("1", "USD", DAY, "currency"),
    ("1", "AUD", date(2026, 5, 31), "date"),
])
def test_a_named_source_checks_its_own_amount_currency_and_date(amount, currency, day, field):
    with pytest.raises(ValidationFailed) as error:
        take_credit([credit("a", "100")], amount=D(amount), currency=currency, day=day, base_currency="AUD",
                    named_source=True)
    assert field_of(error) == field


def test_credit_leaves_at_the_rate_it_was_booked_at():
    (take,) = take_credit([credit("a", "100", currency="USD", rate="1.5")], amount=D("33.33"), currency="USD",
                          day=DAY, base_currency="AUD")
    assert take.base_amount == D("50.00")  # 33.33 x 1.5 = 49.995, rounded


def test_too_many_sources_is_refused():
    credits = [credit(f"r{i:02d}", "1") for i in range(MAX_SOURCES + 1)]
    assert len(take_credit(credits, amount=D(MAX_SOURCES), currency="AUD", day=DAY, base_currency="AUD")) == MAX_SOURCES
    with pytest.raises(ValidationFailed) as error:
        take_credit(credits, amount=D(MAX_SOURCES + 1), currency="AUD", day=DAY, base_currency="AUD")
    assert field_of(error) == "amount"


@given(st.lists(st.decimals(min_value=D("0.01"), max_value=D("1000"), places=2), min_size=1, max_size=10),
       st.decimals(min_value=D("0.01"), max_value=D("10000"), places=2))
def test_takes_sum_to_the_refund_and_never_exceed_any_credit(amounts, wanted):
    credits = [credit(f"r{i}", str(a)) for i, a in enumerate(amounts)]
    if wanted > sum(amounts):
        with pytest.raises(ValidationFailed):
            take_credit(credits, amount=wanted, currency="AUD", day=DAY, base_currency="AUD")
        return
    takes = take_credit(credits, amount=wanted, currency="AUD", day=DAY, base_currency="AUD")
    assert sum(t.amount for t in takes) == wanted
    assert all(0 < t.amount <= t.credit.unallocated for t in takes)


def test_refund_lines_debit_customer_credit_and_credit_the_bank():
    lines = refund_lines(amount=D("120.00"), bank_account="BANK", credit_base=D("120.00"), accounts=ACCOUNTS,
                         conversion=Conversion("AUD", "AUD", D(1)), description="Refund")
    assert {(x.account_id, x.debit, x.credit) for x in lines} == {("CREDIT", D("120.00"), D("0.00")),
                                                                  ("BANK", D("0.00"), D("120.00"))}


def test_a_foreign_refund_books_the_rate_difference_as_exchange():
    lines = refund_lines(amount=D("100.00"), bank_account="BANK", credit_base=D("150.00"), accounts=ACCOUNTS,
                         conversion=Conversion("USD", "AUD", D("1.6")), description="Refund")
    assert {(x.account_id, x.debit, x.credit) for x in lines} == {("CREDIT", D("150.00"), D("0.00")),
                                                                  ("BANK", D("0.00"), D("160.00")),
                                                                  ("FX", D("10.00"), D("0.00"))}
    assert sum(x.debit for x in lines) == sum(x.credit for x in lines)


def test_party_totals_in_the_base_and_per_currency():
    invoices = [OpenInvoice("AUD", D("100"), D("100"), date(2026, 6, 1)),  # overdue
                OpenInvoice("AUD", D("50"), D("50"), DAY),  # due today: not overdue yet
                OpenInvoice("USD", D("10"), D("15.00"), date(2026, 1, 1)),  # overdue, booked at 1.5
                OpenInvoice("AUD", D("0"), D("0"), date(2026, 1, 1))]  # nothing due
    credits = [credit("a", "20"), credit("b", "10", currency="USD", rate="1.2"), credit("c", "0")]
    base, per = party_totals(invoices, credits, base_currency="AUD", today=DAY)
    assert (base.currency, base.receivable, base.credit, base.overdue) == ("AUD", D("165.00"), D("32.00"),
                                                                           D("115.00"))
    assert [(t.currency, t.receivable, t.credit, t.overdue) for t in per] == [
        ("AUD", D("150.00"), D("20.00"), D("100.00")), ("USD", D("10.00"), D("10.00"), D("10.00"))]
