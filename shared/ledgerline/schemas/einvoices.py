"""E-invoicing (issue 17): what validating a file answers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

EInvoiceFormat = Literal["peppol", "ubl", "cii", "xrechnung-ubl", "xrechnung-cii", "facturx"]
EInvoiceRules = Literal["en16931", "peppol", "xrechnung"]


class EInvoiceFailure(BaseModel):
    id: str = Field(description="The rule's id, e.g. `BR-CO-16`, `PEPPOL-EN16931-R010`, `BR-DE-15`")
    severity: Literal["fatal", "error", "warning", "information"] | str = Field(
        description="`fatal` (and `error`) make the document invalid; `warning` does not")
    location: str = Field(description="XPath of the element the rule failed on")
    text: str = Field(description="The rule's text, naming the business term (BT-xx)")
    rule_set: str = Field(description="The rule set that holds the rule, e.g. `EN16931-UBL-validation`")


class EInvoiceValidationOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "object": "einvoice_validation", "valid": False, "syntax": "ubl", "rules": "peppol",
        "failures": [{"id": "BR-CO-16", "severity": "fatal", "location": "/*:Invoice[1]",
                      "text": "[BR-CO-16]-Amount due for payment (BT-115) = Invoice total amount with VAT (BT-112) "
                              "-Paid amount (BT-113) +Rounding amount (BT-114).",
                      "rule_set": "EN16931-UBL-validation"}]}]})

    object: Literal["einvoice_validation"] = "einvoice_validation"
    valid: bool = Field(description="No rule of severity fatal or error failed")
    syntax: Literal["ubl", "cii"]
    rules: EInvoiceRules
    failures: list[EInvoiceFailure]
