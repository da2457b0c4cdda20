"""Events as `/v1/events` shows them and webhooks deliver them: one representation for both."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ledgerline.domain.test_mode import is_live
from ledgerline.schemas.common import Output


class EventOut(Output):
    object: Literal["event"] = "event"
    id: str = Field(description="Stable across every delivery of the event (the `webhook-id` header)")
    type: str = Field(description="e.g. invoice.posted")
    created_at: datetime
    tenant_id: str
    livemode: bool = Field(True, description="False for an event of test data (made with a test key)")
    object_type: str = Field(description="The kind of object in `data`, e.g. invoice")
    object_id: str
    sequence: int = Field(description="The object's version after the change: order one object's events by it")
    data: dict[str, Any] = Field(description="The object as the API showed it right after the change")

    @model_validator(mode="after")
    def _mode(self) -> EventOut:
        # Test mode (issue 20): an event of a test twin's partition is a test event, whatever a stored copy says
        self.livemode = is_live(self.tenant_id)
        return self

    @field_validator("data", mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        # The outbox stores `data` as a JSON string.
        return json.loads(value) if isinstance(value, str) else value


def event_body(event: Any) -> str:
    """The exact JSON a webhook carries for an outbox event (compact, so it is what gets signed)."""
    return EventOut.model_validate(event).model_dump_json()
