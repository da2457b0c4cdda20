"""What moved onto the unit of work stays there: no PynamoDB in those services, no expression in routers."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from ledgerline.store import documents

SHARED = Path(__file__).resolve().parents[3] / "shared" / "ledgerline"
ON_THE_UNIT_OF_WORK = ["services/invoices.py", "services/journal_entries.py", "services/receipts.py",
                       "services/credit_notes.py", "services/refunds.py", "services/pdfs.py"]
ON_THE_UNIT_OF_WORK += ["services/reminders.py", "services/periods.py", "services/tenants.py"]  # year close, tenants


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return names


@pytest.mark.parametrize("module", ON_THE_UNIT_OF_WORK)
def test_services_on_the_unit_of_work_import_no_pynamodb_and_no_transaction(module):
    imported = _imports(SHARED / module)
    assert not {name for name in imported if name.startswith("pynamodb")}
    assert not {name for name in imported if name.endswith((".commit", ".add_journal_entry", ".take_number",
                                                            ".add_event", ".add_tax_totals", ".load_tenant"))}


@pytest.mark.parametrize("router", sorted((SHARED / "api" / "routers").glob("*.py")), ids=lambda p: p.name)
def test_no_router_builds_a_filter_expression(router):
    text = router.read_text()
    assert "filter_condition" not in text and ".is_in(" not in text and "refund_filter" not in text
    assert not {name for name in _imports(router) if name.startswith("pynamodb")}


def test_list_documents_takes_no_condition_from_a_caller():
    assert "filter_condition" not in inspect.signature(documents.list_documents).parameters
