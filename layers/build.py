"""Builds a dependency layer for Lambda (arm64, Python 3.13): `sam build` runs it through layers/Makefile, and
bench/package_size.py runs the same code, so the sizes it reports are what is deployed.

    python layers/build.py dependencies|pdf|einvoice|facturx|banking|xml|secrets ARTIFACTS_DIR

- Installs the layer's requirements.txt for the target platform into ARTIFACTS_DIR/python.
- Removes what the Lambda Python runtime already provides (boto3, botocore and their dependencies), which
  PynamoDB and the X-Ray SDK pull in: the runtime's copy is the one used (its version is pinned in
  pyproject.toml for the tests).
- Leaves out what another layer of the same functions ships (factur-x's lxml and python-stdnum).
- The pdf layer also gets the fonts (layers/pdf/ledgerline_fonts, OFL, with their licences).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Lambda's Python 3.13 runtime is Amazon Linux 2023 (glibc 2.34): wheels tagged for any glibc up to it run there
# (saxonche publishes only manylinux_2_24 wheels, which pip refuses when asked for manylinux2014 alone).
PLATFORM = [*(arg for tag in ("manylinux2014_aarch64", "manylinux_2_24_aarch64", "manylinux_2_28_aarch64",
                              "manylinux_2_34_aarch64") for arg in ("--platform", tag)),
            "--python-version", "3.13", "--implementation", "cp", "--only-binary=:all:"]
# In the Lambda Python runtime (/var/runtime): the AWS SDK and what it needs.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "python_dateutil", "six", "urllib3")
# Template resource → layer folder
LAYERS = {"DependenciesLayer": "dependencies", "PdfLayer": "pdf", "EInvoiceLayer": "einvoice",
          "FacturXLayer": "facturx", "BankingLayer": "banking", "XmlLayer": "xml", "SecretsLayer": "secrets"}
# What another layer of the same functions ships, left out of a layer that pulls it in too: factur-x's lxml is
# XmlLayer's, and python-stdnum (factur-x's, qrbill's) DependenciesLayer's (tests/unit/test_layers.py: every
# function with FacturXLayer has XmlLayer)
SHIPPED_ELSEWHERE = {"facturx": ("lxml", "stdnum", "python_stdnum"), "pdf": ("stdnum", "python_stdnum")}


def _runtime_provided(entry: Path) -> bool:
    return _provided(entry, RUNTIME_PROVIDED)


def _provided(entry: Path, names: tuple[str, ...]) -> bool:
    name = entry.name.removesuffix(".py")
    if name.endswith(".dist-info"):
        name = name.split("-")[0].lower()
    return name in names


def build(layer: str, artifacts: Path) -> Path:
    target = artifacts / "python"
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *PLATFORM,
                    "--target", str(target), "-r", str(HERE / layer / "requirements.txt")], check=True)
    for entry in list(target.iterdir()):
        elsewhere = _runtime_provided(entry) or _provided(entry, SHIPPED_ELSEWHERE.get(layer, ()))
        if elsewhere or entry.name == "bin":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    if layer == "pdf":
        shutil.copytree(HERE / "pdf" / "ledgerline_fonts", target / "ledgerline_fonts", dirs_exist_ok=True)
    return target


if __name__ == "__main__":
    build(sys.argv[1], Path(sys.argv[2]))
