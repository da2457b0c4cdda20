"""Payment runs (issue 16, item 4): the pure rule (which bills, which amounts, the issues naming each bill) and
the pain.001 file, validated against the ISO XSDs vendored in tests/fixtures/banking/pain001."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import xmlschema
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from ledgerline.domain.banking import pain001
from ledgerline.domain.banking import payment_runs as runs
from ledgerline.domain.banking.references import qr_reference, rf_reference

XSD = Path(__file__).resolve().parents[2] / "fixtures" / "banking" / "pain001"
SCHEMAS = {runs.SEPA_03: xmlschema.XMLSchema(XSD / "pain.001.001.03.xsd"),
           runs.SEPA_09: xmlschema.XMLSchema(XSD / "pain.001.001.09.xsd")}
SCHEMAS[runs.CH_09] = SCHEMAS[runs.SEPA_09]
RUN = "01K2X3Y4Z5A6B7C8D9E0F1G2H3"
QR_IBAN = "CH4431999123000889012"
DEBTOR = runs.Debtor("Acme GmbH", "DE89370400440532013000", "COBADEFFXXX")
CH_DEBTOR = runs.Debtor("Acme AG", "CH9300762011623852957", None)


def payable(reference: str = "INV-7", due: str = "100.00", scheduled: str = "0", currency: str = "EUR",
            bill_id: str = "bill_1") -> runs.Payable:
    return runs.Payable(bill_id, "BILL-2026-0001", "pty_1", reference, currency, Decimal(due), Decimal(scheduled),
                        date(2026, 3, 1))


def creditor(iban: str | None = "FR1420041010050500013M02606", qr_iban: str | None = None) -> runs.Creditor:
    return runs.Creditor("Fournisseur SA", iban, None, qr_iban)


def make(variant: str, bill: runs.Payable, amount: str, who: runs.Creditor, position: int = 1) -> runs.Transfer:
    issues: list = []
    made = runs.transfer(where="bills.0", run_ulid=RUN, position=position, payable=bill, amount=Decimal(amount),
                         creditor=who, variant=variant, issues=issues)
    assert made is not None, issues
    return made


def build(variant: str, transfers: list[runs.Transfer], debtor: runs.Debtor = DEBTOR) -> bytes:
    return pain001.build(variant=variant, message_id=RUN, created_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
                        execution_date=date(2026, 3, 3), initiator="Acme", debtor=debtor, transfers=transfers)


@pytest.mark.parametrize("variant", [runs.SEPA_03, runs.SEPA_09])
def test_a_sepa_file_validates_against_its_xsd_and_carries_the_rf_reference(variant: str) -> None:
    rf = rf_reference("2026INV7")
    transfers = [make(variant, payable(rf), "100.00", creditor()),
                 make(variant, payable("A-1", "33.10", bill_id="bill_2"), "33.10", creditor(), position=2)]
    content = build(variant, transfers)
    SCHEMAS[variant].validate(content.decode())
    tree = etree.fromstring(content)
    ns = {"p": pain001.namespace(variant)}
    assert tree.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=ns) == "133.10"
    assert tree.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=ns) == "2"
    assert [e.text for e in tree.findall(".//p:EndToEndId", ns)] == [f"{RUN}-1", f"{RUN}-2"]
    assert tree.findtext(".//p:CdtrRefInf/p:Ref", namespaces=ns) == rf
    assert tree.findtext(".//p:CdtrRefInf/p:Tp/p:CdOrPrtry/p:Cd", namespaces=ns) == "SCOR"
    assert tree.findtext(".//p:SvcLvl/p:Cd", namespaces=ns) == "SEPA"
    assert tree.findtext(".//p:Ustrd", namespaces=ns) == "A-1"


def test_a_swiss_file_pays_a_qr_reference_to_the_qr_iban_and_validates() -> None:
    qr = qr_reference(20260007)
    transfer = make(runs.CH_09, payable(qr, "1250.05", currency="CHF"), "1250.05",
                    creditor("CH5604835012345678009", QR_IBAN))
    content = build(runs.CH_09, [transfer], CH_DEBTOR)
    SCHEMAS[runs.CH_09].validate(content.decode())
    tree = etree.fromstring(content)
    ns = {"p": pain001.namespace(runs.CH_09)}
    assert tree.findtext(".//p:CdtTrfTxInf/p:CdtrAcct/p:Id/p:IBAN", namespaces=ns) == QR_IBAN
    assert tree.findtext(".//p:CdtrRefInf/p:Tp/p:CdOrPrtry/p:Prtry", namespaces=ns) == "QRR"
    assert tree.findtext(".//p:CdtrRefInf/p:Ref", namespaces=ns) == qr
    assert tree.find(".//p:SvcLvl", ns) is None  # no SEPA service level on a CHF file
    assert tree.findtext(".//p:DbtrAgt/p:FinInstnId/p:Othr/p:Id", namespaces=ns) == "NOTPROVIDED"


def test_each_missing_bank_detail_is_an_issue_naming_the_bill_and_field() -> None:
    issues: list = []
    qr = qr_reference(5)
    assert runs.transfer(where="bills.0", run_ulid=RUN, position=1, payable=payable(), amount=Decimal(100),
                         creditor=creditor(None), variant=runs.SEPA_09, issues=issues) is None
    assert runs.transfer(where="bills.1", run_ulid=RUN, position=2, payable=payable(qr, currency="CHF",
                         bill_id="bill_2"), amount=Decimal(100), creditor=creditor("CH5604835012345678009"),
                         variant=runs.CH_09, issues=issues) is None
    assert runs.transfer(where="bills.2", run_ulid=RUN, position=3, payable=payable(bill_id="bill_3"),
                         amount=Decimal(100), creditor=creditor(QR_IBAN), variant=runs.CH_09, issues=issues) is None
    assert [(i.field, "bill_1" in i.message or "bill_2" in i.message or "bill_3" in i.message) for i in issues] == [
        ("bills.0.bill_id", True), ("bills.1.bill_id", True), ("bills.2.bill_id", True)]
    assert "no iban" in issues[0].message and "qr_iban" in issues[1].message and "QR-IBAN" in issues[2].message


def test_a_qr_reference_is_refused_in_a_sepa_run() -> None:
    issues: list = []
    runs.transfer(where="bills.0", run_ulid=RUN, position=1, payable=payable(qr_reference(9)), amount=Decimal(1),
                  creditor=creditor(qr_iban=QR_IBAN), variant=runs.SEPA_09, issues=issues)
    assert issues and issues[0].field == "bills.0.bill_id"


def test_end_to_end_ids_name_the_run_and_position_and_nothing_else() -> None:
    assert runs.run_of(runs.end_to_end_id(RUN, 12)) == (RUN, 12)
    assert runs.run_of(f" {RUN.lower()}-3 ") == (RUN, 3)
    for other in (None, "", "NOTPROVIDED", "RF18539007547034", f"{RUN}", f"{RUN}-x", "E2E-1"):
        assert runs.run_of(other) is None


def test_variants_by_currency() -> None:
    assert runs.variant_for("EUR", None) == runs.SEPA_09
    assert runs.variant_for("EUR", runs.SEPA_03) == runs.SEPA_03
    assert runs.variant_for("CHF", None) == runs.CH_09
    assert runs.variant_for("CHF", runs.SEPA_03) is None
    assert runs.variant_for("USD", None) is None


@settings(max_examples=40, deadline=None)
@given(due=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2),
       scheduled=st.decimals(min_value=Decimal("0"), max_value=Decimal("99999.99"), places=2),
       amount=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2))
def test_a_run_never_schedules_more_than_a_bill_owes_beyond_other_runs(due: Decimal, scheduled: Decimal,
                                                                         amount: Decimal) -> None:
    issues: list = []
    made = runs.transfer(where="bills.0", run_ulid=RUN, position=1, payable=payable(due=str(due),
                         scheduled=str(scheduled)), amount=amount, creditor=creditor(), variant=runs.SEPA_09,
                         issues=issues)
    assert (made is not None) == (amount <= due - scheduled)
    if made is not None:
        SCHEMAS[runs.SEPA_09].validate(build(runs.SEPA_09, [made]).decode())
        assert made.amount == amount


@settings(max_examples=60, deadline=None)
@given(count=st.integers(min_value=1, max_value=6), order=st.permutations(range(1, 7)), undo=st.booleans())
def test_a_run_completes_when_every_payment_is_booked_and_unbooking_schedules_it_again(count, order, undo):
    statuses, status = ["scheduled"] * count, runs.SCHEDULED
    positions = [p for p in order if p <= count]
    for n, position in enumerate(positions, start=1):
        assert runs.book(status, statuses, position + count) is None  # no such payment
        statuses, status = runs.book(status, statuses, position)
        assert runs.book(status, statuses, position) is None  # booked once
        assert status == (runs.COMPLETED if n == count else runs.SCHEDULED)
        with pytest.raises(runs.InvalidState):
            runs.cancel(status, statuses)
        if undo:
            statuses, status = runs.unbook(statuses, position)
            assert statuses[position - 1] == "scheduled" and status == runs.SCHEDULED
            statuses, status = runs.book(status, statuses, position)
    assert status == runs.COMPLETED and set(statuses) == {"booked"}


def test_only_a_scheduled_run_without_bookings_is_cancelled():
    assert runs.cancel(runs.SCHEDULED, ["scheduled", "scheduled"]) == runs.CANCELLED
    for status, statuses in ((runs.CANCELLED, ["cancelled"]), (runs.COMPLETED, ["booked"]),
                             (runs.SCHEDULED, ["booked", "scheduled"])):
        with pytest.raises(runs.InvalidState):
            runs.cancel(status, statuses)
    assert runs.book(runs.CANCELLED, ["cancelled"], 1) is None
