"""The document kind registry (issue 12): the lists derived from it are what the API serves."""

from __future__ import annotations

import re
from dataclasses import FrozenInstanceError, replace
from pathlib import Path

import pytest

from ledgerline.domain import scopes
from ledgerline.domain.kinds import BY_NAME, KINDS, SERIES, Direction, PartyRole, default_number_formats, number_format
from ledgerline.local import server
from ledgerline.local.template import PROJECT_ROOT

ROUTERS_PACKAGE = PROJECT_ROOT / "shared" / "ledgerline" / "api" / "routers"


def _required_resources() -> set[str]:
    """Every resource a route requires a scope of (`require("invoices:write")`)."""
    found = set()
    for path in ROUTERS_PACKAGE.glob("*.py"):
        found |= set(re.findall(r"""require\(["']([a-z-]+):(?:read|write)["']\)""", path.read_text()))
    return found


def test_the_registry_holds_the_kinds_that_exist():
    assert [kind.name for kind in KINDS] == ["invoice", "receipt", "credit_note", "journal_entry", "reminder", "refund",
                                         "recurring_invoice", "quote", "order", "delivery", "purchase_order",
                                         "bank_transaction", "bill", "expense", "supplier_payment",
                                         "supplier_credit_note", "payment_run"]
    assert len({kind.id_prefix for kind in KINDS}) == len(KINDS)
    assert len({kind.key_prefix for kind in KINDS}) == len(KINDS)
    assert BY_NAME["invoice"].party_role is PartyRole.CUSTOMER and BY_NAME["invoice"].direction is Direction.SALES
    assert BY_NAME["journal_entry"].party_role is PartyRole.NONE and not BY_NAME["reminder"].posts_to_ledger


def test_kinds_are_frozen_and_a_pdf_names_its_event():
    with pytest.raises(FrozenInstanceError):
        BY_NAME["invoice"].name = "quote"  # type: ignore[misc]
    with pytest.raises(ValueError, match="PDF"):
        replace(BY_NAME["receipt"], has_pdf=True)


def test_scope_resources_are_what_the_routes_require():
    assert set(scopes.RESOURCES) == _required_resources()
    assert {kind.scope_resource for kind in KINDS} <= set(scopes.RESOURCES)
    assert len(scopes.RESOURCES) == len(set(scopes.RESOURCES))


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_each_kind_is_served_by_its_router(kind):
    router = __import__(f"ledgerline.api.routers.{kind.router}", fromlist=["router"]).router
    assert router in server.ROUTERS
    assert any(route.path.startswith(kind.path) for route in router.routes)


def test_the_local_server_includes_every_router_once():
    modules = {path.stem for path in ROUTERS_PACKAGE.glob("*.py")} - {"__init__"}
    served = [__import__(f"ledgerline.api.routers.{name}", fromlist=["router"]).router for name in sorted(modules)]
    assert sorted(map(id, server.ROUTERS)) == sorted(map(id, served))


def test_the_break_it_sweeps_have_a_factory_for_every_kind():
    from tests.breakit.objects import FACTORIES

    assert {kind.path for kind in KINDS} <= set(FACTORIES)


def test_number_series_and_their_formats():
    assert {name: series.key for name, series in SERIES.items()} == {"invoice": "INV", "credit_note": "CN",
                                                                     "quote": "QUO", "order": "SO", "delivery": "DN",
                                                                     "purchase_order": "PO", "bill": "BILL"}
    assert default_number_formats() == {"invoice": "INV-{YYYY}-{SEQ:4}", "credit_note": "CN-{YYYY}-{SEQ:4}",
                                        "quote": "QUO-{YYYY}-{SEQ:4}", "order": "SO-{YYYY}-{SEQ:4}",
                                        "delivery": "DN-{YYYY}-{SEQ:4}",
                                        "purchase_order": "PO-{YYYY}-{SEQ:4}",
                                        "bill": "BILL-{YYYY}-{SEQ:4}"}
    assert SERIES["invoice"].format_field == "invoice_number_format"
    invoice = SERIES["invoice"]
    assert number_format({"invoice": "A-{SEQ}"}, invoice, "B-{SEQ}") == "A-{SEQ}"
    assert number_format(None, invoice, "B-{SEQ}") == "B-{SEQ}"
    assert number_format({}, invoice) == "INV-{YYYY}-{SEQ:4}"


def test_the_domain_stays_pure():
    for name in ("kinds.py", "events.py"):
        text = Path(PROJECT_ROOT / "shared" / "ledgerline" / "domain" / name).read_text()
        imports = re.findall(r"^from (ledgerline\.[\w.]+) import", text, re.M)
        assert all(module.startswith("ledgerline.domain") for module in imports), (name, imports)


def test_the_store_entities_use_the_registry_prefixes():
    from ledgerline.store.banking import BankTransaction
    from ledgerline.store.bills import Bill, Expense, SupplierCreditNote, SupplierPayment
    from ledgerline.store.documents import CreditNote, Invoice, Receipt
    from ledgerline.store.ledger import JournalEntry
    from ledgerline.store.payment_runs import PaymentRun
    from ledgerline.store.purchase_orders import PurchaseOrder
    from ledgerline.store.quotes import Quote
    from ledgerline.store.recurring_invoices import RecurringInvoice
    from ledgerline.store.refunds import Refund
    from ledgerline.store.reminders import Reminder
    from ledgerline.store.sales import Delivery, Order

    entities = {"invoice": Invoice, "credit_note": CreditNote, "receipt": Receipt, "journal_entry": JournalEntry,
                "refund": Refund, "reminder": Reminder, "recurring_invoice": RecurringInvoice, "quote": Quote,
                "order": Order, "delivery": Delivery, "purchase_order": PurchaseOrder,
                "bank_transaction": BankTransaction, "bill": Bill,
                "expense": Expense, "supplier_payment": SupplierPayment,
                "supplier_credit_note": SupplierCreditNote, "payment_run": PaymentRun}
    assert set(entities) == set(BY_NAME)
    assert {name: entity.PREFIX for name, entity in entities.items()} == {
        name: BY_NAME[name].key_prefix for name in entities}

