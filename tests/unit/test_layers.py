"""Layers per need (issue 13, target 5): what each function carries, and what no layer ships."""

from __future__ import annotations

import re

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
    # Factur-X (issue 17): only the functions answering GET …/einvoice?format=facturx, and the e-invoices
    # function, which reads Factur-X PDFs on POST /v1/bills/import (item 5)
    assert {name for name in FUNCTIONS if "FacturXLayer" in own_layers(name)} == {"InvoicesFunction",
                                                                                  "CreditNotesFunction",
                                                                                  "EInvoicesFunction"}
    assert all(own_layers(name) <= {"PdfLayer", "EInvoiceLayer", "FacturXLayer"} for name in FUNCTIONS)


def test_the_api_functions_with_a_pdf_route_invoke_the_renderer_and_only_read_the_bucket():
    routers = ROOT / "shared" / "ledgerline" / "api" / "routers"
    serving = {name for name, r in FUNCTIONS.items() if r["Properties"]["Handler"] == "app.handler"
               and (router := routers / (r["Properties"]["CodeUri"].split("/")[1] + ".py")).exists()
               and "pdfs" in router.read_text()}
    assert serving == {"InvoicesFunction", "CreditNotesFunction", "RemindersFunction", "QuotesFunction",
                       "DeliveriesFunction", "PurchaseOrdersFunction",
                       "OrdersFunction"}  # orders' PDF: issue 14, part L
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
    assert requirement_names("facturx") == {"factur-x", "pypdf"}  # issue 17: lxml is DependenciesLayer's
    assert not requirement_names("dependencies") & {"factur-x", "pypdf"}


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


def test_the_facturx_layer_leaves_out_what_the_dependencies_layer_ships(tmp_path):
    provided = build.IN_DEPENDENCIES_LAYER["facturx"]
    for name in ("lxml", "lxml-6.2.0.dist-info", "stdnum", "python_stdnum-2.2.dist-info"):
        assert build._provided(tmp_path / name, provided), name
    for name in ("facturx", "factur_x-7.8.dist-info", "pypdf", "requests", "iso4217"):
        assert not build._provided(tmp_path / name, provided), name
