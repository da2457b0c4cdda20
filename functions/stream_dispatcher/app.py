"""Lambda adapter for the bus rule that sends every event to the real-time stream's connections."""

from aws_lambda_powertools.logging import correlation_paths

from ledgerline.observability import instrument
from ledgerline.stream.handlers import on_bus_event

handler = instrument(on_bus_event, correlation_id_path=correlation_paths.EVENT_BRIDGE)
