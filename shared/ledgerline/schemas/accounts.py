from __future__ import annotations

from typing import Literal

from pydantic import Field

from ledgerline.domain.accounts import AccountType
from ledgerline.schemas.common import Code, MetadataIn, MetadataOut, Name, Text, Timestamps


class AccountCreate(MetadataIn):
    code: Code
    name: Name
    type: AccountType
    subtype: str | None = Field(None, max_length=40, description="e.g. bank, receivable, tax, sales")
    description: Text | None = None


class AccountUpdate(MetadataIn):
    code: Code = None  # type: ignore[assignment]
    name: Name = None  # type: ignore[assignment]
    subtype: str | None = Field(None, max_length=40)
    description: Text | None = None


class AccountOut(Timestamps, MetadataOut):
    object: Literal["account"] = "account"
    id: str
    code: str
    name: str
    type: AccountType
    subtype: str | None
    description: str | None
    archived: bool
