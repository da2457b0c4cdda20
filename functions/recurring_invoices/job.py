"""Lambda adapter for the daily EventBridge Scheduler schedule that runs the recurring invoices job."""

from ledgerline.observability import instrument
from ledgerline.recurring.job import on_schedule

handler = instrument(on_schedule, correlation_id_path="execution_id")
