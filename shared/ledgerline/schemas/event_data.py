"""The schema of each event type's `data` (issue 12): the catalogue (domain/events.EventType) → the model
that serializes the object an event of that type carries, the same `XOut` the API answers with.

Kept apart from schemas/events.py so that a function reading `/v1/events` does not import every schema.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from ledgerline.domain.events import EventType
from ledgerline.schemas.accounts import AccountOut
from ledgerline.schemas.api_keys import ApiKeyOut
from ledgerline.schemas.banking import BankAccountOut, BankRuleOut, BankStatementOut, BankTransactionOut
from ledgerline.schemas.bills import BillOut, ExpenseOut
from ledgerline.schemas.common import Output
from ledgerline.schemas.currencies import CurrencyOut
from ledgerline.schemas.documents import CreditNoteOut, InvoiceOut, JournalEntryOut, ReceiptOut
from ledgerline.schemas.einvoice_delivery import EInvoiceSubmissionOut
from ledgerline.schemas.emails import EmailOut
from ledgerline.schemas.exchange_rates import ExchangeRateOut, RevaluationOut
from ledgerline.schemas.files import DocumentFileOut, FileOut
from ledgerline.schemas.items import ItemOut
from ledgerline.schemas.orders import DeliveryNoteOut, OrderOut
from ledgerline.schemas.parties import PartyOut
from ledgerline.schemas.payment_runs import PaymentRunOut
from ledgerline.schemas.purchase_orders import PurchaseOrderOut
from ledgerline.schemas.quotes import QuoteOut
from ledgerline.schemas.recurring_invoices import RecurringInvoiceOut
from ledgerline.schemas.refunds import RefundOut
from ledgerline.schemas.reminders import ReminderOut
from ledgerline.schemas.stock import StockAdjustmentOut, StockEventData, StockLocationOut, StockTransferOut
from ledgerline.schemas.supplier_credit_notes import SupplierCreditNoteOut
from ledgerline.schemas.supplier_payments import SupplierPaymentOut
from ledgerline.schemas.tax_codes import TaxCodeOut
from ledgerline.schemas.tenant import TenantOut
from ledgerline.schemas.vat_periods import VatPeriodOut
from ledgerline.schemas.webhooks import WebhookOut


class PeriodClosedData(Output):
    """`period.closed`: the closed fiscal year, its closing entries and the new lock date."""

    year: int
    start: date
    end: date
    entry_ids: list[str]
    lock_date: date


_BY_FAMILY: dict[str, type[BaseModel]] = {
    "invoice": InvoiceOut,
    "receipt": ReceiptOut,
    "credit_note": CreditNoteOut,
    "journal_entry": JournalEntryOut,
    "reminder": ReminderOut,
    "refund": RefundOut,
    "recurring_invoice": RecurringInvoiceOut,
    "quote": QuoteOut,
    "order": OrderOut,
    "delivery": DeliveryNoteOut,
    "document": DocumentFileOut,
    "period": PeriodClosedData,
    "webhook_endpoint": WebhookOut,
    "party": PartyOut,
    "item": ItemOut,
    "account": AccountOut,
    "tax_code": TaxCodeOut,
    "api_key": ApiKeyOut,
    "tenant": TenantOut,
    "email": EmailOut,
    "file": FileOut,
    "vat_period": VatPeriodOut,
    "purchase_order": PurchaseOrderOut,
    "bank_account": BankAccountOut,
    "bank_statement": BankStatementOut,
    "bank_transaction": BankTransactionOut,
    "bill": BillOut,
    "expense": ExpenseOut,
    "bank_rule": BankRuleOut,
    "exchange_rate": ExchangeRateOut,
    "revaluation": RevaluationOut,
    "currency": CurrencyOut,
    "supplier_payment": SupplierPaymentOut,
    "supplier_credit_note": SupplierCreditNoteOut,
    "payment_run": PaymentRunOut,
    "einvoice": EInvoiceSubmissionOut,

    "stock_location": StockLocationOut,  # issue 19
    "stock_adjustment": StockAdjustmentOut,
    "stock_transfer": StockTransferOut,
    "stock": StockEventData,
}

EVENT_DATA: dict[EventType, type[BaseModel]] = {t: _BY_FAMILY[t.family] for t in EventType}
