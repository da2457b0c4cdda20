"""Foreign bank balances (issue 16, part V), pure: what posting ADDs to an account kept in a foreign currency
(`foreign_movements`), worked examples and properties (the balance in the currency is the sum of the lines in
it; revaluing it balances, moves its base value to what it is worth, and the reversal takes it back out)."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain.journal import JournalLine, Leg, lines_from_legs
from ledgerline.domain.revaluation import bank_item, foreign_movements, revaluation_lines, revalue, reversal_lines

BANK, EXPENSE, EQUITY, FX = "acc_1020", "acc_6000", "acc_3000", "acc_7950"
KEPT = {BANK: "EUR"}


def test_lines_in_the_accounts_currency_move_its_foreign_balance_and_base_lines_do_not():
    # base CHF: EUR 200.00 paid out at 0.96 (CHF 192.00); then a revaluation line in CHF on the bank
    paid = lines_from_legs([Leg(EXPENSE, D("200.00"))], balancing=Leg(BANK, D("-200.00")), currency="EUR",
                           base_currency="CHF", rate=D("0.96"))
    assert foreign_movements(paid, KEPT) == {BANK: D("-200.00")}
    revaluation = [JournalLine(BANK, D(0), D("6.00"), "CHF", D("6.00")), JournalLine(FX, D("6.00"), D(0), "CHF",
                                                                                     D("6.00"))]
    assert foreign_movements(revaluation, KEPT) == {}
    usd = [JournalLine(BANK, D("15.00"), D(0), "USD", D("16.00")), JournalLine(EQUITY, D(0), D("15.00"), "USD",
                                                                               D("16.00"))]
    assert foreign_movements(usd, KEPT) == {}  # a line in another currency than the account's: base only


def test_the_worked_example_of_the_module():
    # EUR 1,000.00 opened at 0.95 (CHF 950.00), EUR 200.00 out at 0.96 (CHF 192.00): EUR 800.00 carried at 758.00
    opened = lines_from_legs([Leg(BANK, D("1000.00"))], balancing=Leg(EQUITY, D("-1000.00")), currency="EUR",
                             base_currency="CHF", rate=D("0.95"))
    paid = lines_from_legs([Leg(EXPENSE, D("200.00"))], balancing=Leg(BANK, D("-200.00")), currency="EUR",
                           base_currency="CHF", rate=D("0.96"))
    foreign = sum((foreign_movements(lines, KEPT)[BANK] for lines in (opened, paid)), D(0))
    base = sum((line.debit - line.credit for line in [*opened, *paid] if line.account_id == BANK), D(0))
    assert (foreign, base) == (D("800.00"), D("758.00"))
    item = bank_item(bank_account_id="bacc_1", name="Euro", account_id=BANK, currency="EUR", foreign_balance=foreign,
                     base_balance=base)
    (one,) = revalue([item], {"EUR": D("0.94")}, "CHF")
    assert (item.kind, one.revalued_base, one.difference) == ("bank", D("752.00"), D("-6.00"))
    lines = revaluation_lines([one], fx_account=FX, base_currency="CHF", description="R")
    assert {(line.account_id, line.debit, line.credit) for line in lines} == {(BANK, D(0), D("6.00")),
                                                                              (FX, D("6.00"), D(0))}


AMOUNTS = st.decimals(min_value=D("-100000"), max_value=D("100000"), places=2, allow_nan=False).filter(bool)
RATES = st.decimals(min_value=D("0.01"), max_value=D("50"), places=4, allow_nan=False)


@given(st.lists(st.tuples(AMOUNTS, RATES), min_size=1, max_size=15), RATES)
def test_the_foreign_balance_is_the_sum_of_its_movements_and_revaluing_it_nets_to_zero(movements, period_end):
    foreign, base, entries = D(0), D(0), []
    for amount, rate in movements:  # money in (> 0) or out of the EUR bank, against an expense, at its day's rate
        lines = lines_from_legs([Leg(BANK, amount)], balancing=Leg(EXPENSE, -amount), currency="EUR",
                                base_currency="CHF", rate=rate)
        entries.append(lines)
        foreign += foreign_movements(lines, KEPT).get(BANK, D(0))
        base += sum((line.debit - line.credit for line in lines if line.account_id == BANK), D(0))
    moved = [line for lines in entries for line in lines if line.account_id == BANK and line.debit + line.credit]
    assert foreign == sum((line.amount if line.debit else -line.amount for line in moved), D(0))
    item = bank_item(bank_account_id="b", name="b", account_id=BANK, currency="EUR", foreign_balance=foreign,
                     base_balance=base)
    (one,) = revalue([item], {"EUR": period_end}, "CHF")
    lines = revaluation_lines([one], fx_account=FX, base_currency="CHF", description="R")
    if lines:
        assert sum(line.debit for line in lines) == sum(line.credit for line in lines)
    revalued_base = base + sum((line.debit - line.credit for line in lines if line.account_id == BANK), D(0))
    assert revalued_base == one.revalued_base
    assert foreign_movements(lines, KEPT) == {} and foreign_movements(reversal_lines(lines), KEPT) == {}
    both = [*lines, *reversal_lines(lines)]
    for account in (BANK, FX):
        assert sum((line.debit - line.credit for line in both if line.account_id == account), D(0)) == 0
