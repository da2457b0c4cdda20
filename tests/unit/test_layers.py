"""Layers per need (issue 13, target 5): what each function carries, and what no layer ships."""

from __future__ import annotations

import ast
import re
import sys
from functools import cache
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from layers import build
from ledgerline.local.template import load_template
from tests.conftest import ROOT

RESOURCES = load_template()["Resources"]
FUNCTIONS = {name: r for name, r in RESOURCES.items() if r.get("Type") == "AWS::Serverless::Function"}
# The one function that renders PDFs: the bus consumer, which the API functions with a `GET …/pdf` route
# invoke for a PDF not made yet (they carry no PDF stack)
RENDERING = {"PdfRendererFunction"}


def own_layers(function: str) -> set[str]:
    return {ref["!Ref"] for ref in FUNCTIONS[function]["Properties"].get("Layers", [])}


def requirement_names(layer: str) -> set[str]:
    lines = (ROOT / "layers" / layer / "requirements.txt").read_text().splitlines()
    return {re.split(r"[=<>\[ ]", line.strip())[0].lower() for line in lines if line.strip() and line[0] != "#"}


def test_every_function_gets_the_shared_and_dependencies_layers_and_only_renderers_the_pdf_layer():
    assert [ref["!Ref"] for ref in load_template()["Globals"]["Function"]["Layers"]] == ["SharedLayer",
                                                                                       "DependenciesLayer"]
    assert {name for name in FUNCTIONS if "PdfLayer" in own_layers(name)} == RENDERING
    assert {name for name in FUNCTIONS if "EInvoiceLayer" in own_layers(name)} == {"EInvoicesFunction"}
    # Factur-X (issue 17): issue 13 put every e-invoice route in the e-invoices function, so the invoices and credit
    # notes functions carry neither lxml nor factur-x; the email sender has it for an e-invoice sent by email in
    # format facturx (item 6); the e-invoice sender (Peppol: XML only) has lxml alone; the e-invoices function reads
    # Factur-X PDFs on POST /v1/bills/import (item 5) too
    assert {name for name in FUNCTIONS if "FacturXLayer" in own_layers(name)} == {"EInvoicesFunction",
                                                                                  "EmailSenderFunction"}
    assert own_layers("EInvoiceSenderFunction") == {"XmlLayer"}
    assert all(own_layers(name) <= {"PdfLayer", "EInvoiceLayer", "FacturXLayer", "BankingLayer", "XmlLayer",
                                    "SecretsLayer"} for name in FUNCTIONS)


def test_the_api_functions_with_a_pdf_route_invoke_the_renderer_and_only_read_the_bucket():
    routers = ROOT / "shared" / "ledgerline" / "api" / "routers"
    serving = {name for name, r in FUNCTIONS.items() if r["Properties"]["Handler"] == "app.handler"
               and (router := routers / (r["Properties"]["CodeUri"].split("/")[1] + ".py")).exists()
               and "pdfs" in router.read_text()}
    serving.add("EInvoicesFunction")  # GET …/einvoice?format=facturx: services/einvoices.py fetches the PDF
    assert serving == {"InvoicesFunction", "CreditNotesFunction", "RemindersFunction", "QuotesFunction",
                       "DeliveriesFunction", "PurchaseOrdersFunction",
                       "OrdersFunction",  # orders' PDF: issue 14, part L
                       "EInvoicesFunction"}  # format=facturx embeds the XML in the PDF (issue 17)
    for name in serving:
        properties = FUNCTIONS[name]["Properties"]
        assert properties["Environment"]["Variables"]["LEDGERLINE_PDF_RENDERER_FUNCTION"] == {
            "!Ref": "PdfRendererFunction"}
        assert {"LambdaInvokePolicy": {"FunctionName": {"!Ref": "PdfRendererFunction"}}} in properties["Policies"]
        s3 = [p["Statement"][0] for p in properties["Policies"] if "Statement" in p]
        assert [statement["Action"] for statement in s3] == [["s3:GetObject"]]  # the renderer writes


def test_dependency_layers_are_built_by_layers_build_py_for_arm64():
    for name, folder in build.LAYERS.items():
        layer = RESOURCES[name]
        assert layer["Metadata"] == {"BuildMethod": "makefile", "BuildArchitecture": "arm64"}
        assert layer["Properties"]["ContentUri"] == "layers/"
        assert f"build-{name}:" in (ROOT / "layers" / "Makefile").read_text()
        assert (ROOT / "layers" / folder / "requirements.txt").exists()


def test_no_layer_ships_the_aws_sdk_and_the_api_layer_has_no_pdf_stack():
    for folder in build.LAYERS.values():
        assert not requirement_names(folder) & {"boto3", "botocore", "s3transfer"}
    assert {"boto3", "botocore", "s3transfer"} <= set(build.RUNTIME_PROVIDED)
    assert not requirement_names("dependencies") & {"reportlab", "pillow", "paperang-p2-fonts-cjk"}
    assert requirement_names("pdf") == {"reportlab", "rl-accel", "qrbill", "segno"}  # QR codes: issue 16
    assert not requirement_names("dependencies") & {"saxonche"}  # issue 17: only the validating function
    assert requirement_names("einvoice") == {"saxonche"}
    assert requirement_names("facturx") == {"factur-x", "pypdf"}  # issue 17: lxml is XmlLayer's
    assert not requirement_names("dependencies") & {"factur-x", "pypdf"}
    # issue 13: banking's packages and lxml only where they are imported; IBANs with python-stdnum, not schwifty
    # (whose pycountry was 24 MB in every function that checks a party's bank details)
    assert not requirement_names("dependencies") & {"schwifty", "pycountry", "mt-940", "lxml", "cryptography"}
    assert requirement_names("banking") == {"mt-940"}
    assert requirement_names("xml") == {"lxml"}
    assert requirement_names("secrets") == {"cryptography"}


def test_the_fonts_are_noto_with_their_licences():
    fonts = ROOT / "layers" / "pdf" / "ledgerline_fonts"
    assert {p.name for p in fonts.glob("*.ttf")} == {"NotoSans-Regular.ttf", "NotoSansCJKsc-Regular.ttf"}
    for copyright_file in ("COPYRIGHT-fonts-noto-core.txt", "COPYRIGHT-fonts-noto-cjk.txt"):
        text = (fonts / copyright_file).read_text()
        assert "License: OFL-1.1" in text or "License: SIL-1.1" in text
        assert "The goals of the Open Font License (OFL)" in text  # the licence text itself


def test_the_tests_run_against_the_aws_sdk_version_pinned_for_the_runtime():
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'"boto3==[\d.]+"', pyproject)


def test_the_build_drops_what_the_runtime_provides_and_keeps_the_rest(tmp_path):
    for name in ("boto3", "botocore-1.44.18.dist-info", "s3transfer", "jmespath", "dateutil", "six.py", "urllib3",
                 "python_dateutil-2.9.0.dist-info"):
        assert build._runtime_provided(tmp_path / name), name
    for name in ("pynamodb", "pydantic", "fastapi-0.165.0.dist-info", "reportlab", "ledgerline_fonts"):
        assert not build._runtime_provided(tmp_path / name), name


def test_the_facturx_layer_leaves_out_what_the_xml_and_dependencies_layers_ship(tmp_path):
    provided = build.SHIPPED_ELSEWHERE["facturx"]
    for name in ("lxml", "lxml-6.2.0.dist-info", "stdnum", "python_stdnum-2.2.dist-info"):
        assert build._provided(tmp_path / name, provided), name
    for name in ("facturx", "factur_x-7.8.dist-info", "pypdf", "requests", "iso4217"):
        assert not build._provided(tmp_path / name, provided), name


# What a function's code imports, followed through the ledgerline package from functions/<name>/app.py: every
# import statement, also the deferred ones inside functions (they run on some request), except the deferred
# imports of modules that run only in certain functions: the renderer's PDF code (the API functions invoke the
# renderer), the validators (the e-invoices function), the rendering of e-invoices (services/einvoices.py: the
# e-invoices function, and the two senders that deliver them; other functions reach it only through
# services/emails.py, whose delivery runs in the email sender) and the local runtime.
RUNS_ELSEWHERE: dict[str, frozenset[str]] = {
    "ledgerline.pdf.render": frozenset({"PdfRendererFunction"}),
    "ledgerline.pdf.payment_parts": frozenset({"PdfRendererFunction"}),
    "ledgerline.einvoice.validation": frozenset({"EInvoicesFunction"}),
    "ledgerline.services.einvoices": frozenset({"EInvoicesFunction", "EInvoiceSenderFunction",
                                                "EmailSenderFunction"}),
    # a Factur-X is answered (GET …/einvoice?format=facturx) or emailed, never handed to a Peppol access point
    "ledgerline.einvoice.facturx": frozenset({"EInvoicesFunction", "EmailSenderFunction"}),
    "ledgerline.local": frozenset(),  # `ledgerline dev` and the tests, never Lambda
}
SHARED = ROOT / "shared"


def _runs_in(module: str) -> frozenset[str] | None:
    return next((where for prefix, where in RUNS_ELSEWHERE.items()
                 if module == prefix or module.startswith(prefix + ".")), None)


def _module_file(module: str) -> Path | None:
    base = SHARED.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


@cache
def _imported(path: Path, deferred: bool) -> frozenset[str]:
    names: set[str] = set()
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree) if deferred else tree.body:
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules = {f"{node.module}.{alias.name}" for alias in node.names
                       if _module_file(f"{node.module}.{alias.name}")}
            names |= modules
            if len(modules) < len(node.names):  # it takes something of the module itself, not only submodules
                names.add(node.module)
    return frozenset(names)


@cache
def imports_of(function: str) -> tuple[frozenset[str], frozenset[str]]:
    """(the ledgerline modules, the top-level names of the packages outside the standard library) that `function`
    may import. A module named in an import statement counts with all its imports; a package that only runs as
    the parent of one (its __init__) with those at its top level: a deferred import in its functions runs only
    when they are called, through an import that names the package itself."""
    app = ROOT / FUNCTIONS[function]["Properties"]["CodeUri"] / "app.py"
    seen: set[tuple[str, bool]] = set()
    outside: set[str] = set()
    todo = [(app, True)]
    while todo:
        for name in _imported(*todo.pop()):
            top = name.split(".")[0]
            if top != "ledgerline":
                outside.add(top)
                continue
            parts = name.split(".")
            for depth in range(2, len(parts) + 1):  # a package's __init__ runs before its modules
                module, named = ".".join(parts[:depth]), depth == len(parts)
                if (where := _runs_in(module)) is not None and function not in where:
                    break
                if (module, named) in seen:
                    continue
                seen.add((module, named))
                if (path := _module_file(module)) is not None:
                    todo.append((path, named))
    packages = outside - set(sys.stdlib_module_names) - set(build.RUNTIME_PROVIDED)
    return frozenset(module for module, _ in seen), frozenset(packages)


def third_party_imports(function: str) -> frozenset[str]:
    return imports_of(function)[1]


def _distributions(requirements: set[str]) -> set[str]:
    """`requirements` and what they require (as installed here), as normalised distribution names."""
    found: set[str] = set()
    todo = [Requirement(line) for line in requirements]
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        if name in found:
            continue
        found.add(name)
        for line in metadata.requires(requirement.name) or ():
            needed = Requirement(line)
            extras = requirement.extras or {""}
            if needed.marker is None or any(needed.marker.evaluate({"extra": extra}) for extra in extras):
                todo.append(needed)
    return found


@cache
def layer_distributions(layer: str) -> set[str]:
    lines = (ROOT / "layers" / build.LAYERS[layer] / "requirements.txt").read_text().splitlines()
    return _distributions({line.strip() for line in lines if line.strip() and not line.startswith("#")})


def test_every_function_carries_the_layers_of_what_it_imports():
    """Layers per need: a package a function's code imports is in one of its layers, so nothing works in a
    checkout (where the venv has everything) and fails with ImportError in Lambda."""
    distributions = {top: {canonicalize_name(d) for d in names}
                     for top, names in metadata.packages_distributions().items()}
    globals_layers = [ref["!Ref"] for ref in load_template()["Globals"]["Function"]["Layers"]]
    for function in FUNCTIONS:
        if not (ROOT / FUNCTIONS[function]["Properties"]["CodeUri"] / "app.py").exists():
            continue
        shipped = set().union(*(layer_distributions(layer) for layer in [*globals_layers, *own_layers(function)]
                                if layer in build.LAYERS))
        missing = {top for top in third_party_imports(function) if not distributions[top] & shipped}
        assert not missing, f"{function} imports {sorted(missing)} but none of its layers ships them"


def test_the_import_scan_sees_deferred_imports_and_the_functions_that_use_heavy_packages():
    assert {"lxml", "facturx"} <= third_party_imports("EInvoicesFunction")  # deferred: GET …/einvoice
    assert not {"lxml", "facturx", "saxonche"} & third_party_imports("InvoicesFunction")
    assert "saxonche" in third_party_imports("EInvoicesFunction")
    assert {"reportlab", "qrbill", "segno"} <= third_party_imports("PdfRendererFunction")
    assert {"mt940", "lxml"} <= third_party_imports("BankAccountsFunction")
    needs: dict[str, set[str]] = {"lxml": set(), "mt940": set(), "cryptography": set()}
    for function in FUNCTIONS:
        if (ROOT / FUNCTIONS[function]["Properties"]["CodeUri"] / "app.py").exists():
            for package in needs.keys() & third_party_imports(function):
                needs[package].add(function)
    # Issue 13: each heavy package only where it is used, so every other API function stays within 40 MB
    assert needs["mt940"] == {name for name in FUNCTIONS if "BankingLayer" in own_layers(name)}
    assert needs["lxml"] == {name for name in FUNCTIONS if "XmlLayer" in own_layers(name)}
    assert {name for name in FUNCTIONS if "FacturXLayer" in own_layers(name)} <= needs["lxml"]
    assert needs["cryptography"] == {name for name in FUNCTIONS if "SecretsLayer" in own_layers(name)}

