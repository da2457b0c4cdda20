"""A camt.053.001.04 statement written for the tests (the structure of the Swiss Payment Standards): booked
entries with a structured QR/RF reference, remittance text and a counterparty. Never from a live bank."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape


@dataclass
class Entry:
    amount: str  # signed: money in positive
    day: str
    reference: str | None = None
    text: str | None = None
    name: str | None = None
    bank_reference: str | None = None
    end_to_end_id: str | None = None  # default E2E-<n>; a payment run's id books its scheduled payment


def camt053(entries: list[Entry], *, currency: str, opening: str = "0.00", iban: str | None = None,
            statement_id: str = "STMT-TEST-1") -> bytes:
    closing = Decimal(opening) + sum((Decimal(e.amount) for e in entries), Decimal(0))
    first = min(e.day for e in entries)
    last = max(e.day for e in entries)

    def balance(code: str, amount: Decimal, day: str) -> str:
        side = "CRDT" if amount >= 0 else "DBIT"
        return (f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"{currency}\">{abs(amount):.2f}</Amt>"
                f"<CdtDbtInd>{side}</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>")

    def entry(n: int, e: Entry) -> str:
        amount = Decimal(e.amount)
        side = "CRDT" if amount >= 0 else "DBIT"
        party = "Dbtr" if amount >= 0 else "Cdtr"
        name = f"<RltdPties><{party}><Nm>{escape(e.name)}</Nm></{party}></RltdPties>" if e.name else ""
        text = f"<Ustrd>{escape(e.text)}</Ustrd>" if e.text else ""
        strd = ""
        if e.reference:
            kind = "QRR" if e.reference.isdigit() else "SCOR"
            strd = (f"<Strd><CdtrRefInf><Tp><CdOrPrtry><Prtry>{kind}</Prtry></CdOrPrtry></Tp>"
                    f"<Ref>{e.reference}</Ref></CdtrRefInf></Strd>")
        remittance = f"<RmtInf>{text}{strd}</RmtInf>" if text or strd else ""
        return (f"<Ntry><NtryRef>{n}</NtryRef><Amt Ccy=\"{currency}\">{abs(amount):.2f}</Amt>"
                f"<CdtDbtInd>{side}</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>{e.day}</Dt></BookgDt>"
                f"<ValDt><Dt>{e.day}</Dt></ValDt><AcctSvcrRef>{e.bank_reference or f'{statement_id}-{n}'}"
                f"</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>{e.end_to_end_id or f'E2E-{n}'}</EndToEndId>"
                f"</Refs>{name}{remittance}"
                f"</TxDtls></NtryDtls></Ntry>")

    account = f"<Id><IBAN>{iban}</IBAN></Id>" if iban else "<Id><Othr><Id>TEST</Id></Othr></Id>"
    body = "".join(entry(n, e) for n, e in enumerate(entries, 1))
    return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            f"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.04\"><BkToCstmrStmt>"
            f"<GrpHdr><MsgId>{statement_id}</MsgId><CreDtTm>{last}T06:00:00</CreDtTm></GrpHdr>"
            f"<Stmt><Id>{statement_id}</Id><CreDtTm>{last}T06:00:00</CreDtTm><Acct>{account}<Ccy>{currency}</Ccy>"
            f"</Acct>{balance('OPBD', Decimal(opening), first)}{balance('CLBD', closing, last)}{body}</Stmt>"
            f"</BkToCstmrStmt></Document>").encode()
