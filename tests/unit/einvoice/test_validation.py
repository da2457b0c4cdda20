"""The vendored validators (issue 17): a known failing file, the syntax detection, and refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledgerline.einvoice.validation import NotAnEInvoice, blocking, syntax_of, validate

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "einvoice"


def test_the_official_examples_pass_and_a_broken_total_fails_br_co_16():
    assert blocking(validate((FIXTURES / "base-example.xml").read_bytes(), "peppol")) == []
    assert blocking(validate((FIXTURES / "CII_example1.xml").read_bytes(), "en16931")) == []
    failures = validate((FIXTURES / "failing-BR-CO-16.xml").read_bytes(), "peppol")
    assert [(f["id"], f["flag"], f["rule_set"]) for f in failures] == [
        ("BR-CO-16", "fatal", "EN16931-UBL-validation")]


def test_what_is_not_an_einvoice_is_refused_before_saxon_reads_it():
    assert syntax_of(b"<rsm:CrossIndustryInvoice/>") == "cii"
    with pytest.raises(NotAnEInvoice):
        validate(b"hello", "peppol")
    xxe = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&e;</Invoice>')
    with pytest.raises(NotAnEInvoice, match="DOCTYPE"):
        validate(xxe, "peppol")
    with pytest.raises(NotAnEInvoice, match="well-formed"):
        validate(b"<Invoice><unclosed></Invoice>", "en16931")
