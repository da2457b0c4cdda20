"""The use cases behind bulk requests, one item at a time.

Each item is the single-item use case (the same validation, transaction and events), wrapped in
the same idempotency as the single-item POST, so a retried batch replays what already happened
instead of doing it again. Items are independent: one failing never undoes another.
"""

from __future__ import annotations

from typing import Any

from ledgerline.domain.errors import LedgerlineError
from ledgerline.schemas.parties import PartyOut
from ledgerline.services import (
    bills,
    exchange_rates,
    invoices,
    journal_entries,
    master_data,
    orders,
    quotes,
    receipts,
    stock,
    supplier_payments,
)
from ledgerline.services.idempotency import once
from ledgerline.store.parties import Party


class DraftNotPosted(Exception):
    """The invoice's draft was created but posting it failed: the draft stays, and says so."""

    def __init__(self, draft: dict[str, Any], cause: LedgerlineError) -> None:
        super().__init__(cause.message)
        self.draft = draft
        self.cause = cause


def create_party(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None) -> dict[str, Any]:
    return master_data.create_once(Party, PartyOut, tenant_id, fields, idempotency_key)


def update_party(tenant_id: str, party_id: str, changes: dict[str, Any], expected_version: int | None,
                 idempotency_key: str | None) -> dict[str, Any]:
    """PATCH /v1/parties/{id}, one operation of a bulk request."""
    def run() -> dict[str, Any]:
        updated = master_data.update(Party, tenant_id, party_id, changes, expected_version)
        return PartyOut.model_validate(updated).model_dump(mode="json")

    payload = {"id": party_id, "version": expected_version, "data": changes}
    return once(tenant_id, idempotency_key, "update_party", payload, run)


def create_invoice(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None, *,
                   post: bool) -> dict[str, Any]:
    """Create a draft and, when asked, post it. Creating and posting are two steps with their own
    idempotency records (`<key>` and `<key>:post`), so a retry finishes what a failed attempt began."""
    draft = invoices.create_draft(tenant_id, fields, idempotency_key)
    if not post:
        return draft
    post_key = f"{idempotency_key}:post" if idempotency_key is not None else None
    try:
        return invoices.post(tenant_id, draft["id"], post_key)
    except LedgerlineError as exc:
        raise DraftNotPosted(draft, exc) from exc


def create_and_post_invoices(tenant_id: str, many: list[dict[str, Any]]) -> list[dict[str, Any] | Exception]:
    """Create drafts and post them, several per transaction (`invoices.create_drafts`, `invoices.post_drafts`):
    per item, the posted invoice, the item's error, or `DraftNotPosted` (the draft stays, as one by one)."""
    drafts = invoices.create_drafts(tenant_id, many)
    posted = invoices.post_drafts(tenant_id, [draft["id"] for draft in drafts if isinstance(draft, dict)])
    outcomes: list[dict[str, Any] | Exception] = []
    for draft in drafts:
        if not isinstance(draft, dict):
            outcomes.append(draft)
            continue
        outcome = posted[draft["id"]]
        outcomes.append(DraftNotPosted(draft, outcome) if isinstance(outcome, LedgerlineError) else outcome)
    return outcomes


def update_invoice(tenant_id: str, invoice_id: str, changes: dict[str, Any], expected_version: int | None,
                   idempotency_key: str | None, *, post: bool) -> dict[str, Any]:
    """PATCH a draft and, when asked, post it (`<key>` and `<key>:post`, as for a create)."""
    def run() -> dict[str, Any]:
        return invoices.represent(invoices.update_draft(tenant_id, invoice_id, changes, expected_version))

    payload = {"id": invoice_id, "version": expected_version, "data": changes}
    draft = once(tenant_id, idempotency_key, "update_invoice", payload, run)
    if not post:
        return draft
    post_key = f"{idempotency_key}:post" if idempotency_key is not None else None
    try:
        return invoices.post(tenant_id, draft["id"], post_key)
    except LedgerlineError as exc:
        raise DraftNotPosted(draft, exc) from exc


def create_receipt(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None) -> dict[str, Any]:
    return receipts.create(tenant_id, fields, idempotency_key)


def create_supplier_payment(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None) -> dict[str, Any]:
    return supplier_payments.create(tenant_id, fields, idempotency_key)


def create_journal_entry(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None) -> dict[str, Any]:
    return journal_entries.create(tenant_id, fields, idempotency_key)


def create_quote(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None) -> dict[str, Any]:
    return quotes.create_draft(tenant_id, fields, idempotency_key)


def update_quote(tenant_id: str, quote_id: str, changes: dict[str, Any], expected_version: int | None,
                 idempotency_key: str | None) -> dict[str, Any]:
    """PATCH /v1/quotes/{id}, one operation of a bulk request."""
    def run() -> dict[str, Any]:
        return quotes.represent(quotes.update_draft(tenant_id, quote_id, changes, expected_version))

    payload = {"id": quote_id, "version": expected_version, "data": changes}
    return once(tenant_id, idempotency_key, "update_quote", payload, run)


def create_order(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None) -> dict[str, Any]:
    return orders.create_draft(tenant_id, fields, idempotency_key)


def update_order(tenant_id: str, order_id: str, changes: dict[str, Any], expected_version: int | None,
                 idempotency_key: str | None) -> dict[str, Any]:
    """PATCH /v1/orders/{id}, one operation of a bulk request."""
    def run() -> dict[str, Any]:
        return orders.represent(orders.update_draft(tenant_id, order_id, changes, expected_version))

    payload = {"id": order_id, "version": expected_version, "data": changes}
    return once(tenant_id, idempotency_key, "update_order", payload, run)


def create_bill(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None) -> dict[str, Any]:
    return bills.create_draft(tenant_id, fields, idempotency_key)


def update_bill(tenant_id: str, bill_id: str, changes: dict[str, Any], expected_version: int | None,
                idempotency_key: str | None) -> dict[str, Any]:
    """PATCH /v1/bills/{id}, one operation of a bulk request (issue 15)."""
    def run() -> dict[str, Any]:
        return bills.represent(bills.update_draft(tenant_id, bill_id, changes, expected_version))

    payload = {"id": bill_id, "version": expected_version, "data": changes}
    return once(tenant_id, idempotency_key, "update_bill", payload, run)


def create_exchange_rate(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None) -> dict[str, Any]:
    return exchange_rates.create(tenant_id, fields, idempotency_key)


def create_stock_adjustment(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None) -> dict[str, Any]:
    """POST /v1/stock-adjustments, one operation of a bulk request (issue 19)."""
    return stock.create_adjustment(tenant_id, fields, idempotency_key)
