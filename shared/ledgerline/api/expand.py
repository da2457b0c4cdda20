"""`expand` (issue 20): inline the objects a response references, on GET of one object and on lists.

`expand=customer`, `expand=lines.item`, `expand=allocations.invoice`, comma-separated or repeated, as
`expand=` or `expand[]=`. What a route may expand is registered here per response model (`EXPANDABLE`); a
route declares `expansion: Expansion = Depends(Expand(InvoiceOut))` and answers `expansion.one(response, body)`
or `expansion.page(body)`. The referenced objects of the whole response are read in one unit of work with one
prefetch (one BatchGetItem, services/expansions.py) and inlined as their own route shows them, under the
field's name without `_id` (`customer_id` stays, `customer` is added; `lines[].item_id` stays, `lines[].item`
is added). An id no object of the tenant has (deleted, another tenant's) is left unexpanded (`null`).

Paths are at most two levels (`lines.item`). An expansion needs the read scope of the objects it inlines: a
key without it gets a 403 naming the scope (never a silently thinner answer). An unknown expansion is a 400
listing what the route expands. Without `expand` a response is exactly what it was.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Query, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from ledgerline.api.auth import current_principal
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.errors import FieldIssue, Forbidden, InvalidRequest
from ledgerline.domain.scopes import grants
from ledgerline.schemas.bills import BillOut, ExpenseOut
from ledgerline.schemas.documents import CreditNoteOut, InvoiceOut, ReceiptOut
from ledgerline.schemas.orders import DeliveryNoteOut, OrderOut
from ledgerline.schemas.purchase_orders import PurchaseOrderOut
from ledgerline.schemas.quotes import QuoteOut
from ledgerline.schemas.refunds import RefundOut
from ledgerline.schemas.supplier_credit_notes import SupplierCreditNoteOut
from ledgerline.schemas.supplier_payments import SupplierPaymentOut

MAX_LEVELS = 2


@dataclass(frozen=True)
class Expandable:
    """One expandable reference: the id field (`customer_id`), inside which list field's entries if any
    (`lines`), the kind of object it names, and the scope reading that object needs."""

    id_field: str
    kind: str
    scope: str
    within: str | None = None

    @property
    def into(self) -> str:
        return self.id_field.removesuffix("_id")


# What each response model expands (the OpenAPI description of each route lists it).
EXPANDABLE: dict[type[BaseModel], dict[str, Expandable]] = {
    InvoiceOut: {
        "customer": Expandable("customer_id", "party", "parties:read"),
        "lines.item": Expandable("item_id", "item", "items:read", within="lines"),
    },
    ReceiptOut: {
        "customer": Expandable("customer_id", "party", "parties:read"),
        "allocations.invoice": Expandable("invoice_id", "invoice", "invoices:read", within="allocations"),
    },
    QuoteOut: {
        "customer": Expandable("customer_id", "party", "parties:read"),
        "lines.item": Expandable("item_id", "item", "items:read", within="lines"),
    },
    OrderOut: {
        "customer": Expandable("customer_id", "party", "parties:read"),
        "lines.item": Expandable("item_id", "item", "items:read", within="lines"),
    },
    DeliveryNoteOut: {
        "customer": Expandable("customer_id", "party", "parties:read"),
        "order": Expandable("order_id", "order", "orders:read"),
        "lines.item": Expandable("item_id", "item", "items:read", within="lines"),
    },
    CreditNoteOut: {
        "customer": Expandable("customer_id", "party", "parties:read"),
        "invoice": Expandable("invoice_id", "invoice", "invoices:read"),
        "lines.item": Expandable("item_id", "item", "items:read", within="lines"),
    },
    RefundOut: {
        "customer": Expandable("customer_id", "party", "parties:read"),
    },
    BillOut: {
        "supplier": Expandable("supplier_id", "party", "parties:read"),
        "lines.item": Expandable("item_id", "item", "items:read", within="lines"),
    },
    ExpenseOut: {
        "supplier": Expandable("supplier_id", "party", "parties:read"),
    },
    PurchaseOrderOut: {
        "supplier": Expandable("supplier_id", "party", "parties:read"),
        "lines.item": Expandable("item_id", "item", "items:read", within="lines"),
    },
    SupplierPaymentOut: {
        "supplier": Expandable("supplier_id", "party", "parties:read"),
        "allocations.bill": Expandable("bill_id", "bill", "bills:read", within="allocations"),
    },
    SupplierCreditNoteOut: {
        "supplier": Expandable("supplier_id", "party", "parties:read"),
        "bill": Expandable("bill_id", "bill", "bills:read"),
    },
}


def _refused(message: str, code: str = "unknown_expansion") -> InvalidRequest:
    return InvalidRequest(message, param="expand", code=code, details=[FieldIssue("expand", message)])


@dataclass(frozen=True)
class Expansion:
    """The expansions a request asked for, checked; applies them to the route's answer."""

    model: type[BaseModel]
    paths: tuple[str, ...]
    tenant_id: str

    def one(self, response: Response, body: Any) -> Any:
        """The answer of a GET of one object: `body` as it was without `expand`, else with the objects inlined
        (the headers the route set, such as the ETag, kept)."""
        if not self.paths:
            return body
        expanded = self._apply([self._plain(body)])[0]
        headers = {name: value for name, value in response.headers.items() if name.lower() != "content-length"}
        return JSONResponse(expanded, status_code=response.status_code or 200, headers=headers)

    def page(self, body: dict[str, Any]) -> Any:
        """The answer of a list: the envelope with every item's references inlined, all read at once."""
        if not self.paths:
            return body
        plain = jsonable_encoder({**body, "data": []})
        plain["data"] = self._apply([self._plain(item) for item in body["data"]])
        return JSONResponse(plain)

    def _plain(self, item: Any) -> dict[str, Any]:
        if isinstance(item, dict):
            return item
        if isinstance(item, BaseModel):
            return item.model_dump(mode="json", by_alias=True)
        return self.model.model_validate(item).model_dump(mode="json", by_alias=True)

    def _apply(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        from ledgerline.services import expansions  # deferred: only a request with `expand` reads more

        chosen = [EXPANDABLE[self.model][path] for path in self.paths]
        wanted = [(e.kind, ref) for item in items if item.get("object") is not None
                  for e in chosen for ref in _references(item, e)]
        found = expansions.read(self.tenant_id, wanted)
        for item in items:
            if item.get("deleted") is True:  # a tombstone of `updated_since`
                continue
            for e in chosen:
                for holder in ([item] if e.within is None else item.get(e.within) or []):
                    ref = holder.get(e.id_field)
                    holder[e.into] = found.get((e.kind, ref)) if isinstance(ref, str) else None
        return items


def _references(item: dict[str, Any], e: Expandable) -> list[str]:
    holders = [item] if e.within is None else item.get(e.within) or []
    return [ref for holder in holders if isinstance(ref := holder.get(e.id_field), str)]


class Expand:
    """The dependency of a route whose response model may expand: `Depends(Expand(InvoiceOut))`."""

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model
        self.expandable = EXPANDABLE[model]
        # the `expand` parameter documents what this route expands (FastAPI reads the instance's signature)
        signature = inspect.signature(type(self).__call__)
        parameters = [p for name, p in signature.parameters.items() if name != "self"]
        parameters[0] = parameters[0].replace(default=Query([], description=(
            "Referenced objects to inline, comma-separated or repeated (`expand[]=` is taken too): "
            + ", ".join(f"`{path}` (needs `{e.scope}`)" for path, e in self.expandable.items()))))
        self.__signature__ = signature.replace(parameters=parameters)

    def description(self) -> str:
        return ("\n\n**Expand** (`expand=a,b` or repeated `expand[]=a`): " + ", ".join(
            f"`{path}` (needs `{e.scope}`)" for path, e in self.expandable.items())
            + ". The objects are inlined as their own route shows them, next to the id (`customer_id` stays, "
              "`customer` is added); an id that names no object is `null`.")

    def openapi_extra(self) -> dict[str, Any]:
        return {"x-ledgerline-expand": {path: {"kind": e.kind, "scope": e.scope}
                                        for path, e in self.expandable.items()}}

    def __call__(
        self,
        expand: list[str] = Query([], description="Referenced objects to inline, comma-separated or repeated; "
                                                  "`expand[]=` is taken too"),
        # `expand[]` (array form) is accepted but not a second documented parameter: generated clients would
        # name both `expand`.
        expand_list: list[str] = Query([], alias="expand[]", include_in_schema=False),
        principal: Principal = Depends(current_principal),
    ) -> Expansion:
        paths = tuple(dict.fromkeys(part.strip() for raw in [*expand, *expand_list] for part in raw.split(",")
                                    if part.strip()))
        for path in paths:
            if len(path.split(".")) > MAX_LEVELS:
                raise _refused(f"'{path}': expansions are at most {MAX_LEVELS} levels deep",
                               code="expansion_too_deep")
            if path not in self.expandable:
                raise _refused(f"cannot expand '{path}'; this route expands: {', '.join(self.expandable)}")
            scope = self.expandable[path].scope
            if not grants(principal.scopes, scope):
                raise Forbidden(f"Expanding '{path}' needs the '{scope}' scope, which this API key lacks",
                                param=scope)
        return Expansion(self.model, paths, principal.tenant_id)
