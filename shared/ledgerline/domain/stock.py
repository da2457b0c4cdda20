"""Inventory (issue 19), pure: which accounts a stock-managed item may name, and the moving weighted average.

Valuation rule (moving weighted average, exact Decimal):

- A level is a quantity on hand and a value in the base currency at its minor units (cents). The value is
  the sum of the amounts posted to the inventory account for that item and location, so the inventory
  account always equals the sum of the levels' values.
- Stock received adds its cost (quantity × unit cost, rounded half-up to the minor unit) to the value.
- Stock taken out costs value × taken / on hand, rounded half-up to the minor unit; taking out everything
  costs the whole value, so no residue is ever left on an empty level.
- The average cost shown is value / quantity to 6 decimals (half-up); it is never stored, so it cannot drift.

FIFO is not offered: `COSTING_METHODS` holds only `moving_average`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ledgerline.domain.accounts import AccountType
from ledgerline.domain.errors import Conflict, FieldIssue
from ledgerline.domain.journal import JournalLine, assert_balanced

COSTING_METHODS = ("moving_average",)
ZERO = Decimal(0)
COST_PLACES = Decimal("0.000001")


def account_issues(*, inventory: tuple[str, str] | None, cogs: tuple[str, str] | None) -> list[FieldIssue]:
    """What is wrong with an item's stock accounts, each given as (account type, subtype) when named: the
    inventory account must be an asset, the cost-of-goods-sold account an expense."""
    issues: list[FieldIssue] = []
    if inventory is not None and inventory[0] != AccountType.ASSET:
        issues.append(FieldIssue("inventory_account_id", f"must be an asset account, not {inventory[0]}"))
    if cogs is not None and cogs[0] != AccountType.EXPENSE:
        issues.append(FieldIssue("cogs_account_id", f"must be an expense account, not {cogs[0]}"))
    return issues


def to_minor(amount: Decimal, minor_units: int = 2) -> Decimal:
    return amount.quantize(Decimal(1).scaleb(-minor_units), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Level:
    """Stock of one item at one location: on hand and its value (base currency, minor units)."""

    quantity: Decimal = ZERO
    value: Decimal = ZERO

    @property
    def average_cost(self) -> Decimal | None:
        """Value per unit to 6 decimals; None when nothing is on hand."""
        if self.quantity <= 0:
            return None
        return (self.value / self.quantity).quantize(COST_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Move:
    """What one movement did to a level: the quantity and value it added (negative when taken out), and the
    level after it (the running quantity and value a movement keeps)."""

    quantity: Decimal
    value: Decimal
    after: Level


class InsufficientStock(Conflict):
    code = "insufficient_stock"

    def __init__(self, *, item_id: str, location_id: str, on_hand: Decimal, requested: Decimal) -> None:
        super().__init__(f"Not enough stock of item {item_id} at location {location_id}: {on_hand} on hand, "
                         f"{requested} requested", param="quantity")
        self.item_id, self.location_id, self.on_hand, self.requested = item_id, location_id, on_hand, requested


def receive(level: Level, quantity: Decimal, unit_cost: Decimal, *, minor_units: int = 2) -> Move:
    """`quantity` (> 0) arrives at `unit_cost` each: its cost, rounded to the minor unit, joins the value."""
    if quantity <= 0:
        raise ValueError("a receipt adds a positive quantity")
    value = to_minor(quantity * unit_cost, minor_units)
    return Move(quantity, value, Level(level.quantity + quantity, level.value + value))


def receive_value(level: Level, quantity: Decimal, value: Decimal) -> Move:
    """`quantity` (> 0) arrives with a known value (a bill line's net in the base currency, issue 19)."""
    if quantity <= 0:
        raise ValueError("a receipt adds a positive quantity")
    if value < 0:
        raise ValueError("stock cannot arrive at a negative value")
    return Move(quantity, value, Level(level.quantity + quantity, level.value + value))


class StockConsumed(Conflict):
    code = "stock_consumed"

    def __init__(self, *, item_id: str, location_id: str, on_hand: Decimal, value: Decimal, quantity: Decimal,
                 received_value: Decimal) -> None:
        super().__init__(f"The stock of item {item_id} at location {location_id} that this document received "
                         f"({quantity} worth {received_value}) has been taken out since ({on_hand} on hand worth "
                         f"{value}): put it back (an adjustment) before voiding", param="lines")
        self.item_id, self.location_id, self.on_hand, self.requested = item_id, location_id, on_hand, quantity


def give_back(level: Level, quantity: Decimal, value: Decimal, *, item_id: str, location_id: str) -> Move:
    """Undo a receipt (a voided bill): take out exactly the `quantity` and `value` it added, so the reversed
    journal entry and the level agree to the cent. Refused (409 `stock_consumed`) when the level no longer
    holds them: fewer units on hand, a value that would fall below zero, or a value left on no units."""
    after = Level(level.quantity - quantity, level.value - value)
    if after.quantity < 0 or after.value < 0 or (after.quantity == 0 and after.value != 0):
        raise StockConsumed(item_id=item_id, location_id=location_id, on_hand=level.quantity, value=level.value,
                            quantity=quantity, received_value=value)
    return Move(-quantity, -value, after)


def put_back(level: Level, quantity: Decimal, fallback_unit_cost: Decimal | None, *, minor_units: int = 2) -> Move:
    """Returned goods (a credit note with `restock`, issue 19): `quantity` (> 0) comes back at the level's current
    average cost (value × quantity / on hand, rounded half-up), so the average does not move; with nothing on
    hand there is no average, and the item's purchase price (`fallback_unit_cost`) is taken. Neither: ValueError."""
    if quantity <= 0:
        raise ValueError("a return adds a positive quantity")
    if level.quantity > 0:
        value = to_minor(level.value * quantity / level.quantity, minor_units)
    elif fallback_unit_cost is not None:
        value = to_minor(quantity * fallback_unit_cost, minor_units)
    else:
        raise ValueError("no average cost and no purchase price")
    return Move(quantity, value, Level(level.quantity + quantity, level.value + value))


def return_issue(sold: dict[str, Decimal], returned_before: dict[str, Decimal],
                 lines: list[tuple[str | None, Decimal]]) -> tuple[int, str] | None:
    """Returns capped at what was sold (issue 19): `lines` (item id, quantity) of a restocking credit note, in
    order; an item may come back up to what the invoice sold of it (`sold`) less what earlier notes brought back
    (`returned_before`). The first line that goes over: (its index, why); else None."""
    running = dict(returned_before)
    for index, (item_id, quantity) in enumerate(lines):
        if item_id is None or item_id not in sold:
            continue
        running[item_id] = running.get(item_id, ZERO) + quantity
        if running[item_id] > sold[item_id]:
            before = returned_before.get(item_id, ZERO)
            return index, (f"more of item {item_id} comes back than the invoice sold: {sold[item_id].normalize():f} "
                           f"sold, {before.normalize():f} returned before, "
                           f"{(running[item_id] - before).normalize():f} on this credit note")
    return None


def supplier_return_issue(received: dict[str, Decimal], returned_before: dict[str, Decimal],
                          lines: list[tuple[str | None, Decimal]]) -> tuple[int, str] | None:
    """Goods sent back to the supplier capped at what the bill put in (issue 19): `lines` (item id, quantity; None
    for a line that moves no stock) of a supplier credit note, in order; an item may go back up to what the bill
    received of it (`received`; an item it did not put in: nothing) less what earlier notes sent back
    (`returned_before`). The first line that goes over: (its index, why); else None."""
    running = dict(returned_before)
    for index, (item_id, quantity) in enumerate(lines):
        if item_id is None:
            continue
        running[item_id] = running.get(item_id, ZERO) + quantity
        limit = received.get(item_id, ZERO)
        if running[item_id] > limit:
            before = returned_before.get(item_id, ZERO)
            return index, (f"more of item {item_id} goes back than the bill put into stock: {limit.normalize():f} "
                           f"received, {before.normalize():f} returned before, "
                           f"{(running[item_id] - before).normalize():f} on this credit note")
    return None


def split_return(rooms: list[Decimal], quantity: Decimal) -> list[Decimal]:
    """How a supplier return of `quantity` is shared among the bill's receipts of the item (issue 19), given what
    each may still send back (`rooms`, in order): filled in order, so goods go back out of the locations they came
    into. Returns the quantity taken from each receipt. More than the rooms hold: ValueError
    (`supplier_return_issue` refuses it first)."""
    taken: list[Decimal] = []
    left = quantity
    for room in rooms:
        part = max(ZERO, min(room, left))
        taken.append(part)
        left -= part
    if left > 0:
        raise ValueError("more goes back than the receipts hold")
    return taken


def restocked_of(stored: list[str] | None) -> dict[str, Decimal]:
    """An invoice's `restocked` ("<item id>=<decimal>" each) as a map."""
    return {item_id: Decimal(quantity) for item_id, quantity in (entry.rsplit("=", 1) for entry in stored or [])}


def restocked_list(returned: dict[str, Decimal]) -> list[str]:
    return [f"{item_id}={quantity.normalize():f}" for item_id, quantity in sorted(returned.items())]


def issue_cost(level: Level, quantity: Decimal, *, minor_units: int = 2) -> Decimal:
    """The cost of taking `quantity` out of `level` at its moving average (all of it: the whole value)."""
    if quantity == level.quantity:
        return level.value
    return to_minor(level.value * quantity / level.quantity, minor_units)


def take(level: Level, quantity: Decimal, *, item_id: str, location_id: str, minor_units: int = 2,
         allow_negative: bool = False, fallback_unit_cost: Decimal | None = None) -> Move:
    """`quantity` (> 0) leaves at the moving average cost; more than on hand is refused (409 naming the item,
    the location, what is on hand and what was asked) unless `allow_negative` (`negative_cost`)."""
    if quantity <= 0:
        raise ValueError("a take removes a positive quantity")
    if quantity > level.quantity:
        if not allow_negative:
            raise InsufficientStock(item_id=item_id, location_id=location_id, on_hand=level.quantity,
                                    requested=quantity)
        cost = negative_cost(level, quantity, fallback_unit_cost, minor_units=minor_units)
    else:
        cost = issue_cost(level, quantity, minor_units=minor_units)
    return Move(-quantity, -cost, Level(level.quantity - quantity, level.value - cost))


def negative_cost(level: Level, quantity: Decimal, fallback_unit_cost: Decimal | None, *,
                  minor_units: int = 2) -> Decimal:
    """Negative stock (tenant setting `allow_negative_stock`, issue 19): the cost of taking more than on hand.
    What is on hand leaves with its whole value; the units beyond it are costed at an estimate: the level's
    average while it has stock, the estimate its missing units already carry when it is below zero (value ×
    quantity / on hand, both negative), else the item's purchase price (none: zero). The estimate is corrected
    when stock arrives (`settle_arrival`)."""
    if level.quantity > 0:
        return level.value + to_minor(level.value * (quantity - level.quantity) / level.quantity, minor_units)
    if level.quantity < 0:
        return to_minor(level.value * quantity / level.quantity, minor_units)
    return to_minor(quantity * (fallback_unit_cost or ZERO), minor_units)


def settle_arrival(level: Level, move: Move, *, minor_units: int = 2) -> tuple[Move, Decimal]:
    """Stock arriving (`move`, computed as for a level at or above zero) on a level below zero: the units that
    fill the gap left at an estimate, now known to cost what arrived. The level after is valued as if they had:
    at or above zero, what is left of the arrival at its own unit cost (value × after / quantity, half-up; all
    of it gone: 0); still below zero, the missing units at their estimate. The difference (`correction`, what
    the inventory account holds beyond that value) goes from inventory to cost of goods sold (negative: back).
    Returns the movement as the level sees it and the correction; a level at or above zero: unchanged, 0."""
    if level.quantity >= 0:
        return move, ZERO
    after = move.after.quantity
    if after >= 0:
        value = to_minor(move.value * after / move.quantity, minor_units)
    else:
        value = to_minor(level.value * after / level.quantity, minor_units)
    correction = level.value + move.value - value
    return Move(move.quantity, value - level.value, Level(after, value)), correction


def correction_lines(*, cogs_account: str, inventory_account: str, correction: Decimal, currency: str,
                     description: str) -> list[JournalLine]:
    """A settled arrival's correction: positive debits COGS and credits inventory, negative the other way."""
    return cost_of_sales_lines([(cogs_account, inventory_account, correction)] if correction > 0 else [],
                               currency=currency, description=description) or (
        [JournalLine(inventory_account, -correction, ZERO, currency, -correction, description),
         JournalLine(cogs_account, ZERO, -correction, currency, -correction, description)]
        if correction < 0 else [])


def count(level: Level, counted: Decimal, unit_cost: Decimal | None, *, item_id: str, location_id: str,
          minor_units: int = 2) -> Move | None:
    """A count that found `counted` on hand: the difference moves in (at `unit_cost`, else the current
    average) or out (at the average); None when nothing differs. Stock found where none was and no cost is
    given has no value to take: the caller asks for `unit_cost`."""
    delta = counted - level.quantity
    if delta == 0:
        return None
    if delta < 0:
        return take(level, -delta, item_id=item_id, location_id=location_id, minor_units=minor_units)
    cost = unit_cost if unit_cost is not None else level.average_cost
    if cost is None:
        raise ValueError("unit_cost is needed for stock found where none was")
    return receive(level, delta, cost, minor_units=minor_units)


def adjustment_lines(*, inventory_account: str, offset_account: str, value: Decimal, currency: str,
                     description: str) -> list[JournalLine]:
    """An adjustment's value difference: stock added debits inventory and credits the offset (the adjustment
    expense, or equity for opening stock); stock removed the other way round. Nothing for a zero value."""
    if value == 0:
        return []
    amount = abs(value)
    debit, credit = (inventory_account, offset_account) if value > 0 else (offset_account, inventory_account)
    lines = [JournalLine(debit, amount, ZERO, currency, amount, description),
             JournalLine(credit, ZERO, amount, currency, amount, description)]
    assert_balanced(lines)
    return lines


def cost_of_sales_lines(legs: list[tuple[str, str, Decimal]], *, currency: str,
                        description: str) -> list[JournalLine]:
    """Goods delivered: each (COGS account, inventory account, cost) debits the first and credits the second;
    amounts of the same account are summed, zero costs leave no line."""
    debits: dict[str, Decimal] = {}
    credits: dict[str, Decimal] = {}
    for cogs, inventory, cost in legs:
        if cost:
            debits[cogs] = debits.get(cogs, ZERO) + cost
            credits[inventory] = credits.get(inventory, ZERO) + cost
    lines = [JournalLine(account, amount, ZERO, currency, amount, description) for account, amount in debits.items()]
    lines += [JournalLine(account, ZERO, amount, currency, amount, description) for account, amount in credits.items()]
    if lines:
        assert_balanced(lines)
    return lines


def committed(current: Decimal | None, change: Decimal) -> Decimal:
    """A reserved or incoming quantity after `change` (issue 19): never below zero (orders confirmed or sent
    before reservations existed release what they never reserved)."""
    return max(ZERO, (current or ZERO) + change)


def reserved_of(ordered: Decimal, delivered: Decimal | None, invoiced: Decimal | None) -> Decimal:
    """What a confirmed order line still reserves (issue 19): ordered less what left stock for it, that is the
    larger of what delivery notes delivered and what invoices invoiced (an invoice of delivered goods covers the
    same units as their note, so the two never add up). Never below zero."""
    return max(ZERO, ordered - max(delivered or ZERO, invoiced or ZERO))


def reservation_change(before: tuple[Decimal, Decimal | None, Decimal | None],
                       after: tuple[Decimal, Decimal | None, Decimal | None]) -> Decimal:
    """The change of an order line's reservation when its (ordered, delivered, invoiced) goes from `before` to
    `after` (negative: released). Delivering what was invoiced without a note, or invoicing what a note
    delivered, releases nothing more."""
    return reserved_of(*after) - reserved_of(*before)


STOCK_ISSUED_BY = ("delivery_note", "invoice")


def invoice_takes_stock(stock_issued_by: str | None) -> bool:
    """Which document takes sold goods out of stock (a tenant setting, issue 19): issued delivery notes (the
    default), or, for a tenant without deliveries, posted invoices. Never both, so no sale is counted twice."""
    return stock_issued_by == "invoice"


def available(on_hand: Decimal, reserved: Decimal | None) -> Decimal:
    """What can still be promised: on hand less reserved (negative when more is promised than held)."""
    return on_hand - (reserved or ZERO)


def below_reorder_level(before: Decimal, after: Decimal, reorder_level: Decimal | None) -> bool:
    """`stock.low` once, when a movement or a reservation takes AVAILABLE (on hand less reserved, `available`)
    from at or above `reorder_level` to below it."""
    return reorder_level is not None and after < reorder_level <= before


def valuation_as_of(levels: list[tuple[str, str, Decimal, Decimal]],
                    later: list[tuple[str, str, Decimal, Decimal]]) -> dict[tuple[str, str], Level]:
    """What each (item, location) held at the end of a day: its level now less the movements dated after that
    day (each as item, location, quantity, value)."""
    held = {(item, location): Level(quantity, value) for item, location, quantity, value in levels}
    for item, location, quantity, value in later:
        level = held.get((item, location), Level())
        held[(item, location)] = Level(level.quantity - quantity, level.value - value)
    return {key: level for key, level in held.items() if level.quantity != 0 or level.value != 0}
