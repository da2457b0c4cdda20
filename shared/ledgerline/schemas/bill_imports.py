"""Receiving e-invoices (issue 17 item 5): what `POST /v1/bills/import` answers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ledgerline.schemas.bills import EXAMPLE as BILL_EXAMPLE
from ledgerline.schemas.bills import BillOut


class ImportWarning(BaseModel):
    term: str = Field(description="The business term, e.g. `BT-110` (invoice total VAT amount)")
    message: str
    stated: str = Field(description="What the document states")
    computed: str = Field(description="What the bill, as Ledgerline priced it, comes to ('' when not a total)")


class BillImportOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "object": "bill_import",
        "bill": {**BILL_EXAMPLE, "object": "bill", "id": "bill_01K2X3Y4Z5A6B7C8D9E0F1G2H7", "status": "draft",
                 "supplier_reference": "INV-2026-0042", "buyer_reference": "PO-77", "total": "1428.00"},
        "file_id": "file_01K2X3Y4Z5A6B7C8D9E0F1G2H6", "supplier_created": True, "syntax": "ubl", "rules": "peppol",
        "import_warnings": [{"term": "BT-110", "message": "BT-110 invoice total VAT amount: the document states "
                                                         "228.01, the bill comes to 228.00",
                             "stated": "228.01", "computed": "228.00"}]}]})

    object: Literal["bill_import"] = "bill_import"
    bill: BillOut = Field(description="The draft bill (GET /v1/bills/{id}); post it once checked")
    file_id: str = Field(description="The file imported (GET /v1/files/{id}), attached to the bill")
    supplier_created: bool = Field(description="The seller matched no supplier (by electronic address, VAT id or "
                                               "legal id) and was created as one")
    syntax: Literal["ubl", "cii"]
    rules: Literal["en16931", "peppol", "xrechnung"] = Field(description="The rule set the file was validated with "
                                                                         "(from its specification identifier, BT-24)")
    import_warnings: list[ImportWarning] = Field(
        description="Where the bill's totals differ from the document's own (BT-109, BT-110, BT-112), an amount "
                    "already paid (BT-113), or seller data not stored; the bill is created anyway, as a draft")
