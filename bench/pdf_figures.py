"""Section 6 of make bench: PDF render times, from bench/pdf.py's fresh-process probe (the PDF module's own
benchmark, which also writes docs/benchmarks-pdf.md when run alone)."""

from __future__ import annotations

import importlib.util
import statistics
from typing import Any


def available() -> bool:
    return importlib.util.find_spec("ledgerline.pdf.render") is not None


def measure() -> dict[str, Any]:
    from bench import pdf

    runs = pdf.fresh_process_runs()

    def median_ms(key: str) -> float:
        return round(statistics.median(r[key] for r in runs) * 1000, 1)

    return {"lines": 10, "bytes": runs[0]["size_small"], "fresh_runs": len(runs), "warm_renders_per_run": pdf.WARM,
            "import_ms": median_ms("import"), "first_render_ms": median_ms("first"), "font_ms": median_ms("font"),
            "fresh_process_total_ms": round(median_ms("import") + median_ms("first"), 1),
            "warm_render_ms": round(statistics.median(t for r in runs for t in r["warm_small"]) * 1000, 1),
            "warm_render_100_lines_ms": round(statistics.median(t for r in runs for t in r["warm_large"]) * 1000, 1),
            "first_cjk_render_ms": median_ms("first_cjk"),
            "warm_cjk_render_ms": round(statistics.median(t for r in runs for t in r["warm_cjk"]) * 1000, 1),
            "deterministic": all(r["same"] for r in runs)}
