"""The local SMTP server `ledgerline dev` runs (aiosmtpd): every message it accepts is kept as an `.eml`
file under `<data_dir>/mail/` (`<ULID>.eml`, so names sort by arrival), and `ledgerline mail list` /
`mail show ID` read them. A recipient ending in `@bounce.invalid` is refused with 550, as a mailbox that
does not exist would be, so the email becomes `bounced`.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ulid import ULID

from ledgerline.domain.emails import is_bounce_address


class MailFolder:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def keep(self, data: bytes) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        message_id = str(ULID())
        path = self.folder / f"{message_id}.eml"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)  # a reader never sees half a message
        return message_id

    def ids(self) -> list[str]:
        return sorted(p.stem for p in self.folder.glob("*.eml")) if self.folder.is_dir() else []

    def raw(self, message_id: str) -> bytes:
        path = self.folder / f"{message_id}.eml"
        if not message_id.isalnum() or not path.is_file():
            raise FileNotFoundError(message_id)
        return path.read_bytes()

    def message(self, message_id: str) -> email.message.EmailMessage:
        return email.message_from_bytes(self.raw(message_id), policy=email.policy.default)  # type: ignore[return-value]

    def summary(self, message_id: str) -> dict[str, Any]:
        message = self.message(message_id)
        attachments = [part.get_filename() for part in message.iter_attachments()]
        return {"id": message_id, "date": message["Date"], "from": message["From"], "to": message["To"],
                "cc": message["Cc"], "subject": message["Subject"], "message_id": message["Message-ID"],
                "attachments": attachments}


class SinkHandler:
    """aiosmtpd handler: refuse bounce addresses at RCPT, keep every accepted message."""

    def __init__(self, folder: MailFolder) -> None:
        self.folder = folder

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
                          ) -> str:
        if is_bounce_address(address):
            return "550 5.1.1 Mailbox does not exist"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        data = envelope.original_content or envelope.content
        kept = self.folder.keep(data if isinstance(data, bytes) else data.encode())
        return f"250 Message accepted for delivery {kept}"


@dataclass
class RunningSink:
    host: str
    port: int
    folder: MailFolder


@contextmanager
def running(host: str, port: int, folder: Path) -> Iterator[RunningSink]:
    """The SMTP sink, listening on host:port while the context is open."""
    from aiosmtpd.controller import Controller

    mail = MailFolder(folder)
    controller = Controller(SinkHandler(mail), hostname=host, port=port)
    controller.start()
    try:
        yield RunningSink(host, port, mail)
    finally:
        controller.stop()
