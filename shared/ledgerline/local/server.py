"""One local server for every router, with the same app factory and auth as the Lambda functions."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from ledgerline.api.app import create_app
from ledgerline.api.docs import install_docs
from ledgerline.api.routers import (
    accounts,
    api_keys,
    bulk,
    credit_notes,
    events,
    invoices,
    items,
    journal_entries,
    parties,
    periods,
    receipts,
    refunds,
    reminders,
    reports,
    tax_codes,
    tenant,
    webhooks,
)

ROUTERS = (tenant.router, api_keys.router, parties.router, items.router, accounts.router, tax_codes.router,
           invoices.router, receipts.router, credit_notes.router, journal_entries.router, reports.router,
           periods.router, events.router, webhooks.router, bulk.router, reminders.router, refunds.router)


def create_local_app() -> FastAPI:
    app = create_app(*ROUTERS)
    install_docs(app)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/docs")

    @app.get("/health", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
