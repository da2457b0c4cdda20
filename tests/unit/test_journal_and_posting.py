"""Journal lines and posting rules: every entry balances in the base currency."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ledgerline.domain.journal import JournalLine, Leg, Unbalanced, assert_balanced, lines_from_legs, reversed_lines
from ledgerline.domain.money import round_money
from ledgerline.domain.posting import (
    Conversion,
    Settlement,
    SystemAccounts,
    credit_note_lines,
    invoice_lines,
    receipt_lines,
    settlement_base,
)

ACCOUNTS = SystemAccounts("AR", "CREDIT", "ROUND", "FX", "RE")
AUD = Conversion("AUD", "AUD", D(1))


def totals(lines):
    return sum(line.debit for line in lines), sum(line.credit for line in lines)


def test_invoice_entry_debits_receivable_and_credits_revenue_and_tax():
    lines = invoice_lines(total=D("1375.00"), nets_by_account={"SALES": D("1250.00")},
                          tax_by_account={"TAX": D("125.00")}, rounding_adjustment=D(0), accounts=ACCOUNTS,
                          conversion=AUD, description="INV-1")
    by_account = {line.account_id: (line.debit, line.credit) for line in lines}
    assert by_account == {"AR": (D("1375.00"), D("0.00")), "SALES": (D("0.00"), D("1250.00")),
                          "TAX": (D("0.00"), D("125.00"))}


def test_cash_rounding_goes_to_the_rounding_account():
    lines = invoice_lines(total=D("108.10"), nets_by_account={"SALES": D("99.99")}, tax_by_account={"TAX": D("8.10")},
                          rounding_adjustment=D("0.01"), accounts=ACCOUNTS,
                          conversion=Conversion("CHF", "CHF", D(1)), description="x")
    assert {line.account_id: line.credit for line in lines}["ROUND"] == D("0.01")
    assert totals(lines)[0] == totals(lines)[1] == D("108.10")


def test_foreign_receipt_books_exchange_difference():
    # Invoiced 100.00 USD at 1.5 (150.00 AUD); paid at 1.4 (140.00 AUD): a 10.00 loss.
    lines = receipt_lines(amount=D("100.00"), bank_account="BANK",
                          settlements=[Settlement(D("100.00"), D("150.00"))], credit=D(0), accounts=ACCOUNTS,
                          conversion=Conversion("USD", "AUD", D("1.4")), description="r")
    by_account = {line.account_id: (line.debit, line.credit) for line in lines}
    assert by_account == {"BANK": (D("140.00"), D("0.00")), "AR": (D("0.00"), D("150.00")),
                          "FX": (D("10.00"), D("0.00"))}


def test_final_settlement_clears_the_exact_base_remainder():
    conversion = Conversion("USD", "AUD", D("1.3333"))
    assert settlement_base(amount=D("10.00"), amount_due=D("30.00"), base_total=D("40.00"), base_settled=D(0),
                           conversion=conversion) == D("13.33")
    assert settlement_base(amount=D("20.00"), amount_due=D("20.00"), base_total=D("40.00"), base_settled=D("13.33"),
                           conversion=conversion) == D("26.67")


def test_credit_note_mirrors_and_splits_receivable_and_credit():
    lines = credit_note_lines(nets_by_account={"SALES": D("500")}, tax_by_account={"TAX": D("50")},
                              rounding_adjustment=D(0), settlement=Settlement(D("375"), D("375")), credit=D("175"),
                              accounts=ACCOUNTS, conversion=AUD, description="CN")
    by_account = {line.account_id: (line.debit, line.credit) for line in lines}
    assert by_account["AR"] == (D("0.00"), D("375.00")) and by_account["CREDIT"] == (D("0.00"), D("175.00"))


def test_unbalanced_or_one_sided_lines_are_refused():
    with pytest.raises(Unbalanced):
        assert_balanced([JournalLine("A", D("1"), D(0), "AUD", D("1")), JournalLine("B", D(0), D("0.99"), "AUD", D(1))])
    with pytest.raises(Unbalanced):
        assert_balanced([JournalLine("A", D("1"), D("1"), "AUD", D("1")), JournalLine("B", D(0), D(0), "AUD", D(0))])
    with pytest.raises(Unbalanced):
        assert_balanced([JournalLine("A", D(0), D(0), "AUD", D(0))])


amounts = st.decimals(min_value=D("0.01"), max_value=D("1000000"), places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=D("0.0001"), max_value=D("20000"), places=4, allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(st.sampled_from("ABCDE"), amounts, st.booleans()), min_size=1, max_size=5,
                unique_by=lambda leg: leg[0]), rates, st.sampled_from(["AUD", "IDR", "KWD"]))
def test_any_legs_become_a_balanced_entry_and_its_mirror_too(legs, rate, base):
    # Legs too small to show in the base currency vanish; with none left there is no entry to test.
    assume(all(round_money(amount * rate, base) != 0 for _, amount, _ in legs))
    built = lines_from_legs([Leg(account, amount if debit else -amount) for account, amount, debit in legs],
                            balancing=Leg("BAL", D(0)), currency="USD", base_currency=base, rate=rate)
    debit, credit = totals(built)
    assert debit == credit
    mirrored = reversed_lines(built)
    assert totals(mirrored) == (credit, debit)
