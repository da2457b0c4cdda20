from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import (
    AliasChoices,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    ValidationInfo,
    computed_field,
    field_validator,
    model_validator,
)

from ledgerline.domain import api_versions
from ledgerline.domain.scopes import ALL_SCOPES
from ledgerline.schemas.common import Input, Name, Output, moment_read


class ApiKeyCreate(Input):
    name: Name
    # As many as there are: a key may hold every scope but admin (kinds added to the registry add two each)
    scopes: list[str] = Field(min_length=1, max_length=max(40, len(ALL_SCOPES)),
                              description="e.g. ['invoices:read', 'invoices:write']")
    expires_at: datetime | None = Field(None, description="ISO 8601; the key stops working at this moment")
    api_version: str | None = Field(
        None, description="The dated API version the key is answered in unless a request sends a "
                          f"`{api_versions.HEADER}` header; default the newest ({api_versions.LATEST})",
        examples=[api_versions.LATEST])

    livemode: bool | None = Field(
        None, description="Test mode (issue 20): false makes an `ll_test_` key of the tenant's test data, which is "
                          "fully separate from its live data; default the mode of the key that asks. A test key "
                          "can only create test keys", examples=[False])

    @field_validator("api_version")
    @classmethod
    def _known_version(cls, value: str | None) -> str | None:
        if value is not None and value not in api_versions.KNOWN:
            raise ValueError(f"not an API version; known versions: {api_versions.known_list()}")
        return value

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
    key_last4: str = Field(validation_alias=AliasChoices("key_last4", "last4"),
                              description="The last four characters of the secret, to tell keys apart (called "
                                          "`last4` before API version 2026-12-05)")
    expires_at: datetime | None
    revoked_at: datetime | None
    created_at: datetime
    api_version: str = Field(api_versions.ORIGINAL, description="The dated API version the key is answered in "
                                                                 f"unless a request sends `{api_versions.HEADER}`")

    livemode: bool = Field(True, description="False for a test key (`ll_test_…`), which reaches only test data")

    @field_validator("api_version", mode="before")
    @classmethod
    def _pinned(cls, value: str | None) -> str:
        return value or api_versions.ORIGINAL  # keys made before versions existed answer in the original

    # The moment the caller reads the key at (schemas/common.read_at): expiry is judged then, never by a clock
    # here. Validated again without one (FastAPI checks a route's result against its response model), a shown
    # key keeps its moment, and a representation keeps the status it shows.
    _read_at: datetime | None = PrivateAttr(None)
    _shown_status: str | None = PrivateAttr(None)

    @model_validator(mode="wrap")
    @classmethod
    def _moment(cls, data: Any, handler: ModelWrapValidatorHandler[ApiKeyOut], info: ValidationInfo) -> ApiKeyOut:
        moment, status = moment_read(info.context), None
        if moment is None and isinstance(data, ApiKeyOut):
            moment, status = data._read_at, data._shown_status
        elif moment is None and isinstance(data, dict):
            status = data.get("status")
        shown = handler(data)
        shown._read_at, shown._shown_status = moment, status
        return shown

    @computed_field  # type: ignore[prop-decorator]
    @property
    def status(self) -> Literal["active", "revoked", "expired"]:
        if self.revoked_at is not None:
            return "revoked"
        if self._read_at is None and self._shown_status == "expired":
            return "expired"
        if self.expires_at is not None and self._read_at is not None and self.expires_at <= self._read_at:
            return "expired"
        return "active"


class ApiKeyCreated(ApiKeyOut):
    secret: str = Field(description="The API key. It is shown only in this response; store it now")
