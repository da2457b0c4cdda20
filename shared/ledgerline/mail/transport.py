"""Transports: SMTP (smtplib; the local sink `ledgerline dev` runs) and Amazon SES v2 (`SendEmail` with
`Content.Raw`). `transport()` picks SES when `LEDGERLINE_EMAIL_TRANSPORT=ses` (set in template.yaml)."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from functools import cache
from typing import Any, Protocol

from ledgerline.settings import get_settings


@dataclass
class Outcome:
    """What the transport said: the provider's message id, and the recipients it refused for good."""

    provider_message_id: str | None
    refused: dict[str, str] = field(default_factory=dict)


class TransientFailure(Exception):
    """The transport could not take the message now (connection refused, 4xx): send again later."""


class Transport(Protocol):
    def send(self, message: EmailMessage, sender: str, recipients: list[str]) -> Outcome: ...


class TestModeTransport:
    """Test mode (issue 20): an email of test data never leaves. It is accepted as sent (so the document's
    `sent` state and events are as in live mode), with `test_mode:` and its Message-ID as the provider's id."""

    def send(self, message: EmailMessage, sender: str, recipients: list[str]) -> Outcome:
        return Outcome(f"test_mode:{message['Message-ID']}")


class SmtpTransport:
    def __init__(self, host: str, port: int, timeout: float = 30.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout

    def send(self, message: EmailMessage, sender: str, recipients: list[str]) -> Outcome:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                refused = smtp.send_message(message, from_addr=sender, to_addrs=recipients)
        except smtplib.SMTPRecipientsRefused as exc:  # every recipient refused
            permanent = {a: _reason(c, m) for a, (c, m) in exc.recipients.items() if c >= 500}
            if len(permanent) < len(exc.recipients):
                raise TransientFailure(str(exc)) from exc
            return Outcome(None, permanent)
        except (OSError, smtplib.SMTPException) as exc:
            raise TransientFailure(str(exc)) from exc
        return Outcome(message["Message-ID"], {a: _reason(c, m) for a, (c, m) in refused.items()})


def _reason(code: int, text: bytes | str) -> str:
    return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"


class SesTransport:
    """SES v2 SendEmail with the raw MIME message; the sender must be a verified identity (the function's
    policy allows sending from the configured identities only)."""

    def __init__(self, client: Any, configuration_set: str | None) -> None:
        self.client, self.configuration_set = client, configuration_set

    def send(self, message: EmailMessage, sender: str, recipients: list[str]) -> Outcome:
        from botocore.exceptions import ClientError  # deferred: only AWS sends through SES

        request: dict[str, Any] = {
            "FromEmailAddress": sender,
            "Destination": {"ToAddresses": recipients},
            "Content": {"Raw": {"Data": message.as_bytes()}},
        }
        if self.configuration_set:
            request["ConfigurationSetName"] = self.configuration_set
        try:
            answer = self.client.send_email(**request)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in {"MessageRejected", "MailFromDomainNotVerifiedException", "AccountSuspendedException",
                        "SendingPausedException", "BadRequestException", "NotFoundException"}:
                return Outcome(None, {address: code for address in recipients})
            raise TransientFailure(code or str(exc)) from exc
        return Outcome(answer.get("MessageId"))


@cache
def transport() -> Transport:
    settings = get_settings()
    if settings.email_transport == "ses":
        import boto3  # deferred: the local runtime sends over SMTP

        return SesTransport(boto3.client("sesv2", region_name=settings.region), settings.ses_configuration_set)
    return SmtpTransport(settings.smtp_host, settings.smtp_port)
