"""DynamoDB calls and capacity per operation, against the least the data model allows.

The minimum counts, for the same operation on the same table design: one BatchGetItem for every
item read by key (all of them, when each key is known from the request or from one earlier read),
each item read once, every query the design needs, and one transaction for the write. Writes are
already minimal by design: every item a transaction writes is one the model requires (document,
journal entry, ledger lines, balance and tax buckets, event, number series), and transactional
writes cost twice a plain write in exchange for all-or-nothing.
"""

from __future__ import annotations

import base64
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from bench.ledger import Ledger
from bench.meter import Meter, metered
from ledgerline.clock import today
from ledgerline.domain.query import Query
from ledgerline.pdf import blobs
from ledgerline.pdf.blobs import MemoryBlobStore
from ledgerline.services import (
    bank_accounts,
    bills,
    credit_notes,
    deliveries,
    exchange_rates,
    invoices,
    journal_entries,
    master_data,
    orders,
    payment_runs,
    purchase_orders,
    quotes,
    receipts,
    recurring_invoices,
    refunds,
    reminders,
    reports,
    stock,
    supplier_credit_notes,
    supplier_payments,
    vat_periods,
)
from ledgerline.store.items import Item
from ledgerline.store.lists import query_invoices
from ledgerline.store.parties import Party

# Rounds of keyed reads that cannot be batched into one, because a key is only known after a read. Every
# money-moving request is measured with an Idempotency-Key (issue 13): its record is read in the first round
# and written in the transaction, so it adds no round trip.
READ_ROUNDS = {
    "replay (post invoice, same key)": (1, "the tenant, the invoice, the number series and the key's record: "
                                           "the record answers"),
    "void invoice": (2, "the journal entry it mirrors is named only by the invoice"),
    "allocate receipt": (1, "tenant, receipt and invoices are named by the request"),
    "reverse receipt": (2, "its journal entries and the invoices it paid are named only by the receipt"),
    "refund (named credit)": (1, "tenant, customer, bank account and the receipt drawn on are named by the request"),
    "reverse refund": (2, "its journal entry and the documents it drew on are named only by the refund"),
    "journal entry": (1, "tenant and accounts are named by the request"),
    "reverse journal entry": (1, "tenant and the entry are named by the request"),
    "reminder": (1, "tenant, invoice and dunning policy; the invoice's reminder levels are a query"),
    "create draft": (2, "tenant, customer and tax codes are named by the request; the default sales account "
                        "only by the tenant"),
    "create draft (lines name their account)": (1, "tenant, customer, accounts and tax codes are named by the "
                                                   "request"),
    "post invoice": (1, "the tenant, the invoice and this year's number series, the year of almost every "
                        "invoice posted"),
    "receipt (pays one invoice)": (1, "tenant, customer, bank account and invoices are named by the request"),
    "credit note": (2, "tenant, invoice and the series of the credit note's year are known from the request; "
                       "the account and tax code an amount is credited to only from the invoice"),
    "recurring run (one period, auto_post)": (3, "the template, the tenant and this year's number series are "
                                                 "known from the job's query; the customer and the records its "
                                                 "lines name only from the template; the default sales account "
                                                 "only from the tenant"),
    "confirm order": (1, "the tenant, the order and this year's order number series"),
    "deliver order (part)": (1, "the order is named by the request"),
    "invoice order (delivered)": (2, "the order is named by the request; its customer, accounts and tax codes "
                                     "only by the order"),
    "issue delivery note": (1, "the tenant, the note and this year's delivery number series"),
    "list page (50 invoices)": (0, "one query"),
    "trial balance": (1, "the tenant; the chart and the year, month and day buckets are queries"),
    "issue quote": (1, "the tenant, the quote and this year's quote series"),
    "create bill": (1, "tenant, supplier, accounts, tax codes and the supplier reference's guard are named by "
                       "the request"),
    "post bill": (1, "the tenant, the bill and this year's bill number series"),
    "void bill": (2, "the journal entry it mirrors is named only by the bill"),
    "convert quote to invoice": (2, "tenant and quote are named by the request; the customer, accounts and tax "
                                    "codes of the new invoice only by the quote"),
    "VAT return (year to date)": (1, "the tenant; the tax codes and the tax buckets at both ends are queries"),
    "close VAT period (settlement entry)": (2, "the tenant and the period are named by the request; the tax codes "
                                               "only by the tax buckets, which are queries"),
}
# Purchase orders (issue 15)
READ_ROUNDS["create purchase order"] = (1, "tenant, supplier, accounts and tax codes are named by the request")
READ_ROUNDS["send purchase order (numbered, emailed)"] = (2, "the tenant, the order and this year's series; the "
                                                             "supplier the email goes to only by the order")
READ_ROUNDS["receive purchase order (part)"] = (1, "the order is named by the request")
# Exchange rates (issue 16, part X): a foreign draft without exchange_rate adds one query (its rate), never a round
READ_ROUNDS["create draft (EUR, the rate of its date)"] = (1, "tenant, customer, accounts and tax codes are named "
                                                              "by the request; the rate is a query (limit 1)")
# Supplier payments (issue 15)
READ_ROUNDS["supplier payment (pays one bill)"] = (1, "tenant, supplier, bank account and bills are named by the "
                                                      "request")
# Inventory (issue 19)
READ_ROUNDS["stock adjustment (count)"] = (1, "tenant, item, location and its level are named by the request")
READ_ROUNDS["issue delivery note (a stock-managed item)"] = (2, "the tenant, the note, this year's series and the "
                                                              "default location's pointer; the items and their "
                                                              "levels there only by the note")
READ_ROUNDS["supplier credit note (amount)"] = (2, "tenant and bill are named by the request; the account and tax "
                                                   "code an amount is credited to only by the bill")
# Issue 15 leftovers: a credit note's excess (1400) used by the prepayment's path
READ_ROUNDS["apply supplier credit note excess (one bill)"] = (1, "tenant, credit note and bills are named by the "
                                                                  "request")
READ_ROUNDS["supplier refund of credit note excess"] = (1, "tenant, credit note and bank account are named by the "
                                                           "request")
# Payment runs (issue 16, part P)
READ_ROUNDS["create payment run (2 bills, pain.001)"] = (2, "tenant, bank account and bills are named by the request; "
                                                            "the suppliers (their IBANs) only by the bills")


def kind_of(key: str) -> str:
    pk, sk = key.split("|", 1)
    for marker, kind in (("#BAL", "balance bucket"), ("#TAX", "tax total"), ("#EVT", "event"),
                         ("#LEDGER#", "ledger line"), ("#IDEMPOTENCY", "idempotency record"),
                         ("#INV#", "invoice"), ("#JE#", "journal entry"), ("#RCT#", "receipt"),
                         ("#CN#", "credit note"), ("#QUO#", "quote"), ("#SO#", "order"), ("#DN#", "delivery note"),
                         ("#VATP#", "VAT period"),
                         ("#PO#", "purchase order"), ("#EMAIL#", "email"), ("#BILL#", "bill"),
                         ("#SPAY#", "supplier payment"), ("#SCN#", "supplier credit note")):
        if marker in pk:
            return kind
    return "number series" if sk.startswith("SEQ#") else sk.split("#", 1)[0].lower()


def item_size(value: Any, name: str = "") -> int:
    """DynamoDB's size of an attribute (DynamoDB JSON): its name plus its value, as AWS counts it."""
    (kind, inner), = value.items() if isinstance(value, dict) and len(value) == 1 else (("M", value),)
    size = len(name.encode())
    if kind == "S":
        return size + len(inner.encode())
    if kind == "N":
        return size + len(inner.lstrip("-").replace(".", "").lstrip("0")) // 2 + 2
    if kind in ("BOOL", "NULL"):
        return size + 1
    if kind == "M":
        return size + 3 + sum(item_size(v, k) for k, v in inner.items())
    if kind == "L":
        return size + 3 + sum(item_size(v) + 1 for v in inner)
    if kind == "B":  # the request carries binary as base64: the stored value is its decoded bytes
        return size + len(base64.b64decode(inner)) if isinstance(inner, str) else size + len(inner)
    return size + len(str(inner))


INDEXES = tuple(f"GSI{n}" for n in range(1, 8))
"""Every global secondary index of the table (store/table.py); each projects ALL attributes."""


def _kb(item: dict[str, Any]) -> int:
    return -(-item_size({"M": item}) // 1024)


def _index_key(item: dict[str, Any], index: str) -> tuple[Any, Any] | None:
    if f"{index}PK" not in item:
        return None
    return item[f"{index}PK"], item.get(f"{index}SK")


def aws_write_detail(meter: Meter, images: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """WCU AWS would bill for the committed transactions, split into the table's share and each index's.

    The table: 2 units per started KB of each item a transaction puts (a transactional write costs twice a
    standard one); an Update or Delete in a transaction, 2 (balance buckets, tax totals, number series: items
    under 1 KB in no index). Each index an item has keys for is replicated at the item's full size (every
    GSI projects ALL), as a standard write: one unit per started KB. A put that changes an item's key in an
    index costs two index writes there (the old entry deleted, the new one put), one that drops the key one
    (the delete), one that adds it one. `images` holds the last item put under each key (across the meters
    of one bench run), so a replaced item's old index keys are known; an item not seen before is taken to
    keep its keys (one write per index). (DynamoDB Local under-reports transactions.)"""
    images = {} if images is None else images
    shares: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    for call in meter.log:
        if call.operation != "TransactWriteItems" or call.error:
            continue
        for operation in call.request["TransactItems"]:
            (kind, body), = operation.items()
            if kind == "Put":
                item = body["Item"]
                key = f"{item['PK']['S']}|{item['SK']['S']}"
                kb, old = _kb(item), images.get(key)
                units = {"table": 2 * kb}
                for index in INDEXES:
                    new_key = _index_key(item, index)
                    old_key = None if old is None else _index_key(old, index)
                    if old is None:
                        cost = kb if new_key is not None else 0
                    elif new_key is None:
                        cost = _kb(old) if old_key is not None else 0
                    elif old_key is None or old_key == new_key:
                        cost = kb
                    else:
                        cost = _kb(old) + kb
                    if cost:
                        units[index] = cost
                images[key] = item
                for share, value in units.items():
                    shares[share] += value
                by_kind[kind_of(key)] += sum(units.values())
            elif kind in ("Update", "Delete"):
                key = f"{body['Key']['PK']['S']}|{body['Key']['SK']['S']}"
                shares["table"] += 2  # balance buckets, tax totals: small items
                by_kind[kind_of(key)] += 2
                if kind == "Delete":
                    images.pop(key, None)
    return {"total": float(sum(shares.values())),
            "shares": {name: float(shares[name]) for name in ("table", *INDEXES) if shares[name]},
            "by_kind": {name: float(units) for name, units in sorted(by_kind.items())}}


def aws_write_units(meter: Meter, images: dict[str, dict[str, Any]] | None = None) -> float:
    """WCU AWS would bill for the committed transactions (`aws_write_detail`)."""
    return aws_write_detail(meter, images)["total"]


def minimum(name: str, meter: Meter) -> dict[str, Any]:
    first_read: dict[str, float] = {}
    items_read = 0
    for call in meter.log:  # a BatchGetItem's keys count as reads of their items, sharing its units
        if call.operation == "GetItem":
            keys = [call.request["Key"]]
        elif call.operation == "BatchGetItem":
            keys = [key for table in call.request["RequestItems"].values() for key in table["Keys"]]
        else:
            continue
        items_read += len(keys)
        for key in keys:
            first_read.setdefault(f"{key['PK']['S']}|{key['SK']['S']}", call.read_units / max(len(keys), 1))
    queries = [c for c in meter.log if c.operation == "Query"]
    transactions = [c for c in meter.log if c.operation == "TransactWriteItems" and c.error is None]
    rounds, why = READ_ROUNDS[name]
    batches = min(rounds, len(first_read))
    return {"round_trips": batches + len(queries) + len(transactions), "batched_reads": batches,
            "read_units": round(sum(first_read.values()) + sum(c.read_units for c in queries), 2),
            "write_units": round(meter.write_units, 2), "distinct_items_read": len(first_read),
            "items_read": items_read, "read_rounds_reason": why,
            "items_written": dict(sorted(Counter(kind_of(key) for _, key in meter.items_written()).items()))}


def combined(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The minimum of a sequence of separate requests is the sum of theirs."""
    total: dict[str, Any] = {"items_written": Counter(),
                             "read_rounds_reason": "one per round of reads of each of its three requests"}
    for part in parts:
        for key in ("round_trips", "batched_reads", "read_units", "write_units", "distinct_items_read", "items_read"):
            total[key] = round(total.get(key, 0) + part[key], 2)
        total["items_written"].update(part["items_written"])
    total["items_written"] = dict(sorted(total["items_written"].items()))
    return total


def explain(actual: dict[str, Any], least: dict[str, Any]) -> str:
    parts = []
    extra = actual["round_trips"] - least["round_trips"]
    if extra > 0:
        reads = actual["round_trips"] - actual["calls"].get("TransactWriteItems", 0)
        batches = least["batched_reads"]
        parts.append(f"{extra} round trip{'s' if extra > 1 else ''}: {least['items_read']} items read in {reads} "
                     f"calls where {batches} BatchGetItem{'s' if batches > 1 else ''} would do "
                     f"({least['read_rounds_reason']})")
    duplicates = least["items_read"] - least["distinct_items_read"]
    if duplicates > 0 and actual["read_units"] > least["read_units"]:
        parts.append(f"{duplicates} item{'s' if duplicates > 1 else ''} read twice "
                     f"(+{round(actual['read_units'] - least['read_units'], 2)} RCU)")
    return "; ".join(parts) or "none"


def measure(ledger: Ledger) -> dict[str, Any]:
    results: dict[str, Any] = {}
    images: dict[str, dict[str, Any]] = {}  # the last item put under each key, for index-key changes

    def run(name: str, operation: Callable[[], Any]) -> Any:
        with metered() as meter:
            value = operation()
        actual = meter.as_dict()
        detail = aws_write_detail(meter, images)
        actual["aws_write_units"], actual["aws_write_shares"] = detail["total"], detail["shares"]
        actual["aws_write_by_kind"] = detail["by_kind"]
        actual["minimum"] = minimum(name, meter)
        actual["excess"] = explain(actual, actual["minimum"])
        results[name] = actual
        return value

    def key() -> str:
        return str(uuid.uuid4())

    draft = run("create draft", lambda: ledger.draft(key=key()))
    run("create draft (lines name their account)", lambda: invoices.create_draft(ledger.tenant, {
        "customer_id": ledger.customer,
        "lines": [{"description": "Work", "quantity": Decimal(1), "unit_price": Decimal("100.00"),
                   "account_id": ledger.accounts["4000"], "tax_code_id": ledger.gst}]},
        key()))
    exchange_rates.create(ledger.tenant, {"currency": "EUR", "date": date(2000, 1, 1), "rate": Decimal("1.6")})
    run("create draft (EUR, the rate of its date)", lambda: invoices.create_draft(ledger.tenant, {
        "customer_id": ledger.customer, "currency": "EUR",
        "lines": [{"description": "Work", "quantity": Decimal(1), "unit_price": Decimal("100.00"),
                   "account_id": ledger.accounts["4000"], "tax_code_id": ledger.gst}]},
        key()))
    post_key = key()
    posted = run("post invoice", lambda: invoices.post(ledger.tenant, draft["id"], post_key))
    run("replay (post invoice, same key)", lambda: invoices.post(ledger.tenant, draft["id"], post_key))
    receipt = run("receipt (pays one invoice)", lambda: ledger.pay([posted], key=key()))
    run("reverse receipt", lambda: receipts.reverse(ledger.tenant, receipt["id"], None, key()))
    other = invoices.post(ledger.tenant, ledger.draft()["id"])
    run("credit note", lambda: credit_notes.create(ledger.tenant, {"invoice_id": other["id"],
                                                                    "amount": Decimal("100.00")}, key()))
    voided = invoices.post(ledger.tenant, ledger.draft()["id"])
    run("void invoice", lambda: invoices.void(ledger.tenant, voided["id"], None, key()))
    unallocated = receipts.create(ledger.tenant, {"customer_id": ledger.customer, "amount": Decimal("2000.00"),
                                                  "account_id": ledger.accounts["1010"]})
    owed = invoices.post(ledger.tenant, ledger.draft()["id"])
    run("allocate receipt", lambda: receipts.allocate(ledger.tenant, unallocated["id"], {"allocations": [
        {"invoice_id": owed["id"], "amount": Decimal(owed["amount_due"])}]}, key()))
    refund = run("refund (named credit)", lambda: refunds.create(ledger.tenant, {
        "customer_id": ledger.customer, "amount": Decimal(unallocated["amount"]) - Decimal(owed["amount_due"]),
        "account_id": ledger.accounts["1010"], "receipt_id": unallocated["id"]}, key()))
    run("reverse refund", lambda: refunds.reverse(ledger.tenant, refund["id"], None, key()))
    entry = run("journal entry", lambda: journal_entries.create(ledger.tenant, {"lines": [
        {"account_id": ledger.accounts["1010"], "debit": Decimal("100.00")},
        {"account_id": ledger.accounts["3000"], "credit": Decimal("100.00")}]}, key()))
    run("reverse journal entry", lambda: journal_entries.reverse(ledger.tenant, entry["id"], None, key()))
    late = invoices.post(ledger.tenant, ledger.draft(today() - timedelta(days=60), terms=14)["id"])
    run("reminder", lambda: reminders.create_next(ledger.tenant, late["id"], None, key()))
    template = recurring_invoices.create(ledger.tenant, {
        "customer_id": ledger.customer, "auto_post": True,
        "lines": [{"description": "Hosting", "unit_price": "49.00", "tax_code_id": ledger.gst}],
        "schedule": {"interval": "monthly", "start_date": today().isoformat()}})
    run("recurring run (one period, auto_post)",
        lambda: recurring_invoices.run_due(ledger.tenant, template["id"], today()))
    # The sales pipeline (issue 14): an order confirmed, delivered in part, invoiced; the delivery note issued
    order = orders.create_draft(ledger.tenant, {"customer_id": ledger.customer, "lines": [
        {"description": "Widget", "quantity": Decimal(10), "unit_price": Decimal("25.00"), "tax_code_id": ledger.gst},
        {"description": "Gadget", "quantity": Decimal(2), "unit_price": Decimal("100.00"),
         "tax_code_id": ledger.gst}]})
    run("confirm order", lambda: orders.confirm(ledger.tenant, order["id"], key()))
    note = run("deliver order (part)", lambda: orders.deliver(ledger.tenant, order["id"], {"lines": [
        {"line": 1, "quantity": Decimal(4)}]}, key()))
    run("invoice order (delivered)", lambda: orders.invoice(ledger.tenant, order["id"], {}, key()))
    run("issue delivery note", lambda: deliveries.issue(ledger.tenant, note["id"], key()))
    # Inventory (issue 19): a stock count, and a delivery note of a stock-managed item issued (stock out, COGS)
    stocked = master_data.create(Item, ledger.tenant, {"code": "BENCH-STOCK", "name": "Stocked item",
                                                       "track_stock": True}).id
    shelf = stock.create_location(ledger.tenant, {"name": "Bench warehouse", "is_default": True})["id"]
    stock.create_adjustment(ledger.tenant, {"item_id": stocked, "location_id": shelf, "reason": "opening",
                                            "quantity": Decimal(100), "unit_cost": Decimal("2.50")})
    run("stock adjustment (count)", lambda: stock.create_adjustment(ledger.tenant, {
        "item_id": stocked, "location_id": shelf, "reason": "count", "counted_quantity": Decimal(99)}, key()))
    stocked_note = deliveries.create_direct(ledger.tenant, {"customer_id": ledger.customer, "lines": [
        {"item_id": stocked, "quantity": Decimal(2)}]})
    run("issue delivery note (a stock-managed item)",
        lambda: deliveries.issue(ledger.tenant, stocked_note["id"], key()))
    for _ in range(50):
        invoices.post(ledger.tenant, ledger.draft()["id"])
    # the list as GET /v1/invoices reads it: the query planner (issue 18), default order
    run("list page (50 invoices)", lambda: query_invoices(ledger.tenant, Query(), today=today(), limit=50,
                                                          start_key=None))
    run("trial balance", lambda: reports.trial_balance.report(ledger.tenant, today()))
    quote = quotes.create_draft(ledger.tenant, {"customer_id": ledger.customer, "lines": [
        {"description": "Work", "quantity": Decimal(1), "unit_price": Decimal("100.00"),
         "account_id": ledger.accounts["4000"], "tax_code_id": ledger.gst}]})
    run("issue quote", lambda: quotes.issue(ledger.tenant, quote["id"], key()))
    run("convert quote to invoice", lambda: quotes.convert(ledger.tenant, quote["id"], "invoice", key()))
    # Purchasing (issue 15): a purchase order created, sent by email (numbered), received in part
    supplier = master_data.create(Party, ledger.tenant, {"name": "Paper Supplies", "kind": "supplier",
                                                         "email": "orders@paper.example"}).id
    purchase = run("create purchase order", lambda: purchase_orders.create_draft(ledger.tenant, {
        "supplier_id": supplier, "lines": [
            {"description": "Paper", "quantity": Decimal(20), "unit_price": Decimal("24.50"),
             "account_id": ledger.accounts["6000"], "tax_code_id": ledger.gst}]}, key()))
    run("send purchase order (numbered, emailed)",
        lambda: purchase_orders.send(ledger.tenant, purchase["id"], {}, key()))
    run("receive purchase order (part)", lambda: purchase_orders.receive(ledger.tenant, purchase["id"], {
        "lines": [{"line": 1, "quantity": Decimal(12)}]}, key()))
    # Purchasing (issue 15): a supplier bill entered, posted and voided
    supplier = master_data.create(Party, ledger.tenant, {"name": "Office Supplies", "kind": "supplier"}).id

    def bill_fields(reference: str) -> dict[str, Any]:
        return {"supplier_id": supplier, "supplier_reference": reference, "lines": [
            {"description": "Paper", "quantity": Decimal(10), "unit_price": Decimal("5.00"),
             "account_id": ledger.accounts["6000"], "tax_code_id": ledger.gst}]}

    bill = run("create bill", lambda: bills.create_draft(ledger.tenant, bill_fields("R-1"), key()))
    run("post bill", lambda: bills.post(ledger.tenant, bill["id"], key()))
    run("void bill", lambda: bills.void(ledger.tenant, bill["id"], None, key()))
    # Supplier payments (issue 15): a posted bill paid in full by one payment
    owed_bill = bills.post(ledger.tenant, bills.create_draft(ledger.tenant, bill_fields("R-2"))["id"])
    run("supplier payment (pays one bill)", lambda: supplier_payments.create(ledger.tenant, {
        "supplier_id": supplier, "amount": Decimal(owed_bill["amount_due"]), "account_id": ledger.accounts["1010"],
        "allocations": [{"bill_id": owed_bill["id"], "amount": Decimal(owed_bill["amount_due"])}]}, key()))
    credited_bill = bills.post(ledger.tenant, bills.create_draft(ledger.tenant, bill_fields("R-3"))["id"])
    run("supplier credit note (amount)", lambda: supplier_credit_notes.create(ledger.tenant, {
        "bill_id": credited_bill["id"], "amount": Decimal("10.00")}, key()))
    # a paid bill credited: the excess is held on 1400, then applied to a later bill and the rest refunded
    paid_bill = bills.post(ledger.tenant, bills.create_draft(ledger.tenant, bill_fields("R-4"))["id"])
    supplier_payments.create(ledger.tenant, {
        "supplier_id": supplier, "amount": Decimal(paid_bill["amount_due"]), "account_id": ledger.accounts["1010"],
        "allocations": [{"bill_id": paid_bill["id"], "amount": Decimal(paid_bill["amount_due"])}]})
    excess = supplier_credit_notes.create(ledger.tenant, {"bill_id": paid_bill["id"], "amount": Decimal("20.00")})
    later_bill = bills.post(ledger.tenant, bills.create_draft(ledger.tenant, bill_fields("R-5"))["id"])
    run("apply supplier credit note excess (one bill)", lambda: supplier_credit_notes.allocate(
        ledger.tenant, excess["id"], {"allocations": [{"bill_id": later_bill["id"], "amount": Decimal("12.00")}]},
        key()))
    run("supplier refund of credit note excess", lambda: supplier_credit_notes.refund(
        ledger.tenant, excess["id"], {"amount": Decimal("10.00"), "account_id": ledger.accounts["1010"]}, key()))
    # Payment runs (issue 16, part P): two EUR bills scheduled by one pain.001 file (nothing posted)
    payee = master_data.create(Party, ledger.tenant, {"name": "Fournisseur SA", "kind": "supplier",
                                                      "iban": "FR1420041010050500013M02606"}).id
    run_bills = [bills.post(ledger.tenant, bills.create_draft(
        ledger.tenant, bill_fields(f"E-{n}") | {"supplier_id": payee, "currency": "EUR"})["id"]) for n in (1, 2)]
    eur_bank = bank_accounts.create(ledger.tenant, {"name": "EUR account", "currency": "EUR",
                                                    "iban": "DE89370400440532013000"})
    blobs.use(MemoryBlobStore())
    try:
        run("create payment run (2 bills, pain.001)", lambda: payment_runs.create(ledger.tenant, {
            "bank_account_id": eur_bank["id"], "bills": [{"bill_id": b["id"]} for b in run_bills]}, key()))
    finally:
        blobs.use(None)
    with metered() as whole:
        parts = []
        for step in ("create draft", "post invoice", "receipt (pays one invoice)"):
            with metered() as meter:
                if step == "create draft":
                    life = ledger.draft(key=key())
                elif step == "post invoice":
                    life = invoices.post(ledger.tenant, life["id"], key())
                else:
                    ledger.pay([life], key=key())
            parts.append(minimum(step, meter))
    actual = whole.as_dict()
    detail = aws_write_detail(whole, {})  # its own draft, post and receipt: every earlier image is in `whole`
    actual["aws_write_units"], actual["aws_write_shares"] = detail["total"], detail["shares"]
    actual["aws_write_by_kind"] = detail["by_kind"]
    actual["minimum"] = combined(parts)
    actual["excess"] = explain(actual, actual["minimum"])
    results["whole invoice life (create, post, pay in full)"] = actual
    # Tax (issue 15): the VAT return of the year so far, and closing the year's VAT period (settlement entry);
    # last, because the closed period locks invoices dated in it
    start = today().replace(month=1, day=1)
    run("VAT return (year to date)", lambda: reports.vat_return.report(ledger.tenant, start, today()))
    period = vat_periods.create(ledger.tenant, start, start.replace(month=12, day=31))
    run("close VAT period (settlement entry)", lambda: vat_periods.close(ledger.tenant, period["id"], key()))
    return results
