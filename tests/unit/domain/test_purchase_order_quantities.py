"""The purchase order's life cycle and quantities, driven by Hypothesis (issue 15): no sequence of receipts,
bills and give-backs receives or bills a quantity twice, and a refused operation changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from ledgerline.domain.documents import purchase_order as rules
from ledgerline.domain.documents.base import InvalidState
from ledgerline.domain.documents.purchase_order import (
    BillBasis,
    BillingStatus,
    LineQuantities,
    PurchaseOrderState,
    PurchaseOrderStatus,
)
from ledgerline.domain.errors import LedgerlineError, ValidationFailed
from ledgerline.domain.events import EventType

quantities = st.decimals(min_value=Decimal("0.5"), max_value=Decimal("20"), places=1)
SETTINGS = settings(max_examples=80, stateful_step_count=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def order(*ordered: str, status: str = PurchaseOrderStatus.SENT.value) -> PurchaseOrderState:
    return PurchaseOrderState(status, tuple(LineQuantities(Decimal(q), Decimal(0), Decimal(0)) for q in ordered))


class PurchaseOrderMachine(RuleBasedStateMachine):
    """Send, receive some or all, bill by received or ordered, give bills back, cancel, in any order. The
    model keeps every receipt and every live bill: their sums are what the order says."""

    @initialize(ordered=st.lists(quantities, min_size=1, max_size=4))
    def draft(self, ordered: list[Decimal]) -> None:
        self.state = PurchaseOrderState(PurchaseOrderStatus.DRAFT.value,
                                        tuple(LineQuantities(q, Decimal(0), Decimal(0)) for q in ordered))
        self.receipts: list[tuple[Decimal, ...]] = []
        self.bills: list[tuple[Decimal, ...]] = []

    def attempt(self, operation):  # type: ignore[no-untyped-def]
        before = self.state
        try:
            return operation()
        except LedgerlineError:
            assert self.state == before
            return None

    @rule()
    def send(self) -> None:
        result = self.attempt(lambda: rules.send(self.state))
        if result is not None:
            assert result.event == EventType.PURCHASE_ORDER_SENT
            self.state = result.state

    @rule()
    def cancel(self) -> None:
        result = self.attempt(lambda: rules.cancel(self.state))
        if result is not None:
            assert not self.receipts and not self.bills
            self.state = result.state

    @rule(data=st.data())
    def receive_some(self, data: st.DataObject) -> None:
        wanted = [data.draw(st.none() | st.decimals(min_value=0, max_value=Decimal("25"), places=1))
                  for _ in self.state.lines]
        result = self.attempt(lambda: rules.receive(self.state, wanted))
        if result is not None:
            transition, taken = result
            assert all(t == (w or 0) for t, w in zip(taken, wanted, strict=True))
            self.state = transition.state
            self.receipts.append(taken)

    @rule()
    def receive_the_rest(self) -> None:
        result = self.attempt(lambda: rules.receive(self.state))
        if result is not None:
            transition, taken = result
            self.state = transition.state
            self.receipts.append(taken)
            assert transition.state.status in (PurchaseOrderStatus.RECEIVED, PurchaseOrderStatus.BILLED)

    @rule(basis=st.sampled_from(list(BillBasis)))
    def bill(self, basis: BillBasis) -> None:
        result = self.attempt(lambda: rules.bill(self.state, basis))
        if result is not None:
            transition, taken = result
            self.state = transition.state
            self.bills.append(taken)

    @precondition(lambda self: bool(self.bills))
    @rule(data=st.data())
    def give_a_bill_back(self, data: st.DataObject) -> None:
        taken = self.bills.pop(data.draw(st.integers(0, len(self.bills) - 1)))
        self.state = rules.give_back_billed(self.state, taken)

    @invariant()
    def never_twice(self) -> None:
        if not hasattr(self, "state"):
            return
        for index, line in enumerate(self.state.lines):
            received = sum((r[index] for r in self.receipts), Decimal(0))
            billed = sum((b[index] for b in self.bills), Decimal(0))
            assert line.received == received <= line.ordered
            assert line.billed == billed <= line.ordered
            assert line.received >= 0 and line.billed >= 0

    @invariant()
    def statuses_agree_with_quantities(self) -> None:
        if not hasattr(self, "state"):
            return
        lines = self.state.lines
        if self.state.status not in (PurchaseOrderStatus.DRAFT, PurchaseOrderStatus.CANCELLED):
            expected = (PurchaseOrderStatus.BILLED if all(line.billed == line.ordered for line in lines)
                        else PurchaseOrderStatus.RECEIVED if all(line.received == line.ordered for line in lines)
                        else PurchaseOrderStatus.PARTIALLY_RECEIVED if any(line.received for line in lines)
                        else PurchaseOrderStatus.SENT)
            assert self.state.status == expected
        expected_billing = (BillingStatus.BILLED if all(line.billed == line.ordered for line in lines)
                            else BillingStatus.PARTIALLY_BILLED if any(line.billed for line in lines)
                            else BillingStatus.NOT_BILLED)
        assert self.state.billing_status == expected_billing


TestPurchaseOrderMachine = PurchaseOrderMachine.TestCase
TestPurchaseOrderMachine.settings = SETTINGS


def test_receive_refuses_more_than_is_outstanding_naming_the_line():
    transition, taken = rules.receive(order("10", "2"), [Decimal(4), None])
    assert taken == (Decimal(4), Decimal(0)) and transition.state.status == PurchaseOrderStatus.PARTIALLY_RECEIVED
    with pytest.raises(ValidationFailed) as error:
        rules.receive(transition.state, [Decimal(7), None])
    assert error.value.param == "lines[0].quantity"
    rest, taken = rules.receive(transition.state)
    assert taken == (Decimal(6), Decimal(2)) and rest.state.status == PurchaseOrderStatus.RECEIVED
    with pytest.raises(InvalidState) as nothing:
        rules.receive(rest.state)
    assert nothing.value.code == "nothing_to_receive"


def test_bill_by_received_takes_only_what_is_received_and_not_billed():
    received, _ = rules.receive(order("10", "2"), [Decimal(4), Decimal(2)])
    billed, taken = rules.bill(received.state)
    assert taken == (Decimal(4), Decimal(2)) and billed.state.billing_status == BillingStatus.PARTIALLY_BILLED
    assert billed.event == EventType.PURCHASE_ORDER_BILLED
    with pytest.raises(InvalidState) as error:
        rules.bill(billed.state)
    assert error.value.code == "nothing_to_bill"
    rest, taken = rules.bill(billed.state, BillBasis.ORDERED)
    assert taken == (Decimal(6), Decimal(0)) and rest.state.status == PurchaseOrderStatus.BILLED


def test_a_bill_given_back_reopens_the_billed_status():
    received, _ = rules.receive(order("3"))
    billed, taken = rules.bill(received.state)
    assert billed.state.status == PurchaseOrderStatus.BILLED
    back = rules.give_back_billed(billed.state, taken)
    assert (back.status, back.billing_status) == (PurchaseOrderStatus.RECEIVED, BillingStatus.NOT_BILLED)


def test_a_draft_or_cancelled_order_receives_and_bills_nothing():
    for status in (PurchaseOrderStatus.DRAFT, PurchaseOrderStatus.CANCELLED):
        with pytest.raises(InvalidState):
            rules.receive(order("1", status=status.value))
        with pytest.raises(InvalidState):
            rules.bill(order("1", status=status.value), BillBasis.ORDERED)


def test_cancel_only_while_nothing_is_received_or_billed():
    assert rules.cancel(order("3")).state.status == PurchaseOrderStatus.CANCELLED
    assert rules.cancel(order("3", status="draft")).state.status == PurchaseOrderStatus.CANCELLED
    received, _ = rules.receive(order("3"), [Decimal(1)])
    with pytest.raises(InvalidState):
        rules.cancel(received.state)
    billed, _ = rules.bill(order("3"), BillBasis.ORDERED)
    with pytest.raises(InvalidState):
        rules.cancel(billed.state)


def test_bill_lines_carry_the_order_lines_at_the_quantities_taken():
    lines = [{"line": 1, "item_id": "itm_1", "description": "Paper", "unit_price": Decimal("24.50"),
              "account_id": "acc_6000", "tax_code_id": "tax_1", "quantity": Decimal(20)},
             {"line": 2, "item_id": None, "description": "Toner", "unit_price": Decimal(80),
              "account_id": "acc_6000", "tax_code_id": None, "quantity": Decimal(2)}]
    assert rules.bill_lines(lines, (Decimal(12), Decimal(0))) == [
        {"item_id": "itm_1", "description": "Paper", "unit_price": Decimal("24.50"), "account_id": "acc_6000",
         "tax_code_id": "tax_1", "quantity": Decimal(12), "purchase_order_line": 1}]
    with pytest.raises(InvalidState):
        rules.bill_lines(lines, (Decimal(1),))
