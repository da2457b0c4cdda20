"""The fonts PDFs embed, registered once per process on first use.

- Text: WenQuanYi Micro Hei (TrueType outlines, from the PyPI package `paperang-p2-fonts-cjk`, 5 MB).
  It covers Latin with every European accent, Greek, Cyrillic, Chinese, Japanese kanji and kana, and
  Hangul, so names such as "Zürich", "Łódź" or "東京" render as written. ReportLab embeds only the
  glyphs a document uses, so a PDF stays small.
- Fixed English labels (titles, column headings, totals): Bitstream Vera Sans Bold, shipped inside
  ReportLab. Anything a user typed is set in the text font, never in this one (it is Latin-1 only).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

TEXT = "LedgerlineText"
LABEL = "LedgerlineLabel"


@cache
def register() -> tuple[str, str]:
    """Register the two fonts with ReportLab (parsing the text font takes ~0.2 s, once per process)."""
    text_font = resources.files("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc"
    label_font = resources.files("reportlab") / "fonts" / "VeraBd.ttf"
    with resources.as_file(text_font) as text_path, resources.as_file(label_font) as label_path:
        pdfmetrics.registerFont(TTFont(TEXT, str(text_path), subfontIndex=0))
        pdfmetrics.registerFont(TTFont(LABEL, str(label_path)))
    return TEXT, LABEL
