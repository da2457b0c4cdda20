"""Lambda adapter for the daily EventBridge Scheduler schedule that runs the reminders (dunning) job."""

from ledgerline.observability import instrument
from ledgerline.reminders.job import on_schedule

handler = instrument(on_schedule, correlation_id_path="execution_id")
