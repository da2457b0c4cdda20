"""Which of an order's positions its invoices carry (domain/documents/order_positions.py): any split of the
ordered quantities into invoices charges each fixed-amount discount exactly once, on an invoice that has an
item of its scope, and each percent discount on every invoice that has one."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ledgerline.domain.documents.order_positions import fixed_amounts_due, invoiced_positions, items_of


@st.composite
def trees(draw, depth=0, counter=None):
    counter = counter if counter is not None else [0, 0]  # item lines, discount ids
    tree = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["item", "item", "text", "discount", "group"] if depth < 2 else ["item", "text"]))
        if kind == "item":
            tree.append({"type": "item", "line": counter[0]})
            counter[0] += 1
        elif kind == "group":
            tree.append({"type": "group", "title": "G", "positions": draw(trees(depth + 1, counter))})
        elif kind == "discount":
            fixed = draw(st.booleans())
            counter[1] += 1  # unique: two equal discounts in two groups would count as one another below
            tree.append({"type": "discount", "percent": None if fixed else "5", "amount": "1" if fixed else None,
                         "applies_to": draw(st.sampled_from(["above", "all"])), "id": counter[1]})
        else:
            tree.append({"type": "text", "text": "t"})
    return tree


def discounts(tree, path=()):
    for index, position in enumerate(tree):
        if position["type"] == "discount":
            scope = items_of(tree[:index]) if position["applies_to"] == "above" else items_of(tree)
            yield (*path, index), position, scope
        elif position["type"] == "group":
            yield from discounts(position["positions"], (*path, index))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.large_base_example])
@given(data=st.data(), tree=trees())
def test_any_split_charges_fixed_discounts_once_and_percents_on_every_invoice_with_their_items(data, tree):
    lines = len(items_of(tree))
    assume(lines > 0)
    ordered = [D(data.draw(st.integers(1, 3))) for _ in range(lines)]
    invoiced = [D(0)] * lines
    carried = []
    fixed_charged = 0
    while invoiced != ordered:
        taken = [D(data.draw(st.integers(0, int(o - i)))) for o, i in zip(ordered, invoiced, strict=True)]
        if not any(taken):  # an invoice takes something: the first line not invoiced in full, then
            first = next(i for i in range(lines) if invoiced[i] < ordered[i])
            taken[first] = ordered[first] - invoiced[first]

        def complete(scope, taken=taken, invoiced=invoiced):
            return all(invoiced[i] + taken[i] >= ordered[i] for i in scope)

        kept = invoiced_positions(tree, taken, complete)
        assert sorted(items_of(kept)) == [i for i, q in enumerate(taken) if q > 0]
        carried.append((taken, [position for _, position, _ in discounts(kept)]))
        fixed_charged += fixed_amounts_due(taken, complete)
        invoiced = [i + t for i, t in zip(invoiced, taken, strict=True)]
    assert fixed_charged == 1  # document-level fixed allowances and charges: on the invoice that completes it
    for _, discount, scope in discounts(tree):
        with_items = [kept for taken, kept in carried if any(taken[i] > 0 for i in scope)]
        times = sum(any(d is discount or d == discount for d in kept) for kept in with_items)
        if not scope:
            assert times == 0
        elif discount["percent"] is None:
            assert times == 1
        else:
            assert times == len(with_items)
