"""Document life cycles, owned by the domain: one small pure state machine per kind.

- `base`: the errors and checks every kind shares (invalid state, locked and closed periods, list filters);
- `invoice`: draft → awaiting payment → (overdue) → paid / voided, and what "open" and "overdue" mean;
- `settlement`: a payment or credit applied to a document, and undoing it (receipts, credit notes,
  allocations; later supplier payments);
- `posted`: receipts, refunds, credit notes and journal entries (posted → reversed);
- `reminder`: created → sent, or withdrawn while unsent.

The names below stay importable from `ledgerline.domain.documents` as before.
"""

from ledgerline.domain.documents.base import (
    InvalidState,
    PeriodClosed,
    PeriodLocked,
    check_open_period,
    require_status,
    status_filter,
)
from ledgerline.domain.documents.invoice import (
    INVOICE_OPEN_STATUSES,
    INVOICE_STATUS_FILTERS,
    OPEN_STATUS_FILTER,
    InvoiceStatus,
    effective_status,
)
from ledgerline.domain.documents.posted import POSTED_STATUS_FILTERS
from ledgerline.domain.documents.settlement import settlement_date_error

__all__ = [
    "INVOICE_OPEN_STATUSES",
    "INVOICE_STATUS_FILTERS",
    "OPEN_STATUS_FILTER",
    "POSTED_STATUS_FILTERS",
    "InvalidState",
    "InvoiceStatus",
    "PeriodClosed",
    "PeriodLocked",
    "check_open_period",
    "effective_status",
    "require_status",
    "settlement_date_error",
    "status_filter",
]
