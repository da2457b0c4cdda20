"""The typed event catalogue (issue 12): template.yaml's bus rules, the consumers and the emitters agree with it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from ledgerline.domain import webhooks
from ledgerline.domain.events import (
    DOCUMENT_FAMILIES,
    FAMILIES,
    MASTER_DATA_EVENTS,
    EventType,
    of_family,
    pdf_events,
)
from ledgerline.domain.kinds import KINDS
from ledgerline.einvoice import consumer as einvoice_consumer
from ledgerline.local import template
from ledgerline.local.event_patterns import matches
from ledgerline.mail import consumer as mail_consumer
from ledgerline.pdf import consumer as pdf_consumer
from ledgerline.schemas.event_data import EVENT_DATA
from ledgerline.stream import handlers as stream_handlers
from ledgerline.webhooks import handlers as webhook_handlers

PACKAGE = Path(template.PROJECT_ROOT) / "shared" / "ledgerline"
BUS = "EventBus"

# Code folder of each bus-rule target → the `{event type: handler}` map its consumer declares.
CONSUMERS: dict[str, dict[Any, Any]] = {
    "pdf_renderer": pdf_consumer.HANDLERS,
    "webhook_dispatcher": webhook_handlers.HANDLERS,
    "email_sender": mail_consumer.HANDLERS,
    "einvoice_sender": einvoice_consumer.HANDLERS,
    "stream_dispatcher": stream_handlers.HANDLERS,  # the real-time stream (issue 20, item 6)
}


def _bus_event(event_type: str) -> dict[str, Any]:
    return {"source": "ledgerline", "detail-type": event_type, "detail": {"type": event_type}}


def named_types(pattern: dict[str, Any]) -> list[str]:
    """The event types a rule's pattern names in `detail-type` (none: it takes every type)."""
    return [t for t in pattern.get("detail-type", []) if isinstance(t, str)]


def uncatalogued_rule_types(rules: list[template.BusRule]) -> list[str]:
    return sorted({f"{rule.name}: {t}" for rule in rules for t in named_types(rule.pattern) if t not in set(EventType)})


def unsubscribed_handlers(rules: list[template.BusRule], consumers: dict[str, dict[Any, Any]]) -> list[str]:
    """Types a consumer handles that no rule targeting its function lets through."""
    problems = []
    for folder, handled in consumers.items():
        patterns = [rule.pattern for rule in rules if rule.function == folder]
        for event_type in handled:
            if not any(matches(pattern, _bus_event(event_type)) for pattern in patterns):
                problems.append(f"{folder}: {event_type}")
    return problems


def emitted_types() -> set[EventType]:
    """The catalogue members named by emitters: `EventType.X` in the services, the life cycles whose transitions
    the services record (domain/documents), and the master-data map the services use."""
    found: set[EventType] = set()
    for path in [*(PACKAGE / "services").rglob("*.py"), *(PACKAGE / "domain" / "documents").rglob("*.py")]:
        text = path.read_text()
        found |= {EventType[name] for name in re.findall(r"\bEventType\.([A-Z_]+)\b", text)}
        if "MASTER_DATA_EVENTS[" in text:
            found |= {t for actions in MASTER_DATA_EVENTS.values() for t in actions.values()}
    return found


# ------------------------------------------------------------------------------------ template.yaml


def test_every_type_a_bus_rule_names_is_catalogued():
    rules = template.bus_rules(BUS)
    assert rules, "template.yaml has no rules on the bus"
    assert uncatalogued_rule_types(rules) == []


def test_a_rule_naming_an_uncatalogued_type_is_caught():
    rule = template.BusRule("Fake.Rule", "pdf_renderer", {"source": ["ledgerline"], "detail-type": ["estimate.sent"]})
    assert uncatalogued_rule_types([rule]) == ["Fake.Rule: estimate.sent"]


# ---------------------------------------------------------------------------------------- consumers


def test_every_bus_consumer_declares_its_handlers():
    assert {rule.function for rule in template.bus_rules(BUS)} == set(CONSUMERS)


def test_consumers_handle_only_types_their_rules_subscribe_them_to():
    assert unsubscribed_handlers(template.bus_rules(BUS), CONSUMERS) == []


def test_a_consumer_handling_a_type_its_rule_does_not_send_is_caught():
    rules = [template.BusRule("Pdf", "pdf_renderer", {"source": ["ledgerline"], "detail-type": ["invoice.posted"]})]
    handled = {EventType.INVOICE_POSTED: None, EventType.CREDIT_NOTE_POSTED: None}
    assert unsubscribed_handlers(rules, {"pdf_renderer": handled}) == ["pdf_renderer: credit_note.posted"]


def test_the_pdf_rule_sends_exactly_what_the_renderer_handles():
    (rule,) = [rule for rule in template.bus_rules(BUS) if rule.function == "pdf_renderer"]
    assert set(named_types(rule.pattern)) == set(pdf_consumer.HANDLERS)


def test_the_pdf_renderer_dispatches_from_the_registry():
    assert set(pdf_consumer.HANDLERS) == {EventType(kind.pdf_event) for kind in KINDS if kind.has_pdf}
    assert pdf_events() == {
        EventType.INVOICE_POSTED: "invoice", EventType.CREDIT_NOTE_POSTED: "credit_note",
        EventType.REMINDER_CREATED: "reminder", EventType.QUOTE_ISSUED: "quote",
        EventType.DELIVERY_ISSUED: "delivery", EventType.PURCHASE_ORDER_SENT: "purchase_order",
    }


def test_the_webhook_dispatcher_takes_every_catalogued_type():
    assert set(webhook_handlers.HANDLERS) == set(EventType)


# ----------------------------------------------------------------------------------------- emitters


def test_every_catalogued_type_has_an_emitter():
    assert sorted(set(EventType) - emitted_types()) == []


def test_emitters_pass_catalogue_members_not_strings():
    literal = re.compile(r"""(record_event\([^)]*|add_event\([^)]*type=|_event\([^)]*)["'][a-z_]+\.[a-z_]+["']""")
    offenders = [str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py") if literal.search(path.read_text())]
    assert offenders == []


# ----------------------------------------------------------------------------------------- the catalogue


def test_every_type_has_the_schema_of_its_data():
    assert set(EVENT_DATA) == set(EventType)
    assert EVENT_DATA[EventType.INVOICE_POSTED].__name__ == "InvoiceOut"
    assert EVENT_DATA[EventType.PERIOD_CLOSED].__name__ == "PeriodClosedData"


def test_the_object_type_of_each_schema_is_its_family():
    for event_type, schema in EVENT_DATA.items():
        if event_type.family in ("document", "period"):
            continue  # document.rendered carries a file, period.closed a fiscal year
        assert schema.model_fields["object"].default == event_type.family, event_type


def test_webhook_event_types_are_the_catalogue():
    catalogue = frozenset(t.value for t in EventType)
    assert catalogue == webhooks.EVENT_TYPES
    assert webhooks.unknown_event_types(["invoice.posted", "reminder.*", "*"]) == []
    assert webhooks.unknown_event_types(["estimate.*", "invoice.quoted"]) == ["estimate.*", "invoice.quoted"]


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_each_document_kind_is_an_event_family(kind):
    assert kind.event_prefix in FAMILIES
    assert of_family(kind.event_prefix)
    assert kind.event_prefix in DOCUMENT_FAMILIES
