"""Stock driven by Hypothesis on the in-memory unit of work (issue 19): whatever opening stock, receipts at a
cost, posted and voided supplier bills, deliveries with returns on credit notes, takes, counts and transfers
run, in any order, at two locations and for two items, with negative stock allowed or not and goods taken out by
delivery notes or by invoices (issue 19, part S), bills naming a location per line and supplier returns capped at
what their bill put in (part S2), on hand is never negative unless allowed, each level equals the sum
of its movements (quantity and value), each movement's running figures are its level's after it, the
inventory account equals the sum of the levels' values, and every refused take asked for more than was on
hand and changed nothing."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from decimal import Decimal as D

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from ledgerline.domain.documents import InvalidState
from ledgerline.domain.errors import Conflict, ValidationFailed
from ledgerline.domain.stock import InsufficientStock, StockConsumed
from ledgerline.services import (
    bills,
    credit_notes,
    deliveries,
    invoices,
    master_data,
    stock,
    supplier_credit_notes,
    tenants,
)
from ledgerline.store.parties import Party
from ledgerline.store.stock import StockLevel, StockMovement
from ledgerline.store.unit_of_work import using
from tests.unit.services.conftest import fresh_books

quantities = st.decimals(min_value=D("0.5"), max_value=D("40"), places=1)
costs = st.decimals(min_value=D("0"), max_value=D("99.99"), places=2)


class StockMachine(RuleBasedStateMachine):
    @initialize()
    def books_with_stock(self) -> None:
        self.context = fresh_books()
        self.books = self.context.__enter__()
        self.using = using(self.books.table.unit)
        self.using.__enter__()
        tenant = self.books.tenant_id
        self.items = [master_data.create("item", tenant, {"code": code, "name": code, "track_stock": True}).id
                      for code in ("A", "B")]
        self.locations = [stock.create_location(tenant, {"name": name})["id"] for name in ("Main", "Shop")]
        now = datetime(2026, 1, 5, tzinfo=UTC)
        self.books.table.put(Party(id="pty_s", tenant_id=tenant, name="Supplier", kind="supplier", archived=False,
                                   created_at=now, updated_at=now))
        self.bills: list[str] = []
        self.received: dict[str, dict[str, D]] = {}  # part S2: per bill, what it put in and what went back
        self.sent_back: dict[str, dict[str, D]] = {}
        self.references = itertools.count()
        self.negative_allowed = False  # issue 19 (part S): once allowed, levels may have gone below zero

    @rule(allowed=st.booleans())
    def allow_negative_stock(self, allowed: bool) -> None:
        tenants.update_tenant(self.books.tenant_id, {"allow_negative_stock": allowed}, None)
        self.negative_allowed = self.negative_allowed or allowed

    @rule(by=st.sampled_from(["delivery_note", "invoice"]))
    def stock_issued_by(self, by: str) -> None:
        """Which document takes sold goods out: delivery notes, or (a tenant without deliveries) invoices."""
        tenants.update_tenant(self.books.tenant_id, {"stock_issued_by": by}, None)

    def teardown(self) -> None:
        if hasattr(self, "using"):
            self.using.__exit__(None, None, None)
            self.context.__exit__(None, None, None)

    def level(self, item: str, location: str) -> tuple[D, D]:
        found = self.books.table.get(StockLevel, *StockLevel.key(self.books.tenant_id,
                                                                 StockLevel.id_of(item, location)))
        return (D(0), D(0)) if found is None else (found.quantity, found.value)

    def refused_unchanged(self, action, item: str, location: str, wanted: D) -> None:  # noqa: ANN001
        before = (self.books.table.transactions, self.level(item, location))
        try:
            action()
        except InsufficientStock as refused:
            assert refused.requested == wanted and refused.on_hand < wanted
            assert (self.books.table.transactions, self.level(item, location)) == before

    @rule(item=st.integers(0, 1), location=st.integers(0, 1), quantity=quantities, cost=costs)
    def receive(self, item: int, location: int, quantity: D, cost: D) -> None:
        stock.create_adjustment(self.books.tenant_id, {
            "item_id": self.items[item], "location_id": self.locations[location], "reason": "other",
            "quantity": quantity, "unit_cost": cost})

    @rule(item=st.integers(0, 1), location=st.integers(0, 1), quantity=quantities)
    def take(self, item: int, location: int, quantity: D) -> None:
        self.refused_unchanged(lambda: stock.create_adjustment(self.books.tenant_id, {
            "item_id": self.items[item], "location_id": self.locations[location], "reason": "damage",
            "quantity": -quantity}), self.items[item], self.locations[location], quantity)

    @rule(item=st.integers(0, 1), location=st.integers(0, 1), counted=st.decimals(min_value=D(0), max_value=D(60),
                                                                                  places=1), cost=costs)
    def count(self, item: int, location: int, counted: D, cost: D) -> None:
        stock.create_adjustment(self.books.tenant_id, {
            "item_id": self.items[item], "location_id": self.locations[location], "reason": "count",
            "counted_quantity": counted, "unit_cost": cost})

    @rule(item=st.integers(0, 1), source=st.integers(0, 1), quantity=quantities)
    def transfer(self, item: int, source: int, quantity: D) -> None:
        self.refused_unchanged(lambda: stock.create_transfer(self.books.tenant_id, {
            "item_id": self.items[item], "from_location_id": self.locations[source],
            "to_location_id": self.locations[1 - source], "quantity": quantity}),
            self.items[item], self.locations[source], quantity)

    @rule(item=st.integers(0, 1), quantity=quantities, price=costs, freight=st.booleans(),
          location=st.sampled_from([None, 0, 1]))
    def bill(self, item: int, quantity: D, price: D, freight: bool, location: int | None) -> None:
        """A posted bill puts the item into the line's location (part S2; none: the default, Main) at its net."""
        lines = [{"item_id": self.items[item], "quantity": quantity, "unit_price": price,
                  "account_id": self.books.accounts["6000"],
                  "location_id": None if location is None else self.locations[location]}]
        if freight:
            lines.append({"description": "Freight", "quantity": D(1), "unit_price": D("7.50"),
                          "account_id": self.books.accounts["6000"]})
        draft = bills.create_draft(self.books.tenant_id, {"supplier_id": "pty_s", "lines": lines,
                                                          "supplier_reference": f"R-{next(self.references)}"})
        self.bills.append(bills.post(self.books.tenant_id, draft["id"])["id"])
        self.received[self.bills[-1]] = {self.items[item]: quantity}
        self.sent_back[self.bills[-1]] = {}

    @rule(data=st.data())
    def void_bill(self, data: st.DataObject) -> None:
        """Voiding gives back exactly what the bill put in, or is refused (stock consumed) and changes nothing."""
        if not self.bills:
            return
        bill_id = self.bills.pop(data.draw(st.integers(0, len(self.bills) - 1)))
        before = (self.books.table.transactions, self.books.balances())
        try:
            bills.void(self.books.tenant_id, bill_id, None)
        except (StockConsumed, InvalidState):  # stock taken out since; or a bill of 0.00, paid at once
            assert (self.books.table.transactions, self.books.balances()) == before

    @rule(data=st.data(), item=st.integers(0, 1), quantity=quantities, price=costs)
    def return_to_supplier(self, data: st.DataObject, item: int, quantity: D, price: D) -> None:
        """A supplier credit note on a posted bill sends goods back out of where the bill put them at their
        average cost (part S), at most what the bill put in less earlier returns (part S2), or is refused (over
        that: 422 naming the line; not enough on hand; the bill not creditable) and changes nothing."""
        if not self.bills:
            return
        bill_id = data.draw(st.sampled_from(self.bills))
        item_id = self.items[item]
        room = self.received[bill_id].get(item_id, D(0)) - self.sent_back[bill_id].get(item_id, D(0))
        before = (self.books.table.transactions, self.books.balances())
        try:
            supplier_credit_notes.create(self.books.tenant_id, {"bill_id": bill_id, "lines": [
                {"item_id": item_id, "quantity": quantity, "unit_price": price,
                 "account_id": self.books.accounts["6000"]}]})
        except (Conflict, ValidationFailed) as refused:
            assert (self.books.table.transactions, self.books.balances()) == before
            if quantity > room and isinstance(refused, ValidationFailed):  # (a bill not creditable: a 409 first)
                assert refused.param == "lines[0].quantity"
            return
        assert quantity <= room  # never more than the bill put in
        self.sent_back[bill_id][item_id] = self.sent_back[bill_id].get(item_id, D(0)) + quantity

    @rule(item=st.integers(0, 1), quantity=quantities, back=st.sampled_from([D("0.5"), D(1)]))
    def deliver_and_take_back(self, item: int, quantity: D, back: D) -> None:
        """A delivery note from Main (stock out at the average, COGS), its invoice, and a credit note with
        `restock` putting part of it back at the average cost of the moment."""
        tenant, item_id = self.books.tenant_id, self.items[item]
        note = deliveries.create_direct(tenant, {"customer_id": self.books.customer_id, "lines": [
            {"item_id": item_id, "quantity": quantity}]})
        before = (self.books.table.transactions, self.level(item_id, self.locations[0]))
        try:
            deliveries.issue(tenant, note["id"])
        except InsufficientStock:
            assert (self.books.table.transactions, self.level(item_id, self.locations[0])) == before
            return
        draft = invoices.create_draft(tenant, {"customer_id": self.books.customer_id, "lines": [
            {"item_id": item_id, "quantity": quantity, "unit_price": D(50),
             "account_id": self.books.accounts["4000"]}]})
        before = (self.books.table.transactions, self.level(item_id, self.locations[0]))
        try:  # a tenant selling on invoices: the invoice takes the stock (the note took none)
            invoice = invoices.post(tenant, draft["id"])
        except InsufficientStock:
            assert (self.books.table.transactions, self.level(item_id, self.locations[0])) == before
            return
        returned = (quantity * back).quantize(D("0.1"))
        if returned > 0:
            try:
                credit_notes.create(tenant, {"invoice_id": invoice["id"], "restock": True, "lines": [
                    {"item_id": item_id, "quantity": returned, "unit_price": D(50),
                     "account_id": self.books.accounts["4000"]}]})
            except ValidationFailed as refused:  # nothing on hand and no purchase price: no cost to put back at
                assert refused.param == "restock"

    def movements(self) -> list[StockMovement]:
        partition = f"T#{self.books.tenant_id}#STOCKMOVES"
        found = [StockMovement.from_raw_data(data) for data in self.books.table.items.values()
                 if data.get("GSI1PK", {}).get("S") == partition]
        return sorted(found, key=lambda m: (m.created_at, m.sequence))

    @invariant()
    def levels_are_their_movements_and_the_ledger_holds_their_value(self) -> None:
        if not hasattr(self, "books"):
            return
        total = D(0)
        movements = self.movements()
        for item in self.items:
            for location in self.locations:
                quantity, value = self.level(item, location)
                if not self.negative_allowed:
                    assert quantity >= 0 and value >= 0
                if quantity == 0:
                    assert value == 0
                own = [m for m in movements if (m.item_id, m.location_id) == (item, location)]
                assert (sum((m.quantity for m in own), D(0)), sum((m.value for m in own), D(0))) == (quantity, value)
                if own:
                    assert (own[-1].quantity_after, own[-1].value_after) == (quantity, value)
                total += value
        assert self.books.balances().get("1200", D(0)) == total


StockMachine.TestCase.settings = settings(max_examples=30, stateful_step_count=15, deadline=None,
                                          suppress_health_check=[HealthCheck.too_slow])
TestStock = StockMachine.TestCase
