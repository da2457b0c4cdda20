"""The ISO 20022 pain.001 credit-transfer file of a payment run (issue 16, item 4), written with lxml. Pure.

Its own module, apart from the run's rules (payment_runs.py), so that only the payment runs function, which
writes files, imports lxml (bills check a run's scheduled amount through the rules: issue 13, package size).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from lxml import etree

from ledgerline.domain.banking.payment_runs import CH_09, SEPA_03, SEPA_09, VARIANTS, Debtor, Transfer, totals


def namespace(variant: str) -> str:
    return f"urn:iso:std:iso:20022:tech:xsd:{SEPA_03 if variant == SEPA_03 else SEPA_09}"


def _money(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01')):f}"


def build(*, variant: str, message_id: str, created_at: datetime, execution_date: date, initiator: str,
            debtor: Debtor, transfers: list[Transfer]) -> bytes:
    """The credit-transfer initiation: one payment information block (one debit date and account, booked
    per transfer: `BtchBookg` false, so the statement shows each transfer's end-to-end id)."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown pain.001 variant {variant}")
    if not transfers:
        raise ValueError("a pain.001 file needs at least one transfer")
    v03 = variant == SEPA_03
    sepa = variant != CH_09
    ns = namespace(variant)

    def el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
        node = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
        if text is not None:
            node.text = text
        return node

    def agent(parent: etree._Element, tag: str, bic: str | None) -> None:
        institution = el(el(parent, tag), "FinInstnId")
        if bic:
            el(institution, "BIC" if v03 else "BICFI", bic)
        else:
            el(el(institution, "Othr"), "Id", "NOTPROVIDED")

    count, total = totals(transfers)
    root = etree.Element(f"{{{ns}}}Document", nsmap={None: ns})
    initiation = el(root, "CstmrCdtTrfInitn")
    header = el(initiation, "GrpHdr")
    el(header, "MsgId", message_id[:35])
    el(header, "CreDtTm", created_at.replace(tzinfo=None, microsecond=0).isoformat())
    el(header, "NbOfTxs", str(count))
    el(header, "CtrlSum", _money(total))
    el(el(header, "InitgPty"), "Nm", initiator[:70])
    block = el(initiation, "PmtInf")
    el(block, "PmtInfId", message_id[:35])
    el(block, "PmtMtd", "TRF")
    el(block, "BtchBookg", "false")
    el(block, "NbOfTxs", str(count))
    el(block, "CtrlSum", _money(total))
    if sepa:
        el(el(el(block, "PmtTpInf"), "SvcLvl"), "Cd", "SEPA")
    if v03:
        el(block, "ReqdExctnDt", execution_date.isoformat())
    else:
        el(el(block, "ReqdExctnDt"), "Dt", execution_date.isoformat())
    el(el(block, "Dbtr"), "Nm", debtor.name[:70])
    el(el(el(block, "DbtrAcct"), "Id"), "IBAN", debtor.iban)
    agent(block, "DbtrAgt", debtor.bic)
    if sepa:
        el(block, "ChrgBr", "SLEV")
    for item in transfers:
        tx = el(block, "CdtTrfTxInf")
        ids = el(tx, "PmtId")
        el(ids, "InstrId", item.end_to_end_id)
        el(ids, "EndToEndId", item.end_to_end_id)
        el(el(tx, "Amt"), "InstdAmt", _money(item.amount), Ccy=item.currency)
        if item.creditor_bic:
            agent(tx, "CdtrAgt", item.creditor_bic)
        el(el(tx, "Cdtr"), "Nm", item.creditor_name[:70])
        el(el(el(tx, "CdtrAcct"), "Id"), "IBAN", item.creditor_iban)
        info = el(tx, "RmtInf")
        if item.reference and item.reference_type:
            reference = el(el(info, "Strd"), "CdtrRefInf")
            kind = el(el(reference, "Tp"), "CdOrPrtry")
            if item.reference_type == "SCOR":
                el(kind, "Cd", "SCOR")
            else:
                el(kind, "Prtry", item.reference_type)
            if item.reference_type == "SCOR":
                el(reference.find(f"{{{ns}}}Tp"), "Issr", "ISO")
            el(reference, "Ref", item.reference)
        else:
            el(info, "Ustrd", (item.remittance or item.end_to_end_id)[:140])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
