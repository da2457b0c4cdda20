"""One local server for every router, with the same app factory and auth as the Lambda functions."""

from __future__ import annotations

from importlib import import_module

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import RedirectResponse

from ledgerline.api.app import create_app
from ledgerline.api.docs import install_docs
from ledgerline.api.routers import (
    accounts,
    api_keys,
    bank_accounts,
    bank_rules,
    bulk,
    currencies,
    einvoices,
    emails,
    events,
    exchange_rates,
    files,
    items,
    parties,
    periods,
    reports,
    stock,
    tax_codes,
    tenant,
    vat_periods,
    webhooks,
)
from ledgerline.domain.kinds import KINDS


def document_routers() -> tuple[APIRouter, ...]:
    """The routers of the registry's document kinds (domain/kinds.KINDS), in registry order, each once."""
    modules = dict.fromkeys(kind.router for kind in KINDS)
    return tuple(import_module(f"ledgerline.api.routers.{name}").router for name in modules)


ROUTERS = (tenant.router, api_keys.router, parties.router, items.router, accounts.router, tax_codes.router,
           *document_routers(), reports.router, periods.router, events.router, webhooks.router, bulk.router,
           emails.router, files.router, vat_periods.router, bank_accounts.router, einvoices.router,
           bank_rules.router, exchange_rates.router, currencies.router, stock.router)


def create_local_app() -> FastAPI:
    app = create_app(*ROUTERS)
    install_docs(app)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/docs")

    @app.post("/local/uploads", include_in_schema=False)
    async def receive_upload(request: Request) -> Response:
        """The bucket's stand-in for two-step uploads (issue 15, part FU): the multipart POST a presigned S3
        POST takes (fields, then `file`), checked against the form `POST /v1/files/uploads` signed, into
        the folder store; 204 as S3 answers, or S3's error codes."""
        from ledgerline.pdf import blobs

        store = blobs.blob_store("files")
        form = await request.form(max_part_size=11 * 1024 * 1024)
        file = form.get("file")
        if not isinstance(store, blobs.FolderBlobStore) or file is None or isinstance(file, str):
            return Response("<Error><Code>InvalidArgument</Code></Error>", 400, media_type="application/xml")
        fields = {name: value for name, value in form.items() if isinstance(value, str)}
        try:
            store.receive_post(fields, await file.read())
        except blobs.UploadRefused as refused:
            return Response(f"<Error><Code>{refused.code}</Code><Message>{refused}</Message></Error>",
                            refused.status, media_type="application/xml")
        return Response(status_code=204)

    # The real-time stream (issue 20, item 6): the WebSocket API of AWS, served on the same port
    from ledgerline.local import stream

    app.add_api_websocket_route(stream.PATH, stream.endpoint)

    @app.get("/health", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
