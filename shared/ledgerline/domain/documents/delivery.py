"""The delivery note's life cycle (issue 14): draft → issued (numbered) → delivered.

A delivery note made from an order takes its quantities from the order when it is created (the order's
delivered quantities change in the same transaction), so a draft already counts as delivered on the order.
Stock movements (the inventory issue) will hang on `issue`: the transition that makes the note final.
"""

from __future__ import annotations

from enum import StrEnum

from ledgerline.domain.documents.base import Transition, require_status
from ledgerline.domain.events import EventType

NOUN = "delivery note"


class DeliveryStatus(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    DELIVERED = "delivered"


DELIVERY_STATUS_FILTERS: dict[str, tuple[str, ...]] = {status.value: (status.value,) for status in DeliveryStatus}


def issue(status: str) -> Transition[str]:
    require_status(NOUN, status, (DeliveryStatus.DRAFT.value,), "issue")
    return Transition(DeliveryStatus.ISSUED.value, EventType.DELIVERY_ISSUED)


def mark_delivered(status: str) -> Transition[str]:
    require_status(NOUN, status, (DeliveryStatus.ISSUED.value,), "deliver")
    return Transition(DeliveryStatus.DELIVERED.value, EventType.DELIVERY_DELIVERED)


def delete(status: str) -> Transition[str]:
    """Only a draft may be deleted (an issued note is final: 409); one made from an order gives its
    quantities back to it (`order.give_back_delivered`) in the same transaction."""
    require_status(NOUN, status, (DeliveryStatus.DRAFT.value,), "delete")
    return Transition(status, EventType.DELIVERY_DELETED)
