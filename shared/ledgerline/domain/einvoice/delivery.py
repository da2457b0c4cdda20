"""E-invoice delivery (issue 17, item 6): the access point port, pure.

`AccessPoint` is what the sending worker needs of a Peppol access point: `submit` hands a document over and
answers the access point's transmission id, `status` tells what became of it. Adapters (`einvoice/access_point.py`)
raise `Unreachable` for what may pass (connection refused, 5xx, 429: try again later) and `Refused` for what
never will (the access point's 4xx: a bad document, an unknown receiver). The submission's life cycle is
`domain/documents/einvoice_submission.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class Unreachable(Exception):
    """The access point could not take the request now: try again later."""


class Refused(Exception):
    """The access point refused the document for good (its answer is the reason)."""


@dataclass(frozen=True)
class Outgoing:
    """What an access point is handed: the document, its receiver and sender (Peppol participant ids)."""

    document_id: str  # the submission's id: the access point dedupes on it
    receiver: str  # `<scheme>:<id>`, BT-49
    sender: str | None  # BT-34
    document_type: str  # invoice | credit_note
    format: str
    xml: bytes


@dataclass(frozen=True)
class Verdict:
    """What the access point says became of a transmission: pending, delivered or rejected (with findings)."""

    status: str  # pending | delivered | rejected
    response: str | None = None  # the receiver's (or the access point's) answer, as text
    findings: tuple[dict[str, str], ...] = field(default_factory=tuple)

    @property
    def final(self) -> bool:
        return self.status in ("delivered", "rejected")


class AccessPoint(Protocol):
    def submit(self, outgoing: Outgoing) -> str:
        """Hand the document over; returns the access point's transmission id."""
        ...

    def status(self, transmission_id: str) -> Verdict: ...
