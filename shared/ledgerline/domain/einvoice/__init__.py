"""E-invoicing (issue 17): EN 16931 documents built from posted invoices and credit notes, pure.

`document.py` is the syntax-neutral model (each field named by its EN 16931 business term) and what each
format requires (`missing`); `ubl.py` and `cii.py` serialize it with lxml; `render` picks the syntax.
"""

from __future__ import annotations

from ledgerline.domain.einvoice.document import FORMATS, Format, missing
from ledgerline.domain.einvoice.document import EInvoice as EInvoice


def render(document: EInvoice, format_name: str) -> bytes:
    """The XML of `document` in `format_name` (one of FORMATS); call `missing` first."""
    fmt = FORMATS[format_name]
    if fmt.syntax == "ubl":
        from ledgerline.domain.einvoice import ubl

        return ubl.serialize(document, fmt)
    from ledgerline.domain.einvoice import cii

    return cii.serialize(document, fmt)


__all__ = ["FORMATS", "EInvoice", "Format", "missing", "render"]
