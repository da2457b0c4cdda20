"""Lambda adapter for SES bounce and complaint notifications (SNS)."""

from ledgerline.mail.bounces import on_sns_event
from ledgerline.observability import instrument

handler = instrument(on_sns_event)
