"""SMTP/LMTP intake for direct delivery: the raw message is committed before we say 250."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession
from sqlalchemy.orm import Session, sessionmaker

from mailbot.cases.db import transaction
from mailbot.cases.inbound import store_inbound
from mailbot.clock import Clock
from mailbot.config import IntakeSettings

log = logging.getLogger("mailbot.intake")

OK = "250 OK: queued"
LMTP_OK = "250 2.0.0 OK: queued"
UNKNOWN_RECIPIENT = "550 5.1.1 No such recipient here"
TOO_BIG = "552 5.3.4 Message too big"
TEMPORARY = "451 4.3.0 Temporary failure, try again later"


class IntakeHandler:
    """aiosmtpd hooks: accept only our recipients, store the message durably, then answer."""

    def __init__(self, factory: sessionmaker[Session], *, recipients: tuple[str, ...], max_size: int,
                 clock: Clock, on_stored: Callable[[], None] = lambda: None) -> None:
        self.factory, self.recipients, self.max_size = factory, {r.lower() for r in recipients}, max_size
        self.clock, self.on_stored = clock, on_stored

    async def handle_RCPT(self, server: SMTP, session: SmtpSession, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if address.lower() not in self.recipients:
            return UNKNOWN_RECIPIENT
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: SmtpSession, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        if len(raw) > self.max_size:
            return TOO_BIG
        try:
            # Blocking database work off the event loop: the commit happens before the 250.
            row_id = await asyncio.get_running_loop().run_in_executor(None, self._store, raw)
        except Exception:
            log.exception("intake could not store a message")
            return TEMPORARY
        log.info("mail %s accepted over SMTP (%d bytes)", row_id, len(raw))
        self.on_stored()
        return LMTP_OK if isinstance(server, LMTP) else OK

    def _store(self, raw: bytes) -> int:
        with transaction(self.factory) as session:
            row, _created = store_inbound(raw, source="smtp", session=session, now=self.clock())
            session.flush()
            return row.id


class IntakeController(Controller):
    """The listener; LMTP when configured, SMTP otherwise."""

    def __init__(self, handler: IntakeHandler, settings: IntakeSettings) -> None:
        self.lmtp = settings.lmtp
        super().__init__(handler, hostname=settings.host, port=settings.port,
                         data_size_limit=settings.max_size, decode_data=False)

    def factory(self) -> Any:
        if self.lmtp:
            return LMTP(self.handler, **self.SMTP_kwargs)
        return super().factory()
