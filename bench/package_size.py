"""Deployment size: every layer of template.yaml built for Lambda (arm64, Python 3.13), and each function.

A dependency layer (BuildMethod makefile) is built by layers/build.py, the code `sam build` runs
(`pip install --platform manylinux…_aarch64 --python-version 3.13 --only-binary=:all:`, less what the
Lambda runtime provides, plus the fonts for the PDF layer); a layer built from a folder is its folder. A
function's deployed size is its code folder plus its layers (Globals' and its own), which is what Lambda's
250 MB unzipped limit counts; the goals are 40 MB for an API function that does not render PDFs and 100 MB
for one that does.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from layers import build
from ledgerline.local.template import PROJECT_ROOT, load_template

LIMIT_MB = 250
GOAL_MB = {"api": 40, "pdf": 100}


def _size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*")
               if f.is_file() and "__pycache__" not in f.parts and not f.name.endswith(".pyc"))


def _zipped(folder: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "layer.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for f in sorted(folder.rglob("*")):
                if f.is_file() and "__pycache__" not in f.parts:
                    zf.write(f, f.relative_to(folder))
        return archive.stat().st_size


def _mb(n: int) -> float:
    return round(n / 1024 / 1024, 1)


def _per_package(site: Path) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for record in site.glob("*.dist-info/RECORD"):
        name = record.parent.name.split("-")[0]
        total = 0
        for line in record.read_text().splitlines():
            path = site / line.split(",", 1)[0]
            if path.is_file() and "__pycache__" not in path.parts:
                total += path.stat().st_size
        sizes[name] = total
    return dict(sorted(sizes.items(), key=lambda kv: -kv[1]))


def measure() -> dict[str, Any]:
    resources = load_template()["Resources"]
    globals_layers = [ref["!Ref"] for ref in load_template().get("Globals", {}).get("Function", {}).get("Layers", [])]
    layers: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, resource in resources.items():
            if resource.get("Type") != "AWS::Serverless::LayerVersion":
                continue
            folder = PROJECT_ROOT / resource["Properties"]["ContentUri"]
            if resource.get("Metadata", {}).get("BuildMethod") == "makefile":
                built = build.build(build.LAYERS[name], Path(tmp) / name)
                packages = _per_package(built)
                if (built / "ledgerline_fonts").exists():
                    packages["ledgerline_fonts"] = _size(built / "ledgerline_fonts")
                    packages = dict(sorted(packages.items(), key=lambda kv: -kv[1]))
                requirements = PROJECT_ROOT / "layers" / build.LAYERS[name] / "requirements.txt"
                layers[name] = {"source": str(requirements.relative_to(PROJECT_ROOT)), "unzipped": _size(built),
                                "zipped": _zipped(built.parent),
                                "largest_packages_mb": {k: _mb(v) for k, v in list(packages.items())[:8]}}
            else:
                layers[name] = {"source": str(folder.relative_to(PROJECT_ROOT)) + "/", "unzipped": _size(folder),
                                "zipped": _zipped(folder)}
        shutil.rmtree(tmp, ignore_errors=True)
    functions: dict[str, Any] = {}
    for name, resource in resources.items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        props = resource["Properties"]
        code = _size(PROJECT_ROOT / props["CodeUri"])
        own = [ref["!Ref"] for ref in props.get("Layers", []) if isinstance(ref, dict) and "!Ref" in ref]
        with_layers = code + sum(layers[layer]["unzipped"] for layer in {*globals_layers, *own} if layer in layers)
        goal = GOAL_MB["pdf" if "PdfLayer" in own else "api"]
        functions[name] = {"code_bytes": code, "layers": sorted({*globals_layers, *own}),
                           "with_layers_mb": _mb(with_layers), "goal_mb": goal,
                           "within_goal": with_layers <= goal * 1024 * 1024,
                           "share_of_250_mb_limit": round(with_layers / (LIMIT_MB * 1024 * 1024), 2)}
    for figures in layers.values():
        figures["unzipped_mb"], figures["zipped_mb"] = _mb(figures.pop("unzipped")), _mb(figures.pop("zipped"))
    return {"layers": layers, "functions": functions}
