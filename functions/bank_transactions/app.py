"""Lambda adapter for /v1/bank-transactions and /v1/bank-rules: the shared routers behind Mangum, with the
standard instrumentation."""

from mangum import Mangum

from ledgerline.api.app import create_app
from ledgerline.api.routers.bank_rules import router as rules_router
from ledgerline.api.routers.bank_transactions import router
from ledgerline.observability import instrument

handler = instrument(Mangum(create_app(router, rules_router), lifespan="off"))
