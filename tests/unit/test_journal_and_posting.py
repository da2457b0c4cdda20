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
    convert_taxes,
    credit_application_lines,
    credit_note_lines,
    invoice_lines,
    part_base,
    receipt_lines,
    settlement_base,
    tax_totals,
)

ACCOUNTS = SystemAccounts("AR", "CREDIT", "ROUND", "FX", "RE")
AUD = Conversion("AUD", "AUD", D(1))


def totals(lines):
    return sum(line.debit for line in lines), sum(line.credit for line in lines)


def test_invoice_entry_debits_receivable_and_credits_revenue_and_tax():
    lines = invoice_lines(total=D("1375.00"), nets_by_account={"SALES": D("1250.00")},
                          taxes=convert_taxes([("GST", "TAX", D("1250.00"), D("125.00"))], AUD),
                          rounding_adjustment=D(0), accounts=ACCOUNTS,
                          conversion=AUD, description="INV-1")
    by_account = {line.account_id: (line.debit, line.credit) for line in lines}
    assert by_account == {"AR": (D("1375.00"), D("0.00")), "SALES": (D("0.00"), D("1250.00")),
                          "TAX": (D("0.00"), D("125.00"))}


def test_cash_rounding_goes_to_the_rounding_account():
    chf = Conversion("CHF", "CHF", D(1))
    lines = invoice_lines(total=D("108.10"), nets_by_account={"SALES": D("99.99")},
                          taxes=convert_taxes([("VAT", "TAX", D("99.99"), D("8.10"))], chf),
                          rounding_adjustment=D("0.01"), accounts=ACCOUNTS, conversion=chf, description="x")
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
    lines = credit_note_lines(nets_by_account={"SALES": D("500")},
                              taxes=convert_taxes([("GST", "TAX", D("500"), D("50"))], AUD),
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


# -------------------------------------------------------------------------------- issue 11


def test_tax_lines_and_tax_summary_are_the_same_base_amounts():
    # USD at 1.5, two tax codes on one tax account, 0.05 USD each: 0.075 → 0.08 AUD per code.
    usd = Conversion("USD", "AUD", D("1.5"))
    taxes = convert_taxes([("A", "TAX", D("0.50"), D("0.05")), ("B", "TAX", D("0.50"), D("0.05"))], usd)
    lines = invoice_lines(total=D("1.10"), nets_by_account={"SALES": D("1.00")}, taxes=taxes,
                          rounding_adjustment=D(0), accounts=ACCOUNTS, conversion=usd, description="x")
    ledger_tax = {line.account_id: line.credit for line in lines}["TAX"]
    summary_tax = sum(tax for _, tax in tax_totals(taxes).values())
    assert ledger_tax == summary_tax == D("0.16")
    assert totals(lines)[0] == totals(lines)[1]
    mirror = credit_note_lines(nets_by_account={"SALES": D("1.00")}, taxes=taxes, rounding_adjustment=D(0),
                               settlement=None, credit=D("1.10"), accounts=ACCOUNTS, conversion=usd, description="c")
    assert {line.account_id: line.debit for line in mirror}["TAX"] == -sum(
        tax for _, tax in tax_totals(taxes, sign=-1).values())


@given(st.lists(st.tuples(st.sampled_from(["T1", "T2"]), amounts, amounts), min_size=1, max_size=4), rates,
       st.sampled_from(["AUD", "IDR", "KWD"]))
def test_each_tax_account_holds_the_sum_of_its_codes_in_the_summary(codes, rate, base):
    conversion = Conversion("USD", base, rate)
    breakdown = [(f"code{i}", account, taxable, tax) for i, (account, taxable, tax) in enumerate(codes)]
    taxes = convert_taxes(breakdown, conversion)
    net = sum((taxable for _, _, taxable, _ in breakdown), D(0))
    lines = invoice_lines(total=net + sum((t for *_, t in breakdown), D(0)), nets_by_account={"SALES": net},
                          taxes=taxes, rounding_adjustment=D(0), accounts=ACCOUNTS, conversion=conversion,
                          description="x")
    summary = tax_totals(taxes)
    for account in ("T1", "T2"):
        ledger = sum((line.credit - line.debit for line in lines if line.account_id == account), D(0))
        assert ledger == sum((summary[code][1] for code, acc, _, _ in breakdown if acc == account), D(0))


def test_a_document_worth_nothing_in_the_base_currency_has_no_lines():
    assert invoice_lines(total=D("0.00"), nets_by_account={"SALES": D("0.00")}, taxes=[], rounding_adjustment=D(0),
                         accounts=ACCOUNTS, conversion=AUD, description="free") == []
    tiny = Conversion("USD", "AUD", D("0.4"))  # 0.01 USD is 0.004 AUD
    assert invoice_lines(total=D("0.01"), nets_by_account={"SALES": D("0.01")}, taxes=[], rounding_adjustment=D(0),
                         accounts=ACCOUNTS, conversion=tiny, description="cent") == []
    assert receipt_lines(amount=D("0.01"), bank_account="BANK", settlements=[], credit=D("0.01"), accounts=ACCOUNTS,
                         conversion=tiny, description="r") == []
    with pytest.raises(Unbalanced):  # manual entries still need two lines
        assert_balanced([])


def test_credit_used_in_pieces_takes_the_last_of_its_base_amount():
    usd = Conversion("USD", "AUD", D("1.5"))
    held, held_base, used = D("10.00"), D("15.00"), []
    for piece in (D("3.33"), D("3.33"), D("3.34")):
        base = part_base(amount=piece, remaining=held, remaining_base=held_base, conversion=usd)
        lines = credit_application_lines(settlements=[Settlement(piece, usd.base(piece))], credit_base=base,
                                         accounts=ACCOUNTS, conversion=usd, description="a")
        used.append({line.account_id: line.debit for line in lines}["CREDIT"])
        held, held_base = held - piece, held_base - base
    assert used == [D("5.00"), D("5.00"), D("5.00")] and held_base == 0
