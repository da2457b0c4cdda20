"""Typed settings, validated once per process.

This is the only module that reads the environment; everything else asks `get_settings()`.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCAL_WEBHOOK_SECRETS_KEY = "local-development-webhook-secrets-key"
LOCAL_CURSOR_SECRET = "local-development-cursor-secret"
MIN_CURSOR_SECRET_LENGTH = 32  # outside the local runtime; Secrets Manager generates 48 characters


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEDGERLINE_", extra="ignore", frozen=True)

    environment: Literal["local", "aws"] = "local"
    table_name: str = "ledgerline"
    # Where DynamoDB is. Unset in AWS; locally it defaults to DynamoDB Local on `dynamodb_port`.
    dynamodb_endpoint: str | None = None
    dynamodb_port: int = 8000
    region: str = Field(default="us-east-1", validation_alias="AWS_REGION")
    # Signs list cursors so a client cannot forge or tamper with one.
    # The development default is refused outside the local runtime (see _real_cursor_secret).
    cursor_secret: SecretStr = SecretStr(LOCAL_CURSOR_SECRET)
    api_key_prefix: str = "ll_live_"
    test_api_key_prefix: str = "ll_test_"  # test mode (issue 20): keys of the tenant's test twin
    host: str = "127.0.0.1"
    port: int = 3000
    data_dir: str = ".ledgerline"
    # Webhooks. The key that encrypts signing secrets at rest (any long random string; in AWS from
    # Secrets Manager). The SQS queue of deliveries: unset locally, where an in-process queue stands in.
    webhook_secrets_key: SecretStr = SecretStr(LOCAL_WEBHOOK_SECRETS_KEY)
    webhook_queue_url: str | None = None
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=30)
    # Plain http to loopback addresses (a receiver on your laptop). Defaults to true locally, and is
    # refused in AWS, where every destination must be https and resolve to public addresses only.
    webhooks_allow_loopback: bool | None = None
    # The local runtime: relay the table's stream to the consumers template.yaml wires, and run deliveries.
    local_events: bool = True
    local_relay_poll_seconds: float = Field(default=0.1, gt=0, le=10)
    # Tenant provisioning. The stack's name prefixes what it creates per tenant: the admin key's secret
    # (`<stack>/tenants/<tenant id>/admin-api-key`) and the tenant's API Gateway usage plan key.
    stack_name: str = "ledgerline"
    # API Gateway usage plan id per tenant plan, as JSON ({"starter": "a1b2c3", ...}): the backstop behind
    # the application's rate limits. Empty locally, where there is no API Gateway.
    usage_plans: dict[str, str] = Field(default_factory=dict)
    # Documents (PDFs): the private S3 bucket in AWS; unset locally, where they go to <data_dir>/documents.
    documents_bucket: str | None = None
    document_link_seconds: int = Field(default=900, ge=60, le=7 * 24 * 3600)  # presigned URL lifetime
    # In AWS, the API functions with a `GET …/pdf` route carry no PDF stack: a document not rendered yet is
    # rendered by this function (a synchronous Invoke). Unset locally, where the API renders in process.
    pdf_renderer_function: str | None = None
    # Documents sent by email (issue 14): SMTP locally (the sink `ledgerline dev` runs on `smtp_port`, files in
    # <data_dir>/mail), SES v2 in AWS (template.yaml sets `email_transport=ses` and the configuration set whose
    # bounces and complaints reach the bounce handler). `email_sender`: the From of a tenant with none set.
    email_transport: Literal["smtp", "ses"] = "smtp"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=2525, ge=0, le=65535)
    local_mail: bool = True  # `ledgerline dev` runs the SMTP sink
    ses_configuration_set: str | None = None
    email_sender: str = "ledgerline@localhost"
    # E-invoice delivery (issue 17, item 6): the Peppol access point's HTTP API and its bearer token (in AWS
    # from the stack's parameters); locally the stand-in `ledgerline dev` runs on `access_point_port`. The
    # sending worker tries `einvoice_send_attempts` times, waiting `einvoice_retry_seconds` × 2^(n-1) between
    # attempts, then polls the transmission's status `einvoice_poll_attempts` times the same way.
    peppol_access_point_url: str | None = None
    peppol_access_point_token: SecretStr | None = None
    local_access_point: bool = True  # `ledgerline dev` runs the access point stand-in
    access_point_port: int = Field(default=8089, ge=0, le=65535)
    einvoice_send_attempts: int = Field(default=5, ge=1, le=20)
    einvoice_retry_seconds: float = Field(default=1.0, ge=0, le=60)
    einvoice_poll_attempts: int = Field(default=5, ge=1, le=50)
    # The real-time stream (issue 20, item 6): the WebSocket API's Management API endpoint the bus consumer posts
    # to (`https://<api>.execute-api.<region>.amazonaws.com/<stage>`, from the template); unset locally, where the
    # dev server's own sockets take the events. `stream_settle_seconds`: the wait before a resume's second read.
    stream_callback_url: str | None = None
    stream_settle_seconds: float = Field(default=1.0, ge=0, le=10)
    # The local runtime runs the reminders job for today when `ledgerline dev` starts.
    local_reminders_on_start: bool = True
    # ... and the recurring invoices job for today (issue 14).
    local_recurring_on_start: bool = True

    @model_validator(mode="after")
    def _local_database(self) -> Settings:
        if self.environment == "local" and self.dynamodb_endpoint is None:
            object.__setattr__(self, "dynamodb_endpoint", f"http://127.0.0.1:{self.dynamodb_port}")
        return self

    @model_validator(mode="after")
    def _local_access_point(self) -> Settings:
        if self.environment == "local" and self.peppol_access_point_url is None:
            object.__setattr__(self, "peppol_access_point_url", f"http://127.0.0.1:{self.access_point_port}")
        return self

    @model_validator(mode="after")
    def _loopback_webhooks(self) -> Settings:
        if self.webhooks_allow_loopback is None:
            object.__setattr__(self, "webhooks_allow_loopback", self.is_local)
        elif self.webhooks_allow_loopback and not self.is_local:
            raise ValueError("webhooks_allow_loopback is for the local runtime only")
        return self

    @model_validator(mode="after")
    def _real_cursor_secret(self) -> Settings:
        # Anyone who knows the signing secret can forge cursors, so a deployment never runs on the
        # development value (or on anything short enough to guess).
        secret = self.cursor_secret.get_secret_value()
        if not self.is_local and (secret == LOCAL_CURSOR_SECRET or len(secret) < MIN_CURSOR_SECRET_LENGTH):
            raise ValueError(f"LEDGERLINE_CURSOR_SECRET must be set outside the local runtime, to a random string of "
                             f"at least {MIN_CURSOR_SECRET_LENGTH} characters (not the development default)")
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
