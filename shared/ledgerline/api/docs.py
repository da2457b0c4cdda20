"""`/docs` (Swagger UI) and `/redoc` (ReDoc) that work offline: their scripts, styles and favicon are
served from the installed PyPI package `fastapi-standalone-docs` (Swagger UI 5 and ReDoc 2 builds with
their licences), never from a CDN. The local server installs them; the Lambda functions serve no docs.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, swagger_ui_default_parameters
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"
SWAGGER_JS = f"{ASSETS}/swagger/swagger-ui-bundle.js"
SWAGGER_CSS = f"{ASSETS}/swagger/swagger-ui.css"
REDOC_JS = f"{ASSETS}/redoc/redoc.standalone.js"
FAVICON = f"{ASSETS}/fastapi/favicon.png"


def assets_folder() -> Path:
    import fastapi_standalone_docs  # local extra: the functions' layer does not ship it

    return Path(fastapi_standalone_docs.__file__).parent / "static"


def install_docs(app: FastAPI) -> None:
    openapi_url = app.openapi_url or "/openapi.json"
    app.mount(ASSETS, StaticFiles(directory=assets_folder()), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url, title=f"{app.title} — Swagger UI", swagger_js_url=SWAGGER_JS,
            swagger_css_url=SWAGGER_CSS, swagger_favicon_url=FAVICON,
            # No validator badge: Swagger UI would otherwise send the document to an online validator
            swagger_ui_parameters={**swagger_ui_default_parameters, "validatorUrl": None})

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url=openapi_url, title=f"{app.title} — ReDoc", redoc_js_url=REDOC_JS,
                              redoc_favicon_url=FAVICON, with_google_fonts=False)
