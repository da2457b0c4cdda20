"""Refunds and a party's balance as the API shows them (and refund events carry them)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, model_validator

from ledgerline.schemas.common import Currency, DecimalOut, MetadataIn, MetadataOut, Output, Timestamps
from ledgerline.schemas.common import Day as Date
from ledgerline.schemas.documents import Amount, ExchangeRate, scale

RefundStatusValue = Literal["posted", "reversed"]


class RefundCreate(MetadataIn):
    customer_id: str
    date: Date | None = Field(None, description="Defaults to today")
    amount: Amount
    currency: Currency | None = Field(
        None, description="Defaults to the source's currency, else the customer's, else the base currency"
    )
    exchange_rate: ExchangeRate | None = Field(None, description="Required for a currency other than the base")
    account_id: str = Field(description="The bank or cash account the money leaves")
    reference: str | None = Field(None, max_length=100)
    receipt_id: str | None = Field(None, description="Refund this receipt's unallocated credit")
    credit_note_id: str | None = Field(None, description="Refund this credit note's unallocated credit")


class RefundSourceOut(Output):
    source_type: Literal["receipt", "credit_note"]
    source_id: str
    amount: DecimalOut


class RefundOut(Timestamps, MetadataOut):
    object: Literal["refund"] = "refund"
    id: str
    status: RefundStatusValue
    customer_id: str
    customer_name: str
    date: Date
    amount: DecimalOut
    currency: str
    exchange_rate: DecimalOut
    exchange_rate_id: str | None = Field(
        None, description="The exchange rate (GET /v1/exchange-rates/{id}) the refund took because the request gave "
                          "no exchange_rate; null when it was given or the currency is the base currency")
    account_id: str
    reference: str | None
    receipt_id: str | None
    credit_note_id: str | None
    sources: list[RefundSourceOut] = Field(description="The receipts and credit notes whose credit was paid out")
    journal_entry_id: str
    reversal_journal_entry_id: str | None
    reversed_at: datetime | None

    @model_validator(mode="after")
    def _scaled(self) -> RefundOut:
        scale(self, self.currency, "amount")
        for source in self.sources:
            scale(source, self.currency, "amount")
        return self


class BalanceTotals(Output):
    currency: str
    receivable: DecimalOut = Field(description="Amount due on the customer's open invoices")
    credit: DecimalOut = Field(description="Unallocated customer credit (receipts and credit notes)")
    overdue: DecimalOut = Field(description="Amount due on open invoices past their due date")


class PartyBalanceOut(BalanceTotals):
    object: Literal["party_balance"] = "party_balance"
    party_id: str
    as_of: Date
    by_currency: list[BalanceTotals] = Field(description="The same, per document currency")
