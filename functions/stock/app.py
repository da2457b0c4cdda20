"""Lambda adapter for inventory (issue 19): /v1/stock-locations, /v1/stock-adjustments, /v1/stock-transfers,
/v1/stock and /v1/reports/stock-valuation behind Mangum, with the standard instrumentation."""

from mangum import Mangum

from ledgerline.api.app import create_app
from ledgerline.api.routers.stock import router
from ledgerline.observability import instrument

handler = instrument(Mangum(create_app(router), lifespan="off"))
