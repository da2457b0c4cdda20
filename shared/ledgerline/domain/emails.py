"""Documents sent by email (issue 14, part M): the pure rules.

- `MAIL_KINDS`: one `MailKind` per kind of document that can be emailed (its default subject and body). A
  new kind (quotes, purchase orders) adds one entry here and one `services/emails.SOURCES` entry.
- `fill`: a subject or body template with `{number}`, `{total}`, `{due_date}`, `{customer_name}`, ...
- `recipients`: who gets the message (the request's `to`, else the party's email; none: 422 on `to`).
- the email's life cycle: queued → sending → sent | bounced | failed; sent → bounced (a later bounce).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from ledgerline.domain.documents.base import InvalidState
from ledgerline.domain.errors import FieldIssue, ValidationFailed

MAX_RECIPIENTS = 50  # SES takes 50 recipients per message (To, Cc and Bcc together)
PLACEHOLDERS: tuple[str, ...] = ("number", "total", "currency", "due_date", "date", "customer_name",
                                 "company_name")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")


@dataclass(frozen=True)
class MailKind:
    name: str  # the document kind (domain/kinds.KINDS)
    subject: str
    body: str


_SIGN_OFF = "\n\nKind regards\n{company_name}"
MAIL_KINDS: dict[str, MailKind] = {
    kind.name: kind for kind in (
        MailKind("invoice", "Invoice {number} from {company_name}",
                 "Dear {customer_name}\n\nPlease find attached invoice {number} for {currency} {total}, "
                 "due on {due_date}." + _SIGN_OFF),
        MailKind("credit_note", "Credit note {number} from {company_name}",
                 "Dear {customer_name}\n\nPlease find attached credit note {number} for {currency} {total}."
                 + _SIGN_OFF),
        MailKind("quote", "Quote {number} from {company_name}",
                 "Dear {customer_name}\n\nPlease find attached our quote {number} for {currency} {total}, valid "
                 "until {due_date}." + _SIGN_OFF),
        MailKind("order", "Order confirmation {number} from {company_name}",
                 "Dear {customer_name}\n\nThank you for your order. We confirm order {number} for {currency} "
                 "{total}." + _SIGN_OFF),
        MailKind("delivery", "Delivery note {number} from {company_name}",
                 "Dear {customer_name}\n\nPlease find attached delivery note {number} of {date}." + _SIGN_OFF),
        MailKind("reminder", "Payment reminder: invoice {number}",
                 "Dear {customer_name}\n\nOur records show {currency} {total} still open on invoice {number}. "
                 "Please pay by {due_date}; the reminder is attached." + _SIGN_OFF),
    )
}
# Purchase orders (issue 15): {customer_name} is the supplier's name, {due_date} the expected delivery date.
MAIL_KINDS["purchase_order"] = MailKind(
    "purchase_order", "Purchase order {number} from {company_name}",
    "Dear {customer_name}\n\nPlease find attached our purchase order {number} for {currency} {total}; we expect "
    "delivery by {due_date}." + _SIGN_OFF)


class EmailStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by one consumer run: a redelivered event leaves it alone
    SENT = "sent"
    BOUNCED = "bounced"
    FAILED = "failed"


def mail_kind(name: str) -> MailKind:
    return MAIL_KINDS[name]


def unknown_placeholders(template: str) -> list[str]:
    return sorted({name for name in _PLACEHOLDER.findall(template) if name not in PLACEHOLDERS})


def fill(template: str, values: Mapping[str, str]) -> str:
    """The template with each known `{placeholder}` replaced by its value ('' when the document has none);
    other braces are left as written."""
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        return values.get(name, "") or "" if name in PLACEHOLDERS else match.group(0)

    return _PLACEHOLDER.sub(one, template)


def template_for(kind: str, templates: Mapping[str, Mapping[str, str]] | None) -> tuple[str, str]:
    """The (subject, body) template of a kind: the tenant's setting where it has one, else the default."""
    default = mail_kind(kind)
    own = (templates or {}).get(kind) or {}
    return own.get("subject") or default.subject, own.get("body") or default.body


def _clean(addresses: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for address in addresses:
        address = address.strip()
        seen.setdefault(address.lower(), address)
    return list(seen.values())


def recipients(to: Iterable[str] | None, cc: Iterable[str] | None, party_email: str | None
               ) -> tuple[list[str], list[str]]:
    """(to, cc): the request's `to` if it names any, else the party's email; cc without those already in to.
    Nobody to send to is a 422 on `to`; more than MAX_RECIPIENTS in all is a 422 on `cc`."""
    chosen = _clean(to or [])
    if not chosen and party_email:
        chosen = [party_email.strip()]
    if not chosen:
        reason = "give at least one recipient: the party has no email address"
        raise ValidationFailed(f"to: {reason}", param="to", details=[FieldIssue("to", reason)])
    taken = {address.lower() for address in chosen}
    copies = [address for address in _clean(cc or []) if address.lower() not in taken]
    if len(chosen) + len(copies) > MAX_RECIPIENTS:
        reason = f"at most {MAX_RECIPIENTS} recipients in to and cc together"
        raise ValidationFailed(f"cc: {reason}", param="cc", details=[FieldIssue("cc", reason)])
    return chosen, copies


# ------------------------------------------------------------------------------------- life cycle

_NEXT: dict[EmailStatus, frozenset[EmailStatus]] = {
    EmailStatus.QUEUED: frozenset({EmailStatus.SENDING, EmailStatus.FAILED}),
    EmailStatus.SENDING: frozenset({EmailStatus.SENT, EmailStatus.BOUNCED, EmailStatus.FAILED,
                                    EmailStatus.QUEUED}),
    EmailStatus.SENT: frozenset({EmailStatus.BOUNCED}),
    EmailStatus.BOUNCED: frozenset(),
    EmailStatus.FAILED: frozenset(),
}


def can_move(status: str, to: EmailStatus) -> bool:
    return to in _NEXT[EmailStatus(status)]


def move(status: str, to: EmailStatus) -> EmailStatus:
    if not can_move(status, to):
        raise InvalidState(f"An email that is {status} cannot become {to.value}", param="status")
    return to


def should_send(status: str) -> bool:
    """Only a queued email is sent: a redelivered event finds it sending, sent, bounced or failed."""
    return EmailStatus(status) == EmailStatus.QUEUED


def is_bounce_address(address: str) -> bool:
    """The local SMTP sink refuses these (550), as a mailbox that does not exist would."""
    return address.strip().lower().endswith("@bounce.invalid")
