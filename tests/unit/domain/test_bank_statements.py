"""Statement parsers on the fixtures written for them (tests/fixtures/banking), and the import's rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from ledgerline.domain.banking import camt, csv_statement, mt940
from ledgerline.domain.banking.iban import is_qr_iban, normalise_bic, normalise_iban, normalise_qr_iban
from ledgerline.domain.banking.statements import (
    Balance,
    MalformedStatement,
    Statement,
    check_balances,
    continuity,
    dedupe_keys,
    reference_in_text,
)

FIXTURES = Path(__file__).parents[2] / "fixtures" / "banking"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_camt053_gives_every_booked_entry_with_its_references_and_counterparty():
    [statement] = camt.parse(fixture("camt053_ch_qr_rf.xml"))
    assert statement.format == "camt.053" and statement.statement_id == "STMT-2026-01"
    assert statement.account_iban == "CH9300762011623852957" and statement.currency == "CHF"
    assert statement.opening == Balance(D("10000.00"), date(2026, 1, 1))
    assert statement.closing == Balance(D("12187.25"), date(2026, 1, 31))
    assert statement.period() == (date(2026, 1, 1), date(2026, 1, 31))
    entries = statement.entries
    assert len(entries) == 7  # the pending entry is not a booked one
    qr, rf, fee, transfer, payment, reversal, unreferenced = entries
    assert (qr.amount, qr.reference, qr.reference_type, qr.end_to_end_id) == (
        D("1250.50"), "210000000003139471430009017", "qr", "E2E-QR-0001")
    assert (qr.counterparty_name, qr.counterparty_iban) == ("Muster AG", "CH5604835012345678009")
    assert qr.entry_reference == "ZKB20260105-000001" and qr.remittance == "Invoice INV-2026-0001"
    assert (rf.reference, rf.reference_type, rf.value_date) == ("RF18539007547034", "rf", date(2026, 1, 13))
    assert fee.amount == D("-15.00") and fee.bank_code == "ACMT/MDOP/CHRG"
    assert fee.remittance == "Account maintenance fee January" and fee.counterparty_name is None
    assert transfer.counterparty_iban == "CH4431999123000889012" and transfer.amount == D("-500.00")
    assert payment.amount == D("-300.25") and not payment.reversal
    assert reversal.amount == D("300.25") and reversal.reversal
    assert reversal.counterparty_name == "Lieferant Sarl"  # a returned payment: still the creditor
    assert unreferenced.entry_reference is None and unreferenced.counterparty_name == "Kunde Meier"
    check_balances(statement)


def test_camt053_of_a_later_version_reads_alike_and_finds_an_rf_reference_in_the_text():
    [statement] = camt.parse(fixture("camt053_ch_february.xml"))
    assert [e.amount for e in statement.entries] == [D("-15.00"), D("200.00")]
    assert statement.entries[1].counterparty_name == "Muster AG"  # Dbtr/Pty/Nm (camt.053.001.08)
    assert (statement.entries[1].reference, statement.entries[1].reference_type) == ("RF18539007547034", "rf")


def test_camt054_notifications_are_read_without_balances():
    content = fixture("camt053_ch_qr_rf.xml").replace(b"BkToCstmrStmt", b"BkToCstmrDbtCdtNtfctn").replace(
        b"<Stmt>", b"<Ntfctn>").replace(b"</Stmt>", b"</Ntfctn>").replace(b"camt.053.001.04", b"camt.054.001.04")
    [notification] = camt.parse(content)
    assert notification.format == "camt.054" and len(notification.entries) == 7


@pytest.mark.parametrize(("change", "where"), [
    ((b"<Amt Ccy=\"CHF\">980.00</Amt>", b"<Amt Ccy=\"CHF\">98O.00</Amt>"), "Stmt[1]/Ntry[2]/Amt"),
    ((b"<BookgDt><Dt>2026-01-12</Dt></BookgDt>", b""), "Stmt[1]/Ntry[2]/BookgDt"),
    ((b"<BookgDt><Dt>2026-01-12</Dt></BookgDt>", b"<BookgDt><Dt>2026-13-12</Dt></BookgDt>"),
     "Stmt[1]/Ntry[2]/BookgDt"),
    ((b"<CdtDbtInd>CRDT</CdtDbtInd>\n        <Sts>BOOK</Sts>\n        <BookgDt><Dt>2026-01-12",
      b"<CdtDbtInd>CREDIT</CdtDbtInd>\n        <Sts>BOOK</Sts>\n        <BookgDt><Dt>2026-01-12"),
     "Stmt[1]/Ntry[2]/CdtDbtInd"),
    ((b"</Ntry>\n      <!-- 3", b"</Ntr>\n      <!-- 3"), "line 85"),  # the mismatched end tag
])
def test_a_malformed_camt_file_names_the_element_or_line(change, where):
    content = fixture("camt053_ch_qr_rf.xml")
    assert change[0] in content
    with pytest.raises(MalformedStatement) as caught:
        camt.parse(content.replace(*change))
    assert caught.value.where == where and caught.value.param == "file"


def test_a_file_that_is_not_camt_is_refused():
    with pytest.raises(MalformedStatement, match="neither a camt.053 nor a camt.054"):
        camt.parse(b"<Document><Other/></Document>")


def test_a_statement_whose_entries_do_not_add_up_is_refused():
    [statement] = camt.parse(fixture("camt053_ch_qr_rf.xml").replace(b"12187.25", b"12187.20"))
    with pytest.raises(MalformedStatement, match="do not lead from the opening balance"):
        check_balances(statement)


def test_mt940_gives_entries_with_field_86_read():
    [statement] = mt940.parse(fixture("mt940_de_sepa.sta"))
    assert statement.account_iban == "DE89370400440532013000" and statement.currency == "EUR"
    assert statement.opening.amount == D("5000.00") and statement.closing.amount == D("6174.50")
    credit, fee, payment, returned = statement.entries
    assert (credit.amount, credit.reference, credit.end_to_end_id) == (D("1200.00"), "RF18539007547034", "E2E-MT-0001")
    assert (credit.counterparty_name, credit.counterparty_iban) == ("Kunde GmbH", "DE44500105175407324931")
    assert credit.entry_reference == "BANKREF0001" and credit.booking_date == date(2026, 3, 2)
    assert fee.amount == D("-25.50") and fee.remittance == "Kontofuehrung Maerz"
    assert payment.counterparty_iban == "FR7630006000011234567890189" and payment.remittance == "Bill 7781"
    assert returned.reversal and returned.amount == D("800.00")
    check_balances(statement)


def test_a_malformed_mt940_line_is_named():
    content = fixture("mt940_de_sepa.sta").replace(b":61:2603050305DR25,50", b":61:26030X0305DR25,50")
    with pytest.raises(MalformedStatement) as caught:
        mt940.parse(content)
    assert caught.value.where == "line 7"


def test_csv_with_a_mapping():
    mapping = csv_statement.CsvMapping(booking_date="Datum", amount="Betrag", counterparty_name="Name",
                                       remittance="Text", delimiter=";", decimal_separator=",",
                                       date_format="%d.%m.%Y")
    content = ("Datum;Betrag;Name;Text\n05.01.2026;1'250,50;Muster AG;Zahlung RF18 5390 0754 7034\n"
               "06.01.2026;-15,00;;Gebühr\n").encode()
    [statement] = csv_statement.parse(content, mapping, "CHF")
    first, fee = statement.entries
    assert (first.amount, first.reference, first.booking_date) == (D("1250.50"), "RF18539007547034", date(2026, 1, 5))
    assert fee.amount == D("-15.00") and fee.currency == "CHF"
    with pytest.raises(MalformedStatement) as caught:
        csv_statement.parse(content.replace(b"06.01.2026", b"2026-01-06"), mapping, "CHF")
    assert caught.value.where == "line 3"
    with pytest.raises(MalformedStatement) as caught:
        csv_statement.parse(content.replace(b"Betrag", b"Amount"), mapping, "CHF")
    assert caught.value.where == "line 1"


def test_dedupe_keys_prefer_the_bank_reference_and_keep_identical_entries_apart():
    [statement] = camt.parse(fixture("camt053_ch_qr_rf.xml"))
    keys = dedupe_keys(statement.entries)
    assert keys[0] == "R#ZKB20260105-000001"
    assert keys[6].startswith("H#") and keys[6].endswith("#1")
    twice = dedupe_keys([statement.entries[6], statement.entries[6]])
    assert twice[0] != twice[1] and twice[0][:-2] == twice[1][:-2]
    assert dedupe_keys([statement.entries[6]]) == twice[:1]  # the same entry in another file: the same key


def test_continuity_reports_a_gap():
    [statement] = camt.parse(fixture("camt053_ch_qr_rf.xml"))
    assert continuity(None, statement).follows is None
    assert continuity(D("10000.00"), statement).follows is True
    gap = continuity(D("9990.00"), statement)
    assert (gap.follows, gap.difference) == (False, D("10.00"))
    assert continuity(D("1"), Statement("csv", ())).follows is None


def test_references_in_free_text():
    assert reference_in_text("Payment RF18 5390 0754 7034 thanks") == ("RF18539007547034", "rf")
    assert reference_in_text("Ref 21 00000 00003 13947 14300 09017") == ("210000000003139471430009017", "qr")
    assert reference_in_text("Invoice 42") == (None, None)


def test_ibans_are_checked_and_normalised():
    assert normalise_iban("ch93 0076 2011 6238 5295 7") == "CH9300762011623852957"
    with pytest.raises(ValueError, match="IBAN"):
        normalise_iban("CH9300762011623852958")
    assert is_qr_iban(normalise_qr_iban("CH44 3199 9123 0008 8901 2"))
    with pytest.raises(ValueError, match="QR-IBAN"):
        normalise_qr_iban("CH9300762011623852957")
    assert normalise_bic("zkbkchzz80a") == "ZKBKCHZZ80A"
