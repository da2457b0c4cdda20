"""Posting rules of supplier bills (issue 15, DESIGN.md section 11): worked examples and properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from ledgerline.domain.documents import bill as bill_rules
from ledgerline.domain.documents import settlement
from ledgerline.domain.documents.base import InvalidState
from ledgerline.domain.errors import LedgerlineError
from ledgerline.domain.events import EventType
from ledgerline.domain.journal import assert_balanced
from ledgerline.domain.money import round_money
from ledgerline.domain.posting import Conversion
from ledgerline.domain.posting_purchases import (
    INPUT,
    OUTPUT,
    PurchaseAccounts,
    PurchaseLine,
    PurchaseTaxCode,
    bill_lines,
    split_recoverable,
)

ACCOUNTS = PurchaseAccounts(payable="payable", rounding="rounding")
EUR = Conversion("EUR", "EUR", Decimal(1))
D = Decimal


def code(code_id: str = "v19", rate: str = "19", *, recoverable: str = "100", category: str = "S") -> PurchaseTaxCode:
    return PurchaseTaxCode(code_id, D(rate), "input", "output", D(recoverable), category)


def by_account(lines):  # account → signed base amount (debit positive)
    result: dict[str, Decimal] = {}
    for line in lines:
        result[line.account_id] = result.get(line.account_id, D(0)) + line.debit - line.credit
    return result


def test_a_bill_debits_expense_and_input_tax_and_credits_payable_for_the_total():
    lines, taxes = bill_lines(lines=[PurchaseLine("rent", D("100.00"), "v19")], breakdown=[("v19", D("100.00"),
                              D("19.00"))], codes={"v19": code()}, total=D("119.00"), rounding_adjustment=D(0),
                              accounts=ACCOUNTS, conversion=EUR, description="Bill")
    assert by_account(lines) == {"rent": D("100.00"), "input": D("19.00"), "payable": D("-119.00")}
    assert [(t.direction, t.tax) for t in taxes] == [(INPUT, D("19.00"))]


def test_partly_recoverable_tax_adds_the_rest_to_the_expense_split_over_the_lines():
    lines, taxes = bill_lines(
        lines=[PurchaseLine("meals", D("60.00"), "v19"), PurchaseLine("travel", D("40.00"), "v19")],
        breakdown=[("v19", D("100.00"), D("19.00"))], codes={"v19": code(recoverable="70")}, total=D("119.00"),
        rounding_adjustment=D(0), accounts=ACCOUNTS, conversion=EUR, description="Bill")
    # 70 % of 19.00 = 13.30 recoverable; 5.70 added to the expenses 60:40 → 3.42 and 2.28
    assert by_account(lines) == {"meals": D("63.42"), "travel": D("42.28"), "input": D("13.30"),
                                 "payable": D("-119.00")}
    assert taxes[0].tax == D("13.30") and taxes[0].taxable == D("100.00")


def test_reverse_charge_books_input_and_output_tax_and_the_payable_is_the_net():
    lines, taxes = bill_lines(lines=[PurchaseLine("software", D("1000.00"), "rc")],
                              breakdown=[("rc", D("1000.00"), D("0"))], codes={"rc": code("rc", category="AE")},
                              total=D("1000.00"), rounding_adjustment=D(0), accounts=ACCOUNTS, conversion=EUR,
                              description="Bill")
    assert by_account(lines) == {"software": D("1000.00"), "input": D("190.00"), "output": D("-190.00"),
                                 "payable": D("-1000.00")}
    assert {(t.direction, t.tax) for t in taxes} == {(INPUT, D("190.00")), (OUTPUT, D("190.00"))}


def test_reverse_charge_partly_recoverable_books_the_full_output_tax():
    lines, _ = bill_lines(lines=[PurchaseLine("software", D("1000.00"), "rc")],
                          breakdown=[("rc", D("1000.00"), D("0"))],
                          codes={"rc": code("rc", recoverable="50", category="AE")}, total=D("1000.00"),
                          rounding_adjustment=D(0), accounts=ACCOUNTS, conversion=EUR, description="Bill")
    assert by_account(lines) == {"software": D("1095.00"), "input": D("95.00"), "output": D("-190.00"),
                                 "payable": D("-1000.00")}


def test_a_foreign_currency_bill_balances_in_the_base_currency():
    usd = Conversion("USD", "EUR", D("0.9137"))
    lines, taxes = bill_lines(lines=[PurchaseLine("rent", D("33.33"), "v19"), PurchaseLine("rent", D("0.01"), None)],
                              breakdown=[("v19", D("33.33"), D("6.33"))], codes={"v19": code()}, total=D("39.67"),
                              rounding_adjustment=D(0), accounts=ACCOUNTS, conversion=usd, description="Bill")
    assert_balanced(lines)
    assert by_account(lines)["input"] == taxes[0].base_tax == round_money(D("6.33") * usd.rate, "EUR")


def test_split_recoverable_refuses_a_percent_outside_0_to_100():
    with pytest.raises(ValueError):
        split_recoverable(D("1.00"), D("101"), "EUR")


money = st.decimals(min_value=D("-500"), max_value=D("100000"), places=2, allow_nan=False, allow_infinity=False)
percent = st.decimals(min_value=D(0), max_value=D(100), places=2)
rate = st.sampled_from([D("0"), D("2.6"), D("7"), D("8.1"), D("19"), D("20")])
category = st.sampled_from(["S", "S", "AE", "Z"])


@st.composite
def bills(draw):
    codes = {f"c{i}": PurchaseTaxCode(f"c{i}", draw(rate), draw(st.sampled_from(["in1", "in2"])),
                                      draw(st.sampled_from(["out1", "out2"])), draw(percent), draw(category))
             for i in range(draw(st.integers(1, 3)))}
    lines = [PurchaseLine(draw(st.sampled_from(["e1", "e2", "asset"])), draw(money),
                          draw(st.sampled_from([*codes, None])))
             for _ in range(draw(st.integers(1, 6)))]
    breakdown = []
    for code_id, tax_code in codes.items():
        taxable = sum((line.net for line in lines if line.tax_code_id == code_id), D(0))
        if any(line.tax_code_id == code_id for line in lines):
            charged = D(0) if tax_code.reverse_charge else round_money(taxable * tax_code.rate / 100, "EUR")
            breakdown.append((code_id, taxable, charged))
    rounding = draw(st.sampled_from([D(0), D("0.02"), D("-0.01")]))
    total = sum((line.net for line in lines), D(0)) + sum((b[2] for b in breakdown), D(0)) + rounding
    conversion = draw(st.sampled_from([EUR, Conversion("USD", "EUR", D("0.9137")), Conversion("CHF", "EUR",
                                                                                              D("1.0612"))]))
    return lines, breakdown, codes, total, rounding, conversion


@settings(max_examples=200, deadline=None)
@given(bills())
def test_every_bill_entry_balances_and_the_payable_is_the_total(bill):
    lines, breakdown, codes, total, rounding, conversion = bill
    journal, taxes = bill_lines(lines=lines, breakdown=breakdown, codes=codes, total=total,
                                rounding_adjustment=rounding, accounts=ACCOUNTS, conversion=conversion,
                                description="Bill")
    if journal:
        assert_balanced(journal)
    if conversion.currency == "EUR":
        assert by_account(journal).get("payable", D(0)) == -total
        # in the document's currency too: expense + input − output + rounding = total
        signed = {line.account_id: (line.amount if line.debit else -line.amount) for line in journal}
        assert sum(signed.values(), D(0)) == 0
    for tax in taxes:  # exact: every amount is whole minor units
        assert tax.tax == round_money(tax.tax, conversion.currency)


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=D("-100000"), max_value=D("100000"), places=2), percent)
def test_the_recoverable_split_sums_to_the_tax(tax, recoverable_percent):
    recoverable, rest = split_recoverable(tax, recoverable_percent, "EUR")
    assert recoverable + rest == tax
    assert recoverable == round_money(recoverable, "EUR")


def _state(status="draft", total=D("119.00"), paid=D(0)):
    from datetime import date
    return bill_rules.BillState(status=status, issue_date=date(2026, 3, 1), due_date=date(2026, 3, 31),
                                total=total, amount_paid=paid, amount_credited=D(0), amount_due=total - paid)


def test_a_posted_bill_awaits_payment_and_voids_with_nothing_paid():
    from datetime import date
    posted = bill_rules.post(_state())
    assert (posted.state.status, posted.event) == ("awaiting_payment", EventType.BILL_POSTED)
    voided = bill_rules.void(posted.state, date(2026, 3, 2))
    assert (voided.state.status, voided.state.amount_due, voided.event) == ("voided", 0, EventType.BILL_VOIDED)
    assert bill_rules.post(_state(total=D(0))).state.status == "paid"


def test_a_bill_cannot_post_twice_nor_void_once_paid():
    from datetime import date
    with pytest.raises(InvalidState):
        bill_rules.post(_state("awaiting_payment"))
    with pytest.raises(InvalidState):
        bill_rules.void(_state("awaiting_payment", paid=D("10")), date(2026, 3, 2))
    with pytest.raises(InvalidState):
        bill_rules.void(_state("draft"), date(2026, 3, 2))


class BillMachine(RuleBasedStateMachine):
    """Post, settle (through the shared settlement rule), reverse settlements and void a bill in any order:
    amounts never go negative, paid means nothing due, a void needs nothing settled."""

    @initialize(total=st.decimals(min_value=D(0), max_value=D("1000"), places=2))
    def draft(self, total: Decimal) -> None:
        from datetime import date
        self.state = bill_rules.BillState("draft", date(2026, 3, 1), date(2026, 3, 31), total, D("0.00"), D("0.00"),
                                          total)

    def attempt(self, operation):  # type: ignore[no-untyped-def]
        before = self.state
        try:
            self.state = operation().state
        except LedgerlineError:
            assert self.state == before

    @rule()
    def post(self) -> None:
        self.attempt(lambda: bill_rules.post(self.state))

    @rule(amount=st.decimals(min_value=D("0.01"), max_value=D("600"), places=2))
    def pay(self, amount: Decimal) -> None:
        from datetime import date
        self.attempt(lambda: settlement.settle(self.state, amount, date(2026, 3, 10)))

    @rule(amount=st.decimals(min_value=D("0.01"), max_value=D("600"), places=2))
    def reverse_a_payment(self, amount: Decimal) -> None:
        self.attempt(lambda: settlement.unsettle(self.state, amount))

    @rule(days=st.integers(-3, 30))
    def void(self, days: int) -> None:
        from datetime import date, timedelta
        self.attempt(lambda: bill_rules.void(self.state, date(2026, 3, 1) + timedelta(days=days)))

    @invariant()
    def amounts_add_up(self) -> None:
        state = self.state
        assert state.amount_due >= 0 and state.amount_paid >= 0
        if state.status == "draft":
            assert state.amount_paid == 0
        elif state.status == "voided":
            assert state.amount_due == 0 and state.amount_paid == 0
        else:
            assert state.amount_paid + state.amount_due == state.total
            assert (state.status == "paid") == (state.amount_due == 0)


TestBillMachine = BillMachine.TestCase
TestBillMachine.settings = settings(max_examples=60, stateful_step_count=20, deadline=None)


# ------------------------------------------------------------- input tax on investments (CH box 405, issue 15)


def test_input_tax_of_fixed_asset_lines_is_split_off_as_investment_and_the_journal_is_unchanged():
    from ledgerline.domain.posting import tax_key, tax_totals
    from ledgerline.domain.posting_purchases import investment_taxable, is_investment

    assert is_investment("fixed") and not is_investment("current") and not is_investment(None)
    lines = [PurchaseLine("machine", D("300.00"), "v8"), PurchaseLine("rent", D("100.00"), "v8")]
    invested = investment_taxable([("v8", D("300.00"), True), ("v8", D("100.00"), False), (None, D(5), True)])
    assert invested == {"v8": D("300.00")}
    codes = {"v8": code("v8", "8.1")}
    breakdown = [("v8", D("400.00"), D("32.40"))]
    common = dict(lines=lines, breakdown=breakdown, codes=codes, total=D("432.40"), rounding_adjustment=D(0),
                  accounts=ACCOUNTS, conversion=EUR, description="Bill")
    plain, plain_taxes = bill_lines(**common)
    split, taxes = bill_lines(**common, investments=invested)
    assert plain == split  # the journal does not change
    assert [(t.investment, t.taxable, t.tax) for t in taxes] == [(True, D("300.00"), D("24.30")),
                                                                 (False, D("100.00"), D("8.10"))]
    assert tax_totals(taxes) == {tax_key("v8", INPUT, investment=True): (D("300.00"), D("24.30")),
                                 tax_key("v8", INPUT): (D("100.00"), D("8.10"))}
    assert [(t.investment, t.tax) for t in plain_taxes] == [(False, D("32.40"))]


@settings(max_examples=200, deadline=None)
@given(bills(), st.sampled_from([D(0), D("0.25"), D("0.5"), D("1")]))
def test_splitting_off_investments_keeps_every_codes_input_tax_to_the_cent(bill, share):
    """Whatever part of each code's taxable is on investments, the parts add up to the unsplit amounts, in
    the document's and in the base currency, and the journal is the same."""
    lines, breakdown, codes, total, rounding, conversion = bill
    invested = {code_id: round_money(taxable * share, conversion.currency) for code_id, taxable, _ in breakdown}
    common = dict(lines=lines, breakdown=breakdown, codes=codes, total=total, rounding_adjustment=rounding,
                  accounts=ACCOUNTS, conversion=conversion, description="Bill")
    plain, plain_taxes = bill_lines(**common)
    split, taxes = bill_lines(**common, investments=invested)
    assert plain == split

    def summed(amounts):
        result: dict[tuple[str, str], tuple[Decimal, ...]] = {}
        for t in amounts:
            old = result.get((t.tax_code_id, t.direction), (D(0),) * 4)
            result[(t.tax_code_id, t.direction)] = tuple(a + b for a, b in zip(
                old, (t.taxable, t.tax, t.base_taxable, t.base_tax), strict=True))
        return result

    assert summed(taxes) == summed(plain_taxes)
    for t in taxes:
        assert t.tax == round_money(t.tax, conversion.currency)
        assert t.base_tax == round_money(t.base_tax, conversion.base_currency)
        assert not (t.investment and t.direction == OUTPUT)  # the self-assessed side is never split
