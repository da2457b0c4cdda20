"""Dunning policies and payment reminders as the API shows them and events carry them."""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictInt, StringConstraints, model_validator

from ledgerline.domain.money import MAX_AMOUNT, round_money
from ledgerline.schemas.common import Day, DecimalOut, Input, Output, Text, Timestamps, decimal_input
from ledgerline.schemas.documents import scale

Fee = Annotated[decimal_input(whole=16, decimals=4, example="10.00", ge=0, le=MAX_AMOUNT),
                Field(description="Charged in the tenant's base currency; absent or 0 for none")]
Title = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class DunningLevelIn(Input):
    days_after_due: StrictInt = Field(ge=1, le=365, description="The reminder is due this many days after the due date")
    title: Title = Field(description='e.g. "Second reminder"')
    message: Text = Field(description="The reminder's text, shown above the amounts")
    fee: Fee | None = None
    payment_days: StrictInt = Field(10, ge=0, le=90, description="The reminder asks for payment within this many days")


class DunningPolicyUpdate(Input):
    enabled: StrictBool = Field(True, description="false: the daily job creates no reminders (invoices still "
                                                  "turn overdue)")
    levels: list[DunningLevelIn] = Field(min_length=1, max_length=10, description="In order; level numbers follow")
    fee_account_id: str | None = Field(None, description="Revenue account fees are booked to; default: 4900 Other "
                                                         "income, else the sales account")


class DunningLevelOut(Output):
    level: int
    days_after_due: int
    title: str
    message: str
    fee: DecimalOut | None
    payment_days: int


class DunningPolicyOut(Output):
    object: Literal["dunning_policy"] = "dunning_policy"
    enabled: bool
    is_default: bool = Field(description="true until the tenant sets its own policy")
    levels: list[DunningLevelOut]
    fee_account_id: str | None
    fee_currency: str
    updated_at: datetime | None
    version: int = Field(description="0 for the default policy; send it as If-Match to change it")

    @model_validator(mode="after")
    def _scaled(self) -> DunningPolicyOut:
        for level in self.levels:
            if level.fee is not None:
                level.fee = round_money(level.fee, self.fee_currency)
        return self


class ReminderOut(Timestamps):
    object: Literal["reminder"] = "reminder"
    id: str
    invoice_id: str
    invoice_number: str
    customer_id: str
    customer_name: str
    level: int
    title: str
    message: str
    date: Date = Field(description="The day the reminder was created for")
    pay_by: Date = Field(description="The new deadline the reminder gives")
    currency: str
    invoice_date: Date
    invoice_due_date: Date
    invoice_total: DecimalOut
    amount_paid: DecimalOut = Field(description="Paid and credited on the invoice when the reminder was created")
    amount_due: DecimalOut = Field(description="What the invoice still owed when the reminder was created")
    fee: DecimalOut | None
    fee_currency: str | None
    fee_invoice_id: str | None = Field(description="The invoice that charges the fee")
    fee_invoice_number: str | None
    is_sent: bool
    sent_at: datetime | None

    @model_validator(mode="after")
    def _scaled(self) -> ReminderOut:
        scale(self, self.currency, "invoice_total", "amount_paid", "amount_due")
        if self.fee is not None and self.fee_currency:
            self.fee = round_money(self.fee, self.fee_currency)
        return self


class ReminderRequest(Input):
    date: Day | None = Field(None, description="Date of the reminder; defaults to today")
