"""The sales order's life cycle and quantities, driven by Hypothesis (issue 14): no sequence of deliveries,
invoicings and give-backs delivers or invoices a quantity twice, and a refused operation changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from ledgerline.domain.documents import delivery as delivery_rules
from ledgerline.domain.documents import order as rules
from ledgerline.domain.documents.base import InvalidState
from ledgerline.domain.documents.order import InvoiceBasis, InvoicingStatus, LineQuantities, OrderState, OrderStatus
from ledgerline.domain.errors import LedgerlineError, ValidationFailed

quantities = st.decimals(min_value=Decimal("0.5"), max_value=Decimal("20"), places=1)
SETTINGS = settings(max_examples=80, stateful_step_count=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def order(*ordered: str, status: str = OrderStatus.CONFIRMED.value) -> OrderState:
    return OrderState(status, tuple(LineQuantities(Decimal(q), Decimal(0), Decimal(0)) for q in ordered))


class OrderMachine(RuleBasedStateMachine):
    """Confirm, deliver some or all, invoice by delivered or ordered, give invoices back, cancel, in any order.
    The model keeps every delivery and every live invoice: their sums are what the order says."""

    @initialize(ordered=st.lists(quantities, min_size=1, max_size=4))
    def draft(self, ordered: list[Decimal]) -> None:
        self.state = OrderState(OrderStatus.DRAFT.value,
                                tuple(LineQuantities(q, Decimal(0), Decimal(0)) for q in ordered))
        self.deliveries: list[tuple[Decimal, ...]] = []
        self.invoices: list[tuple[Decimal, ...]] = []

    def attempt(self, operation):  # type: ignore[no-untyped-def]
        before = self.state
        try:
            return operation()
        except LedgerlineError:
            assert self.state == before
            return None

    @rule()
    def confirm(self) -> None:
        result = self.attempt(lambda: rules.confirm(self.state))
        if result is not None:
            self.state = result.state

    @rule()
    def cancel(self) -> None:
        result = self.attempt(lambda: rules.cancel(self.state))
        if result is not None:
            assert not self.deliveries and not self.invoices
            self.state = result.state

    @rule(data=st.data())
    def deliver_some(self, data: st.DataObject) -> None:
        wanted = [data.draw(st.none() | st.decimals(min_value=0, max_value=Decimal("25"), places=1))
                  for _ in self.state.lines]
        result = self.attempt(lambda: rules.deliver(self.state, wanted))
        if result is not None:
            transition, taken = result
            assert all(t == (w or 0) for t, w in zip(taken, wanted, strict=True))
            self.state = transition.state
            self.deliveries.append(taken)

    @rule()
    def deliver_the_rest(self) -> None:
        result = self.attempt(lambda: rules.deliver(self.state))
        if result is not None:
            transition, taken = result
            self.state = transition.state
            self.deliveries.append(taken)
            assert transition.state.status == OrderStatus.DELIVERED

    @rule(basis=st.sampled_from(list(InvoiceBasis)))
    def invoice(self, basis: InvoiceBasis) -> None:
        result = self.attempt(lambda: rules.invoice(self.state, basis))
        if result is not None:
            transition, taken = result
            self.state = transition.state
            self.invoices.append(taken)

    @precondition(lambda self: bool(self.invoices))
    @rule(data=st.data())
    def give_an_invoice_back(self, data: st.DataObject) -> None:
        taken = self.invoices.pop(data.draw(st.integers(0, len(self.invoices) - 1)))
        self.state = rules.give_back_invoiced(self.state, taken)

    @invariant()
    def never_twice(self) -> None:
        if not hasattr(self, "state"):
            return
        for index, line in enumerate(self.state.lines):
            delivered = sum((d[index] for d in self.deliveries), Decimal(0))
            invoiced = sum((i[index] for i in self.invoices), Decimal(0))
            assert line.delivered == delivered <= line.ordered
            assert line.invoiced == invoiced <= line.ordered
            assert line.delivered >= 0 and line.invoiced >= 0

    @invariant()
    def statuses_agree_with_quantities(self) -> None:
        if not hasattr(self, "state"):
            return
        lines = self.state.lines
        if self.state.status not in (OrderStatus.DRAFT, OrderStatus.CANCELLED):
            assert self.state.status == rules.fulfilment_status(lines)
        expected = (InvoicingStatus.INVOICED if all(line.invoiced == line.ordered for line in lines)
                    else InvoicingStatus.PARTIALLY_INVOICED if any(line.invoiced for line in lines)
                    else InvoicingStatus.NOT_INVOICED)
        assert self.state.invoicing_status == expected


TestOrderMachine = OrderMachine.TestCase
TestOrderMachine.settings = SETTINGS


def test_deliver_refuses_more_than_is_left_naming_the_line():
    transition, taken = rules.deliver(order("10", "2"), [Decimal(4), None])
    assert taken == (Decimal(4), Decimal(0)) and transition.state.status == OrderStatus.PARTIALLY_DELIVERED
    with pytest.raises(ValidationFailed) as error:
        rules.deliver(transition.state, [Decimal(7), None])
    assert error.value.param == "lines[0].quantity"


def test_invoice_by_delivered_takes_only_what_is_delivered_and_not_invoiced():
    delivered, _ = rules.deliver(order("10", "2"), [Decimal(4), Decimal(2)])
    invoiced, taken = rules.invoice(delivered.state)
    assert taken == (Decimal(4), Decimal(2)) and invoiced.state.invoicing_status == InvoicingStatus.PARTIALLY_INVOICED
    with pytest.raises(InvalidState) as error:
        rules.invoice(invoiced.state)
    assert error.value.code == "nothing_to_invoice"
    rest, taken = rules.invoice(invoiced.state, InvoiceBasis.ORDERED)
    assert taken == (Decimal(6), Decimal(0)) and rest.state.invoicing_status == InvoicingStatus.INVOICED


def test_a_draft_or_cancelled_order_delivers_and_invoices_nothing():
    for status in (OrderStatus.DRAFT, OrderStatus.CANCELLED):
        with pytest.raises(InvalidState):
            rules.deliver(order("1", status=status.value))
        with pytest.raises(InvalidState):
            rules.invoice(order("1", status=status.value), InvoiceBasis.ORDERED)


def test_cancel_only_while_nothing_is_delivered_or_invoiced():
    assert rules.cancel(order("3")).state.status == OrderStatus.CANCELLED
    delivered, _ = rules.deliver(order("3"), [Decimal(1)])
    with pytest.raises(InvalidState):
        rules.cancel(delivered.state)
    invoiced, _ = rules.invoice(order("3"), InvoiceBasis.ORDERED)
    with pytest.raises(InvalidState):
        rules.cancel(invoiced.state)


def test_delivery_note_life_cycle():
    assert delivery_rules.issue("draft").state == "issued"
    assert delivery_rules.mark_delivered("issued").state == "delivered"
    for status, step in (("issued", delivery_rules.issue), ("draft", delivery_rules.mark_delivered),
                         ("delivered", delivery_rules.mark_delivered)):
        with pytest.raises(InvalidState):
            step(status)
