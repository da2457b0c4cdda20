"""Expand (issue 20): the objects a response references, read for the API layer to inline (api/expand.py).

One unit of work and one prefetch (one BatchGetItem) for every reference of a response; each object shown as
its own route shows it. Keys are built from the caller's tenant, so another tenant's id is simply not found
(the reference stays an id): an expansion never reaches another tenant's object.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ledgerline.clock import utc_now
from ledgerline.schemas.bills import BillOut
from ledgerline.schemas.common import read_at
from ledgerline.schemas.documents import InvoiceOut
from ledgerline.schemas.items import ItemOut
from ledgerline.schemas.orders import OrderOut
from ledgerline.schemas.parties import PartyOut
from ledgerline.services.master_data import _present
from ledgerline.store.bills import Bill
from ledgerline.store.documents import Invoice
from ledgerline.store.items import Item
from ledgerline.store.parties import Party
from ledgerline.store.sales import Order
from ledgerline.store.unit_of_work import open_unit

# The kinds an expansion may inline: the stored model and the representation its own route answers with.
KINDS: dict[str, tuple[Any, Any]] = {
    "party": (Party, PartyOut),
    "item": (Item, ItemOut),
    "invoice": (Invoice, InvoiceOut),
    "order": (Order, OrderOut),
    "bill": (Bill, BillOut),
}


def read(tenant_id: str, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """The tenant's objects named by (kind, id), as the API shows them; ids not found are left out."""
    references = list(dict.fromkeys(wanted))
    if not references:
        return {}
    uow = open_unit(tenant_id)
    uow.prefetch([(KINDS[kind][0], record_id) for kind, record_id in references])
    now, found = utc_now(), {}
    for kind, record_id in references:
        model, schema = KINDS[kind]
        record = uow.find(model, record_id)
        if record is None:
            continue
        _present([record], lambda: uow.tenant().base_currency)  # an item's prices at the currency's minor units
        found[(kind, record_id)] = schema.model_validate(record, context=read_at(now)).model_dump(mode="json")
    return found
