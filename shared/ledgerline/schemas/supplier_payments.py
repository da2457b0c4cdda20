"""Supplier payments (issue 15): money out of a bank or cash account to posted bills."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from ledgerline.schemas.common import Currency, DecimalOut, Input, MetadataIn, MetadataOut, Output, Timestamps
from ledgerline.schemas.common import Day as Date
from ledgerline.schemas.documents import Amount, ExchangeRate, NoneAsZero, scale


class BillAllocationIn(Input):
    bill_id: str
    amount: Amount


class SupplierPaymentCreate(MetadataIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "supplier_id": "pty_01K2X3Y4Z5A6B7C8D9E0F1G2H3", "date": "2026-02-20", "amount": "550.00",
        "account_id": "acc_01K2X3Y4Z5A6B7C8D9E0F1G2H5",
        "allocations": [{"bill_id": "bill_01K2X3Y4Z5A6B7C8D9E0F1G2H6", "amount": "550.00"}]}]})

    supplier_id: str
    date: Date | None = Field(None, description="Defaults to today")
    amount: Amount
    currency: Currency | None = Field(None, description="Defaults to the supplier's, then the base currency")
    exchange_rate: ExchangeRate | None = None
    account_id: str = Field(description="The bank or cash account the money left from")
    reference: str | None = Field(None, max_length=100)
    allocations: list[BillAllocationIn] = Field(
        default_factory=list, max_length=25,
        description="Posted bills of the supplier and the amount paid on each; the rest is a supplier prepayment")


class SupplierPaymentAllocate(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "date": "2026-03-02", "allocations": [{"bill_id": "bill_01K2X3Y4Z5A6B7C8D9E0F1G2H6", "amount": "50.00"}]}]})

    date: Date | None = Field(None, description="Defaults to today")
    allocations: list[BillAllocationIn] = Field(min_length=1, max_length=25)


class SupplierPaymentRefund(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "date": "2026-03-05", "amount": "30.00", "account_id": "acc_01K2X3Y4Z5A6B7C8D9E0F1G2H5"}]})

    date: Date | None = Field(None, description="Defaults to today")
    amount: Amount
    account_id: str = Field(description="The bank or cash account the money came back into")
    exchange_rate: ExchangeRate | None = Field(None, description="The rate of the refund's date for a foreign "
                                                                 "currency; defaults to the tenant's rate of that "
                                                                 "date (GET /v1/exchange-rates)")


class BillAllocationOut(Output):
    bill_id: str
    bill_number: str
    amount: DecimalOut
    date: Date
    journal_entry_id: str


class SupplierPaymentOut(Timestamps, MetadataOut):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "object": "supplier_payment", "id": "spay_01K2X3Y4Z5A6B7C8D9E0F1G2H9", "status": "posted",
        "supplier_id": "pty_01K2X3Y4Z5A6B7C8D9E0F1G2H3", "supplier_name": "Paper Supplies Ltd",
        "date": "2026-02-20", "amount": "600.00", "currency": "AUD", "exchange_rate": "1",
        "account_id": "acc_01K2X3Y4Z5A6B7C8D9E0F1G2H5", "reference": None,
        "allocations": [{"bill_id": "bill_01K2X3Y4Z5A6B7C8D9E0F1G2H6", "bill_number": "BILL-2026-0001",
                         "amount": "550.00", "date": "2026-02-20",
                         "journal_entry_id": "je_01K2X3Y4Z5A6B7C8D9E0F1G2H7"}],
        "allocated_amount": "550.00", "unallocated_amount": "50.00",
        "journal_entry_ids": ["je_01K2X3Y4Z5A6B7C8D9E0F1G2H7"], "reversal_journal_entry_id": None,
        "reversed_at": None}]})

    object: Literal["supplier_payment"] = "supplier_payment"
    id: str
    status: Literal["posted", "reversed"]
    supplier_id: str
    supplier_name: str
    date: Date
    amount: DecimalOut
    currency: str
    exchange_rate: DecimalOut
    account_id: str
    reference: str | None
    allocations: list[BillAllocationOut]
    allocated_amount: DecimalOut
    unallocated_amount: DecimalOut = Field(description="The supplier prepayment it holds")
    refunded_amount: NoneAsZero = Field(Decimal(0), description="Prepayment the supplier paid back")
    journal_entry_ids: list[str]
    reversal_journal_entry_id: str | None
    reversed_at: datetime | None

    @model_validator(mode="after")
    def _scaled(self) -> SupplierPaymentOut:
        scale(self, self.currency, "amount", "allocated_amount", "unallocated_amount", "refunded_amount")
        for allocation in self.allocations:
            scale(allocation, self.currency, "amount")
        return self
