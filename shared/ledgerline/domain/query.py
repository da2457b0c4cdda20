"""What a list can be asked (issue 18), pure: its filterable fields with their types and operators, its sorts
and search fields, and the typed query the API layer parses a request into (`Predicate`, `Query`).

The store plans a `Query` on its indexes (`store/query.py`); the API parses `field[op]=value`, `sort=`,
`search=`, `search_fields=`, `updated_since=` and `include=total_count` against a list's `ListFields`
(`api/list_query.py`); the OpenAPI description of each list is `described(fields)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ledgerline.domain.accounts import AccountType
from ledgerline.domain.journal import SourceType

EQUALITY = ("eq", "ne", "in", "nin")
ORDERED = (*EQUALITY, "gt", "gte", "lt", "lte")
TEXT = (*EQUALITY, "contains", "startswith", "endswith")
OPERATORS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "nin", "contains", "startswith", "endswith")

# Items a request may read (DynamoDB's ScannedCount summed over its queries) before it answers with what it
# has found, `has_more` and a cursor.
READ_BUDGET = 1000


def normalise(text: str | None) -> str:
    """The stored searchable copy of a text: casefolded, whitespace collapsed."""
    return " ".join((text or "").casefold().split())


@dataclass(frozen=True)
class Field:
    """A filterable field: its API name, value type (`string`, `enum`, `date`, `datetime`, `decimal`,
    `integer`, `bool`), the operators it takes, an enum's values (and aliases: a value that stands for several, such as
    an invoice's `open`), and whether text operators and search are case-insensitive on it (a normalised copy
    is stored)."""

    name: str
    type: str
    operators: tuple[str, ...]
    values: tuple[str, ...] = ()
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    normalised: bool = False
    # Issue 18 (part QA): a list-valued attribute (a payment run's `supplier_ids`): `contains` asks whether the
    # value is one of its items (DynamoDB's `contains` on a list), compared exactly.
    many: bool = False


@dataclass(frozen=True)
class ListFields:
    """What a list declares: its fields, the fields it sorts by (each served by an index), its lookups (an
    equality that reads an index), its search fields and the default ones, and the default sort."""

    name: str
    fields: dict[str, Field]
    sorts: tuple[str, ...]
    default_sort: str | None
    lookups: tuple[str, ...] = ()
    search_fields: tuple[str, ...] = ()
    default_search_fields: tuple[str, ...] = ()
    defaults: tuple[Predicate, ...] = ()  # applied when the request names none of their fields
    # Multi-field sort: the fields each sort's index orders ties by, after the sort's own field (sort → fields).
    # Every index key of the planner is `<value>#<id>`, so ties are by id unless a list declares otherwise.
    ties: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def ties_of(self, sort: str) -> tuple[str, ...]:
        return self.ties.get(sort, ("id",))

    def sort_combinations(self) -> list[str]:
        """Every `sort=` value the list serves from an index: one field in either direction, or a field then
        its tie-breakers, all in the same direction (a reverse query reads the index backwards: desc,desc)."""
        found = []
        for name in self.sorts:
            for direction in ("asc", "desc"):
                found.append(",".join(f"{f}:{direction}" for f in (name, *self.ties_of(name))))
        return found


@dataclass(frozen=True)
class Predicate:
    field: str
    op: str
    value: Any  # one typed value, or a tuple of them for in/nin


@dataclass(frozen=True)
class Query:
    predicates: tuple[Predicate, ...] = ()
    sort: str | None = None
    descending: bool = False
    search: str | None = None
    search_fields: tuple[str, ...] = ()
    updated_since: datetime | None = None
    include_total: bool = False

    def all_predicates(self) -> list[Predicate]:
        found = list(self.predicates)
        if self.updated_since is not None:
            found.append(Predicate("updated_at", "gte", self.updated_since))
        return found


# Issue 20: every planned list filters on its objects' metadata, `metadata[key]=value` (equality), as a predicate
# on the field `metadata` whose value is the pair (key, value). Each list gains it when it moves onto the planner.
METADATA = "metadata"


def metadata_predicate(key: str, value: str) -> Predicate:
    return Predicate(METADATA, "eq", (key, value))


def fields_of(*items: Field) -> dict[str, Field]:
    return {f.name: f for f in items}


# ------------------------------------------------------------------------------------- the lists

INVOICE_STATUSES = ("draft", "awaiting_payment", "overdue", "paid", "voided")


def _payable_document(name: str, party: str, reference: str, date_field: str) -> ListFields:
    """An invoice-like list (invoices; bills: issue 18, part QD): a party, a number and a reference of its own,
    a document date and a due date, what is still due."""
    return ListFields(
        name=name,
        fields=fields_of(
            Field("status", "enum", EQUALITY, values=INVOICE_STATUSES,
                  aliases={"open": ("awaiting_payment", "overdue")}),
            Field(f"{party}_id", "string", EQUALITY),
            Field(f"{party}_name", "string", TEXT, normalised=True),
            Field("number", "string", TEXT, normalised=True),
            Field(reference, "string", TEXT, normalised=True),
            Field(date_field, "date", ORDERED),
            Field("due_date", "date", ORDERED),
            Field("total", "decimal", ORDERED),
            Field("amount_due", "decimal", ORDERED),
            Field("currency", "string", EQUALITY),
            Field("created_at", "datetime", ORDERED),
            Field("updated_at", "datetime", ORDERED),
        ),
        sorts=(date_field, "due_date", "number", "updated_at"),
        default_sort=date_field,
        lookups=("number", reference),
        search_fields=(f"{party}_name", "number", reference),
        default_search_fields=(f"{party}_name", "number", reference),
    )


INVOICES = _payable_document("invoices", "customer", "reference", "issue_date")

PARTIES = ListFields(
    name="parties",
    fields=fields_of(
        Field("name", "string", TEXT, normalised=True),
        Field("email", "string", TEXT, normalised=True),
        Field("kind", "enum", EQUALITY, values=("customer", "supplier", "both"),
              aliases={"customer": ("customer", "both"), "supplier": ("supplier", "both")}),
        Field("tax_id", "string", TEXT, normalised=True),
        Field("archived", "bool", ("eq", "ne")),
        Field("created_at", "datetime", ORDERED),
        Field("updated_at", "datetime", ORDERED),
    ),
    sorts=("name", "updated_at"),
    default_sort=None,  # by id: oldest first
    search_fields=("name", "email", "tax_id"),
    default_search_fields=("name", "email"),
    defaults=(Predicate("archived", "eq", False),),
)


# ---------------------------------------------------------------- master data and the other lists (part QM)

def _coded_list(name: str, *fields: Field, search_fields: tuple[str, ...] = ("name", "code")) -> ListFields:
    """Master data with a code (items, accounts, tax codes): a code and a name to look up, sort and search by,
    `fields` of its own, archived ones left out unless asked for, oldest first by default (by id, as before)."""
    return ListFields(
        name=name,
        fields=fields_of(
            Field("code", "string", TEXT, normalised=True),
            Field("name", "string", TEXT, normalised=True),
            *fields,
            Field("archived", "bool", ("eq", "ne")),
            Field("created_at", "datetime", ORDERED),
            Field("updated_at", "datetime", ORDERED),
        ),
        sorts=("code", "name", "updated_at"),
        default_sort=None,
        lookups=("code",),
        search_fields=search_fields,
        default_search_fields=("name", "code"),
        defaults=(Predicate("archived", "eq", False),),
    )


ITEMS = _coded_list(
    "items",
    Field("description", "string", TEXT, normalised=True),
    Field("unit_price", "decimal", ORDERED),
    Field("tax_code_id", "string", EQUALITY),
    Field("track_stock", "bool", ("eq", "ne")),
    search_fields=("name", "code", "description"),
)
ACCOUNTS = _coded_list(
    "accounts",
    Field("type", "enum", EQUALITY, values=tuple(t.value for t in AccountType)),
    Field("subtype", "string", EQUALITY),
    Field("currency", "string", EQUALITY),
)
TAX_CODES = _coded_list(
    "tax_codes",
    Field("rate", "decimal", ORDERED),
    Field("account_id", "string", EQUALITY),
    Field("active", "bool", ("eq", "ne")),
)


# -------------------------------------------------------------- document lists (issue 18, part QD)

CREDIT_NOTES = ListFields(
    name="credit_notes",
    fields=fields_of(
        Field("status", "enum", EQUALITY, values=("posted",)),
        Field("invoice_id", "string", EQUALITY),
        Field("invoice_number", "string", TEXT, normalised=True),
        Field("customer_id", "string", EQUALITY),
        Field("customer_name", "string", TEXT, normalised=True),
        Field("number", "string", TEXT, normalised=True),
        Field("date", "date", ORDERED),
        Field("total", "decimal", ORDERED),
        Field("unallocated_amount", "decimal", ORDERED),
        Field("currency", "string", EQUALITY),
        Field("created_at", "datetime", ORDERED),
        Field("updated_at", "datetime", ORDERED),
    ),
    sorts=("date", "number", "updated_at"),
    default_sort="date",
    lookups=("number",),
    search_fields=("customer_name", "number", "invoice_number"),
    default_search_fields=("customer_name", "number", "invoice_number"),
)

BILLS = _payable_document("bills", "supplier", "supplier_reference", "bill_date")

QUOTES = ListFields(
    name="quotes",
    fields=fields_of(
        Field("status", "enum", EQUALITY,
              values=("draft", "open", "accepted", "declined", "expired", "converted")),
        Field("customer_id", "string", EQUALITY),
        Field("customer_name", "string", TEXT, normalised=True),
        Field("number", "string", TEXT, normalised=True),
        Field("reference", "string", TEXT, normalised=True),
        Field("issue_date", "date", ORDERED),
        Field("valid_until", "date", ORDERED),
        Field("total", "decimal", ORDERED),
        Field("currency", "string", EQUALITY),
        Field("created_at", "datetime", ORDERED),
        Field("updated_at", "datetime", ORDERED),
    ),
    sorts=("issue_date", "valid_until", "number", "updated_at"),
    default_sort="issue_date",
    lookups=("number", "reference"),
    search_fields=("customer_name", "number", "reference"),
    default_search_fields=("customer_name", "number", "reference"),
)


# ------------------------------------------------------- the remaining document lists (issue 18, part Q1)

def _ordered_document(name: str, party: str, date_field: str, statuses: tuple[str, ...], *,
                      priced: bool = True, extra: tuple[Field, ...] = ()) -> ListFields:
    """An order-like list (sales orders, purchase orders, delivery notes): a party, a number given when the
    document leaves draft, an optional reference of the party's, one document date, stored statuses (nothing
    derived), a total and currency where it is priced."""
    return ListFields(
        name=name,
        fields=fields_of(
            Field("status", "enum", EQUALITY, values=statuses),
            Field(f"{party}_id", "string", EQUALITY),
            Field(f"{party}_name", "string", TEXT, normalised=True),
            Field("number", "string", TEXT, normalised=True),
            Field("reference", "string", TEXT, normalised=True),
            Field(date_field, "date", ORDERED),
            *((Field("total", "decimal", ORDERED), Field("currency", "string", EQUALITY)) if priced else ()),
            *extra,
            Field("created_at", "datetime", ORDERED),
            Field("updated_at", "datetime", ORDERED),
        ),
        sorts=(date_field, "number", "updated_at"),
        default_sort=date_field,
        lookups=("number", "reference"),
        search_fields=(f"{party}_name", "number", "reference"),
        default_search_fields=(f"{party}_name", "number", "reference"),
    )


ORDERS = _ordered_document("orders", "customer", "order_date",
                           ("draft", "confirmed", "partially_delivered", "delivered", "cancelled"))
PURCHASE_ORDERS = _ordered_document("purchase_orders", "supplier", "order_date",
                                    ("draft", "sent", "partially_received", "received", "billed", "cancelled"))
DELIVERIES = _ordered_document("deliveries", "customer", "delivery_date", ("draft", "issued", "delivered"),
                               priced=False, extra=(Field("order_id", "string", EQUALITY),))


def _payment_document(name: str, party: str, *extra: Field) -> ListFields:
    """A payment-like list (receipts, refunds, supplier payments): posted when made (`posted`, `reversed`),
    no number of its own, a party, an optional reference (its lookup), a date, an amount through an account."""
    return ListFields(
        name=name,
        fields=fields_of(
            Field("status", "enum", EQUALITY, values=("posted", "reversed")),
            Field(f"{party}_id", "string", EQUALITY),
            Field(f"{party}_name", "string", TEXT, normalised=True),
            Field("reference", "string", TEXT, normalised=True),
            Field("date", "date", ORDERED),
            Field("amount", "decimal", ORDERED),
            *extra,
            Field("currency", "string", EQUALITY),
            Field("account_id", "string", EQUALITY),
            Field("created_at", "datetime", ORDERED),
            Field("updated_at", "datetime", ORDERED),
        ),
        sorts=("date", "updated_at"),
        default_sort="date",
        lookups=("reference",),
        search_fields=(f"{party}_name", "reference"),
        default_search_fields=(f"{party}_name", "reference"),
    )


RECEIPTS = _payment_document("receipts", "customer", Field("unallocated_amount", "decimal", ORDERED))
REFUNDS = _payment_document("refunds", "customer", Field("receipt_id", "string", EQUALITY),
                            Field("credit_note_id", "string", EQUALITY))
SUPPLIER_PAYMENTS = _payment_document("supplier_payments", "supplier",
                                      Field("unallocated_amount", "decimal", ORDERED))


def _posted_purchase(name: str, *fields: Field, reference: str, search_fields: tuple[str, ...]) -> ListFields:
    """A purchase posted when made, with no number of its own (expenses, supplier credit notes): by date (the
    default) and `updated_at`, looked up by its reference (the supplier's own number where it has one)."""
    return ListFields(
        name=name,
        fields=fields_of(*fields, Field("created_at", "datetime", ORDERED), Field("updated_at", "datetime", ORDERED)),
        sorts=("date", "updated_at"),
        default_sort="date",
        lookups=(reference,),
        search_fields=search_fields,
        default_search_fields=search_fields,
    )


EXPENSES = _posted_purchase(
    "expenses",
    Field("status", "enum", EQUALITY, values=("posted", "reversed")),
    Field("supplier_id", "string", EQUALITY),
    Field("payee_name", "string", TEXT, normalised=True),
    Field("reference", "string", TEXT, normalised=True),
    Field("date", "date", ORDERED),
    Field("total", "decimal", ORDERED),
    Field("currency", "string", EQUALITY),
    Field("paid_from_account_id", "string", EQUALITY),
    reference="reference", search_fields=("payee_name", "reference"),
)
SUPPLIER_CREDIT_NOTES = _posted_purchase(
    "supplier_credit_notes",
    Field("status", "enum", EQUALITY, values=("posted",)),
    Field("bill_id", "string", EQUALITY),
    Field("bill_number", "string", TEXT, normalised=True),
    Field("supplier_id", "string", EQUALITY),
    Field("supplier_name", "string", TEXT, normalised=True),
    Field("supplier_reference", "string", TEXT, normalised=True),
    Field("date", "date", ORDERED),
    Field("total", "decimal", ORDERED),
    Field("unallocated_amount", "decimal", ORDERED),
    Field("currency", "string", EQUALITY),
    reference="supplier_reference", search_fields=("supplier_name", "supplier_reference", "bill_number"),
)


# ------------------------------------------------------------- the non-document lists (issue 18, part Q2)

BANK_ACCOUNTS = ListFields(
    name="bank_accounts",
    fields=fields_of(
        Field("name", "string", TEXT, normalised=True),
        Field("iban", "string", TEXT, normalised=True),
        Field("currency", "string", EQUALITY),
        Field("account_id", "string", EQUALITY),
        Field("is_default", "bool", ("eq", "ne")),
        Field("archived", "bool", ("eq", "ne")),
        Field("created_at", "datetime", ORDERED),
        Field("updated_at", "datetime", ORDERED),
    ),
    sorts=("name", "updated_at"),
    default_sort=None,  # by id: oldest first, as before
    search_fields=("name", "iban"),
    default_search_fields=("name", "iban"),
    defaults=(Predicate("archived", "eq", False),),
)

BANK_TRANSACTION_STATUSES = ("unmatched", "matched", "ignored")  # never `importing` (a statement not committed)

BANK_TRANSACTIONS = ListFields(
    name="bank_transactions",
    fields=fields_of(
        Field("status", "enum", EQUALITY, values=BANK_TRANSACTION_STATUSES),
        Field("bank_account_id", "string", EQUALITY),
        Field("date", "date", ORDERED),
        Field("amount", "decimal", ORDERED),
        Field("currency", "string", EQUALITY),
        Field("counterparty_name", "string", TEXT, normalised=True),
        Field("reference", "string", TEXT, normalised=True),
        Field("remittance_information", "string", TEXT, normalised=True),
        Field("matched_by", "string", EQUALITY),
        Field("created_at", "datetime", ORDERED),
        Field("updated_at", "datetime", ORDERED),
    ),
    sorts=("date", "updated_at"),
    default_sort="date",  # booking date, as before
    lookups=("reference",),
    search_fields=("counterparty_name", "reference", "remittance_information"),
    default_search_fields=("counterparty_name", "reference", "remittance_information"),
)

EXCHANGE_RATES = ListFields(
    name="exchange_rates",
    fields=fields_of(
        Field("currency", "string", EQUALITY),
        Field("date", "date", ORDERED),
        Field("rate", "decimal", ORDERED),
        Field("source", "string", TEXT, normalised=True),
        Field("created_at", "datetime", ORDERED),
        Field("updated_at", "datetime", ORDERED),
    ),
    sorts=("currency", "date", "updated_at"),
    default_sort=None,  # by id (`<currency>-<date>`): by currency, then date, as before
    lookups=("currency",),
    search_fields=("source",),
    default_search_fields=("source",),
    ties={"currency": ("date", "id")},
)


# --------------------------------------------------------- inventory, banking and key lists (issue 18, part QC)

STOCK_LOCATIONS = ListFields(
    name="stock_locations",
    fields=fields_of(
        Field("name", "string", TEXT, normalised=True),
        Field("description", "string", TEXT, normalised=True),
        Field("is_default", "bool", ("eq", "ne")),
        Field("archived", "bool", ("eq", "ne")),
        Field("created_at", "datetime", ORDERED),
        Field("updated_at", "datetime", ORDERED),
    ),
    sorts=("name", "updated_at"),
    default_sort=None,  # by id: oldest first, as before
    search_fields=("name", "description"),
    default_search_fields=("name", "description"),
    defaults=(Predicate("archived", "eq", False),),
)

BANK_RULES = ListFields(
    name="bank_rules",
    fields=fields_of(
        Field("name", "string", TEXT, normalised=True),
        Field("field", "enum", EQUALITY, values=("counterparty", "text", "any")),
        Field("operator", "enum", EQUALITY, values=("contains", "equals")),
        Field("value", "string", TEXT, normalised=True),
        Field("direction", "enum", EQUALITY, values=("in", "out", "any")),
        Field("bank_account_id", "string", EQUALITY),
        Field("account_id", "string", EQUALITY),
        Field("tax_code_id", "string", EQUALITY),
        Field("description", "string", TEXT, normalised=True),
        Field("active", "bool", ("eq", "ne")),
        Field("created_at", "datetime", ORDERED),
        Field("updated_at", "datetime", ORDERED),
    ),
    sorts=("name", "updated_at"),
    default_sort=None,  # by id: oldest first, as before
    search_fields=("name", "value", "description"),
    default_search_fields=("name", "value", "description"),
)


# ------------------------------------------------- files, events and webhook endpoints (issue 18, part QB)

FILES = ListFields(
    name="files",
    fields=fields_of(
        Field("filename", "string", TEXT, normalised=True),
        Field("content_type", "string", TEXT),
        Field("purpose", "string", EQUALITY),
        Field("size", "integer", ORDERED),
        Field("sha256", "string", EQUALITY),
        Field("attached", "bool", ("eq", "ne")),
        Field("created_at", "datetime", ORDERED),
        Field("updated_at", "datetime", ORDERED),
    ),
    sorts=("created_at", "filename", "updated_at"),
    default_sort="created_at",  # by upload, oldest first, as before
    search_fields=("filename",),
    default_search_fields=("filename",),
)

WEBHOOK_ENDPOINTS = ListFields(
    name="webhook_endpoints",
    fields=fields_of(
        Field("url", "string", TEXT, normalised=True),
        Field("description", "string", TEXT, normalised=True),
        Field("enabled", "bool", ("eq", "ne")),
        Field("disabled_reason", "string", EQUALITY),
        Field("api_version", "string", EQUALITY),
        Field("created_at", "datetime", ORDERED),
        Field("updated_at", "datetime", ORDERED),
    ),
    sorts=("url", "updated_at"),
    default_sort=None,  # by id: oldest first, as before
    search_fields=("url", "description"),
    default_search_fields=("url", "description"),
)


# ------------------------------------- recurring invoices, journal entries, payment runs (issue 18, part QA)

RECURRING_INVOICES = ListFields(
    name="recurring_invoices",
    fields=fields_of(
        Field("status", "enum", EQUALITY, values=("active", "paused", "finished")),
        Field("customer_id", "string", EQUALITY),
        Field("customer_name", "string", TEXT, normalised=True),
        Field("reference", "string", TEXT, normalised=True),
        Field("start_date", "date", ORDERED),  # the schedule's, kept top level on every write
        Field("next_run_date", "date", ORDERED),
        Field("last_run_date", "date", ORDERED),
        Field("currency", "string", EQUALITY),
        Field("auto_post", "bool", ("eq", "ne")),
        Field("auto_send", "bool", ("eq", "ne")),
        Field("created_at", "datetime", ORDERED),
        Field("updated_at", "datetime", ORDERED),
    ),
    sorts=("start_date", "next_run_date", "updated_at"),
    default_sort="start_date",  # the schedule's start date, as before
    lookups=("reference",),
    search_fields=("customer_name", "reference"),
    default_search_fields=("customer_name", "reference"),
)


JOURNAL_ENTRIES = ListFields(
    name="journal_entries",
    fields=fields_of(
        Field("status", "enum", EQUALITY, values=("posted", "reversed")),
        Field("source_type", "enum", EQUALITY, values=tuple(t.value for t in SourceType)),
        Field("source_id", "string", EQUALITY),
        Field("date", "date", ORDERED),
        Field("reference", "string", TEXT, normalised=True),
        Field("description", "string", TEXT, normalised=True),
        Field("currency", "string", EQUALITY),
        Field("total", "decimal", ORDERED),
        Field("reverses_id", "string", EQUALITY),
        Field("reversed_by_id", "string", EQUALITY),
        Field("created_at", "datetime", ORDERED),
        Field("updated_at", "datetime", ORDERED),
    ),
    sorts=("date", "updated_at"),
    default_sort="date",  # by date, oldest first, as before
    lookups=("reference",),
    search_fields=("description", "reference"),
    default_search_fields=("description", "reference"),
)

PAYMENT_RUNS = ListFields(
    name="payment_runs",
    fields=fields_of(
        Field("status", "enum", EQUALITY, values=("scheduled", "completed", "cancelled")),
        Field("bank_account_id", "string", EQUALITY),
        Field("supplier_ids", "string", ("contains",), many=True),  # `supplier_ids[contains]=pty_…`: pays them
        Field("execution_date", "date", ORDERED),
        Field("due_by", "date", ORDERED),
        Field("currency", "string", EQUALITY),
        Field("total", "decimal", ORDERED),
        Field("file_format", "string", EQUALITY),
        Field("message_id", "string", TEXT, normalised=True),
        Field("created_at", "datetime", ORDERED),
        Field("updated_at", "datetime", ORDERED),
    ),
    sorts=("execution_date", "updated_at"),
    default_sort="execution_date",  # as before
    search_fields=("message_id",),
    default_search_fields=("message_id",),
)


def described(spec: ListFields) -> str:
    """The list's filterable fields, operators, sorts and search fields, for its OpenAPI description."""
    lines = ["", "**Filters** (`field=value` or `field[op]=value`; `in`/`nin` take comma-separated values; "
             "text operators are case-insensitive on the fields marked so):", ""]
    for f in spec.fields.values():
        kind = f"{f.type}: {', '.join([*f.values, *(a for a in f.aliases if a not in f.values)])}" if f.values \
            else f.type
        case = ", case-insensitive text" if f.normalised else ", a list: `contains` is one of its items" \
            if f.many else ""
        lines.append(f"- `{f.name}` ({kind}{case}): {', '.join(f.operators)}")
    lines.append("- `metadata[key]` (string): eq; your own metadata, e.g. `metadata[order_id]=42`")
    lines += ["", "**Sorts** (`sort=field:asc|desc`, each served by an index; ties by id): "
              + ", ".join(f"`{name}`" for name in spec.sorts) + ". Several fields (`sort=a:asc,b:asc`) are "
              "served where the index orders ties by the second field, in the same direction: "
              + ", ".join(f"`{combo}`" for combo in spec.sort_combinations() if "," in combo)
              + ". Any other sort is a 400 naming these.",
              "", "**Lookups** answered from an index in one query: "
              + (", ".join(f"`{name}=`" for name in spec.lookups) or "none") + ".",
              "", "**Search**: `search=text` (case-insensitive substring) over `search_fields=` any of "
              + ", ".join(f"`{name}`" for name in spec.search_fields) + " (default "
              + ", ".join(f"`{name}`" for name in spec.default_search_fields) + ").",
              "", "**Changes**: `updated_since=<timestamp>` (ISO 8601; `updated_at` at or after it), ordered by "
              "`updated_at` unless `sort=` says otherwise.",
              "", f"**Read budget**: a request reads at most {READ_BUDGET} items. When the budget is spent before "
              "the page is full, the response has what was found, `has_more: true`, a `next_cursor` and "
              "`read_budget_exhausted: true`: follow the cursor.",
              "", "`include=total_count` adds `total_count`: a count query over the matching items (it reads "
              "their keys, so it costs more than the page), within a read budget of its own of "
              f"{READ_BUDGET} items: `total_count_exact` is true when that is every match, false when the "
              "budget was spent first (then `total_count` is the count so far, a lower bound)."]
    return "\n".join(lines)
