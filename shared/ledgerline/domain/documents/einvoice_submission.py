"""E-invoice delivery (issue 17, item 6): the submission's life cycle, pure.

A submission is one request to deliver a posted invoice or credit note as an e-invoice, by `email` (the XML
and the PDF attached to an email, sent by the email sender) or over `peppol` (the XML handed to a Peppol
access point, which delivers it to the receiver's access point and later reports the receiver's answer).

Life cycle: queued → sent → delivered | rejected; queued → rejected (the access point refused it at once),
queued → failed (the access point could not be reached after every attempt; an email that failed).
An email's bounce moves a sent email submission to rejected. Final states never change again.

The access point port is `domain/einvoice/delivery.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ledgerline.domain.documents.base import InvalidState
from ledgerline.domain.events import EventType

CHANNELS: tuple[str, ...] = ("email", "peppol")


class SubmissionStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    REJECTED = "rejected"
    FAILED = "failed"


FINAL: frozenset[SubmissionStatus] = frozenset({SubmissionStatus.DELIVERED, SubmissionStatus.REJECTED,
                                                SubmissionStatus.FAILED})

_NEXT: dict[SubmissionStatus, frozenset[SubmissionStatus]] = {
    SubmissionStatus.QUEUED: frozenset({SubmissionStatus.SENT, SubmissionStatus.REJECTED, SubmissionStatus.FAILED}),
    SubmissionStatus.SENT: frozenset({SubmissionStatus.DELIVERED, SubmissionStatus.REJECTED}),
    SubmissionStatus.DELIVERED: frozenset(),
    SubmissionStatus.REJECTED: frozenset(),
    SubmissionStatus.FAILED: frozenset(),
}

EVENTS: dict[SubmissionStatus, EventType] = {
    SubmissionStatus.QUEUED: EventType.EINVOICE_QUEUED,
    SubmissionStatus.SENT: EventType.EINVOICE_SENT,
    SubmissionStatus.DELIVERED: EventType.EINVOICE_DELIVERED,
    SubmissionStatus.REJECTED: EventType.EINVOICE_REJECTED,
    SubmissionStatus.FAILED: EventType.EINVOICE_FAILED,
}


@dataclass(frozen=True)
class Transition:
    state: SubmissionStatus
    event: EventType


def can_move(status: str, to: SubmissionStatus) -> bool:
    return to in _NEXT[SubmissionStatus(status)]


def move(status: str, to: SubmissionStatus) -> Transition:
    """The move and the event it writes; an impossible one is InvalidState (a final state never changes)."""
    if not can_move(status, to):
        raise InvalidState(f"An e-invoice submission that is {status} cannot become {to.value}", param="status")
    return Transition(to, EVENTS[to])


def should_submit(status: str) -> bool:
    """Only a queued submission is handed to the access point; a redelivered event finds it sent or final."""
    return SubmissionStatus(status) == SubmissionStatus.QUEUED


def should_poll(status: str) -> bool:
    """A sent submission waits for the access point's verdict (delivered or rejected)."""
    return SubmissionStatus(status) == SubmissionStatus.SENT


def backoff(attempt: int, base_seconds: float, cap_seconds: float = 60.0) -> float:
    """Seconds to wait after failed attempt `attempt` (1, 2, …): base × 2^(attempt-1), at most `cap_seconds`."""
    if attempt < 1:
        raise ValueError("attempts count from 1")
    return min(cap_seconds, base_seconds * 2 ** (attempt - 1))
