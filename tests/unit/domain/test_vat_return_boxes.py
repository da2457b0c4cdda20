"""The VAT return's pure rules: tax keys by direction, the country boxes with worked examples, and that the
return adds up to the tax buckets (issue 15, item 7)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain import vat_return
from ledgerline.domain.posting import INPUT, OUTPUT, TaxAmount, split_tax_key, tax_key, tax_totals
from ledgerline.domain.vat_return import CodeTotals


def boxes(country, codes):
    return {b.box: b.amount for b in vat_return.boxes(country, codes)}


# ------------------------------------------------------------------------------------------ tax direction


def test_output_tax_keeps_the_codes_key_and_input_tax_has_its_own():
    assert tax_key("txc_1") == tax_key("txc_1", OUTPUT) == "txc_1"
    assert tax_key("txc_1", INPUT) != "txc_1"
    assert split_tax_key(tax_key("txc_1", INPUT)) == ("txc_1", INPUT)
    assert split_tax_key("txc_1") == ("txc_1", OUTPUT)
    with pytest.raises(ValueError):
        tax_key("txc_1", "sideways")


def test_reverse_charge_keeps_input_and_output_of_one_code_apart():
    taxes = [TaxAmount("txc_rc", "acc_in", D(100), D("8.10"), D(100), D("8.10"), INPUT),
             TaxAmount("txc_rc", "acc_out", D(100), D("8.10"), D(100), D("8.10"), OUTPUT)]
    totals = tax_totals(taxes)
    assert totals == {"txc_rc": (D(100), D("8.10")), tax_key("txc_rc", INPUT): (D(100), D("8.10"))}
    assert tax_totals(taxes, sign=-1)[tax_key("txc_rc", INPUT)] == (D(-100), D("-8.10"))


def test_a_tax_amount_is_output_tax_unless_it_says_otherwise():
    assert TaxAmount("c", "a", D(1), D(0), D(1), D(0)).direction == OUTPUT


# ------------------------------------------------------------------------------------------ worked examples


def test_au_bas_g1_is_sales_with_gst_1a_gst_on_sales_1b_gst_on_purchases():
    codes = [CodeTotals("t1", "GST10", D(10), output_base=D("1000"), output_tax=D("100"),
                        input_base=D("300"), input_tax=D("30")),
             CodeTotals("t2", "GSTFREE", D(0), output_base=D("200"))]
    assert boxes("AU", codes) == {"G1": D("1300"), "1A": D("100"), "1B": D("30")}
    assert vat_return.net_payable(codes) == D("70")
    assert vat_return.form_of("AU") == "AU BAS"


def test_ch_mwst_turnover_by_rate_input_tax_and_the_amount_payable():
    codes = [CodeTotals("a", "VAT81", D("8.1"), output_base=D("10000"), output_tax=D("810"),
                        input_base=D("2000"), input_tax=D("162")),
             CodeTotals("b", "VAT26", D("2.6"), output_base=D("1000"), output_tax=D("26")),
             CodeTotals("c", "VAT77", D("7.7"), output_base=D("500"), output_tax=D("38.50")),
             CodeTotals("d", "VAT0", D(0), output_base=D("700")),
             CodeTotals("e", "RC81", D("8.1"), output_base=D("1000"), output_tax=D("81"),
                        input_base=D("1000"), input_tax=D("81"), category="AE")]
    got = boxes("CH", codes)
    assert (got["200"], got["220"], got["289"], got["299"]) == (D("12200"), D("700"), D("700"), D("11500"))
    assert (got["303"], got["303.tax"], got["313"], got["313.tax"]) == (D("10000"), D("810"), D("1000"), D("26"))
    assert (got["302"], got["302.tax"], got["343"]) == (D("500"), D("38.50"), D(0))
    assert (got["382"], got["382.tax"]) == (D("1000"), D("81"))  # reverse charge: acquisition tax
    assert got["399"] == D("955.50")  # 810 + 26 + 38.50 + 81
    assert (got["400"], got["405"], got["479"]) == (D("243"), D(0), D("243"))
    assert (got["500"], got["510"]) == (D("712.50"), D(0))


def test_ch_mwst_a_refund_is_box_510():
    codes = [CodeTotals("a", "VAT81", D("8.1"), output_base=D("100"), output_tax=D("8.10"),
                        input_base=D("1000"), input_tax=D("81"))]
    got = boxes("CH", codes)
    assert (got["500"], got["510"]) == (D(0), D("72.90"))


def test_de_ustva_81_86_bases_66_input_tax_83_the_rest():
    codes = [CodeTotals("a", "VAT19", D(19), output_base=D("5000"), output_tax=D("950"),
                        input_base=D("1000"), input_tax=D("190")),
             CodeTotals("b", "VAT7", D(7), output_base=D("1000"), output_tax=D("70"),
                        input_base=D("100"), input_tax=D("7"))]
    assert boxes("DE", codes) == {"81": D("5000"), "86": D("1000"), "66": D("197"), "83": D("823")}


def test_a_country_without_a_standard_form_has_no_boxes():
    codes = [CodeTotals("a", "VAT20", D(20), output_base=D("100"), output_tax=D("20"))]
    assert vat_return.boxes("GB", codes) == []
    assert vat_return.form_of("GB") is None
    assert vat_return.net_payable(codes) == D("20")


# ------------------------------------------------------------------------------------------ properties

amounts = st.decimals(min_value=D("-100000"), max_value=D("100000"), places=2, allow_nan=False)


@given(st.lists(st.tuples(st.sampled_from(["c1", "c2", "c3"]), st.sampled_from([OUTPUT, INPUT]), amounts, amounts),
                max_size=12),
       st.sampled_from(["AU", "CH", "DE", "GB"]))
def test_the_return_is_the_sum_of_the_tax_buckets(postings, country):
    # every posting adds to its code's bucket of its direction; the return of the buckets says the same
    buckets: dict[str, tuple[D, D]] = {}
    for code, direction, taxable, tax in postings:
        for key, (t, x) in tax_totals([TaxAmount(code, "acc", taxable, tax, taxable, tax, direction)]).items():
            old = buckets.get(key, (D(0), D(0)))
            buckets[key] = (old[0] + t, old[1] + x)
    codes = []
    for code in ("c1", "c2", "c3"):
        out, inp = buckets.get(tax_key(code), (D(0), D(0))), buckets.get(tax_key(code, INPUT), (D(0), D(0)))
        codes.append(CodeTotals(code, code, D("8.1"), out[0], out[1], inp[0], inp[1]))
    output = sum((tax for _, d, _, tax in postings if d == OUTPUT), D(0))
    input_ = sum((tax for _, d, _, tax in postings if d == INPUT), D(0))
    assert vat_return.output_tax(codes) == output
    assert vat_return.input_tax(codes) == input_
    assert vat_return.net_payable(codes) == output - input_
    got = boxes(country, codes)
    if country == "AU":
        assert (got["1A"], got["1B"]) == (output, input_)
    elif country == "CH":
        assert got["399"] - got["479"] == got["500"] - got["510"] == output - input_
    elif country == "DE":
        assert got["83"] == output - input_


def test_input_tax_on_investments_has_its_own_key_and_counts_as_input_tax():
    from ledgerline.domain.posting import is_investment_key

    key = tax_key("txc_1", INPUT, investment=True)
    assert key not in (tax_key("txc_1", INPUT), "txc_1") and is_investment_key(key)
    assert split_tax_key(key) == ("txc_1", INPUT)
    assert not is_investment_key(tax_key("txc_1", INPUT)) and not is_investment_key("txc_1")
    assert tax_key("txc_1", OUTPUT, investment=True) == "txc_1"  # output tax is never an investment


def test_ch_box_405_is_the_input_tax_on_investments_and_400_the_rest():
    codes = [CodeTotals("a", "VB81", D("8.1"), input_base=D(1400), input_tax=D("113.40"),
                        input_tax_investment=D("81.00")),
             CodeTotals("b", "UN81", D("8.1"), output_base=D(2000), output_tax=D("162.00"))]
    found = boxes("CH", codes)
    assert (found["400"], found["405"], found["479"]) == (D("32.40"), D("81.00"), D("113.40"))
    assert found["500"] == D("48.60")
    before = [CodeTotals("a", "VB81", D("8.1"), input_base=D(400), input_tax=D("32.40"))]  # data from before
    assert (boxes("CH", before)["400"], boxes("CH", before)["405"]) == (D("32.40"), D(0))
