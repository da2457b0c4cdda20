"""What an invoice must say, and how an address is written, in each country (issue 11, item 31)."""

from __future__ import annotations

import pytest

from ledgerline.domain.countries import is_country, name
from ledgerline.domain.country_rules import address_lines, rules_for


@pytest.mark.parametrize(("country", "title", "tax", "tax_id", "supply_date_always"), [
    ("AU", "Tax invoice", "GST", "ABN", False),
    ("au", "Tax invoice", "GST", "ABN", False),
    ("NZ", "Tax invoice", "GST", "GST no.", False),
    ("SG", "Tax invoice", "GST", "GST reg. no.", False),
    ("DE", "Invoice", "VAT", "VAT ID", True),
    ("AT", "Invoice", "VAT", "VAT ID", True),
    ("FR", "Invoice", "VAT", "VAT ID", False),
    ("CH", "Invoice", "VAT", "VAT no.", False),
    ("GB", "Invoice", "VAT", "VAT reg. no.", False),
    ("ID", "Invoice", "VAT", "NPWP", False),
    ("US", "Invoice", "Sales tax", "Tax ID", False),
    ("JP", "Invoice", "Tax", "Tax ID", False),
    (None, "Invoice", "Tax", "Tax ID", False),
])
def test_each_country_names_the_document_its_tax_and_the_sellers_tax_id(country, title, tax, tax_id,
                                                                       supply_date_always):
    rules = rules_for(country)
    assert (rules.invoice_title, rules.tax_label, rules.tax_id_label, rules.supply_date_always) == (
        title, tax, tax_id, supply_date_always)


ADDRESSES = {
    "AU": dict(line1="1 George St", city="Sydney", region="NSW", postal_code="2000", country="AU"),
    "US": dict(line1="742 Evergreen Terrace", city="Springfield", region="IL", postal_code="62704", country="US"),
    "CA": dict(line1="290 Bremner Blvd", city="Toronto", region="ON", postal_code="M5V 3L9", country="CA"),
    "GB": dict(line1="10 Downing St", city="London", postal_code="SW1A 2AA", country="GB"),
    "DE": dict(line1="Unter den Linden 1", city="Berlin", postal_code="10117", country="DE"),
    "CH": dict(line1="Bahnhofstrasse 1", line2="Postfach", city="Zürich", postal_code="8001", country="CH"),
    "NZ": dict(line1="1 Queen St", city="Auckland", postal_code="1010", country="NZ"),
    "SG": dict(line1="1 Raffles Place", city="Singapore", postal_code="048616", country="SG"),
}


@pytest.mark.parametrize(("country", "expected"), [
    ("AU", ["1 George St", "Sydney NSW 2000"]),
    ("US", ["742 Evergreen Terrace", "Springfield, IL 62704"]),
    ("CA", ["290 Bremner Blvd", "Toronto ON M5V 3L9"]),
    ("GB", ["10 Downing St", "London", "SW1A 2AA"]),
    ("DE", ["Unter den Linden 1", "10117 Berlin"]),
    ("CH", ["Bahnhofstrasse 1", "Postfach", "8001 Zürich"]),
    ("NZ", ["1 Queen St", "Auckland 1010"]),
    ("SG", ["1 Raffles Place", "Singapore 048616"]),
])
def test_an_address_is_written_as_its_country_writes_it(country, expected):
    assert address_lines(**ADDRESSES[country], home_country=country) == expected


def test_the_country_line_is_added_only_across_a_border():
    assert address_lines(**ADDRESSES["AU"], home_country="CH")[-1] == "Australia"
    assert address_lines(**ADDRESSES["CH"], home_country="AU")[-1] == "Switzerland"
    assert "Australia" not in address_lines(**ADDRESSES["AU"], home_country="AU")


def test_an_address_without_a_country_follows_the_home_countrys_format():
    assert address_lines(line1="1 George St", city="Sydney", region="NSW", postal_code="2000",
                         home_country="AU") == ["1 George St", "Sydney NSW 2000"]
    assert address_lines(city="Berlin", postal_code="10117", home_country="DE") == ["10117 Berlin"]


def test_missing_parts_leave_no_blank_lines_or_stray_commas():
    assert address_lines(city="Springfield", country="US", home_country="US") == ["Springfield"]
    assert address_lines(home_country="AU") == []


@pytest.mark.parametrize(("code", "valid"), [("AU", True), ("ch", True), ("GB", True), ("XX", False),
                                             ("UK", False), ("AUS", False), ("", False)])
def test_country_codes_are_assigned_iso_3166_alpha_2_codes(code, valid):
    assert is_country(code) is valid


def test_country_names():
    assert (name("AU"), name("ch"), name("GB")) == ("Australia", "Switzerland", "United Kingdom")


@pytest.mark.parametrize(("country", "label"), [("AU", "BSB"), ("GB", "Sort code"), ("US", "Routing number"),
                                                ("DE", "Routing code")])
def test_the_banks_branch_code_has_its_local_name(country, label):
    assert rules_for(country).routing_code_label == label
