"""Lambda adapter for /v1/payment-runs: the shared router behind Mangum, with the standard instrumentation."""

from mangum import Mangum

from ledgerline.api.app import create_app
from ledgerline.api.routers.payment_runs import router
from ledgerline.observability import instrument

handler = instrument(Mangum(create_app(router), lifespan="off"))
