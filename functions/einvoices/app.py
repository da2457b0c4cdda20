"""Lambda adapter for /v1/einvoices (issue 17): validating e-invoices with the official rule sets (saxonche,
in EInvoiceLayer), and POST /v1/bills/import (a supplier's e-invoice as a draft bill: the same validators, and
Factur-X PDFs read with FacturXLayer), behind Mangum with the standard instrumentation."""

from mangum import Mangum

from ledgerline.api.app import create_app
from ledgerline.api.routers.einvoices import router
from ledgerline.observability import instrument

handler = instrument(Mangum(create_app(router), lifespan="off"))
