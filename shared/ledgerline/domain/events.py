"""The event catalogue: every event type the outbox writes (issue 12).

Emitters pass `EventType` members (never strings), webhook subscriptions are checked against it
(`domain/webhooks.unknown_event_types`), consumers declare `{EventType: handler}` maps, and the schema
each type's `data` carries is `schemas/events.EVENT_DATA`. Unit tests hold `template.yaml`'s bus rules,
the consumers and the emitters to it (tests/unit/test_event_catalogue.py).

The document families are the registry's (`domain/kinds.KINDS`); the others are master data, keys,
the tenant, periods, files and webhook endpoints.
"""

from __future__ import annotations

from enum import StrEnum

from ledgerline.domain.kinds import KINDS


class EventType(StrEnum):
    # Documents (families from domain/kinds.KINDS)
    INVOICE_CREATED = "invoice.created"
    INVOICE_UPDATED = "invoice.updated"
    INVOICE_DELETED = "invoice.deleted"
    INVOICE_POSTED = "invoice.posted"
    INVOICE_SENT = "invoice.sent"
    INVOICE_PAID = "invoice.paid"
    INVOICE_VOIDED = "invoice.voided"
    INVOICE_OVERDUE = "invoice.overdue"
    INVOICE_NOT_SENT = "invoice.not_sent"
    RECEIPT_POSTED = "receipt.posted"
    RECEIPT_ALLOCATED = "receipt.allocated"
    RECEIPT_REVERSED = "receipt.reversed"
    RECEIPT_UPDATED = "receipt.updated"  # its metadata changed (issue 20)
    CREDIT_NOTE_POSTED = "credit_note.posted"
    CREDIT_NOTE_SENT = "credit_note.sent"
    CREDIT_NOTE_UPDATED = "credit_note.updated"  # its metadata changed (issue 20)
    JOURNAL_ENTRY_POSTED = "journal_entry.posted"
    JOURNAL_ENTRY_REVERSED = "journal_entry.reversed"
    REMINDER_CREATED = "reminder.created"
    REMINDER_SENT = "reminder.sent"
    REMINDER_DELETED = "reminder.deleted"
    REFUND_POSTED = "refund.posted"
    REFUND_REVERSED = "refund.reversed"
    REFUND_UPDATED = "refund.updated"  # its metadata changed (issue 20)
    RECURRING_INVOICE_CREATED = "recurring_invoice.created"
    RECURRING_INVOICE_UPDATED = "recurring_invoice.updated"
    RECURRING_INVOICE_DELETED = "recurring_invoice.deleted"
    RECURRING_INVOICE_PAUSED = "recurring_invoice.paused"
    RECURRING_INVOICE_RESUMED = "recurring_invoice.resumed"
    QUOTE_CREATED = "quote.created"
    QUOTE_UPDATED = "quote.updated"
    QUOTE_DELETED = "quote.deleted"
    QUOTE_ISSUED = "quote.issued"
    QUOTE_ACCEPTED = "quote.accepted"
    QUOTE_DECLINED = "quote.declined"
    QUOTE_REVERTED = "quote.reverted"
    QUOTE_CONVERTED = "quote.converted"
    QUOTE_SENT = "quote.sent"
    QUOTE_EXPIRED = "quote.expired"
    ORDER_CREATED = "order.created"
    ORDER_UPDATED = "order.updated"
    ORDER_DELETED = "order.deleted"
    ORDER_CONFIRMED = "order.confirmed"
    ORDER_CANCELLED = "order.cancelled"
    ORDER_DELIVERED = "order.delivered"
    ORDER_INVOICED = "order.invoiced"
    ORDER_SENT = "order.sent"
    DELIVERY_CREATED = "delivery.created"
    DELIVERY_ISSUED = "delivery.issued"
    DELIVERY_DELIVERED = "delivery.delivered"
    PURCHASE_ORDER_CREATED = "purchase_order.created"
    PURCHASE_ORDER_UPDATED = "purchase_order.updated"
    PURCHASE_ORDER_DELETED = "purchase_order.deleted"
    PURCHASE_ORDER_SENT = "purchase_order.sent"
    PURCHASE_ORDER_RECEIVED = "purchase_order.received"
    PURCHASE_ORDER_BILLED = "purchase_order.billed"
    PURCHASE_ORDER_CANCELLED = "purchase_order.cancelled"
    DELIVERY_DELETED = "delivery.deleted"
    DELIVERY_SENT = "delivery.sent"
    DELIVERY_UPDATED = "delivery.updated"  # its metadata changed (issue 20)
    # Supplier bills (issue 15)
    BILL_CREATED = "bill.created"
    BILL_UPDATED = "bill.updated"
    BILL_DELETED = "bill.deleted"
    BILL_POSTED = "bill.posted"
    BILL_VOIDED = "bill.voided"
    BILL_DUE_SOON = "bill.due_soon"
    BILL_PAID = "bill.paid"
    SUPPLIER_PAYMENT_POSTED = "supplier_payment.posted"
    SUPPLIER_PAYMENT_REVERSED = "supplier_payment.reversed"
    SUPPLIER_PAYMENT_ALLOCATED = "supplier_payment.allocated"
    SUPPLIER_PAYMENT_REFUNDED = "supplier_payment.refunded"
    SUPPLIER_PAYMENT_UPDATED = "supplier_payment.updated"  # its metadata changed (issue 20)
    SUPPLIER_CREDIT_NOTE_POSTED = "supplier_credit_note.posted"
    SUPPLIER_CREDIT_NOTE_ALLOCATED = "supplier_credit_note.allocated"  # its excess applied to bills
    SUPPLIER_CREDIT_NOTE_REFUNDED = "supplier_credit_note.refunded"  # its excess paid back by the supplier
    SUPPLIER_CREDIT_NOTE_UPDATED = "supplier_credit_note.updated"  # its metadata changed (issue 20)
    EXPENSE_POSTED = "expense.posted"
    EXPENSE_REVERSED = "expense.reversed"
    EXPENSE_UPDATED = "expense.updated"  # its metadata changed (issue 20)
    # Files, periods, webhooks
    DOCUMENT_RENDERED = "document.rendered"
    PERIOD_CLOSED = "period.closed"
    WEBHOOK_ENDPOINT_DISABLED = "webhook_endpoint.disabled"
    # Master data, keys and the tenant (issue 11.24): the object as the API shows it, never a secret
    PARTY_CREATED = "party.created"
    PARTY_UPDATED = "party.updated"
    PARTY_ARCHIVED = "party.archived"
    ITEM_CREATED = "item.created"
    ITEM_UPDATED = "item.updated"
    ITEM_ARCHIVED = "item.archived"
    ACCOUNT_CREATED = "account.created"
    ACCOUNT_UPDATED = "account.updated"
    ACCOUNT_ARCHIVED = "account.archived"
    TAX_CODE_CREATED = "tax_code.created"
    TAX_CODE_UPDATED = "tax_code.updated"
    TAX_CODE_ARCHIVED = "tax_code.archived"
    API_KEY_CREATED = "api_key.created"
    API_KEY_REVOKED = "api_key.revoked"
    TENANT_CREATED = "tenant.created"
    TENANT_UPDATED = "tenant.updated"
    TENANT_DEACTIVATED = "tenant.deactivated"
    # Documents sent by email (issue 14): the email record (services/emails.py, mail/consumer.py)
    EMAIL_QUEUED = "email.queued"
    EMAIL_SENT = "email.sent"
    EMAIL_BOUNCED = "email.bounced"
    EMAIL_FAILED = "email.failed"
    # Uploaded files (issue 15): the file's metadata (services/files.py)
    FILE_CREATED = "file.created"
    FILE_DELETED = "file.deleted"
    JOURNAL_ENTRY_UPDATED = "journal_entry.updated"  # its attachments changed (the lines never do)

    # VAT periods (issue 15): created, closed (the settlement posted), reopened (the settlement reversed)
    VAT_PERIOD_CREATED = "vat_period.created"
    VAT_PERIOD_CLOSED = "vat_period.closed"
    VAT_PERIOD_REOPENED = "vat_period.reopened"

    # Banking (issue 16): bank accounts, imported statements, bank transactions
    BANK_ACCOUNT_CREATED = "bank_account.created"
    BANK_ACCOUNT_UPDATED = "bank_account.updated"
    BANK_ACCOUNT_ARCHIVED = "bank_account.archived"
    BANK_STATEMENT_IMPORTED = "bank_statement.imported"
    BANK_TRANSACTION_IGNORED = "bank_transaction.ignored"
    BANK_TRANSACTION_UNIGNORED = "bank_transaction.unignored"
    BANK_TRANSACTION_MATCHED = "bank_transaction.matched"
    BANK_TRANSACTION_BOOKED = "bank_transaction.booked"
    BANK_TRANSACTION_UNMATCHED = "bank_transaction.unmatched"
    BANK_TRANSACTION_IMPORTED = "bank_transaction.imported"  # one per transaction an import adds (issue 16, V)
    BANK_RULE_CREATED = "bank_rule.created"
    BANK_RULE_UPDATED = "bank_rule.updated"
    BANK_RULE_DELETED = "bank_rule.deleted"
    # Exchange rates and revaluation (issue 16, part X)
    EXCHANGE_RATE_CREATED = "exchange_rate.created"
    EXCHANGE_RATE_DELETED = "exchange_rate.deleted"
    REVALUATION_POSTED = "revaluation.posted"
    CURRENCY_CREATED = "currency.created"
    CURRENCY_UPDATED = "currency.updated"
    CURRENCY_DISABLED = "currency.disabled"
    # Payment runs (issue 16, item 4): a pain.001 file of scheduled supplier payments
    PAYMENT_RUN_CREATED = "payment_run.created"
    PAYMENT_RUN_UPDATED = "payment_run.updated"  # a statement booked one of its payments
    PAYMENT_RUN_COMPLETED = "payment_run.completed"  # every payment booked
    PAYMENT_RUN_CANCELLED = "payment_run.cancelled"

    # E-invoice delivery (issue 17, item 6): a submission (services/einvoice_delivery.py, einvoice/consumer.py)
    EINVOICE_QUEUED = "einvoice.queued"
    EINVOICE_SENT = "einvoice.sent"
    EINVOICE_DELIVERED = "einvoice.delivered"
    EINVOICE_REJECTED = "einvoice.rejected"
    EINVOICE_FAILED = "einvoice.failed"

    # Inventory (issue 19): locations, adjustments, transfers; every movement; a level below reorder_level
    STOCK_LOCATION_CREATED = "stock_location.created"
    STOCK_LOCATION_UPDATED = "stock_location.updated"
    STOCK_LOCATION_ARCHIVED = "stock_location.archived"
    STOCK_ADJUSTMENT_CREATED = "stock_adjustment.created"
    STOCK_TRANSFER_CREATED = "stock_transfer.created"
    STOCK_MOVED = "stock.moved"
    STOCK_LOW = "stock.low"

    @property
    def family(self) -> str:
        return self.value.split(".", 1)[0]

    @property
    def action(self) -> str:
        return self.value.split(".", 1)[1]


# Master-data events, per object type: what `services/master_data` emits for a change.
MASTER_DATA_EVENTS: dict[str, dict[str, EventType]] = {
    family: {t.action: t for t in EventType if t.family == family}
    for family in ("party", "item", "account", "tax_code")
}

FAMILIES: frozenset[str] = frozenset(t.family for t in EventType)
DOCUMENT_FAMILIES: frozenset[str] = frozenset(kind.event_prefix for kind in KINDS)


def of_family(family: str) -> tuple[EventType, ...]:
    return tuple(t for t in EventType if t.family == family)


def document_event_types() -> tuple[EventType, ...]:
    """The event types of the registry's document kinds."""
    return tuple(t for t in EventType if t.family in DOCUMENT_FAMILIES)


def pdf_events() -> dict[EventType, str]:
    """The event that renders each kind's PDF → the kind's name (from the registry's `has_pdf`/`pdf_on`)."""
    return {EventType(kind.pdf_event): kind.name for kind in KINDS if kind.pdf_event}
