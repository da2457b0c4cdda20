"""Document kinds as data: one registry entry per kind of document (issue 12).

What used to be hand-listed per kind (scope resources, event families, the PDF consumer's dispatch,
number formats, the local server's routers, the break-it sweeps) is derived from `KINDS`. A new kind is
its entry here, its event types in `domain/events.py` and its own modules (schema, store entity,
service, router, function); see docs/architecture.md, "Document engine: registry and catalogue".

Pure: names only (a router is named by its module under `ledgerline.api.routers`), no imports outside
`domain/`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PartyRole(StrEnum):
    CUSTOMER = "customer"
    SUPPLIER = "supplier"
    NONE = "none"


class Direction(StrEnum):
    SALES = "sales"
    PURCHASES = "purchases"
    NONE = "none"


@dataclass(frozen=True)
class NumberSeries:
    """A gapless number series: its name (the key of the tenant's `number_formats`), the key of its
    counter item (`SEQ#<key>#<year>`) and the format a new tenant starts with."""

    name: str
    key: str
    default_format: str

    @property
    def format_field(self) -> str:
        """The tenant field that reads and writes this series' format in the API (`invoice_number_format`)."""
        return f"{self.name}_number_format"


@dataclass(frozen=True)
class DocumentKind:
    name: str  # singular, snake case: the object type its events and responses carry
    id_prefix: str  # `inv` in `inv_01K…`
    key_prefix: str  # `INV` in `T#<tid>#INV#<id>` (or the sort key prefix of a kind stored in another's partition)
    scope_resource: str  # `<resource>:read` / `<resource>:write`
    event_prefix: str  # the event family: `invoice` in `invoice.posted`
    path: str  # the collection's path in the API
    router: str  # module under ledgerline.api.routers that serves it
    party_role: PartyRole = PartyRole.NONE
    direction: Direction = Direction.NONE
    posts_to_ledger: bool = False
    series: NumberSeries | None = None
    has_pdf: bool = False
    pdf_on: str | None = None  # the action whose event renders its PDF (`posted` → `invoice.posted`)
    convertible_to: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.has_pdf != (self.pdf_on is not None):
            raise ValueError(f"{self.name}: a kind with a PDF names the event that renders it, and only then")

    @property
    def pdf_event(self) -> str | None:
        return f"{self.event_prefix}.{self.pdf_on}" if self.pdf_on else None


INVOICE_SERIES = NumberSeries("invoice", "INV", "INV-{YYYY}-{SEQ:4}")
CREDIT_NOTE_SERIES = NumberSeries("credit_note", "CN", "CN-{YYYY}-{SEQ:4}")
QUOTE_SERIES = NumberSeries("quote", "QUO", "QUO-{YYYY}-{SEQ:4}")
ORDER_SERIES = NumberSeries("order", "SO", "SO-{YYYY}-{SEQ:4}")
DELIVERY_SERIES = NumberSeries("delivery", "DN", "DN-{YYYY}-{SEQ:4}")
PURCHASE_ORDER_SERIES = NumberSeries("purchase_order", "PO", "PO-{YYYY}-{SEQ:4}")
BILL_SERIES = NumberSeries("bill", "BILL", "BILL-{YYYY}-{SEQ:4}")

INVOICE = DocumentKind(
    name="invoice", id_prefix="inv", key_prefix="INV", scope_resource="invoices", event_prefix="invoice",
    path="/v1/invoices", router="invoices", party_role=PartyRole.CUSTOMER, direction=Direction.SALES,
    posts_to_ledger=True, series=INVOICE_SERIES, has_pdf=True, pdf_on="posted", convertible_to=("credit_note",),
)
RECEIPT = DocumentKind(
    name="receipt", id_prefix="rct", key_prefix="RCT", scope_resource="receipts", event_prefix="receipt",
    path="/v1/receipts", router="receipts", party_role=PartyRole.CUSTOMER, direction=Direction.SALES,
    posts_to_ledger=True,
)
CREDIT_NOTE = DocumentKind(
    name="credit_note", id_prefix="cn", key_prefix="CN", scope_resource="credit-notes", event_prefix="credit_note",
    path="/v1/credit-notes", router="credit_notes", party_role=PartyRole.CUSTOMER, direction=Direction.SALES,
    posts_to_ledger=True, series=CREDIT_NOTE_SERIES, has_pdf=True, pdf_on="posted",
)
JOURNAL_ENTRY = DocumentKind(
    name="journal_entry", id_prefix="je", key_prefix="JE", scope_resource="journal-entries",
    event_prefix="journal_entry", path="/v1/journal-entries", router="journal_entries", posts_to_ledger=True,
)
REMINDER = DocumentKind(
    # Stored in its invoice's partition (`REMINDER#<level>`); its routes take the invoices scopes.
    name="reminder", id_prefix="rem", key_prefix="REMINDER", scope_resource="invoices", event_prefix="reminder",
    path="/v1/reminders", router="reminders", party_role=PartyRole.CUSTOMER, direction=Direction.SALES,
    has_pdf=True, pdf_on="created",
)
REFUND = DocumentKind(
    name="refund", id_prefix="rfd", key_prefix="RFD", scope_resource="refunds", event_prefix="refund",
    path="/v1/refunds", router="refunds", party_role=PartyRole.CUSTOMER, direction=Direction.SALES,
    posts_to_ledger=True,
)
RECURRING_INVOICE = DocumentKind(
    # A template with a schedule: not numbered, posts nothing, no PDF; each period's invoice is an invoice.
    name="recurring_invoice", id_prefix="rinv", key_prefix="RINV", scope_resource="recurring-invoices",
    event_prefix="recurring_invoice", path="/v1/recurring-invoices", router="recurring_invoices",
    party_role=PartyRole.CUSTOMER, direction=Direction.SALES,
)

QUOTE = DocumentKind(
    # Issue 14: no ledger effect; converted into a draft invoice or a draft order.
    name="quote", id_prefix="quo", key_prefix="QUO", scope_resource="quotes", event_prefix="quote",
    path="/v1/quotes", router="quotes", party_role=PartyRole.CUSTOMER, direction=Direction.SALES,
    series=QUOTE_SERIES, has_pdf=True, pdf_on="issued", convertible_to=("invoice", "order"),
)
ORDER = DocumentKind(
    # Sales orders (issue 14): no ledger effect; deliveries and invoices are made from them.
    name="order", id_prefix="so", key_prefix="SO", scope_resource="orders", event_prefix="order",
    path="/v1/orders", router="orders", party_role=PartyRole.CUSTOMER, direction=Direction.SALES,
    series=ORDER_SERIES, convertible_to=("delivery", "invoice"),
)
DELIVERY = DocumentKind(
    # Delivery notes (issue 14): no ledger effect (stock movements come with inventory); a PDF without prices.
    name="delivery", id_prefix="dn", key_prefix="DN", scope_resource="deliveries", event_prefix="delivery",
    path="/v1/deliveries", router="deliveries", party_role=PartyRole.CUSTOMER, direction=Direction.SALES,
    series=DELIVERY_SERIES, has_pdf=True, pdf_on="issued",
)

PURCHASE_ORDER = DocumentKind(
    # Purchase orders (issue 15): no ledger effect; numbered when sent; goods received and bills made from them.
    name="purchase_order", id_prefix="po", key_prefix="PO", scope_resource="purchase-orders",
    event_prefix="purchase_order", path="/v1/purchase-orders", router="purchase_orders",
    party_role=PartyRole.SUPPLIER, direction=Direction.PURCHASES, series=PURCHASE_ORDER_SERIES, has_pdf=True,
    pdf_on="sent", convertible_to=("bill",),
)
BANK_TRANSACTION = DocumentKind(
    # Banking (issue 16): one booked entry of an imported bank statement; matching and booking post later.
    name="bank_transaction", id_prefix="btx", key_prefix="BTX", scope_resource="banking",
    event_prefix="bank_transaction", path="/v1/bank-transactions", router="bank_transactions",
)
BILL = DocumentKind(
    # Supplier bills (issue 15): the supplier's invoice, posted to payables with its own internal number.
    name="bill", id_prefix="bill", key_prefix="BILL", scope_resource="bills", event_prefix="bill",
    path="/v1/bills", router="bills", party_role=PartyRole.SUPPLIER, direction=Direction.PURCHASES,
    posts_to_ledger=True, series=BILL_SERIES,
)
EXPENSE = DocumentKind(
    # Expenses (issue 15): a purchase paid at once, posted on creation (bank, cash or card clearing account).
    name="expense", id_prefix="exp", key_prefix="EXP", scope_resource="expenses", event_prefix="expense",
    path="/v1/expenses", router="expenses", party_role=PartyRole.SUPPLIER, direction=Direction.PURCHASES,
    posts_to_ledger=True,
)
SUPPLIER_PAYMENT = DocumentKind(
    # Supplier payments (issue 15): money out of a bank or cash account to posted bills; excess is a prepayment.
    name="supplier_payment", id_prefix="spay", key_prefix="SPAY", scope_resource="supplier-payments",
    event_prefix="supplier_payment", path="/v1/supplier-payments", router="supplier_payments",
    party_role=PartyRole.SUPPLIER, direction=Direction.PURCHASES, posts_to_ledger=True,
)
SUPPLIER_CREDIT_NOTE = DocumentKind(
    # Supplier credit notes (issue 15): a posted bill credited by lines or a net amount; posted on creation.
    name="supplier_credit_note", id_prefix="scn", key_prefix="SCN", scope_resource="supplier-credit-notes",
    event_prefix="supplier_credit_note", path="/v1/supplier-credit-notes", router="supplier_credit_notes",
    party_role=PartyRole.SUPPLIER, direction=Direction.PURCHASES, posts_to_ledger=True,
)
PAYMENT_RUN = DocumentKind(
    # Payment runs (issue 16, item 4): bills paid by one pain.001 credit-transfer file; booked when the statement
    # shows each transfer's end-to-end id. Not numbered, posts nothing itself (the supplier payments post).
    name="payment_run", id_prefix="prun", key_prefix="PRUN", scope_resource="banking", event_prefix="payment_run",
    path="/v1/payment-runs", router="payment_runs", party_role=PartyRole.SUPPLIER, direction=Direction.PURCHASES,
)

# In the order the local server includes their routers.
KINDS: tuple[DocumentKind, ...] = (INVOICE, RECEIPT, CREDIT_NOTE, JOURNAL_ENTRY, REMINDER, REFUND, RECURRING_INVOICE,
                                   QUOTE, ORDER, DELIVERY, PURCHASE_ORDER, BANK_TRANSACTION, BILL, EXPENSE,
                                   SUPPLIER_PAYMENT, SUPPLIER_CREDIT_NOTE, PAYMENT_RUN)
BY_NAME: dict[str, DocumentKind] = {kind.name: kind for kind in KINDS}
SERIES: dict[str, NumberSeries] = {kind.series.name: kind.series for kind in KINDS if kind.series}


def kind(name: str) -> DocumentKind:
    return BY_NAME[name]


def document_resources() -> tuple[str, ...]:
    """The scope resources of document kinds, each once, in registry order."""
    return tuple(dict.fromkeys(kind.scope_resource for kind in KINDS))


def default_number_formats() -> dict[str, str]:
    return {series.name: series.default_format for series in SERIES.values()}


def number_format(formats: dict[str, str] | None, series: NumberSeries, legacy: str | None = None) -> str:
    """A series' format: the tenant's `number_formats` entry, else its older per-series field, else the default."""
    return (formats or {}).get(series.name) or legacy or series.default_format
