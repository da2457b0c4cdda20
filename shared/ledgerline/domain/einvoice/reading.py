"""Reading a supplier's e-invoice back into the model (issue 17 item 5): the XML helpers both parsers share.

The parsers themselves sit next to their serializers (`ubl.parse`, `cii.parse`), one XPath per business term,
so the mapping of `docs/einvoicing.md` is read the other way in the same place it is written. Pure: lxml on
bytes, no network, no entities.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from lxml import etree


class UnreadableEInvoice(ValueError):
    """The XML lacks, or garbles, a business term the bill needs (the validators let it through)."""


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def root_of(xml: bytes) -> etree._Element:
    try:
        return etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnreadableEInvoice(f"not well-formed XML: {exc}") from exc


class Reader:
    """XPath reads with the syntax's namespaces; each returns None for an absent or empty element."""

    def __init__(self, namespaces: dict[str, str]) -> None:
        self.ns = namespaces

    def node(self, at: etree._Element, path: str) -> etree._Element | None:
        found = at.xpath(path, namespaces=self.ns)
        return found[0] if found else None

    def nodes(self, at: etree._Element, path: str) -> list[etree._Element]:
        return list(at.xpath(path, namespaces=self.ns))

    def text(self, at: etree._Element, path: str) -> str | None:
        node = self.node(at, path)
        if node is None:
            return None
        value = node if isinstance(node, str) else (node.text or "")
        value = " ".join(str(value).split())
        return value or None

    def decimal(self, at: etree._Element, path: str, term: str) -> Decimal | None:
        value = self.text(at, path)
        if value is None:
            return None
        try:
            return Decimal(value)
        except InvalidOperation as exc:
            raise UnreadableEInvoice(f"{term}: '{value}' is not a number") from exc

    def required(self, at: etree._Element, path: str, term: str) -> str:
        value = self.text(at, path)
        if value is None:
            raise UnreadableEInvoice(f"{term} is missing")
        return value


def iso_date(value: str | None, term: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError as exc:
        raise UnreadableEInvoice(f"{term}: '{value}' is not a date") from exc


def compact_date(value: str | None, term: str) -> date | None:
    """A CII DateTimeString of format 102 (YYYYMMDD)."""
    if value is None:
        return None
    try:
        return datetime.strptime(value[:8], "%Y%m%d").date()
    except ValueError as exc:
        raise UnreadableEInvoice(f"{term}: '{value}' is not a date (YYYYMMDD)") from exc
