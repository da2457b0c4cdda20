"""Receiving e-invoices (issue 17 item 5): `bill_imports.import_bill` on the in-memory unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

import pytest

from ledgerline.domain import einvoice
from ledgerline.domain.einvoice.document import Line, TaxCategory
from ledgerline.domain.errors import AlreadyExists, ValidationFailed
from ledgerline.pdf import blobs
from ledgerline.services import bill_imports
from ledgerline.store.bills import Bill
from ledgerline.store.files import UploadedFile
from ledgerline.store.parties import Party
from ledgerline.store.unit_of_work import open_unit
from tests.unit.einvoice.samples import SELLER, sample

S10 = TaxCategory("S", Decimal("10"))


@pytest.fixture(autouse=True)
def blob_store() -> Iterator[blobs.MemoryBlobStore]:
    store = blobs.MemoryBlobStore()
    blobs.use(store)
    yield store
    blobs.use(None)


def supplier_invoice(**changes: object) -> bytes:
    """A supplier's EN 16931 UBL invoice at the AU tenant's GST rate (10 %)."""
    lines = (Line("1", "Consulting", Decimal("10"), Decimal("100"), Decimal("1000.00"), S10),
             Line("2", "Setup", Decimal("1"), Decimal("250"), Decimal("250.00"), S10))
    fields: dict[str, object] = dict(lines=lines, tax_amounts={S10.key: Decimal("125.00")},
                                     tax_total=Decimal("125.00"), total=Decimal("1375.00"), currency="AUD")
    fields.update(changes)
    return einvoice.render(sample(**fields), "ubl")


def records(books, model) -> list:
    """The tenant's records of a kind (bills: any item keyed `BILL#…`)."""
    if model is Party:
        return open_unit(books.tenant_id).tenant_records(Party)
    return [key for key in books.table.items if key[1].startswith(f"{model.PREFIX}#")]


def test_an_import_writes_the_supplier_the_file_and_the_draft_bill_in_one_transaction(books, blob_store):
    before = books.table.transactions
    result = bill_imports.import_bill(books.tenant_id, supplier_invoice(), "invoice.xml")

    assert books.table.transactions == before + 1
    bill = open_unit(books.tenant_id).load(Bill, result["bill"]["id"])
    assert bill.status == "draft" and bill.supplier_reference == "INV-2026-0001" and bill.total == Decimal("1375.00")
    assert bill.buyer_reference == "04011000-12345-34" and bill.order_reference == "PO-77"
    assert [line.account_id for line in bill.lines] == [books.accounts["6000"]] * 2
    assert {line.tax_code_id for line in bill.lines} == {books.tax_codes["GST10"]}
    supplier = open_unit(books.tenant_id).load(Party, bill.supplier_id)
    assert (supplier.kind, supplier.vat_id, supplier.electronic_address) == ("supplier", "DE123456788",
                                                                            "9930:DE123456788")
    file = open_unit(books.tenant_id).load(UploadedFile, result["file_id"])
    assert file.attached_to == [bill.id] and file.content_type == "application/xml"
    assert blob_store.get(file.blob_key) == supplier_invoice()
    assert result["import_warnings"] == [] and result["supplier_created"] is True
    assert {"bill.created", "party.created"} <= set(books.table.event_types(books.tenant_id))


def test_the_same_file_again_is_a_409_naming_the_bill_and_a_known_supplier_is_matched(books):
    first = bill_imports.import_bill(books.tenant_id, supplier_invoice(), "invoice.xml")
    before = books.table.transactions
    with pytest.raises(AlreadyExists) as error:
        bill_imports.import_bill(books.tenant_id, supplier_invoice(), "invoice.xml")
    assert error.value.code == "duplicate_einvoice" and first["bill"]["id"] in error.value.message
    assert books.table.transactions == before

    # another invoice of the same seller, known now by its VAT id only
    other = supplier_invoice(number="INV-2026-0002", seller=replace(SELLER, electronic_address=None))
    second = bill_imports.import_bill(books.tenant_id, other, "invoice-2.xml")
    assert second["supplier_created"] is False
    assert second["bill"]["supplier_id"] == first["bill"]["supplier_id"]
    assert len([p for p in records(books, Party) if p.kind == "supplier"]) == 1


def test_a_file_the_rules_refuse_writes_nothing_and_lists_their_findings(books, blob_store):
    broken = supplier_invoice().replace(b'<cbc:PayableAmount currencyID="AUD">1375.00',
                                        b'<cbc:PayableAmount currencyID="AUD">1375.01')
    before = books.table.transactions
    with pytest.raises(ValidationFailed) as error:
        bill_imports.import_bill(books.tenant_id, broken, "invoice.xml")
    assert error.value.code == "einvoice_invalid"
    assert [issue.extra["id"] for issue in error.value.details] == ["BR-CO-16"]
    assert {"severity", "location", "text", "rule_set"} <= set(error.value.details[0].extra)
    assert books.table.transactions == before and records(books, Bill) == [] and blob_store.objects == {}


def test_a_credit_note_is_refused_as_such_and_an_unknown_rate_is_named(books):
    with pytest.raises(ValidationFailed) as error:
        bill_imports.import_bill(books.tenant_id, supplier_invoice(credit_note=True, preceding_invoice="INV-1"),
                                 None)
    assert error.value.code == "einvoice_credit_note"
    s19 = TaxCategory("S", Decimal("19"))
    nineteen = supplier_invoice(lines=(Line("1", "Consulting", Decimal(1), Decimal(100), Decimal("100.00"), s19),),
                                tax_amounts={s19.key: Decimal("19.00")}, tax_total=Decimal("19.00"))
    with pytest.raises(ValidationFailed) as error:
        bill_imports.import_bill(books.tenant_id, nineteen, None)
    assert error.value.code == "einvoice_tax_code_missing" and "category S at 19 %" in error.value.message
    assert records(books, Bill) == [] and [p for p in records(books, Party) if p.kind == "supplier"] == []


def test_a_pdf_without_an_einvoice_and_what_is_no_einvoice_are_422s(books):
    xxe = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&e;</ID></Invoice>')
    for content in (b"%PDF-1.7\n%%EOF\n", b"hello", b"<html/>", xxe, supplier_invoice()[:200]):
        with pytest.raises(ValidationFailed):
            bill_imports.import_bill(books.tenant_id, content, None)
    assert records(books, Bill) == []
