"""Reconciliation's pure rules (issue 16): ranking suggestions and the bank transaction's life cycle."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain.banking import matching
from ledgerline.domain.banking import transactions as life_cycle
from ledgerline.domain.banking.matching import OpenInvoice, TransactionFacts
from ledgerline.domain.banking.references import qr_reference, rf_reference
from ledgerline.domain.documents import InvalidState


def invoice(id="inv_1", number="INV-2026-0001", amount_due="1250.50", customer="Muster AG", currency="CHF",
            due=date(2026, 1, 31), payment_reference=None):
    return OpenInvoice(id, number, "pty_" + id, customer, currency, D(amount_due), due, payment_reference)


def money_in(amount="1250.50", reference=None, remittance=None, counterparty=None, currency="CHF"):
    return TransactionFacts(D(amount), currency, reference, remittance, counterparty)


def test_a_stored_payment_reference_ranks_first():
    paid = invoice("inv_2", "INV-2026-0002", payment_reference="RF18539007547034")
    named = invoice("inv_1", "INV-2026-0001")
    found = matching.suggest(money_in(reference="RF18 5390 0754 7034", remittance="INV-2026-0001"), [named, paid])
    assert [(s.invoice_id, s.reason) for s in found] == [("inv_2", "reference"), ("inv_1", "number_in_text")]
    assert found[0].score > found[1].score


def test_the_reference_derived_from_the_number_matches_without_a_stored_one():
    target = invoice(number="INV-2026-0007")
    for reference in (rf_reference("INV20260007"), qr_reference("20260007")):
        found = matching.suggest(money_in(reference=reference), [target])
        assert [(s.invoice_id, s.reason) for s in found] == [("inv_1", "reference")]
    assert matching.certain_match(money_in(reference=rf_reference("INV20260007")), [target]).invoice_id == "inv_1"


def test_number_in_text_is_a_whole_word():
    target = invoice(number="INV-2026-0001")
    assert matching.suggest(money_in(remittance="Payment inv-2026-0001, thanks"), [target])[0].reason == (
        "number_in_text")
    assert matching.suggest(money_in(remittance="INV-2026-00012"), [target]) == []


def test_same_amount_and_party_ignores_case_punctuation_and_legal_form():
    target = invoice(customer="Muster AG")
    assert matching.suggest(money_in(counterparty="MUSTER A.G."), [target]) == []  # "a g" is not a legal form
    assert [s.reason for s in matching.suggest(money_in(counterparty="muster ag"), [target])] == ["amount_and_party"]
    assert [s.reason for s in matching.suggest(money_in(counterparty="Muster"), [target])] == ["amount_and_party"]
    assert matching.suggest(money_in(amount="1250.00", counterparty="Muster AG"), [target]) == []
    assert matching.suggest(money_in(counterparty="Other AG"), [target]) == []


def test_money_out_another_currency_or_nothing_owed_suggest_nothing():
    target = invoice()
    assert matching.suggest(money_in(amount="-1250.50", remittance="INV-2026-0001"), [target]) == []
    assert matching.suggest(money_in(currency="EUR", remittance="INV-2026-0001"), [target]) == []
    assert matching.suggest(money_in(remittance="INV-2026-0001"), [invoice(amount_due="0")]) == []


def test_within_a_rank_the_exact_amount_then_the_oldest_due_date_comes_first():
    late = invoice("inv_a", "A-1", amount_due="100.00", due=date(2026, 3, 1))
    early = invoice("inv_b", "A-2", amount_due="100.00", due=date(2026, 1, 1))
    exact = invoice("inv_c", "A-3", amount_due="250.00", due=date(2026, 6, 1))
    found = matching.suggest(money_in(amount="250.00", remittance="A-1 A-2 A-3"), [late, early, exact])
    assert [s.invoice_id for s in found] == ["inv_c", "inv_b", "inv_a"]
    assert [s.amount for s in found] == [D("250.00"), D("100.00"), D("100.00")]


def test_two_invoices_with_one_reference_are_no_certain_match():
    one = invoice("inv_1", payment_reference="RF18539007547034")
    two = invoice("inv_2", "INV-9", payment_reference="RF18539007547034")
    assert matching.certain_match(money_in(reference="RF18539007547034"), [one, two]) is None
    assert matching.certain_match(money_in(remittance="INV-2026-0001"), [one]) is None  # text is no certainty


amounts = st.decimals(min_value=D("0.01"), max_value=D("100000"), places=2)


@given(st.lists(st.tuples(amounts, st.booleans(), st.integers(0, 400)), max_size=12), amounts)
def test_suggestions_are_ranked_bounded_and_never_allocate_more_than_owed_or_received(rows, received):
    invoices = [invoice(f"inv_{n}", f"N-{n}", str(due), due=date.fromordinal(date(2026, 1, 1).toordinal() + day))
                for n, (due, _, day) in enumerate(rows)]
    text = " ".join(f"N-{n}" for n, (_, named, _) in enumerate(rows) if named)
    found = matching.suggest(money_in(amount=str(received), remittance=text), invoices)
    assert len(found) <= matching.MAX_SUGGESTIONS
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    by_id = {i.id: i for i in invoices}
    for s in found:
        assert D(0) < s.amount <= min(by_id[s.invoice_id].amount_due, received)
    assert len({s.invoice_id for s in found}) == len(found)


def test_the_life_cycle_of_matching():
    assert life_cycle.match("unmatched") == "matched"
    assert life_cycle.unmatch("matched") == "unmatched"
    for status in ("matched", "ignored"):
        with pytest.raises(InvalidState):
            life_cycle.match(status)
    for status in ("unmatched", "ignored"):
        with pytest.raises(InvalidState):
            life_cycle.unmatch(status)


def test_booking_takes_the_tax_out_of_the_gross_amount_and_balances():
    from ledgerline.domain.banking.booking import BookingTax, booking_lines
    from ledgerline.domain.posting import Conversion

    chf = Conversion("CHF", "CHF", D(1))
    fee = booking_lines(bank_account="bank", account="fees", amount=D("-108.10"), conversion=chf, description="Fee",
                        tax=BookingTax("vat", D("8.1"), "vat_account"))
    assert [(x.account_id, x.debit, x.credit) for x in fee.lines] == [
        ("bank", D(0), D("108.10")), ("fees", D("100.00"), D(0)), ("vat_account", D("8.10"), D(0))]
    assert (fee.direction, fee.taxable, fee.tax) == ("input", D("100.00"), D("8.10"))
    interest = booking_lines(bank_account="bank", account="interest", amount=D("5.00"), conversion=chf,
                             description="Interest")
    assert [(x.account_id, x.debit, x.credit) for x in interest.lines] == [
        ("bank", D("5.00"), D(0)), ("interest", D(0), D("5.00"))]
    assert (interest.direction, interest.taxable, interest.tax) == ("output", D(0), D(0))


@given(st.decimals(min_value=D("-100000"), max_value=D("100000"), places=2).filter(lambda d: d != 0),
       st.sampled_from([D(0), D("2.6"), D("8.1"), D(10), D(20)]))
def test_every_booking_balances(amount, rate):
    from ledgerline.domain.banking.booking import BookingTax, booking_lines
    from ledgerline.domain.posting import Conversion

    booked = booking_lines(bank_account="bank", account="x", amount=amount,
                           conversion=Conversion("EUR", "CHF", D("0.95")), description="d",
                           tax=BookingTax("t", rate, "tax"))
    assert sum(x.debit for x in booked.lines) == sum(x.credit for x in booked.lines)
    assert sum(x.amount for x in booked.lines if x.account_id != "bank") == abs(amount)


def test_the_reconciliation_difference_is_explained_by_unmatched_items():
    from ledgerline.domain.banking.reconciliation import explain

    report = explain(bank_balance=D("2567"), ledger_balance=D("2410"), unmatched=D("200"), ignored=D("7"),
                     comparable=True)
    assert (report.difference, report.explained, report.unexplained) == (D("157"), D("207"), D("-50"))
    no_statement = explain(bank_balance=None, ledger_balance=D(1), unmatched=D(0), ignored=D(0), comparable=True)
    foreign = explain(bank_balance=D(1), ledger_balance=D(1), unmatched=D(0), ignored=D(0), comparable=False)
    assert no_statement.difference is None and foreign.unexplained is None


def test_bank_rules_match_counterparty_or_text_by_contains_or_equals():
    from datetime import UTC, datetime

    from ledgerline.domain.banking.rules import RuleFacts, Seen, first_matching, matches

    at = datetime(2026, 1, 1, tzinfo=UTC)

    def rule(id="r1", field="any", operator="contains", value="fee", direction="any", bank=None, priority=100):
        return RuleFacts(id, field, operator, value, direction, bank, priority, at)

    fee = Seen("bacc_1", D("-15.00"), "ZKB", "CH9300762011623852957", "Account FEE January", None)
    assert matches(rule(), fee) and matches(rule(field="text"), fee) and not matches(rule(field="counterparty"), fee)
    assert matches(rule(field="counterparty", operator="equals", value="zkb"), fee)
    assert matches(rule(field="counterparty", operator="equals", value="CH93 0076 2011 6238 5295 7"), fee)
    assert not matches(rule(operator="equals"), fee)
    assert not matches(rule(direction="in"), fee) and matches(rule(direction="out"), fee)
    assert not matches(rule(bank="bacc_2"), fee) and matches(rule(bank="bacc_1"), fee)
    assert not matches(rule(value="   "), fee)
    first = first_matching([rule("late", priority=200), rule("early", priority=5), rule("other", value="rent")], fee)
    assert first.id == "early"
    assert first_matching([rule(value="rent")], fee) is None


# ------------------------------------------------------------------------------------ money out: bills


def bill(id="bill_1", number="BILL-2026-0001", supplier_reference="R-4711", amount_due="480.00",
         supplier="Lieferant GmbH", currency="CHF", due=date(2026, 1, 31)):
    return matching.OpenBill(id, number, supplier_reference, "pty_" + id, supplier, currency, D(amount_due), due)


def money_out(amount="-480.00", reference=None, remittance=None, counterparty=None, currency="CHF"):
    return TransactionFacts(D(amount), currency, reference, remittance, counterparty)


def test_a_bills_supplier_reference_or_number_in_the_text_ranks_before_amount_and_supplier():
    by_reference = bill("bill_1", supplier_reference="R-4711", amount_due="900.00")
    by_number = bill("bill_2", "BILL-2026-0002", supplier_reference="X-1", amount_due="700.00")
    by_party = bill("bill_3", "BILL-2026-0003", supplier_reference="X-2")
    found = matching.suggest_bills(money_out(remittance="Invoice R-4711", counterparty="Lieferant"),
                                   [by_party, by_reference])
    assert [(s.bill_id, s.reason, s.amount) for s in found] == [("bill_1", "number_in_text", D("480.00")),
                                                               ("bill_3", "amount_and_party", D("480.00"))]
    assert found[0].score > found[1].score
    found = matching.suggest_bills(money_out(reference="BILL-2026-0002"), [by_number])
    assert [(s.bill_id, s.reason) for s in found] == [("bill_2", "number_in_text")]


def test_money_in_another_currency_a_stranger_or_nothing_owed_suggest_no_bill():
    target = bill()
    assert matching.suggest_bills(money_out(amount="480.00", remittance="R-4711"), [target]) == []
    assert matching.suggest_bills(money_out(remittance="R-4711", currency="EUR"), [target]) == []
    assert matching.suggest_bills(money_out(counterparty="Someone Else"), [target]) == []
    assert matching.suggest_bills(money_out(remittance="R-47110"), [target]) == []  # a whole word only
    assert matching.suggest_bills(money_out(remittance="R-4711"), [bill(amount_due="0")]) == []
    assert matching.suggest(money_out(remittance="R-4711"), []) == []  # money out pays no invoice


@given(rows=st.lists(st.tuples(st.decimals("0.01", "5000", places=2), st.booleans()), max_size=8),
       paid=st.decimals("0.01", "5000", places=2))
def test_bill_suggestions_are_ranked_bounded_and_never_allocate_more_than_owed_or_paid(rows, paid):
    bills = [bill(f"bill_{i}", f"B-{i}", f"S-{i}", str(due), due=date(2026, 1, 1 + i))
             for i, (due, _) in enumerate(rows)]
    text = " ".join(f"S-{i}" for i, (_, named) in enumerate(rows) if named)
    found = matching.suggest_bills(money_out(amount=str(-paid), remittance=text, counterparty="Lieferant"), bills)
    assert len(found) <= matching.MAX_SUGGESTIONS
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    owed = {b.id: b.amount_due for b in bills}
    assert all(0 < s.amount <= min(owed[s.bill_id], paid) for s in found)
