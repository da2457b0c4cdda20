"""The quote's life cycle (issue 14): draft → open (issued, numbered) → accepted / declined / converted,
or back to draft (revert-issue, the number kept). No ledger effect.

"Expired" is derived like an invoice's "overdue": an open quote whose `valid_until` has passed reads
`expired` (on read and in lists) without any write; the stored status stays `open`. An expired quote may be
declined or reverted to draft (to renew it), never accepted or converted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from ledgerline.domain.documents.base import InvalidState, Transition, invalid, require_status
from ledgerline.domain.events import EventType

NOUN = "quote"


class QuoteStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"  # derived: open and past valid_until; never stored
    CONVERTED = "converted"


STORED_STATUSES: tuple[str, ...] = tuple(s.value for s in QuoteStatus if s is not QuoteStatus.EXPIRED)
QUOTE_STATUS_FILTERS: dict[str, tuple[str, ...]] = {status.value: (status.value,) for status in QuoteStatus}
# What a quote may be converted from: issued and not expired, or accepted.
CONVERTIBLE_STATUSES: tuple[str, ...] = (QuoteStatus.OPEN.value, QuoteStatus.ACCEPTED.value)


def is_expired(status: str, valid_until: date, today: date) -> bool:
    """Open and past its last valid day."""
    return status == QuoteStatus.OPEN and valid_until < today


def effective_status(status: str, valid_until: date, today: date) -> QuoteStatus:
    """The status as the API shows it on `today`: `expired` is read from `valid_until`, whatever is stored."""
    return QuoteStatus.EXPIRED if is_expired(status, valid_until, today) else QuoteStatus(status)


def check_validity(issue_date: date, valid_until: date) -> None:
    if valid_until < issue_date:
        raise invalid("valid_until", "must not be before issue_date")


@dataclass(frozen=True)
class QuoteState:
    """What the life cycle needs of a quote: its stored status, its validity and whether it has a number."""

    status: str
    valid_until: date
    numbered: bool = False

    def on(self, today: date) -> str:
        return effective_status(self.status, self.valid_until, today).value


def _require(state: QuoteState, today: date, allowed: tuple[str, ...], action: str) -> None:
    require_status(NOUN, state.on(today), allowed, action)


def check_draft(state: QuoteState, action: str) -> None:
    """Only a draft may be edited, deleted or issued."""
    require_status(NOUN, state.status, (QuoteStatus.DRAFT.value,), action)


def issue(state: QuoteState, today: date) -> Transition[QuoteState]:
    """Draft → open. A quote whose validity has already passed cannot be issued."""
    check_draft(state, "issue")
    if state.valid_until < today:
        raise invalid("valid_until", f"the quote was valid until {state.valid_until.isoformat()}; "
                                     "change valid_until before issuing it")
    return Transition(replace(state, status=QuoteStatus.OPEN.value, numbered=True), EventType.QUOTE_ISSUED)


def accept(state: QuoteState, today: date) -> Transition[QuoteState]:
    """Open (not expired) → accepted."""
    _require(state, today, (QuoteStatus.OPEN.value,), "accept")
    return Transition(replace(state, status=QuoteStatus.ACCEPTED.value), EventType.QUOTE_ACCEPTED)


def decline(state: QuoteState, today: date) -> Transition[QuoteState]:
    """Open or expired → declined."""
    _require(state, today, (QuoteStatus.OPEN.value, QuoteStatus.EXPIRED.value), "decline")
    return Transition(replace(state, status=QuoteStatus.DECLINED.value), EventType.QUOTE_DECLINED)


def revert_issue(state: QuoteState, today: date) -> Transition[QuoteState]:
    """Open or expired → draft; the number stays the quote's (issuing it again takes no new one)."""
    _require(state, today, (QuoteStatus.OPEN.value, QuoteStatus.EXPIRED.value), "revert")
    return Transition(replace(state, status=QuoteStatus.DRAFT.value), EventType.QUOTE_REVERTED)


def convert(state: QuoteState, today: date) -> Transition[QuoteState]:
    """Open (not expired) or accepted → converted, once: a converted quote is never converted again."""
    if state.status == QuoteStatus.CONVERTED:
        raise InvalidState("The quote is already converted", param="status", code="already_converted")
    _require(state, today, CONVERTIBLE_STATUSES, "convert")
    return Transition(replace(state, status=QuoteStatus.CONVERTED.value), EventType.QUOTE_CONVERTED)


def expiry_due(state: QuoteState, today: date, issue: int, noted: int) -> Transition[QuoteState] | None:
    """`quote.expired`, once per issue: due when the quote reads expired on `today` and its expiry was not
    announced for its current issue (`noted` < `issue`; a quote reverted, changed and issued again is a new
    offer that may expire again). The stored status stays `open`: expired is still derived."""
    if not is_expired(state.status, state.valid_until, today) or noted >= issue:
        return None
    return Transition(state, EventType.QUOTE_EXPIRED)
