"""Lambda adapter for the bus rule that sends queued emails (SES v2 in AWS)."""

from aws_lambda_powertools.logging import correlation_paths

from ledgerline.mail.consumer import on_bus_event
from ledgerline.observability import instrument

handler = instrument(on_bus_event, correlation_id_path=correlation_paths.EVENT_BRIDGE)
