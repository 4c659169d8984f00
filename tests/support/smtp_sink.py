"""An aiosmtpd server that catches replies, and can refuse on demand (4xx/5xx injection)."""

from __future__ import annotations

import email
import email.policy
import threading
from collections import deque
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.dovecot import free_port


class SinkHandler:
    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refusals: deque[str] = deque()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.refusals:
                return self.refusals.popleft()
            self.messages.append(envelope.original_content or envelope.content)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


class SmtpSink:
    def __init__(self, port: int | None = None) -> None:
        self.handler = SinkHandler()
        self.port = port or free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.running = False

    def start(self) -> None:
        self.controller.start()
        self.running = True

    def stop(self) -> None:
        if self.running:
            self.controller.stop()
            self.running = False

    def refuse(self, *replies: str) -> None:
        self.handler.refusals.extend(replies)

    @property
    def parsed(self) -> list[EmailMessage]:
        with self.handler.lock:
            raw = list(self.handler.messages)
        return [email.message_from_bytes(m, policy=email.policy.default) for m in raw]  # type: ignore[misc]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.parsed if address.lower() in str(m["To"]).lower()]

    def clear(self) -> None:
        with self.handler.lock:
            self.handler.messages.clear()
            self.handler.envelopes.clear()
