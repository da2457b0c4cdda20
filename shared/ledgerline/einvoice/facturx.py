"""Factur-X (issue 17 item 2): a document's PDF with its EN 16931 CII XML embedded as PDF/A-3.

Built with the PyPI `factur-x` library (`facturx.generate_from_binary`, profile `en16931`): it checks the XML
against the Factur-X XSD, attaches it as `factur-x.xml` (AFRelationship Data) and writes the PDF/A-3 and
Factur-X XMP metadata. Only the functions that serve `format=facturx` (invoices, credit notes) ship the library
(FacturXLayer), so it is imported when called.
"""

from __future__ import annotations

LEVEL = "en16931"


def embed(pdf: bytes, cii_xml: bytes, *, title: str) -> bytes:
    """The PDF/A-3 Factur-X file of `pdf` with `cii_xml` (EN 16931 CII D16B) embedded."""
    import facturx  # deferred: only the invoices and credit notes functions have it (FacturXLayer)

    return facturx.generate_from_binary(
        pdf, cii_xml, flavor="factur-x", level=LEVEL, check_xsd=True, lang="en",
        pdf_metadata={"author": "Ledgerline", "keywords": "Factur-X, Invoice", "title": title,
                      "subject": f"Factur-X {title}"})


def extract(pdf: bytes) -> bytes | None:
    """The XML a Factur-X / ZUGFeRD PDF carries (`factur-x.xml`, `zugferd-invoice.xml`, `xrechnung.xml`, any
    `*.xml` attachment, as `facturx.get_xml_from_pdf` finds it); None when it carries none. ValueError for a
    PDF the library cannot read."""
    import facturx  # deferred: only the functions that import bills and serve Factur-X ship it (FacturXLayer)

    try:
        _, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types for a damaged PDF
        raise ValueError(f"the PDF could not be read ({exc})") from exc
    return xml or None
