"""Rebuild the fonts in layers/pdf/ledgerline_fonts/ from Debian's Noto packages (a developer's tool, not a build step).

The outputs are committed, so neither `make install` nor `sam build` fetches or converts fonts. To rebuild
(after a Noto update, or to change the character sets), on a Debian machine:

    apt-get download fonts-noto-core fonts-noto-cjk      # Debian bookworm: 20201225-1, 1:20220127+repack1-1
    python -m venv /tmp/ft && /tmp/ft/bin/pip install fonttools
    /tmp/ft/bin/python layers/pdf/build_fonts.py fonts-noto-core_*.deb fonts-noto-cjk_*.deb

- NotoSans-Regular (TrueType) is subset to Latin (with every European accent), Greek and Cyrillic,
  punctuation and currency signs, hinting and OpenType layout dropped (ReportLab uses neither): ~2,000 glyphs,
  parsed in a few milliseconds.
- Noto Sans CJK SC Regular is CFF-based OpenType, which ReportLab cannot embed, so its outlines are
  converted to TrueType quadratics (fontTools cu2qu, 1 font unit tolerance) after subsetting to kana, the
  CJK Unified Ideographs block, Hangul syllables and CJK punctuation and full-width forms.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

OUT = Path(__file__).resolve().parent / "ledgerline_fonts"

LATIN = [(0x20, 0x7E), (0xA0, 0x24F), (0x259, 0x259), (0x2B9, 0x2DD), (0x300, 0x36F), (0x370, 0x3FF),
         (0x400, 0x52F), (0x1E00, 0x1EFF), (0x1F00, 0x1FFF), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x215F),
         (0x2190, 0x2193), (0x2212, 0x2212), (0xFB00, 0xFB06), (0xFFFD, 0xFFFD)]
CJK = [(0x20, 0x7E), (0x3000, 0x30FF), (0x3130, 0x318F), (0x31F0, 0x31FF), (0x3200, 0x32FF), (0x4E00, 0x9FFF),
       (0xAC00, 0xD7A3), (0xFF00, 0xFFEF)]
SC = "Noto Sans CJK SC"


def codepoints(ranges: list[tuple[int, int]]) -> list[int]:
    return [c for start, end in ranges for c in range(start, end + 1)]


def subset_font(font: TTFont, ranges: list[tuple[int, int]]) -> None:
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints(ranges))
    subsetter.subset(font)
    for table in ("GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG"):
        if table in font:
            del font[table]


def to_truetype(font: TTFont) -> None:
    """CFF outlines → TrueType quadratic outlines (fontTools' otf2ttf recipe)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 1 if field == "maxZones" else 0)
    post = font["post"]
    post.formatType = 3.0
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\000\001\000\000"


def extract(deb: Path, into: Path) -> Path:
    subprocess.run(["dpkg-deb", "-x", str(deb), str(into)], check=True)
    return into


def main(core_deb: str, cjk_deb: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        core = extract(Path(core_deb), Path(tmp) / "core")
        cjk = extract(Path(cjk_deb), Path(tmp) / "cjk")
        latin = TTFont(core / "usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")
        subset_font(latin, LATIN)
        latin.save(OUT / "NotoSans-Regular.ttf")
        collection = TTCollection(cjk / "usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
        sc = next(f for f in collection.fonts if f["name"].getDebugName(1) == SC)
        subset_font(sc, CJK)
        to_truetype(sc)
        sc.save(OUT / "NotoSansCJKsc-Regular.ttf")
        shutil.copy(core / "usr/share/doc/fonts-noto-core/copyright", OUT / "COPYRIGHT-fonts-noto-core.txt")
        shutil.copy(cjk / "usr/share/doc/fonts-noto-cjk/copyright", OUT / "COPYRIGHT-fonts-noto-cjk.txt")
    for path in sorted(OUT.glob("*.ttf")):
        print(path.name, path.stat().st_size, len(TTFont(path).getGlyphOrder()), "glyphs")


if __name__ == "__main__":
    main(*sys.argv[1:3])
