"""ISO 20022 camt.053 (statement) and camt.054 (debit/credit notification), any version, read with lxml.

Elements are found by local name (`{*}`), so camt.053.001.02 to .08 and the Swiss variants read alike.
Only booked entries count (`Sts` `BOOK`, plain or as `Sts/Cd`). Per entry: amount and sign (`CdtDbtInd`),
booking and value date, the bank's reference (`AcctSvcrRef`), the reversal indicator (`RvslInd`), the
bank transaction code and, from the entry's transaction details, the end-to-end id, the counterparty
(the debtor of a credit, the creditor of a debit; the other way round for a reversal) and the remittance
information: unstructured lines and the structured creditor reference (QR reference or RF).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from ledgerline.domain.banking.statements import (
    Balance,
    Entry,
    MalformedStatement,
    Statement,
    reference_in_text,
    structured_reference,
)

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
CONTAINERS = {"camt.053": ("BkToCstmrStmt", "Stmt"), "camt.054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn")}


def parse(content: bytes) -> list[Statement]:
    """Every statement (or notification) in the file; MalformedStatement names the line or element."""
    try:
        root = etree.fromstring(content, _PARSER)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else 0)
        raise MalformedStatement(f"line {line}", f"not well-formed XML ({exc.msg})") from exc
    for fmt, (message, block) in CONTAINERS.items():
        container = root.find(f"{{*}}{message}")
        if container is not None:
            statements = container.findall(f"{{*}}{block}")
            if not statements:
                raise MalformedStatement(message, f"no {block} element")
            return [_statement(fmt, node, f"{block}[{n}]") for n, node in enumerate(statements, 1)]
    raise MalformedStatement(etree.QName(root).localname, "neither a camt.053 nor a camt.054 document")


def _text(node: etree._Element | None, path: str) -> str | None:
    if node is None:
        return None
    found = node.find(path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _p(path: str) -> str:
    return "/".join(f"{{*}}{step}" for step in path.split("/"))


def _day(node: etree._Element, path: str, where: str, *, required: bool) -> date | None:
    """`path/Dt`, or the date part of `path/DtTm`."""
    text = _text(node, _p(f"{path}/Dt")) or (_text(node, _p(f"{path}/DtTm")) or "")[:10] or None
    if text is None:
        if required:
            raise MalformedStatement(f"{where}/{path}", "missing")
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise MalformedStatement(f"{where}/{path}", f"not a date: {text!r}") from exc


def _amount(node: etree._Element, where: str) -> tuple[Decimal, str]:
    element = node.find("{*}Amt")
    if element is None or not (element.text or "").strip():
        raise MalformedStatement(f"{where}/Amt", "missing")
    currency = element.get("Ccy")
    if not currency or len(currency) != 3:
        raise MalformedStatement(f"{where}/Amt", "missing its Ccy attribute")
    try:
        amount = Decimal(element.text.strip())
    except InvalidOperation as exc:
        raise MalformedStatement(f"{where}/Amt", f"not an amount: {element.text.strip()!r}") from exc
    if not amount.is_finite() or amount < 0:
        raise MalformedStatement(f"{where}/Amt", f"not an amount: {element.text.strip()!r}")
    sign = _text(node, "{*}CdtDbtInd")
    if sign not in ("CRDT", "DBIT"):
        raise MalformedStatement(f"{where}/CdtDbtInd", f"must be CRDT or DBIT, not {sign!r}")
    return (amount if sign == "CRDT" else -amount), currency


def _statement(fmt: str, node: etree._Element, where: str) -> Statement:
    iban = _text(node, _p("Acct/Id/IBAN"))
    currency = _text(node, _p("Acct/Ccy"))
    balances: dict[str, Balance] = {}
    for n, balance in enumerate(node.findall("{*}Bal"), 1):
        code = _text(balance, _p("Tp/CdOrPrtry/Cd")) or _text(balance, _p("Tp/CdOrPrtry/Prtry"))
        here = f"{where}/Bal[{n}]"
        amount, balance_currency = _amount(balance, here)
        currency = currency or balance_currency
        balances.setdefault(code or "", Balance(amount, _day(balance, "Dt", here, required=False)))
    entries = []
    for n, entry in enumerate(node.findall("{*}Ntry"), 1):
        parsed = _entry(entry, f"{where}/Ntry[{n}]")
        if parsed is not None:
            entries.append(parsed)
    period = node.find("{*}FrToDt")
    return Statement(
        format=fmt,
        entries=tuple(entries),
        statement_id=_text(node, "{*}Id"),
        account_iban=iban,
        currency=currency,
        opening=balances.get("OPBD") or balances.get("PRCD"),
        closing=balances.get("CLBD"),
        from_date=_period_day(period, "FrDtTm", where),
        to_date=_period_day(period, "ToDtTm", where),
    )


def _period_day(period: etree._Element | None, name: str, where: str) -> date | None:
    text = _text(period, f"{{*}}{name}")
    if text is None:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError as exc:
        raise MalformedStatement(f"{where}/FrToDt/{name}", f"not a date-time: {text!r}") from exc


def _booked(entry: etree._Element) -> bool:
    status = _text(entry, "{*}Sts") or _text(entry, _p("Sts/Cd")) or _text(entry, _p("Sts/Prtry"))
    return status is None or status.upper() == "BOOK"


def _entry(node: etree._Element, where: str) -> Entry | None:
    amount, currency = _amount(node, where)
    if not _booked(node):
        return None
    reversal = (_text(node, "{*}RvslInd") or "").lower() == "true"
    details = node.findall(_p("NtryDtls/TxDtls"))
    detail = details[0] if len(details) == 1 else None
    incoming = (amount > 0) != reversal  # whose account the money came from
    party, account = ("Dbtr", "DbtrAcct") if incoming else ("Cdtr", "CdtrAcct")
    name = iban = end_to_end = None
    lines: list[str] = []
    reference = reference_type = None
    for tx in details:
        lines += [line.text.strip() for line in tx.findall(_p("RmtInf/Ustrd")) if line.text and line.text.strip()]
        if reference is None:
            reference, reference_type = structured_reference(_text(tx, _p("RmtInf/Strd/CdtrRefInf/Ref")))
    if detail is not None:
        name = _text(detail, _p(f"RltdPties/{party}/Nm")) or _text(detail, _p(f"RltdPties/{party}/Pty/Nm"))
        iban = _text(detail, _p(f"RltdPties/{account}/Id/IBAN"))
        end_to_end = _text(detail, _p("Refs/EndToEndId"))
        if end_to_end == "NOTPROVIDED":
            end_to_end = None
    remittance = " ".join(lines) or _text(node, "{*}AddtlNtryInf")
    if reference is None:
        reference, reference_type = reference_in_text(remittance)
    code = (_text(node, _p("BkTxCd/Domn/Cd")), _text(node, _p("BkTxCd/Domn/Fmly/Cd")),
            _text(node, _p("BkTxCd/Domn/Fmly/SubFmlyCd")))
    bank_code = "/".join(part for part in code if part) or _text(node, _p("BkTxCd/Prtry/Cd"))
    return Entry(
        booking_date=_day(node, "BookgDt", where, required=True),
        value_date=_day(node, "ValDt", where, required=False),
        amount=amount,
        currency=currency,
        entry_reference=_text(node, "{*}AcctSvcrRef") or _text(node, "{*}NtryRef"),
        counterparty_name=name,
        counterparty_iban=iban.replace(" ", "").upper() if iban else None,
        remittance=remittance[:500] if remittance else None,
        reference=reference,
        reference_type=reference_type,
        end_to_end_id=end_to_end,
        bank_code=bank_code,
        reversal=reversal,
        where=where,
    )
