"""E-invoicing (issue 17): EN 16931 documents built from posted invoices and credit notes, pure.

`document.py` is the syntax-neutral model (each field named by its EN 16931 business term) and what each
format requires (`missing`); `ubl.py` and `cii.py` serialize it with lxml; `render` picks the syntax, and
`parse` reads a supplier's XML back into the same model (receiving, `receiving.py` maps it to a bill).
"""

from __future__ import annotations

from ledgerline.domain.einvoice.document import FORMATS, Format, Received, missing
from ledgerline.domain.einvoice.document import EInvoice as EInvoice


def render(document: EInvoice, format_name: str) -> bytes:
    """The XML of `document` in `format_name` (one of FORMATS); call `missing` first."""
    fmt = FORMATS[format_name]
    if fmt.syntax == "ubl":
        from ledgerline.domain.einvoice import ubl

        return ubl.serialize(document, fmt)
    from ledgerline.domain.einvoice import cii

    return cii.serialize(document, fmt)


def parse(xml: bytes, syntax: str) -> Received:
    """A supplier's UBL or CII XML read back into the model (issue 17 item 5); `syntax` as detected by
    `einvoice/validation.syntax_of`. UnreadableEInvoice when a term the bill needs is missing."""
    if syntax == "ubl":
        from ledgerline.domain.einvoice import ubl

        return ubl.parse(xml)
    from ledgerline.domain.einvoice import cii

    return cii.parse(xml)


__all__ = ["FORMATS", "EInvoice", "Format", "Received", "missing", "parse", "render"]
