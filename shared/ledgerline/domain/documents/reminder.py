"""A reminder's life cycle: created (by the job or by hand) → sent; withdrawn (deleted) while unsent and
the most recent of its invoice. Which level is due when is `ledgerline.domain.dunning`."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ledgerline.domain.documents.base import InvalidState, Transition
from ledgerline.domain.events import EventType


@dataclass(frozen=True)
class ReminderState:
    level: int
    sent: bool = False
    deleted: bool = False


def create(level: int) -> Transition[ReminderState]:
    return Transition(ReminderState(level), EventType.REMINDER_CREATED)


def send(state: ReminderState) -> Transition[ReminderState] | None:
    """Mark it sent; None when it was sent already (sending again changes nothing)."""
    if state.deleted:
        raise InvalidState("A deleted reminder cannot be sent", param="id")
    if state.sent:
        return None
    return Transition(replace(state, sent=True), EventType.REMINDER_SENT)


def withdraw(state: ReminderState, latest_level: int) -> Transition[ReminderState]:
    """Delete it: only while unsent, and only the most recent reminder of its invoice (level `latest_level`)."""
    if state.sent:
        raise InvalidState("A reminder that was sent cannot be deleted", param="id", code="reminder_sent")
    if state.level != latest_level:
        raise InvalidState(f"Only the most recent reminder (level {latest_level}) can be deleted", param="id",
                           code="not_latest_reminder")
    return Transition(replace(state, deleted=True), EventType.REMINDER_DELETED)
