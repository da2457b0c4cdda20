"""The fonts PDFs embed, registered once per process on first use.

- Text: Noto Sans (Latin with every European accent, Greek, Cyrillic; 1,860 glyphs, parsed in a few ms), so
  names such as "Zürich", "Łódź", "Ελλάδα" or "Москва" render as written.
- CJK: Noto Sans CJK SC (kana, CJK ideographs, Hangul; 33k glyphs, ~0.1 s to parse), registered only when a
  document has a character the text font lacks and this one has ("東京"): such runs are set in it, the rest of
  the line stays in the text font. A document without CJK never parses it.
- Fixed English labels (titles, column headings, totals): Bitstream Vera Sans Bold, shipped inside
  ReportLab. Anything a user typed is set in the text fonts, never in this one (it is Latin-1 only).

Both Noto fonts are OFL 1.1, from Debian's `fonts-noto-core` and `fonts-noto-cjk`, subset by
layers/pdf/build_fonts.py into the `ledgerline_fonts` folder: the PDF layer in AWS, beside the code in a checkout.
ReportLab embeds only the glyphs a document uses, so a PDF stays small.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

TEXT = "LedgerlineText"
CJK = "LedgerlineCJK"
LABEL = "LedgerlineLabel"
TEXT_FILE = "NotoSans-Regular.ttf"
CJK_FILE = "NotoSansCJKsc-Regular.ttf"
# What the CJK font covers beyond ASCII (layers/pdf/build_fonts.py's CJK ranges): a character here that the
# text font lacks is set in the CJK font; any other character stays in the text font.
CJK_RANGES = ((0x3000, 0x30FF), (0x3130, 0x318F), (0x31F0, 0x32FF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3),
              (0xFF00, 0xFFEF))
# A checkout keeps the fonts under layers/pdf/ (in AWS the PDF layer puts `ledgerline_fonts` on the path)
CHECKOUT_FONTS = Path(__file__).resolve().parents[3] / "layers" / "pdf" / "ledgerline_fonts"


def _font_file(name: str) -> Any:
    if importlib.util.find_spec("ledgerline_fonts") is not None:
        return resources.files("ledgerline_fonts") / name
    return CHECKOUT_FONTS / name


@cache
def register() -> tuple[str, str]:
    """Register the text and label fonts with ReportLab (a few milliseconds, once per process)."""
    label_font = resources.files("reportlab") / "fonts" / "VeraBd.ttf"
    with resources.as_file(_font_file(TEXT_FILE)) as text_path, resources.as_file(label_font) as label_path:
        pdfmetrics.registerFont(TTFont(TEXT, str(text_path)))
        pdfmetrics.registerFont(TTFont(LABEL, str(label_path)))
    return TEXT, LABEL


@cache
def register_cjk() -> str:
    """Register the CJK font (~0.1 s, once per process, only when a document needs it)."""
    with resources.as_file(_font_file(CJK_FILE)) as path:
        pdfmetrics.registerFont(TTFont(CJK, str(path)))
    return CJK


@cache
def _text_characters() -> frozenset[int]:
    register()
    return frozenset(pdfmetrics.getFont(TEXT).face.charToGlyph)


def _in_cjk(code: int) -> bool:
    return any(start <= code <= end for start, end in CJK_RANGES)


def runs(text: str) -> Iterator[tuple[str | None, str]]:
    """The text in runs: (None, part) for the document's own font, (CJK, part) for what needs the CJK font."""
    if text.isascii():
        yield None, text
        return
    known = _text_characters()
    start, current = 0, None
    for i, char in enumerate(text):
        code = ord(char)
        font = CJK if code not in known and _in_cjk(code) else None
        if font != current and i > start:
            yield current, text[start:i]
            start = i
        current = font
    if start < len(text):
        yield current, text[start:]


def needs_cjk(text: str) -> bool:
    return any(font == CJK for font, _ in runs(text))
