from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import Field, computed_field, field_validator

from ledgerline.schemas.common import Input, Name, Output


class ApiKeyCreate(Input):
    name: Name
    scopes: list[str] = Field(min_length=1, max_length=40, description="e.g. ['invoices:read', 'invoices:write']")
    expires_at: datetime | None = Field(None, description="ISO 8601; the key stops working at this moment")

    @field_validator("expires_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class ApiKeyOut(Output):
    object: Literal["api_key"] = "api_key"
    id: str
    name: str
    scopes: list[str]
    last4: str = Field(description="The last four characters of the secret, to tell keys apart")
    expires_at: datetime | None
    revoked_at: datetime | None
    created_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def status(self) -> Literal["active", "revoked", "expired"]:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= datetime.now(UTC):
            return "expired"
        return "active"


class ApiKeyCreated(ApiKeyOut):
    secret: str = Field(description="The API key. It is shown only in this response; store it now")
