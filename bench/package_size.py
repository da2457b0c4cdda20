"""Deployment size: every layer of template.yaml built for Lambda (arm64, Python 3.13), and each function.

A layer with a requirements.txt is installed the way `sam build` would for the target platform
(`pip install --platform manylinux2014_aarch64 --python-version 3.13 --only-binary=:all:`); a
layer without one is its folder. A function's deployed size is its code folder plus its layers,
which is what Lambda's 250 MB unzipped limit counts.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from ledgerline.local.template import PROJECT_ROOT, load_template

PLATFORM = ["--platform", "manylinux2014_aarch64", "--python-version", "3.13", "--implementation", "cp",
            "--only-binary=:all:"]
PDF_PACKAGES = ("reportlab", "paperang-p2-fonts-cjk")
LIMIT_MB = 250


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


def _pip_install(target: Path, *requirements: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *PLATFORM,
                    "--target", str(target), *requirements], check=True, capture_output=True, text=True)


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
            requirements = folder / "requirements.txt"
            if requirements.exists():
                built = Path(tmp) / name / "python"
                _pip_install(built, "-r", str(requirements))
                packages = _per_package(built)
                layers[name] = {"source": str(requirements.relative_to(PROJECT_ROOT)), "unzipped": _size(built),
                                "zipped": _zipped(built.parent),
                                "largest_packages_mb": {k: _mb(v) for k, v in list(packages.items())[:8]}}
                if any(p in requirements.read_text() for p in PDF_PACKAGES):
                    pdf = Path(tmp) / "pdf"
                    _pip_install(pdf, *[line for line in requirements.read_text().splitlines()
                                        if line.split("=")[0].split(">")[0].strip() in PDF_PACKAGES])
                    layers[name]["pdf_packages_mb"] = _mb(_size(pdf))
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
        functions[name] = {"code_bytes": code, "with_layers_mb": _mb(with_layers),
                           "share_of_250_mb_limit": round(with_layers / (LIMIT_MB * 1024 * 1024), 2)}
    for figures in layers.values():
        figures["unzipped_mb"], figures["zipped_mb"] = _mb(figures.pop("unzipped")), _mb(figures.pop("zipped"))
    return {"layers": layers, "functions": functions}
