"""Reading QR codes back from a rendered PDF (issue 16, part Q): page → image (pypdfium2) → text (zxing-cpp)."""

from __future__ import annotations

import pypdfium2
import zxingcpp


def page_count(data: bytes) -> int:
    return len(pypdfium2.PdfDocument(data))


def page_image(data: bytes, page: int, scale: float = 300 / 72):  # type: ignore[no-untyped-def]
    """The page (0-based; -1 the last) as a PIL image, `scale` × 72 dpi."""
    document = pypdfium2.PdfDocument(data)
    return document[page if page >= 0 else len(document) + page].render(scale=scale).to_pil()


def qr_texts(data: bytes, page: int = -1) -> list[str]:
    """The text of every QR code on the page."""
    found = zxingcpp.read_barcodes(page_image(data, page), formats=zxingcpp.BarcodeFormat.QRCode)
    return [barcode.text for barcode in found]
