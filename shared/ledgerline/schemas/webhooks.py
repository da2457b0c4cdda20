"""Webhook endpoints and deliveries as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StringConstraints, field_validator

from ledgerline.domain import api_versions
from ledgerline.schemas.common import Input, MetadataIn, MetadataOut, Output, Text

EventName = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Url = Annotated[str, StringConstraints(min_length=1, max_length=2048)]
EVENTS_FIELD = Field(min_length=1, max_length=50,
                     description='Event types (e.g. "invoice.posted"), families ("invoice.*") or ["*"] for all')


def _known_version(value: str | None) -> str | None:
    if value is not None and value not in api_versions.KNOWN:
        raise ValueError(f"not an API version; known versions: {api_versions.known_list()}")
    return value


API_VERSION_FIELD = Field(None, description="The dated API version the event payloads are written in; default the "
                                            "version the creating request is answered in (its key's, or the "
                                            "Ledgerline-Version header)", examples=[api_versions.LATEST])


class WebhookCreate(MetadataIn):
    url: Url = Field(description="https:// URL the events are POSTed to")
    events: list[EventName] = EVENTS_FIELD
    description: Text | None = None
    enabled: StrictBool = True
    api_version: str | None = API_VERSION_FIELD

    _version = field_validator("api_version")(_known_version)


class WebhookUpdate(MetadataIn):
    url: Url = None  # type: ignore[assignment]
    events: list[EventName] = Field(None, min_length=1, max_length=50)  # type: ignore[assignment]
    description: Text | None = None
    enabled: StrictBool = None  # type: ignore[assignment]
    api_version: str = None  # type: ignore[assignment]

    _version = field_validator("api_version")(_known_version)


class WebhookOut(Output, MetadataOut):
    object: Literal["webhook_endpoint"] = "webhook_endpoint"
    id: str
    url: str
    events: list[str]
    description: str | None
    enabled: bool
    disabled_reason: str | None = Field(None, description="Why the endpoint was switched off, if it was")
    disabled_at: datetime | None = None
    secret_rotated_at: datetime | None = Field(None, description="When the current signing secret was issued")
    created_at: datetime
    updated_at: datetime
    version: int
    api_version: str = Field(api_versions.ORIGINAL, description="The dated API version its event payloads are "
                                                                 "written in")

    @field_validator("api_version", mode="before")
    @classmethod
    def _pinned(cls, value: str | None) -> str:
        return value or api_versions.ORIGINAL  # endpoints made before versions existed keep the original


class WebhookWithSecret(WebhookOut):
    secret: str = Field(description="The signing secret (whsec_…). Shown only in this response; store it now")


class ReplayRequest(Input):
    since: datetime = Field(description="Resend events created at or after this moment (ISO 8601)")
    until: datetime | None = Field(None, description="…and up to this moment; default now")

    @field_validator("since", "until")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("needs a time zone, e.g. 2026-11-21T10:00:00Z")
        return value


class ReplayOut(Output):
    object: Literal["webhook_replay"] = "webhook_replay"
    webhook_id: str
    since: datetime
    until: datetime
    deliveries: int = Field(description="Deliveries queued, one per matching event")
    has_more: bool = Field(description="More events matched than one replay sends; replay again from next_since")
    next_since: datetime | None


class AttemptOut(Output):
    at: datetime
    status_code: int | None
    latency_ms: int
    error: str | None
    trigger: str


class DeliveryOut(Output):
    object: Literal["webhook_delivery"] = "webhook_delivery"
    id: str
    webhook_id: str = Field(validation_alias="endpoint_id")
    event_id: str
    event_type: str
    trigger: str = Field(description="dispatch, replay or test")
    status: Literal["pending", "succeeded", "dead"]
    attempt_count: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str | None
    attempts: list[AttemptOut]
    created_at: datetime
    updated_at: datetime
