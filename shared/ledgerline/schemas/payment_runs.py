"""Payment runs (issue 16, item 4): bills paid by one ISO 20022 pain.001 credit-transfer file."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from ledgerline.schemas.common import Currency, DecimalOut, Input, MetadataIn, MetadataOut, Output, Timestamps
from ledgerline.schemas.common import Day as Date
from ledgerline.schemas.documents import Amount, scale

FileFormat = Literal["pain.001.001.03", "pain.001.001.09", "pain.001.001.09.ch"]


class PaymentRunBill(Input):
    bill_id: str
    amount: Amount | None = Field(None, description="Defaults to what the bill owes, less what other runs "
                                                    "scheduled")


class PaymentRunCreate(MetadataIn):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"bank_account_id": "bac_01K2X3Y4Z5A6B7C8D9E0F1G2H1", "execution_date": "2026-03-03",
         "bills": [{"bill_id": "bill_01K2X3Y4Z5A6B7C8D9E0F1G2H6"},
                   {"bill_id": "bill_01K2X3Y4Z5A6B7C8D9E0F1G2H7", "amount": "250.00"}]},
        {"bank_account_id": "bac_01K2X3Y4Z5A6B7C8D9E0F1G2H1", "due_by": "2026-03-31"}]})

    bank_account_id: str = Field(description="The tenant's bank account paid from; the run is in its currency")
    bills: list[PaymentRunBill] | None = Field(
        None, min_length=1, max_length=80, description="Posted bills to pay (each once); or give due_by")
    due_by: Date | None = Field(None, description="Pay every open bill in the bank account's currency due by this "
                                                  "date (what other runs scheduled left out)")
    execution_date: Date | None = Field(None, description="Requested execution date; defaults to today")
    currency: Currency | None = Field(None, description="Must be the bank account's currency when given")
    file_format: FileFormat | None = Field(
        None, description="EUR: pain.001.001.09 (default) or pain.001.001.03 (SEPA); CHF: pain.001.001.09.ch (Swiss "
                          "Payment Standards)")

    @model_validator(mode="after")
    def _one_selection(self) -> PaymentRunCreate:
        if (self.bills is None) == (self.due_by is None):
            raise ValueError("give either bills or due_by")
        return self


class ScheduledPaymentOut(Output):
    position: int
    end_to_end_id: str = Field(description="The EndToEndId (and InstrId) the file gives this transfer")
    status: Literal["scheduled", "booked", "cancelled"]
    bill_id: str
    bill_number: str | None
    supplier_id: str
    supplier_name: str
    supplier_reference: str | None
    amount: DecimalOut
    creditor_iban: str
    creditor_bic: str | None
    reference: str | None = Field(description="Structured creditor reference: a QR reference or an RF reference")
    reference_type: Literal["QRR", "SCOR"] | None
    supplier_payment_id: str | None = Field(description="The supplier payment booked when the statement showed it")
    bank_transaction_id: str | None
    booked_on: Date | None


class PaymentRunOut(Timestamps, MetadataOut):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "object": "payment_run", "id": "prun_01K2X3Y4Z5A6B7C8D9E0F1G2H8", "status": "scheduled",
        "bank_account_id": "bac_01K2X3Y4Z5A6B7C8D9E0F1G2H1", "currency": "EUR", "execution_date": "2026-03-03",
        "due_by": None, "file_format": "pain.001.001.09", "message_id": "01K2X3Y4Z5A6B7C8D9E0F1G2H8",
        "total": "1428.00", "file_sha256": "9f2c…", "file_size": 2210,
        "payments": [{"position": 1, "end_to_end_id": "01K2X3Y4Z5A6B7C8D9E0F1G2H8-1", "status": "scheduled",
                      "bill_id": "bill_01K2X3Y4Z5A6B7C8D9E0F1G2H6", "bill_number": "BILL-2026-0001",
                      "supplier_id": "pty_01K2X3Y4Z5A6B7C8D9E0F1G2H3", "supplier_name": "Office Ltd",
                      "supplier_reference": "RF18539007547034", "amount": "1428.00",
                      "creditor_iban": "FR1420041010050500013M02606", "creditor_bic": None,
                      "reference": "RF18539007547034", "reference_type": "SCOR", "supplier_payment_id": None,
                      "bank_transaction_id": None, "booked_on": None}]}]})

    object: Literal["payment_run"] = "payment_run"
    id: str
    status: Literal["scheduled", "completed", "cancelled"]
    bank_account_id: str
    currency: str
    execution_date: Date
    due_by: Date | None
    file_format: str
    message_id: str = Field(description="The file's MsgId and PmtInfId")
    total: DecimalOut
    file_sha256: str
    file_size: int
    payments: list[ScheduledPaymentOut]
    cancelled_at: datetime | None = None
    completed_at: datetime | None = None

    @model_validator(mode="after")
    def _scaled(self) -> PaymentRunOut:
        scale(self, self.currency, "total")
        for payment in self.payments:
            scale(payment, self.currency, "amount")
        return self
