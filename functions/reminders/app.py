"""Lambda adapter for reminders and the dunning policy: the shared router behind Mangum."""

from mangum import Mangum

from ledgerline.api.app import create_app
from ledgerline.api.routers.reminders import router
from ledgerline.observability import instrument

handler = instrument(Mangum(create_app(router), lifespan="off"))
