"""Tax buckets by direction on the in-memory unit of work, and the tax summary and VAT return built from
them (issue 15, item 5): input tax (purchases) has buckets of its own beside the output tax buckets."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerline.domain.journal import JournalLine
from ledgerline.domain.posting import INPUT, OUTPUT, Conversion, TaxAmount, split_tax_key, tax_totals
from ledgerline.services import invoices
from ledgerline.services.reports import tax_summary, vat_return
from ledgerline.services.reports.tax_summary import TaxCodeInfo
from ledgerline.store.ledger import JournalEntry, TaxTotal
from ledgerline.store.unit_of_work import open_unit
from tests.unit.services.conftest import fresh_books

DAY = date(2026, 3, 10)


def post_purchase(books, net: D, tax: D) -> None:
    """A purchase as a bill will post it: expense and input tax debited, payable credited."""
    code = books.tax_codes["GST10"]
    lines = [JournalLine(books.accounts["6000"], net, D(0), "AUD", net, None),
             JournalLine(books.accounts["1300"], tax, D(0), "AUD", tax, None),
             JournalLine(books.accounts["2000"], D(0), net + tax, "AUD", net + tax, None)]
    uow = open_unit(books.tenant_id)
    entry = JournalEntry.new(books.tenant_id, DAY, Conversion("AUD", "AUD", D(1)), source_type="manual",
                             source_id=None, description="Purchase", at=datetime(2026, 3, 10, tzinfo=UTC))
    uow.post_entry(entry, lines, tax_totals([TaxAmount(code, books.accounts["1300"], net, tax, net, tax, INPUT)]))
    uow.commit()


def test_input_tax_goes_to_buckets_of_its_own_beside_output_tax(books):
    line = {"description": "Work", "quantity": D(1), "unit_price": D(1000), "account_id": books.accounts["4000"],
            "tax_code_id": books.tax_codes["GST10"]}
    draft = invoices.create_draft(books.tenant_id, {"customer_id": books.customer_id, "issue_date": DAY,
                                                    "lines": [line]})
    invoices.post(books.tenant_id, draft["id"])
    post_purchase(books, D(300), D(30))
    code = books.tax_codes["GST10"]
    assert books.table.tax_totals(books.tenant_id) == {code: (D(1000), D(100))}  # output, as before
    assert books.table.tax_totals(books.tenant_id, INPUT) == {code: (D(300), D(30))}
    buckets = books.table.partition(TaxTotal, TaxTotal.partition(books.tenant_id))
    assert {b.direction for b in buckets} == {None, INPUT}  # output buckets keep their old shape
    # the tax accounts say the same: 2200 owes the output tax, 1300 holds the input tax
    assert books.balances()["2200"] == D(-100) and books.balances()["1300"] == D(30)


def test_the_tax_summary_shows_sales_and_purchases_per_code():
    codes = {"t1": TaxCodeInfo("GST10", "GST", D(10)), "t2": TaxCodeInfo("GSTFREE", "GST free", D(0))}
    report = tax_summary.build(date(2026, 1, 1), date(2026, 3, 31), "AUD", codes,
                               {"t1": (D(1000), D(100))}, {"t1": (D(300), D(30)), "t2": (D(50), D(0))})
    assert [(r.code, r.sales_taxable, r.sales_tax, r.purchases_taxable, r.purchases_tax)
            for r in report.tax_codes] == [("GST10", D("1000.00"), D("100.00"), D("300.00"), D("30.00")),
                                           ("GSTFREE", D("0.00"), D("0.00"), D("50.00"), D("0.00"))]
    assert (report.total_sales_tax, report.total_purchases_tax) == (D("100.00"), D("30.00"))


def test_the_vat_return_nets_output_against_input_tax_and_fills_the_form():
    codes = {"t1": TaxCodeInfo("GST10", "GST", D(10)), "t2": TaxCodeInfo("GSTFREE", "GST free", D(0))}
    report = vat_return.build(date(2026, 1, 1), date(2026, 3, 31), "AUD", "AU", codes,
                              {"t1": (D(1000), D(100)), "t2": (D(200), D(0))}, {"t1": (D(300), D(30))})
    assert (report.output_tax, report.input_tax, report.net_payable, report.form) == (
        D("100.00"), D("30.00"), D("70.00"), "AU BAS")
    assert [(b.box, b.amount) for b in report.boxes] == [("G1", D("1300.00")), ("1A", D("100.00")),
                                                          ("1B", D("30.00"))]
    assert [r.code for r in report.tax_codes] == ["GST10", "GSTFREE"]
    generic = vat_return.build(date(2026, 1, 1), date(2026, 3, 31), "GBP", "GB", codes, {}, {"t1": (D(10), D(1))})
    assert (generic.boxes, generic.form, generic.net_payable) == ([], None, D("-1.00"))


money = st.decimals(min_value=D("0.01"), max_value=D("5000"), places=2, allow_nan=False)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["sale", "purchase"]), money), min_size=1, max_size=6))
def test_the_vat_return_of_the_buckets_equals_the_tax_accounts(postings):
    with fresh_books() as books:
        code = books.tax_codes["GST10"]
        for kind, net in postings:
            tax = (net / 10).quantize(D("0.01"))
            if kind == "sale":
                line = {"description": "Work", "quantity": D(1), "unit_price": net,
                        "account_id": books.accounts["4000"], "tax_code_id": code}
                draft = invoices.create_draft(books.tenant_id, {"customer_id": books.customer_id,
                                                                "issue_date": DAY, "lines": [line]})
                invoices.post(books.tenant_id, draft["id"])
            else:
                post_purchase(books, net, tax)
        moved = open_unit(books.tenant_id).tax_totals_as_of(DAY)
        split = [(*split_tax_key(key), value) for key, value in moved.items()]
        output = {c: value for c, direction, value in split if direction == OUTPUT}
        input_ = {c: value for c, direction, value in split if direction == INPUT}
        report = vat_return.build(DAY, DAY, "AUD", "AU", {code: TaxCodeInfo("GST10", "GST", D(10))}, output, input_)
        balances = books.balances()
        assert report.output_tax == -balances.get("2200", D(0))
        assert report.input_tax == balances.get("1300", D(0))
        assert report.net_payable == -balances.get("2200", D(0)) - balances.get("1300", D(0))
