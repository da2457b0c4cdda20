"""E-invoicing (issue 17): render and validate time of a 10-line invoice, in process (no DynamoDB: the model
is built by the same code the route runs, from records made in memory).

The first validation compiles the rule sets (XSLT, cached per process): reported apart as `compile_s`.
`facturx`: embedding the CII XML in a one-page ReportLab PDF (PDF/A-3, the `factur-x` library), per file.
"""

from __future__ import annotations

import statistics
import time
from datetime import date
from decimal import Decimal
from typing import Any

from ledgerline.domain import einvoice
from ledgerline.domain.einvoice.document import Address, EInvoice, Line, Party, Payment, TaxCategory

S19, S7 = TaxCategory("S", Decimal("19")), TaxCategory("S", Decimal("7"))


def ten_lines() -> EInvoice:
    lines = tuple(Line(str(n), f"Item {n}", Decimal(n), Decimal("12.50"), Decimal(n) * Decimal("12.50"),
                       S19 if n % 2 else S7) for n in range(1, 11))
    taxable = {S19.key: sum(line.net_amount for line in lines if line.tax is S19),
               S7.key: sum(line.net_amount for line in lines if line.tax is S7)}
    tax = {key: (amount * key[1] / 100).quantize(Decimal("0.01")) for key, amount in taxable.items()}
    seller = Party("Bench GmbH", Address("Hauptstr. 1", None, "Berlin", "10115", None, "DE"), vat_id="DE123456788",
                   electronic_address="9930:DE123456788", contact_name="Accounts", contact_phone="+49 30 1",
                   contact_email="a@bench.example")
    buyer = Party("Buyer AG", Address("Markt 2", None, "München", "80331", None, "DE"), vat_id="DE811569869",
                  electronic_address="0088:4000001000005")
    total_tax = sum(tax.values(), Decimal(0))
    return EInvoice(credit_note=False, number="INV-2026-0001", issue_date=date(2026, 2, 1), currency="EUR",
                    seller=seller, buyer=buyer, lines=lines, tax_amounts=tax, tax_total=total_tax,
                    total=sum(taxable.values(), Decimal(0)) + total_tax, due_date=date(2026, 3, 3),
                    buyer_reference="04011000-12345-34",
                    payment=Payment(iban="DE75512108001245126199", bic="SOGEDEFFXXX", remittance="INV-2026-0001"))


def measure(*, runs: int = 50) -> dict[str, Any]:
    from ledgerline.einvoice.validation import blocking, validate

    document = ten_lines()
    results: dict[str, Any] = {"runs": runs, "formats": {}}
    for name, fmt in einvoice.FORMATS.items():
        started = time.perf_counter()
        xml = einvoice.render(document, name)
        failures = validate(xml, fmt.rules)  # the first in the process compiles the rule set
        first = time.perf_counter() - started
        assert not blocking(failures), failures
        render_s, validate_s = [], []
        for _ in range(runs):
            t0 = time.perf_counter()
            xml = einvoice.render(document, name)
            t1 = time.perf_counter()
            validate(xml, fmt.rules)
            validate_s.append(time.perf_counter() - t1)
            render_s.append(t1 - t0)
        results["formats"][name] = {"bytes": len(xml), "first_s": round(first, 3),
                                    "render_ms": round(statistics.median(render_s) * 1000, 2),
                                    "validate_ms": round(statistics.median(validate_s) * 1000, 2)}
    results["facturx"] = facturx_embed(document, runs=runs)
    results["delivery"] = delivery(document, runs=runs)
    results["receiving"] = receiving(document, runs=runs)
    return results


def delivery(document: EInvoice, *, runs: int) -> dict[str, Any]:
    """E-invoice delivery (issue 17, item 6): the Peppol UBL handed to the local access point stand-in over HTTP
    (`einvoice/access_point.HttpAccessPoint.submit`: it validates with the Peppol rules before answering) and its
    verdict read back (`status`); medians, on loopback."""
    from ledgerline.domain.einvoice.delivery import Outgoing
    from ledgerline.einvoice.access_point import HttpAccessPoint
    from ledgerline.local.access_point import running

    xml = einvoice.render(document, "peppol")
    submit_s, status_s = [], []
    with running("127.0.0.1", 0, "bench") as point:
        client = HttpAccessPoint(point.url, "bench")
        for n in range(runs + 1):
            t0 = time.perf_counter()
            transmission = client.submit(Outgoing(f"eis_bench_{n}", "0088:4000001000005", "9930:DE123456788",
                                                  "invoice", "peppol", xml))
            t1 = time.perf_counter()
            verdict = client.status(transmission)
            assert verdict.status == "delivered", verdict
            if n:  # the first compiles the rule sets in this process (measured above)
                submit_s.append(t1 - t0)
                status_s.append(time.perf_counter() - t1)
    return {"submit_ms": round(statistics.median(submit_s) * 1000, 2),
            "status_ms": round(statistics.median(status_s) * 1000, 2)}


def receiving(document: EInvoice, *, runs: int) -> dict[str, Any]:
    """Issue 17 item 5: median time to read a supplier's 10-line XML back into the model and map it to bill
    lines (`ubl.parse` / `cii.parse` + `receiving.bill_lines`), per syntax; `POST /v1/bills/import` adds the
    validation above and one transaction."""
    from ledgerline.domain.einvoice import receiving as rules

    codes = [rules.PurchaseCode("txc_19", "S", Decimal(19)), rules.PurchaseCode("txc_7", "S", Decimal(7))]
    found: dict[str, Any] = {}
    for name in ("peppol", "cii"):
        xml = einvoice.render(document, name)
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            received = einvoice.parse(xml, einvoice.FORMATS[name].syntax)
            lines, issues = rules.bill_lines(received.document, codes, "acc_6000")
            timings.append(time.perf_counter() - started)
        assert not issues and len(lines) == 10, issues
        found[f"{name}_parse_ms"] = round(statistics.median(timings) * 1000, 2)
    return found


def facturx_embed(document: EInvoice, *, runs: int) -> dict[str, Any]:
    """Median time of `einvoice/facturx.embed` (what `format=facturx` adds to reading the kept PDF)."""
    import io

    from reportlab.pdfgen import canvas

    from ledgerline.einvoice import facturx

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, f"Invoice {document.number}")
    page.save()
    pdf, xml = buffer.getvalue(), einvoice.render(document, "cii")
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        made = facturx.embed(pdf, xml, title=f"Invoice {document.number}")
        timings.append(time.perf_counter() - started)
    return {"pdf_bytes": len(pdf), "bytes": len(made), "embed_ms": round(statistics.median(timings) * 1000, 2)}
