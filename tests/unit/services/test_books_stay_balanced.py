"""Any sequence of invoice and journal-entry use cases, on the in-memory unit of work, keeps the books
balanced, the invoice numbers gapless, and the ledger equal to the sum of the journal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerline.domain.errors import LedgerlineError
from ledgerline.services import invoices, journal_entries
from ledgerline.store.documents import Invoice

from .conftest import Books, fresh_books

OPERATIONS = st.lists(st.tuples(st.sampled_from(["draft", "post", "void", "manual", "reverse", "delete"]),
                                st.integers(0, 5), st.decimals(D("0.01"), D("5000"), places=2)),
                      min_size=1, max_size=12)


@settings(max_examples=40, deadline=None)
@given(operations=OPERATIONS)
def test_no_sequence_of_use_cases_unbalances_the_books(operations):
    with fresh_books() as books:
        _run(books, operations)


def _run(books: Books, operations: list[tuple[str, int, D]]) -> None:
    tenant = books.tenant_id
    drafts: list[str] = []
    posted: list[str] = []
    entries: list[str] = []
    for name, pick, amount in operations:
        try:
            if name == "draft":
                drafts.append(invoices.create_draft(tenant, {"customer_id": books.customer_id, "lines": [
                    {"description": "x", "quantity": D(1), "unit_price": amount,
                     "tax_code_id": books.tax_codes["GST10"]}]})["id"])
            elif name == "post" and drafts:
                posted.append(invoices.post(tenant, drafts.pop(pick % len(drafts)))["id"])
            elif name == "void" and posted:
                invoices.void(tenant, posted[pick % len(posted)], None)
            elif name == "delete" and drafts:
                invoices.delete_draft(tenant, drafts.pop(pick % len(drafts)), None)
            elif name == "manual":
                entries.append(journal_entries.create(tenant, {"lines": [
                    {"account_id": books.accounts["1010"], "debit": amount},
                    {"account_id": books.accounts["4900"], "credit": amount}]})["id"])
            elif name == "reverse" and entries:
                journal_entries.reverse(tenant, entries[pick % len(entries)], None)
        except LedgerlineError:
            pass  # refused (voiding twice, reversing twice): and then nothing was written
        assert sum(books.table.balances(tenant).values(), D(0)) == 0
    numbers = sorted(books.table.load(Invoice, tenant, i).number for i in posted)
    assert numbers == [f"INV-{date.today().year}-{n:04d}" for n in range(1, len(posted) + 1)]
