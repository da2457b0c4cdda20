"""Supplier credit notes (issue 15): a posted bill credited by lines or a net amount."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from ledgerline.domain.money import with_minor_units
from ledgerline.schemas.bills import BillLineIn, PurchaseTaxOut
from ledgerline.schemas.common import Day as Date
from ledgerline.schemas.common import DecimalOut, MetadataIn, MetadataOut, Text, Timestamps
from ledgerline.schemas.documents import Amount, LineOut, NoneAsZero, scale
from ledgerline.schemas.supplier_payments import BillAllocationOut


class SupplierCreditNoteCreate(MetadataIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "bill_id": "bill_01K2X3Y4Z5A6B7C8D9E0F1G2H6", "date": "2026-02-10", "supplier_reference": "CN-881",
        "reason": "Two boxes returned", "amount": "50.00"}]})

    bill_id: str = Field(description="The posted bill credited")
    date: Date | None = Field(None, description="Defaults to today; not before the bill date")
    supplier_reference: str | None = Field(None, max_length=100, description="The supplier's credit note number")
    reason: Text | None = None
    lines: list[BillLineIn] | None = Field(None, min_length=1, max_length=100,
                                           description="Credit these lines (net prices); or send `amount` instead")
    amount: Amount | None = Field(None, description="Credit this net amount on the bill's first line's account "
                                                    "and tax code")

    @model_validator(mode="after")
    def _lines_or_amount(self) -> SupplierCreditNoteCreate:
        if (self.lines is None) == (self.amount is None):
            raise ValueError("send either lines or amount")
        return self


class SupplierCreditNoteOut(Timestamps, MetadataOut):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "object": "supplier_credit_note", "id": "scn_01K2X3Y4Z5A6B7C8D9E0F1G2H9", "status": "posted",
        "bill_id": "bill_01K2X3Y4Z5A6B7C8D9E0F1G2H6", "bill_number": "BILL-2026-0001", "total": "55.00",
        "applied_amount": "55.00", "unallocated_amount": "0.00"}]})

    object: Literal["supplier_credit_note"] = "supplier_credit_note"
    id: str
    status: Literal["posted"]
    bill_id: str
    bill_number: str
    supplier_id: str
    supplier_name: str
    supplier_reference: str | None
    date: Date
    reason: str | None
    currency: str
    exchange_rate: DecimalOut
    lines: list[LineOut]
    tax_breakdown: list[PurchaseTaxOut]
    subtotal: DecimalOut
    tax_total: DecimalOut
    rounding_adjustment: DecimalOut
    total: DecimalOut
    applied_amount: DecimalOut = Field(description="Taken off the bill's amount due")
    unallocated_amount: DecimalOut = Field(description="The excess still held as a supplier prepayment (1400)")
    allocations: list[BillAllocationOut] = Field([], description="The excess applied to the supplier's bills "
                                                                 "(POST …/allocations)")
    allocated_amount: NoneAsZero = Field(Decimal(0), description="Excess applied to bills")
    refunded_amount: NoneAsZero = Field(Decimal(0), description="Excess the supplier paid back (POST …/refund)")
    journal_entry_id: str
    journal_entry_ids: list[str] = Field([], description="Its own entry, then those of its allocations and refunds")

    @field_validator("allocations", "journal_entry_ids", mode="before")
    @classmethod
    def _none_as_empty(cls, value: object) -> object:
        return [] if value is None else value

    @model_validator(mode="after")
    def _scaled(self) -> SupplierCreditNoteOut:
        if not self.journal_entry_ids:  # a note made before its excess could be used
            self.journal_entry_ids = [self.journal_entry_id]
        scale(self, self.currency, "subtotal", "tax_total", "rounding_adjustment", "total", "applied_amount",
              "unallocated_amount", "allocated_amount", "refunded_amount")
        for allocation in self.allocations:
            scale(allocation, self.currency, "amount")
        for line in self.lines:
            scale(line, self.currency, "net_amount", "tax_amount", "amount")
            line.unit_price = with_minor_units(line.unit_price, self.currency)
        for tax in self.tax_breakdown:
            scale(tax, self.currency, "taxable_amount", "tax_amount")
        return self
