"""The daily reminders (dunning) job: a consumer of the EventBridge Scheduler schedule."""
