"""Lambda adapter for the bus rule that renders PDFs of posted documents and new reminders."""

from aws_lambda_powertools.logging import correlation_paths

from ledgerline.observability import instrument
from ledgerline.pdf.consumer import on_bus_event

handler = instrument(on_bus_event, correlation_id_path=correlation_paths.EVENT_BRIDGE)
