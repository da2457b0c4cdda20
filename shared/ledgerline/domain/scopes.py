"""API key scopes: `<resource>:read` / `<resource>:write`, plus `admin` which grants all."""

from __future__ import annotations

from collections.abc import Iterable

from ledgerline.domain.kinds import document_resources

ADMIN = "admin"

# Master data, keys, reports, webhooks and events are listed; the document resources come from the
# kind registry (domain/kinds.KINDS).
MASTER_RESOURCES: tuple[str, ...] = ("tenant", "api-keys", "parties", "items", "accounts", "tax-codes")
SERVICE_RESOURCES: tuple[str, ...] = ("reports", "webhooks", "events", "emails", "files", "vat-periods",
                                      "inventory")
RESOURCES: tuple[str, ...] = tuple(dict.fromkeys((*MASTER_RESOURCES, *document_resources(), *SERVICE_RESOURCES)))

ALL_SCOPES: frozenset[str] = frozenset(
    {ADMIN} | {f"{resource}:{access}" for resource in RESOURCES for access in ("read", "write")}
)


def grants(granted: Iterable[str], required: str) -> bool:
    """True when the granted scopes allow `required`; write access implies read access."""
    held = set(granted)
    if ADMIN in held or required in held:
        return True
    resource, _, access = required.partition(":")
    return access == "read" and f"{resource}:write" in held


def unknown_scopes(requested: Iterable[str]) -> list[str]:
    return sorted(set(requested) - ALL_SCOPES)


def exceeding(requested: Iterable[str], granted: Iterable[str]) -> list[str]:
    """Scopes in `requested` that the holder of `granted` may not hand out."""
    held = list(granted)
    return sorted(scope for scope in set(requested) if not _covers(held, scope))


def _covers(held: list[str], scope: str) -> bool:
    if scope == ADMIN:
        return ADMIN in held
    return grants(held, scope)
