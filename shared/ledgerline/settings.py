"""Typed settings, validated once per process.

This is the only module that reads the environment; everything else asks `get_settings()`.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEDGERLINE_", extra="ignore", frozen=True)

    environment: Literal["local", "aws"] = "local"
    table_name: str = "ledgerline"
    # Where DynamoDB is. Unset in AWS; locally it defaults to DynamoDB Local on `dynamodb_port`.
    dynamodb_endpoint: str | None = None
    dynamodb_port: int = 8000
    region: str = Field(default="us-east-1", validation_alias="AWS_REGION")
    # Signs list cursors so a client cannot forge or tamper with one.
    cursor_secret: SecretStr = SecretStr("local-development-cursor-secret")
    api_key_prefix: str = "ll_live_"
    host: str = "127.0.0.1"
    port: int = 3000
    data_dir: str = ".ledgerline"

    @model_validator(mode="after")
    def _local_database(self) -> Settings:
        if self.environment == "local" and self.dynamodb_endpoint is None:
            object.__setattr__(self, "dynamodb_endpoint", f"http://127.0.0.1:{self.dynamodb_port}")
        return self

    @property
    def is_local(self) -> bool:
        return self.environment == "local"


_overrides: dict[str, Any] = {}


@cache
def get_settings() -> Settings:
    return Settings(**_overrides)


def configure(**overrides: Any) -> Settings:
    """Override settings for this process (the CLI after starting DynamoDB Local, tests)."""
    _overrides.update(overrides)
    get_settings.cache_clear()
    return get_settings()
