"""Financial reports, one module each. Every report reads the balance and tax buckets that posting
maintains, the invoice index (open invoices, and those closed after a date) or the closings partition;
none of them scans the journal, so their cost does not grow with the number of entries.

A report module has three parts:

- the use case (`trial_balance(tenant_id, as_of)`, …): reads what the report needs from the store;
- a pure `build(...)` that turns those figures into the report's typed result (a model of
  `schemas/reports.py`, which is also the JSON the API answers), unit-tested without DynamoDB;
- its CSV table, declared once with `@csv_table.register`: `api/csv_output.report_csv` renders every
  report's `format=csv` and `.csv` form from it. A new report declares its table and nothing else.

The accounting sign rules (debit-normal accounts, how a balance shows on each statement) are in
`domain/statements.py`.
"""

from __future__ import annotations

from ledgerline.services.reports.aged_receivables import aged_receivables
from ledgerline.services.reports.balance_sheet import balance_sheet
from ledgerline.services.reports.common import balances, movements
from ledgerline.services.reports.general_ledger import general_ledger
from ledgerline.services.reports.profit_and_loss import profit_and_loss
from ledgerline.services.reports.table import Table, csv_table
from ledgerline.services.reports.tax_summary import tax_summary
from ledgerline.services.reports.trial_balance import trial_balance

__all__ = [
    "Table",
    "aged_receivables",
    "balance_sheet",
    "balances",
    "csv_table",
    "general_ledger",
    "movements",
    "profit_and_loss",
    "tax_summary",
    "trial_balance",
]
