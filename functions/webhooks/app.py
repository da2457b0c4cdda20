"""Lambda adapter for /v1/webhooks and /v1/webhook-deliveries: the shared router behind Mangum."""

from mangum import Mangum

from ledgerline.api.app import create_app
from ledgerline.api.routers.webhooks import router
from ledgerline.observability import instrument

handler = instrument(Mangum(create_app(router), lifespan="off"))
