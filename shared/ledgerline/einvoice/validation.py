"""Validate an e-invoice (UBL 2.1 or CII D16B) with the official rule sets in `validators/`.

Vendored from the rule sets' `validate.py`: CEN's EN 16931 rules (EUPL 1.2), OpenPEPPOL's BIS Billing 3.0
rules and KoSIT's XRechnung rules (Apache 2.0), compiled Schematron run with `saxonche` (XSLT 3.0). The
compiled stylesheets are cached per process (~0.8 s each to compile; then milliseconds per document).
Only the functions that validate (the e-invoices API function, tests, the bench) need `saxonche`.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from pathlib import Path
from typing import Any

VALIDATORS = Path(__file__).resolve().parent / "validators"
RULE_SETS = {
    "en16931": {"ubl": ["EN16931-UBL-validation.xslt"], "cii": ["EN16931-CII-validation.xslt"]},
    "peppol": {
        "ubl": ["EN16931-UBL-validation.xslt", "PEPPOL-EN16931-UBL.xslt"],
        "cii": ["EN16931-CII-validation.xslt", "PEPPOL-EN16931-CII.xslt"],
    },
    "xrechnung": {
        "ubl": ["EN16931-UBL-validation.xslt", "XRechnung-UBL.xslt"],
        "cii": ["EN16931-CII-validation.xslt", "XRechnung-CII.xslt"],
    },
}
BLOCKING = ("fatal", "error")
FAILED = re.compile(r"<svrl:failed-assert\b(?P<attrs>[^>]*)>(?P<body>.*?)</svrl:failed-assert>", re.S)
TEXT = re.compile(r"<svrl:text>(.*?)</svrl:text>", re.S)
DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.I)
_lock = threading.Lock()  # Saxon's processor is not shared across threads safely


class NotAnEInvoice(ValueError):
    """The file is neither well-formed UBL Invoice/CreditNote nor CII CrossIndustryInvoice XML."""


def syntax_of(xml: bytes) -> str:
    head = xml[:4000].decode("utf-8", "replace")
    if "CrossIndustryInvoice" in head:
        return "cii"
    if re.search(r"<(\w+:)?(Invoice|CreditNote)\b", head):
        return "ubl"
    raise NotAnEInvoice("neither a UBL Invoice/CreditNote nor a CII CrossIndustryInvoice")


@cache
def _processor() -> Any:
    from saxonche import PySaxonProcessor

    return PySaxonProcessor(license=False)


@cache
def _compiled(name: str) -> Any:
    return _processor().new_xslt30_processor().compile_stylesheet(stylesheet_file=str(VALIDATORS / name))


def validate(xml: bytes, rules: str = "peppol") -> list[dict[str, str]]:
    """Every failed assertion of the chosen rule set: rule_set, id, flag (fatal/error/warning), location,
    text; [] when valid. Raises NotAnEInvoice for a file that is not UBL or CII XML."""
    syntax = syntax_of(xml)
    if DOCTYPE.search(xml):  # no e-invoice has one; an entity could read files or URLs (XXE)
        raise NotAnEInvoice("a DOCTYPE is not allowed in an e-invoice")
    try:
        text = xml.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotAnEInvoice("not UTF-8") from exc
    failures: list[dict[str, str]] = []
    with _lock:
        try:
            document = _processor().parse_xml(xml_text=text)
        except Exception as exc:  # saxonche raises PySaxonApiError for XML that is not well-formed
            raise NotAnEInvoice(f"not well-formed XML: {exc}") from exc
        outputs = [(name, _compiled(name).transform_to_string(xdm_node=document))
                   for name in RULE_SETS[rules][syntax]]
    for name, svrl in outputs:
        for match in FAILED.finditer(svrl or ""):
            attrs = dict(re.findall(r'(\w+)="([^"]*)"', match["attrs"]))
            found = TEXT.search(match["body"])
            failures.append({
                "rule_set": name.removesuffix(".xslt"),
                "id": attrs.get("id", ""),
                "flag": attrs.get("flag", "fatal"),
                "location": attrs.get("location", ""),
                "text": " ".join(found[1].split()) if found else "",
            })
    return failures


def blocking(failures: list[dict[str, str]]) -> list[dict[str, str]]:
    return [failure for failure in failures if failure["flag"] in BLOCKING]
