"""Sample EN 16931 documents for the e-invoicing unit tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledgerline.domain.einvoice.document import (
    Address,
    AllowanceCharge,
    EInvoice,
    Line,
    Party,
    Payment,
    TaxCategory,
)

SELLER = Party(name="Ledgerline Demo GmbH", address=Address("Hauptstr. 1", None, "Berlin", "10115", None, "DE"),
               vat_id="DE123456788", legal_registration_id="HRB 12345", electronic_address="9930:DE123456788",
               contact_name="Accounts", contact_phone="+49 30 123456", contact_email="billing@demo.example")
BUYER = Party(name="Globex AG", address=Address("Marktplatz 2", None, "München", "80331", None, "DE"),
              vat_id="DE811569869", electronic_address="0088:4000001000005")
S19 = TaxCategory("S", Decimal("19"))


def sample(**changes: object) -> EInvoice:
    lines = (Line("1", "Consulting", Decimal("10"), Decimal("100"), Decimal("1000.00"), S19),
             Line("2", "Setup", Decimal("1"), Decimal("250"), Decimal("250.00"), S19))
    fields: dict[str, object] = dict(
        credit_note=False, number="INV-2026-0001", issue_date=date(2026, 2, 1), currency="EUR", seller=SELLER,
        buyer=BUYER, lines=lines, tax_amounts={S19.key: Decimal("237.50")}, tax_total=Decimal("237.50"),
        total=Decimal("1487.50"), due_date=date(2026, 3, 3), buyer_reference="04011000-12345-34",
        order_reference="PO-77", delivery_date=date(2026, 1, 31),
        payment=Payment(iban="DE75512108001245126199", bic="SOGEDEFFXXX", remittance="INV-2026-0001"))
    fields.update(changes)
    return EInvoice(**fields)  # type: ignore[arg-type]


def with_allowance() -> EInvoice:
    return sample(allowances=(AllowanceCharge(False, Decimal("50.00"), "Discount", S19),),
                  tax_amounts={S19.key: Decimal("228.00")}, tax_total=Decimal("228.00"))
