"""Webhook rules: which events an endpoint gets, when a failed delivery is tried again, when an
endpoint that keeps failing is switched off, and which destinations may be called at all.

Pure: callers pass the clock's reading, random numbers and resolved addresses in.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from ledgerline.domain.events import FAMILIES, EventType

# Every event type the outbox writes: the catalogue (domain/events.EventType). Subscriptions name these,
# a family (`invoice.*`) or everything (`*`).
EVENT_TYPES: frozenset[str] = frozenset(EventType)
WILDCARD = "*"
PING = "ping"  # sent by POST /v1/webhooks/{id}/test to that endpoint only, never logged as an event


def unknown_event_types(subscribed: Iterable[str]) -> list[str]:
    unknown = []
    for name in subscribed:
        if name == WILDCARD or name in EVENT_TYPES:
            continue
        if name.endswith(".*") and name[:-2] in FAMILIES:
            continue
        unknown.append(name)
    return unknown


def subscribes_to(subscribed: Iterable[str], event_type: str) -> bool:
    for name in subscribed:
        if name in (WILDCARD, event_type):
            return True
        if name.endswith(".*") and event_type.startswith(name[:-1]):
            return True
    return False


# ------------------------------------------------------------------------------------ retries

FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY_DELAY = timedelta(hours=8)
RETRY_WINDOW = timedelta(days=3)
JITTER = 0.25  # each delay is its nominal value times a random factor in [0.75, 1.25)


def nominal_delay(failures: int) -> timedelta:
    """Exponential: 30 s after the first failure, doubling each time, at most 8 h."""
    if failures < 1:
        raise ValueError("a retry follows at least one failure")
    return min(FIRST_RETRY * 2 ** min(failures - 1, 32), MAX_RETRY_DELAY)


def retry_delay(failures: int, rand: float) -> timedelta:
    """The delay after `failures` failed attempts; `rand` in [0, 1) spreads retries (jitter)."""
    return nominal_delay(failures) * (1 - JITTER + 2 * JITTER * rand)


def next_attempt_at(created_at: datetime, failed_at: datetime, failures: int, rand: float) -> datetime | None:
    """When to try again after `failures` failed attempts, or None: the delivery is dead.

    Retries continue while the next one falls within RETRY_WINDOW (3 days) of the delivery's creation.
    """
    due = failed_at + retry_delay(failures, rand)
    return due if due <= created_at + RETRY_WINDOW else None


def schedule(max_failures: int = 40) -> list[timedelta]:
    """The nominal schedule: delay before each retry, as long as retries fit in the window."""
    delays, elapsed = [], timedelta(0)
    for failures in range(1, max_failures + 1):
        delay = nominal_delay(failures)
        if elapsed + delay > RETRY_WINDOW:
            break
        elapsed += delay
        delays.append(delay)
    return delays


# ------------------------------------------------------------------------- failing endpoints

DISABLE_AFTER = timedelta(days=5)


def should_disable(failing_since: datetime | None, now: datetime) -> bool:
    """An endpoint whose every attempt has failed for DISABLE_AFTER is switched off."""
    return failing_since is not None and now - failing_since >= DISABLE_AFTER


# ----------------------------------------------------------------------------- destinations

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_URL_LENGTH = 2048


@dataclass(frozen=True)
class Destination:
    scheme: str
    host: str  # without brackets for IPv6 literals
    port: int
    target: str  # path and query, what the request line carries

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


# RFC 3986's characters: anything else (spaces, CR/LF, NUL, other controls, non-ASCII) must be percent-encoded.
_URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_NUMERIC_LABEL = re.compile(r"[0-9]+|0x[0-9a-f]*")  # never a top-level domain: an IP address in disguise


def _host(hostname: str, bracketed: bool) -> str:
    """A DNS name (letters, digits, hyphens; labels of 1-63) or an IP address literal, lowercased."""
    host = hostname.lower()
    if bracketed:
        address = literal_address(host)
        if not isinstance(address, ipaddress.IPv6Address) or "%" in host:
            raise ValueError("has an invalid IPv6 address")
        return host
    labels = host.split(".")
    if len(host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise ValueError("has an invalid host name")
    if _NUMERIC_LABEL.fullmatch(labels[-1]) and not isinstance(literal_address(host), ipaddress.IPv4Address):
        raise ValueError("has an invalid host: write an IPv4 address as four decimal numbers")
    return host


def _port(netloc: str, scheme: str) -> int:
    """The port after the host (`host:8443`, `[::1]:8443`); the scheme's default when none is given."""
    if netloc.startswith("["):
        rest = netloc[netloc.index("]") + 1:]
    else:
        rest = netloc[netloc.index(":"):] if ":" in netloc else ""
    if rest and not rest.startswith(":"):
        raise ValueError("is not a valid URL")
    if not rest:
        return 443 if scheme == "https" else 80
    text = rest[1:]
    if not (text.isascii() and text.isdigit() and len(text) <= 5 and 1 <= int(text) <= 65535):
        raise ValueError("has an invalid port: use 1 to 65535")
    return int(text)


def parse_destination(url: str) -> Destination:
    """The parts of a webhook URL, strictly: an absolute http(s) URL of RFC 3986 characters with a valid host
    and port, no credentials and no fragment. ValueError says what is wrong with it."""
    if len(url) > MAX_URL_LENGTH:
        raise ValueError(f"must be at most {MAX_URL_LENGTH} characters")
    if not _URL_CHARACTERS.fullmatch(url):
        raise ValueError("must be a URL without spaces or control characters (percent-encode anything else)")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise ValueError("is not a valid URL") from exc
    if parts.scheme not in ("https", "http"):
        raise ValueError("must be an https:// URL")
    if not url[len(parts.scheme):].startswith("://"):
        raise ValueError("is not a valid URL")
    if "@" in parts.netloc:
        raise ValueError("must not carry credentials; authenticate by verifying the signature")
    if not parts.netloc or not parts.hostname:
        raise ValueError("has no host")
    if parts.fragment or "#" in url:
        raise ValueError("must not have a #fragment")
    host = _host(parts.hostname, bracketed=parts.netloc.startswith("["))
    port = _port(parts.netloc, parts.scheme)
    if parts.path and not parts.path.startswith("/"):
        raise ValueError("is not a valid URL")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Destination(parts.scheme, host, port, target)


def normalised_url(url: str) -> str:
    """The URL as it is stored and called: lowercase scheme and host, no default port, a path."""
    destination = parse_destination(url)
    return f"{destination.scheme}://{destination.host_header}{destination.target}"


def literal_address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _unwrapped(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return mapped
    return address


def address_refusal(address: IPAddress, *, allow_loopback: bool) -> str | None:
    """Why a webhook may not be sent to this address, or None when it may."""
    address = _unwrapped(address)
    if address.is_loopback:
        return None if allow_loopback else f"{address} is a loopback address"
    if address.is_link_local:
        return f"{address} is a link-local address (cloud metadata lives there)"
    if address.is_private:
        return f"{address} is a private address"
    if address.is_multicast or address.is_unspecified or address.is_reserved or not address.is_global:
        return f"{address} is not a public address"
    return None


def destination_refusal(destination: Destination, addresses: list[IPAddress], *, allow_loopback: bool) -> str | None:
    """Why the destination may not be called at these resolved addresses, or None.

    Production: https only, and every address public. The local runtime may allow loopback
    (http or https), never other private ranges.
    """
    if not addresses:
        return f"host {destination.host!r} does not resolve"
    for address in addresses:
        reason = address_refusal(address, allow_loopback=allow_loopback)
        if reason and literal_address(destination.host) is None:
            return f"host {destination.host!r} resolves to {reason}"
        if reason:
            return reason
    if destination.scheme != "https" and not all(_unwrapped(a).is_loopback for a in addresses):
        return "must be an https:// URL (plain http only reaches loopback in the local runtime)"
    return None
