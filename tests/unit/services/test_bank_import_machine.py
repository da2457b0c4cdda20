"""Statement imports driven by Hypothesis on the in-memory unit of work (issue 16): whatever windows of a
bank's entries are imported, in whatever order and however often, and whatever is ignored and unignored on
the way, every entry is one bank transaction, once."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from ledgerline.domain.errors import LedgerlineError
from ledgerline.pdf import blobs
from ledgerline.pdf.blobs import MemoryBlobStore
from ledgerline.services import bank_accounts, bank_statements, bank_transactions
from ledgerline.store.banking import BankTransaction
from ledgerline.store.unit_of_work import using
from tests.unit.services.conftest import fresh_books

POOL = 30  # the bank's entries, in booking order; every third has no bank reference (deduplicated by content)


def entry(n: int) -> str:
    day = date(2026, 1, 1) + timedelta(days=n // 3)
    reference = "" if n % 3 == 0 else f"<AcctSvcrRef>REF-{n:03d}</AcctSvcrRef>"
    return (f"<Ntry><Amt Ccy=\"CHF\">{n + 1}.00</Amt><CdtDbtInd>{'DBIT' if n % 4 == 0 else 'CRDT'}</CdtDbtInd>"
            f"<Sts>BOOK</Sts><BookgDt><Dt>{day.isoformat()}</Dt></BookgDt>{reference}"
            f"<AddtlNtryInf>Entry {n}</AddtlNtryInf></Ntry>")


def camt(first: int, last: int, serial: int) -> bytes:
    entries = "".join(entry(n) for n in range(first, last))
    return (f"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.04\"><BkToCstmrStmt><Stmt>"
            f"<Id>S-{serial}</Id><Acct><Id><IBAN>CH9300762011623852957</IBAN></Id><Ccy>CHF</Ccy></Acct>{entries}"
            f"</Stmt></BkToCstmrStmt></Document>").encode()


class ImportMachine(RuleBasedStateMachine):
    @initialize()
    def bank(self) -> None:
        self.context = fresh_books()
        self.books = self.context.__enter__()
        self.using = using(self.books.table.unit)
        self.using.__enter__()
        blobs.use(MemoryBlobStore())
        self.account = bank_accounts.create(self.books.tenant_id, {"name": "ZKB", "currency": "CHF"})["id"]
        self.seen: set[int] = set()
        self.ignored: set[str] = set()
        self.serial = 0

    def teardown(self) -> None:
        if hasattr(self, "using"):
            blobs.use(None)
            self.using.__exit__(None, None, None)
            self.context.__exit__(None, None, None)

    def transactions(self) -> list[BankTransaction]:
        return [BankTransaction.from_raw_data(data) for data in self.books.table.items.values()
                if data.get("GSI1PK", {}).get("S") == f"T#{self.books.tenant_id}#BANKTX"]

    @rule(first=st.integers(0, POOL - 1), size=st.integers(1, 12), same_file=st.booleans())
    def import_a_window(self, first: int, size: int, same_file: bool) -> None:
        last = min(POOL, first + size)
        self.serial += 0 if same_file else 1
        result = bank_statements.import_statement(self.books.tenant_id, self.account, camt(first, last, self.serial),
                                                  file_name=None, fmt=None)
        new = set(range(first, last)) - self.seen
        if not result.get("already_imported"):
            assert (result["imported"], result["duplicates"]) == (len(new), last - first - len(new))
        self.seen |= set(range(first, last))

    @rule(data=st.data(), unignore=st.booleans())
    def ignore_or_unignore(self, data: st.DataObject, unignore: bool) -> None:
        transactions = self.transactions()
        if not transactions:
            return
        chosen = data.draw(st.sampled_from(sorted(t.id for t in transactions)))
        try:
            changed = (bank_transactions.unignore if unignore else bank_transactions.ignore)(self.books.tenant_id,
                                                                                           chosen)
        except LedgerlineError:
            assert (chosen in self.ignored) != unignore  # refused: ignoring the ignored, or unignoring the unmatched
            return
        assert changed["status"] == ("unmatched" if unignore else "ignored")
        (self.ignored.discard if unignore else self.ignored.add)(chosen)

    @invariant()
    def every_entry_is_one_transaction(self) -> None:
        if not hasattr(self, "seen"):
            return
        transactions = self.transactions()
        amounts = sorted(int(t.amount.copy_abs()) - 1 for t in transactions)
        assert amounts == sorted(self.seen)
        assert {t.id for t in transactions if t.status == "ignored"} == self.ignored
        assert all(t.status in ("unmatched", "ignored") for t in transactions)


ImportMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=12, deadline=None,
                                           suppress_health_check=[HealthCheck.too_slow])
TestImports = ImportMachine.TestCase
