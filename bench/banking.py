"""Section 8 of make bench: statement import throughput (issue 16): a camt.053 of 5,000 booked entries, each
with a QR or RF reference, counterparty and remittance text, imported into a new bank account; then the same
entries again in another file (all duplicates), which reads every uniqueness item and writes nothing new."""

from __future__ import annotations

import statistics
import time
from typing import Any

from ledgerline.domain.banking import camt
from ledgerline.domain.banking.references import qr_reference, rf_reference
from ledgerline.pdf import blobs
from ledgerline.pdf.blobs import MemoryBlobStore
from ledgerline.services import bank_accounts, bank_statements
from ledgerline.services.tenants import create_tenant

IBAN = "CH9300762011623852957"


def statement(entries: int, statement_id: str = "BENCH") -> bytes:
    rows = []
    for n in range(entries):
        reference = (f"<Prtry>QRR</Prtry></CdOrPrtry></Tp><Ref>{qr_reference(100000 + n)}</Ref>" if n % 2
                     else f"<Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{rf_reference(str(100000 + n))}</Ref>")
        rows.append(
            f"<Ntry><Amt Ccy=\"CHF\">{100 + n % 900}.{n % 100:02d}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>"
            f"<BookgDt><Dt>2026-01-{1 + n % 28:02d}</Dt></BookgDt><ValDt><Dt>2026-01-{1 + n % 28:02d}</Dt></ValDt>"
            f"<AcctSvcrRef>BENCH-{n:06d}</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>E2E-{n}</EndToEndId></Refs>"
            f"<RltdPties><Dbtr><Nm>Customer {n}</Nm></Dbtr><DbtrAcct><Id><IBAN>CH5604835012345678009</IBAN></Id>"
            f"</DbtrAcct></RltdPties><RmtInf><Ustrd>Invoice {n}</Ustrd><Strd><CdtrRefInf><Tp><CdOrPrtry>{reference}"
            f"</CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>")
    return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:"
            f"camt.053.001.04\"><BkToCstmrStmt><GrpHdr><MsgId>{statement_id}</MsgId></GrpHdr><Stmt>"
            f"<Id>{statement_id}</Id><Acct><Id><IBAN>{IBAN}</IBAN></Id><Ccy>CHF</Ccy></Acct>{''.join(rows)}</Stmt>"
            f"</BkToCstmrStmt></Document>").encode()


def measure(*, entries: int = 5_000, runs: int = 3) -> dict[str, Any]:
    content = statement(entries)
    again = statement(entries, "BENCH-AGAIN")
    parse, first, repeat = [], [], []
    blobs.use(MemoryBlobStore())
    try:
        for run in range(runs):
            started = time.perf_counter()
            camt.parse(content)
            parse.append(time.perf_counter() - started)
            tenant, _ = create_tenant(name=f"Bank Bench {run}", base_currency="CHF", country="CH", plan="enterprise")
            account = bank_accounts.create(tenant.id, {"name": "Bench bank", "iban": IBAN})
            started = time.perf_counter()
            result = bank_statements.import_statement(tenant.id, account["id"], content, file_name="bench.xml",
                                                         fmt=None)
            first.append(time.perf_counter() - started)
            assert result["imported"] == entries, result
            started = time.perf_counter()
            result = bank_statements.import_statement(tenant.id, account["id"], again, file_name="again.xml",
                                                         fmt=None)
            repeat.append(time.perf_counter() - started)
            assert result["duplicates"] == entries, result
    finally:
        blobs.use(None)
    median = statistics.median
    return {"entries": entries, "runs": runs, "file_kb": round(len(content) / 1024),
            "parse_s": round(median(parse), 3), "import_s": round(median(first), 2),
            "transactions_per_s": round(entries / median(first)),
            "duplicate_import_s": round(median(repeat), 2),
            "duplicate_entries_per_s": round(entries / median(repeat)),
            "samples": {"parse_s": parse, "import_s": first, "duplicate_import_s": repeat}}
