"""Lays out a `PdfDocument` on A4 pages with ReportLab (pure Python, no system libraries).

- The first page opens with the issuer, the document's title and number, the recipient and the facts
  (dates, reference); later pages repeat a short header and the line table's column headings.
- Every page ends with "Page n of m" (the pages are counted before any is written out).
- Payment parts (issue 16): the EPC QR code ("GiroCode") beside the payment instructions; the Swiss QR-bill
  (receipt and payment part, 210 × 105 mm at the foot of a last page of its own, no footer over it), its QR code
  drawn module by module from segno's matrix with the Swiss cross in its middle.
- Rendering is deterministic: ReportLab's invariant mode fixes the creation date and the document id,
  so the same document always yields the same bytes (and the same SHA-256).
"""

from __future__ import annotations

import re
from functools import cache
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.paragraph import cleanBlockQuotedText
from reportlab.platypus.paraparser import ParaFrag, ParaParser

from ledgerline.pdf import fonts
from ledgerline.pdf.model import Addressee, PdfDocument, QrBillSlip

PRODUCER = "Ledgerline"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
LATER_TOP = 30 * mm  # room for the short header on pages after the first
BOTTOM = 20 * mm  # room for the footer
WIDTH = PAGE_WIDTH - 2 * MARGIN

INK = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#616E7C")
RULE = colors.HexColor("#CBD2D9")
BAND = colors.HexColor("#E4E7EB")
STRIPE = colors.HexColor("#F5F7FA")
ACCENT = colors.HexColor("#0B4F6C")


@cache
def _styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles (built once per process: rendering does not change them)."""
    text, label = fonts.register()

    def style(name: str, **values: Any) -> ParagraphStyle:
        return ParagraphStyle(name, **{"fontName": text, "fontSize": 9, "leading": 12, "textColor": INK, **values})

    return {
        "issuer": style("issuer", fontSize=15, leading=19),
        "small": style("small", fontSize=8.5, leading=11, textColor=MUTED),
        "title": style("title", fontName=label, fontSize=18, leading=22, alignment=TA_RIGHT, textColor=ACCENT),
        "number": style("number", fontSize=10.5, leading=14, alignment=TA_RIGHT),
        "label": style("label", fontName=label, fontSize=7.5, leading=10, textColor=MUTED),
        "name": style("name", fontSize=11, leading=14),
        "body": style("body"),
        "cell": style("cell", fontSize=8.5, leading=11),
        "cell_right": style("cell_right", fontSize=8.5, leading=11, alignment=TA_RIGHT),
        "heading": style("heading", fontName=label, fontSize=7.5, leading=10, textColor=INK),
        "heading_right": style("heading_right", fontName=label, fontSize=7.5, leading=10, alignment=TA_RIGHT),
        "fact": style("fact", fontSize=9, leading=12, alignment=TA_RIGHT),
        "fact_label": style("fact_label", fontName=label, fontSize=7.5, leading=12, textColor=MUTED),
        "total_label": style("total_label", fontSize=9, leading=12, alignment=TA_LEFT),
        "total": style("total", fontSize=9, leading=12, alignment=TA_RIGHT),
        "due_label": style("due_label", fontName=label, fontSize=10, leading=13, textColor=colors.white),
        "due": style("due", fontSize=11, leading=13, alignment=TA_RIGHT, textColor=colors.white),
    }


MARKUP = re.compile(r"[<>&\n]")  # what escaping or a line break would turn into markup
FAST_PATHS = True  # tests turn it off to check that both ways give the same bytes


class _Paragraph(Paragraph):
    """A paragraph that breaks its lines once per width: tables wrap every cell two or three times (to size the
    rows, then to draw), and line breaking depends on the width alone."""

    _wrapped_width: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - ReportLab's names
        if FAST_PATHS and availWidth == self._wrapped_width:
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._wrapped_width = availWidth
        return size


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    # Everything a user typed is escaped: it is text, never markup. Runs the style's font lacks (CJK) are set
    # in the CJK font, registered on the first document that has one.
    if FAST_PATHS and not MARKUP.search(text) and not fonts.needs_cjk(text):
        cleaned = cleanBlockQuotedText(text)
        if cleaned:
            # Plain text in one font (most cells): the one fragment ReportLab's markup parser would make, without
            # running the parser (a fifth of a warm render)
            return _Paragraph(cleaned, style, frags=[_plain_fragment(style).clone(text=cleaned, us_lines=[], link=[])])
    return _Paragraph(_markup(text).replace("\n", "<br/>"), style)


@cache
def _plain_fragment(style: ParagraphStyle) -> ParaFrag:
    _, fragments, _ = ParaParser().parse("x", style)
    (fragment,) = fragments
    return fragment


def _markup(text: str) -> str:
    parts = []
    for font, part in fonts.runs(text):
        if font is None:
            parts.append(escape(part))
        else:
            parts.append(f'<font face="{fonts.register_cjk()}">{escape(part)}</font>')
    return "".join(parts)


def _draw(canvas: Canvas, x: float, y: float, text: str, font: str, size: float, right: bool = False) -> None:
    """drawString / drawRightString for text a user typed: CJK runs in the CJK font, the rest in `font`."""
    pieces = [(fonts.register_cjk() if run_font else font, part) for run_font, part in fonts.runs(text)]
    if right:
        x -= sum(canvas.stringWidth(part, name, size) for name, part in pieces)
    line = canvas.beginText(x, y)
    for name, part in pieces:
        line.setFont(name, size)
        line.textOut(part)
    canvas.drawText(line)


# ---------------------------------------------------------------------------------------- story


def _addressee(who: Addressee, s: dict[str, ParagraphStyle], name_style: str) -> list[Flowable]:
    return [_p(who.name, s[name_style]), *(_p(line, s["small"]) for line in who.lines)]


def _opening(doc: PdfDocument, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Issuer and title; then recipient and facts. Only on the first page."""
    top = Table(
        [[_addressee(doc.issuer, s, "issuer"), [_p(doc.title.upper(), s["title"]), _p(doc.number, s["number"])]]],
        colWidths=[WIDTH * 0.55, WIDTH * 0.45],
    )
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("LINEBELOW", (0, 0), (-1, 0), 0.8, RULE),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]))
    facts = Table([[_p(label.upper(), s["fact_label"]), _p(value, s["fact"])] for label, value in doc.facts],
                  colWidths=[WIDTH * 0.17, WIDTH * 0.25])
    facts.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    recipient = [_p(doc.recipient_label.upper(), s["label"]), Spacer(1, 2), *_addressee(doc.recipient, s, "name")]
    middle = Table([[recipient, facts]], colWidths=[WIDTH * 0.58, WIDTH * 0.42])
    middle.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 10)]))
    return [top, middle, Spacer(1, 8 * mm)]


def _line_table(doc: PdfDocument, s: dict[str, ParagraphStyle]) -> Table:
    header = [_p(c.heading.upper(), s["heading_right" if c.numeric else "heading"]) for c in doc.columns]
    body = [[_p(value, s["cell_right" if column.numeric else "cell"]) for column, value in zip(doc.columns, row,
                                                                                            strict=True)]
            for row in doc.rows]
    table = Table([header, *body], colWidths=[WIDTH * c.width for c in doc.columns], repeatRows=1)
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), BAND),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, -1), (-1, -1), 0.8, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    commands += [("BACKGROUND", (0, i), (-1, i), STRIPE) for i in range(2, len(body) + 1, 2)]
    table.setStyle(TableStyle(commands))
    return table


def _position_tables(doc: PdfDocument, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The positions (issue 14): one table per page break (each with the column headings, and a page break
    between them); text blocks span the columns after the number, subtotals and group titles are ruled,
    a group's positions are indented by their depth."""
    flowables: list[Flowable] = []
    chunk: list[tuple[tuple[str, ...], tuple[str, int]]] = []

    def table() -> Table:
        header = [_p(c.heading.upper(), s["heading_right" if c.numeric else "heading"]) for c in doc.columns]
        body = []
        commands: list[tuple[Any, ...]] = [
            ("BACKGROUND", (0, 0), (-1, 0), BAND),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
            ("LINEBELOW", (0, -1), (-1, -1), 0.8, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        for index, (row, (kind, depth)) in enumerate(chunk, start=1):
            strong = kind in ("subtotal", "group")
            body.append([_p(value, s["heading_right" if strong and column.numeric else
                                     "heading" if strong else "cell_right" if column.numeric else "cell"])
                         for column, value in zip(doc.columns, row, strict=True)])
            if depth:
                commands.append(("LEFTPADDING", (1, index), (1, index), 6 + 12 * depth))
            if kind == "text":
                commands.append(("SPAN", (1, index), (-1, index)))
            if kind == "subtotal":
                commands.append(("LINEABOVE", (1, index), (-1, index), 0.6, RULE))
            if kind == "group":
                commands.append(("BACKGROUND", (0, index), (-1, index), STRIPE))
        result = Table([header, *body], colWidths=[WIDTH * c.width for c in doc.columns], repeatRows=1)
        result.setStyle(TableStyle(commands))
        return result

    for row, style in zip(doc.rows, doc.row_styles, strict=True):
        if style[0] == "page_break":
            if chunk:
                flowables.append(table())
            flowables.append(PageBreak())
            chunk = []
        else:
            chunk.append((row, style))
    if chunk:
        flowables.append(table())
    return flowables


def _summary(doc: PdfDocument, s: dict[str, ParagraphStyle]) -> Flowable:
    """Tax breakdown on the left, totals and the amount due on the right; kept on one page."""
    left: list[Flowable] = []
    if doc.tax_rows:
        rows = [[_p(h, s["heading" if i == 0 else "heading_right"]) for i, h in
                 enumerate((f"{doc.tax_label} code".upper(), "RATE", "NET", doc.tax_label.upper()))]]
        rows += [[_p(code, s["cell"]), _p(rate, s["cell_right"]), _p(taxable, s["cell_right"]),
                  _p(tax, s["cell_right"])] for code, rate, taxable, tax in doc.tax_rows]
        taxes = Table(rows, colWidths=[WIDTH * w for w in (0.14, 0.09, 0.13, 0.13)])
        taxes.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE), ("LEFTPADDING", (0, 0), (0, -1), 0),
                                   ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
        left = [taxes]
    right_rows = [[_p(label, s["total_label"]), _p(value, s["total"])] for label, value in doc.totals]
    commands: list[tuple[Any, ...]] = [("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    if doc.amount_due:
        label, value = doc.amount_due
        right_rows.append([_p(label.upper(), s["due_label"]), _p(value, s["due"])])
        last = len(right_rows) - 1
        commands += [("BACKGROUND", (0, last), (-1, last), ACCENT), ("TOPPADDING", (0, last), (-1, last), 5),
                     ("BOTTOMPADDING", (0, last), (-1, last), 5)]
    if right_rows and doc.totals:
        commands.append(("LINEABOVE", (0, len(doc.totals) - 1), (-1, len(doc.totals) - 1), 0.8, INK))
    totals = Table(right_rows, colWidths=[WIDTH * 0.26, WIDTH * 0.2]) if right_rows else Spacer(1, 1)
    if right_rows:
        totals.setStyle(TableStyle(commands))
    block = Table([[left or "", totals]], colWidths=[WIDTH * 0.54, WIDTH * 0.46])
    block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 8)]))
    return block


class QrCode(Flowable):
    """A QR code of `payload`, `size` wide, drawn as vector squares (pdf/payment_parts.qr_matrix); with the
    Swiss cross in its middle for the QR-bill."""

    def __init__(self, payload: str, size: float, swiss_cross: bool = False) -> None:
        super().__init__()
        self.payload, self.size, self.swiss_cross = payload, size, swiss_cross
        self.width = self.height = size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - ReportLab's names
        return self.size, self.size

    def draw(self) -> None:
        draw_qr(self.canv, 0, 0, self.size, self.payload, swiss_cross=self.swiss_cross)


def draw_qr(canvas: Canvas, x: float, y: float, size: float, payload: str, *, swiss_cross: bool = False) -> None:
    """The QR code with its lower left corner at (x, y); runs of dark modules in a row are one rectangle."""
    from ledgerline.pdf.payment_parts import qr_matrix

    matrix = qr_matrix(payload)
    module = size / len(matrix)
    canvas.saveState()
    canvas.setFillColor(colors.black)
    for row_number, row in enumerate(matrix):
        top = y + size - (row_number + 1) * module
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            canvas.rect(x + start * module, top, (column - start) * module, module, stroke=0, fill=1)
    if swiss_cross:  # 7 mm on a 46 mm code: a black square with a white edge and a white cross
        cross = size * 7 / 46
        left, bottom = x + (size - cross) / 2, y + (size - cross) / 2
        canvas.setFillColor(colors.white)
        canvas.rect(left - cross * 0.06, bottom - cross * 0.06, cross * 1.12, cross * 1.12, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        canvas.rect(left, bottom, cross, cross, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        arm, long = cross * 0.18, cross * 0.6
        canvas.rect(left + (cross - arm) / 2, bottom + (cross - long) / 2, arm, long, stroke=0, fill=1)
        canvas.rect(left + (cross - long) / 2, bottom + (cross - arm) / 2, long, arm, stroke=0, fill=1)
    canvas.restoreState()


def _payment(doc: PdfDocument, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    if not doc.payment:
        return []
    text = [_p(doc.payment_heading.upper(), s["label"]), Spacer(1, 3), *(_p(line, s["body"]) for line in doc.payment)]
    if doc.epc_qr:  # the EPC QR code ("GiroCode") to the right of the instructions
        code = [QrCode(doc.epc_qr, 30 * mm), Spacer(1, 2), _p("Scan to pay (GiroCode)", s["label"])]
        box = Table([[text, code]], colWidths=[WIDTH - 40 * mm, 40 * mm])
    else:
        box = Table([[text]], colWidths=[WIDTH])
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, RULE), ("BACKGROUND", (0, 0), (-1, -1), STRIPE),
                             ("LEFTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 6),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]))
    return [Spacer(1, 8 * mm), KeepTogether([box])]


def _story(doc: PdfDocument) -> list[Flowable]:
    s = _styles()
    story: list[Flowable] = [NextPageTemplate("later"), *_opening(doc, s)]
    if doc.headline:
        story += [_p(doc.headline, s["name"]), Spacer(1, 2 * mm)]
    if doc.intro:
        story += [_p(doc.intro, s["body"]), Spacer(1, 6 * mm)]
    if doc.row_styles:
        story += _position_tables(doc, s)
    else:
        story.append(_line_table(doc, s))
    story.append(KeepTogether([_summary(doc, s)]))
    if doc.notes:
        story += [Spacer(1, 6 * mm), _p("NOTES", s["label"]), _p(doc.notes, s["body"])]
    story += _payment(doc, s)
    if doc.qr_bill is not None:  # a page of its own, the slip drawn at its foot by the "qrbill" template
        story += [NextPageTemplate("qrbill"), PageBreak(),
                  _p(f"Payment slip for {doc.title.lower()} {doc.number}: pay it with the QR code below in your "
                     "banking app, or at a post office counter with the payment part.", s["body"])]
    return story


# ------------------------------------------------------------------------------------ the Swiss QR-bill

SLIP_HEIGHT = 105 * mm
RECEIPT_WIDTH = 62 * mm


def _slip_field(canvas: Canvas, x: float, y: float, heading: str, lines: tuple[str, ...] | list[str],
                sizes: tuple[float, float]) -> float:
    """A heading and its lines from `y` down; the y below them."""
    text, label = fonts.register()
    head, value = sizes
    y -= head
    canvas.setFont(label, head)
    canvas.drawString(x, y, heading)
    for line in lines:
        y -= value + 1
        _draw(canvas, x, y, line, text, value)
    return y - value * 0.9


def draw_qr_bill(canvas: Canvas, slip: QrBillSlip) -> None:
    """The receipt (62 mm) and the payment part (148 mm) across the foot of the page, as the Swiss
    Implementation Guidelines for the QR-bill lay them out: titles, the 46 mm QR code 5 mm from the edges,
    account, reference, additional information, payable by, currency and amount; a dashed line to cut along."""
    text, label = fonts.register()
    canvas.saveState()
    canvas.setFillColor(colors.black)
    canvas.setStrokeColor(colors.black)
    canvas.setLineWidth(0.4)
    canvas.setDash(2, 2)
    canvas.line(0, SLIP_HEIGHT, PAGE_WIDTH, SLIP_HEIGHT)
    canvas.line(RECEIPT_WIDTH, 0, RECEIPT_WIDTH, SLIP_HEIGHT)
    canvas.setDash()
    top = SLIP_HEIGHT - 5 * mm
    # Receipt
    x = 5 * mm
    canvas.setFont(label, 11)
    canvas.drawString(x, top - 11, "Receipt")
    y = top - 7 * mm
    y = _slip_field(canvas, x, y, "Account / Payable to", [slip.account, *slip.creditor], (6, 8))
    if slip.reference:
        y = _slip_field(canvas, x, y, "Reference", [slip.reference], (6, 8))
    _slip_field(canvas, x, y, "Payable by" if slip.debtor else "Payable by (name/address)", list(slip.debtor), (6, 8))
    amount_top = 5 * mm + 18 * mm + 14 * mm
    _slip_field(canvas, x, amount_top, "Currency", [slip.currency], (6, 8))
    _slip_field(canvas, x + 15 * mm, amount_top, "Amount", [slip.amount] if slip.amount else [], (6, 8))
    canvas.setFont(label, 6)
    canvas.drawRightString(RECEIPT_WIDTH - 5 * mm, 5 * mm + 12 * mm, "Acceptance point")
    # Payment part
    x = RECEIPT_WIDTH + 5 * mm
    canvas.setFont(label, 11)
    canvas.drawString(x, top - 11, "Payment part")
    draw_qr(canvas, x, SLIP_HEIGHT - 17 * mm - 46 * mm, 46 * mm, slip.payload, swiss_cross=True)
    amount_top = SLIP_HEIGHT - 17 * mm - 46 * mm - 5 * mm
    _slip_field(canvas, x, amount_top, "Currency", [slip.currency], (8, 10))
    _slip_field(canvas, x + 22 * mm, amount_top, "Amount", [slip.amount] if slip.amount else [], (8, 10))
    x, y = RECEIPT_WIDTH + 5 * mm + 46 * mm + 5 * mm, top
    y = _slip_field(canvas, x, y, "Account / Payable to", [slip.account, *slip.creditor], (8, 10))
    if slip.reference:
        y = _slip_field(canvas, x, y, "Reference", [slip.reference], (8, 10))
    if slip.additional_information:
        y = _slip_field(canvas, x, y, "Additional information", [slip.additional_information], (8, 10))
    _slip_field(canvas, x, y, "Payable by" if slip.debtor else "Payable by (name/address)", list(slip.debtor),
                (8, 10))
    canvas.restoreState()


# ------------------------------------------------------------------------------- pages and canvas


def _numbered_canvas(doc: PdfDocument) -> type[Canvas]:
    """A canvas that holds its pages until the end, then writes each with "Page n of m" and the
    short header (on pages after the first)."""
    text, label = fonts.register()
    footer = f"{doc.title} {doc.number} · {doc.issuer.name}"

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()
            self.__dict__.pop("ledgerline_slip", None)  # set by the QR-bill page's template, for that page only

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.pop("ledgerline_slip", None)
                self.__dict__.update(state)
                self._decorate(number, total, slip="ledgerline_slip" in state)
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int, slip: bool = False) -> None:
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.6)
            if not slip:  # nothing may be printed over the QR-bill at the foot of its page
                self.line(MARGIN, BOTTOM - 6 * mm, PAGE_WIDTH - MARGIN, BOTTOM - 6 * mm)
                self.setFillColor(MUTED)
                _draw(self, MARGIN, BOTTOM - 10 * mm, footer, text, 7.5)
                self.setFont(text, 7.5)
                self.drawRightString(PAGE_WIDTH - MARGIN, BOTTOM - 10 * mm, f"Page {number} of {total}")
            if number > 1:
                top = PAGE_HEIGHT - MARGIN
                self.setFillColor(INK)
                _draw(self, MARGIN, top - 10, doc.issuer.name, text, 10)
                self.setFont(label, 9)
                self.setFillColor(ACCENT)
                self.drawRightString(PAGE_WIDTH - MARGIN, top - 10, f"{doc.title.upper()} {doc.number}")
                self.setFont(text, 7.5)
                self.setFillColor(MUTED)
                self.drawRightString(PAGE_WIDTH - MARGIN, top - 21, "continued")
                self.line(MARGIN, top - 26, PAGE_WIDTH - MARGIN, top - 26)
            self.restoreState()

    return NumberedCanvas


def render(doc: PdfDocument) -> bytes:
    """The document as PDF bytes; the same document always gives the same bytes."""
    buffer = BytesIO()
    first = Frame(MARGIN, BOTTOM, WIDTH, PAGE_HEIGHT - MARGIN - BOTTOM, id="first", leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0)
    later = Frame(MARGIN, BOTTOM, WIDTH, PAGE_HEIGHT - LATER_TOP - BOTTOM, id="later", leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0)
    slip_frame = Frame(MARGIN, SLIP_HEIGHT + 5 * mm, WIDTH, PAGE_HEIGHT - LATER_TOP - SLIP_HEIGHT - 5 * mm,
                       id="qrbill", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    slip_template = [PageTemplate("qrbill", [slip_frame], onPage=_slip_page(doc.qr_bill))] if doc.qr_bill else []
    template = BaseDocTemplate(
        buffer,
        pagesize=A4,
        pageTemplates=[PageTemplate("first", [first]), PageTemplate("later", [later]), *slip_template],
        title=f"{doc.title} {doc.number}",
        author=doc.issuer.name,
        subject=doc.subject or f"{doc.title} {doc.number}",
        creator=PRODUCER,
        producer=PRODUCER,
        invariant=1,
        pageCompression=1,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=BOTTOM,
    )
    template.build(_story(doc), canvasmaker=_numbered_canvas(doc))
    return buffer.getvalue()


def _slip_page(slip: QrBillSlip) -> Any:
    def on_page(canvas: Canvas, _doc: Any) -> None:
        canvas.ledgerline_slip = True  # read by the numbered canvas: no footer on this page
        draw_qr_bill(canvas, slip)

    return on_page
