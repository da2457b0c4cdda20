"""Lambda adapter for /v1/supplier-credit-notes: the shared router behind Mangum, with the standard instrumentation."""

from mangum import Mangum

from ledgerline.api.app import create_app
from ledgerline.api.routers.supplier_credit_notes import router
from ledgerline.observability import instrument

handler = instrument(Mangum(create_app(router), lifespan="off"))
