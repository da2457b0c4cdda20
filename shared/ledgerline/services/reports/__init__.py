"""Financial reports, one module each. Every report reads the balance and tax buckets that posting
maintains, the invoice index (open invoices, and those closed after a date) or the closings partition;
none of them scans the journal, so their cost does not grow with the number of entries.

A report module has three parts:

- `report(...)`, the use case (`reports.trial_balance.report(tenant_id, as_of)`, …): reads what the
  report needs from the store;
- a pure `build(...)` that turns those figures into the report's typed result (a model of
  `schemas/reports.py`, which is also the JSON the API answers), unit-tested without DynamoDB;
- its CSV table, declared once with `@csv_table.register`: `api/csv_output.report_csv` renders every
  report's `format=csv` and `.csv` form from it. A new report declares its table and nothing else.

The accounting sign rules (debit-normal accounts, how a balance shows on each statement) are in
`domain/statements.py`.
"""

from __future__ import annotations

from ledgerline.services.reports import (
    aged_payables,
    aged_receivables,
    balance_sheet,
    general_ledger,
    profit_and_loss,
    tax_summary,
    trial_balance,
    vat_return,
)
from ledgerline.services.reports.common import balances, movements
from ledgerline.services.reports.table import Table, csv_table

# Every report module, so that each one's CSV table is registered once the package is imported
MODULES = (trial_balance, profit_and_loss, balance_sheet, aged_receivables, general_ledger, tax_summary,
           vat_return, aged_payables)

__all__ = [
    "MODULES",
    "Table",
    "aged_payables",
    "aged_receivables",
    "balance_sheet",
    "balances",
    "csv_table",
    "general_ledger",
    "movements",
    "profit_and_loss",
    "tax_summary",
    "trial_balance",
    "vat_return",
]
