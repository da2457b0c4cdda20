"""Lambda adapter for the bus rule that delivers queued e-invoices to the Peppol access point (issue 17)."""

from aws_lambda_powertools.logging import correlation_paths

from ledgerline.einvoice.consumer import on_bus_event
from ledgerline.observability import instrument

handler = instrument(on_bus_event, correlation_id_path=correlation_paths.EVENT_BRIDGE)
