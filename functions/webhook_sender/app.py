"""Lambda adapter for the delivery queue: signs and POSTs webhooks (partial batch responses)."""

from ledgerline.observability import instrument
from ledgerline.webhooks.handlers import on_delivery_messages

handler = instrument(on_delivery_messages, correlation_id_path=None)
