"""The outbox sender: delivers queued replies over SMTP (or into a local Maildir).

One reused connection; 4xx and connection errors retry with exponential backoff;
5xx marks the reply failed, visible to staff. The Message-ID was fixed at queue time,
so a retry after a crash is recognisably the same mail.
"""

from __future__ import annotations

import logging
import mailbox
import smtplib
import ssl
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mailbot.cases.db import sole_owner, transaction
from mailbot.cases.models import Outbox
from mailbot.clock import Clock
from mailbot.config import OutboxSettings, SmtpSettings
from mailbot.errors import DeliveryError

log = logging.getLogger("mailbot.send")


class Transport(Protocol):
    def send(self, raw: bytes, *, sender: str, recipient: str) -> None: ...

    def close(self) -> None: ...


class MaildirTransport:
    """The embedded default: replies are kept in a local Maildir instead of the internet."""

    def __init__(self, path: str | Path) -> None:
        self.maildir = mailbox.Maildir(str(path), create=True)

    def send(self, raw: bytes, *, sender: str, recipient: str) -> None:
        self.maildir.add(raw)

    def close(self) -> None:
        self.maildir.close()


class SmtpTransport:
    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.client: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        assert s.host is not None  # noqa: S101 - chosen only when a host is configured
        context = ssl.create_default_context()
        if s.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                client.starttls(context=context)
        if s.user and s.password:
            client.login(s.user, s.password)
        return client

    def send(self, raw: bytes, *, sender: str, recipient: str) -> None:
        try:
            if self.client is None:
                self.client = self._connect()
            self.client.sendmail(sender, [recipient], raw)
        except smtplib.SMTPRecipientsRefused as exc:
            code, message = next(iter(exc.recipients.values()))
            raise DeliveryError(f"{code} {message!r}", permanent=code >= 500) from exc
        except smtplib.SMTPResponseException as exc:
            self.close()
            raise DeliveryError(f"{exc.smtp_code} {exc.smtp_error!r}", permanent=exc.smtp_code >= 500) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise DeliveryError(f"connection: {type(exc).__name__}: {exc}", permanent=False) from exc

    def close(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                client.close()


def make_transport(smtp: SmtpSettings, outbox: OutboxSettings, var_dir: str) -> Transport:
    if smtp.host:
        return SmtpTransport(smtp)
    return MaildirTransport(Path(var_dir) / outbox.maildir)  # an absolute maildir wins


class Sender:
    """Drains due outbox rows, one transaction per reply."""

    def __init__(self, factory: sessionmaker[Session], transport: Transport, *, settings: OutboxSettings,
                 envelope_from: str, clock: Clock, skip_locked: bool = False) -> None:
        self.factory, self.transport, self.settings = factory, transport, settings
        self.envelope_from, self.clock, self.skip_locked = envelope_from, clock, skip_locked
        # PostgreSQL senders lock each row they send; on SQLite one process sends at a time.
        self.owner = None if skip_locked else sole_owner(factory, "sender")
        self.waiting_for_owner = False

    def drain(self, *, tried: set[int] | None = None) -> int:
        """Send every reply due now, oldest first; returns how many were delivered.

        A reply is tried at most once per pass: pass the same `tried` set to several calls
        to make them one pass."""
        tried = set() if tried is None else tried
        if self.owner is not None and not self.owner.acquire():
            if not self.waiting_for_owner:
                log.warning("another mailbot process sends this database's replies; this one leaves them to it")
            self.waiting_for_owner = True
            return 0
        self.waiting_for_owner = False
        sent, after = 0, 0
        while ids := self._due(after):
            for outbox_id in ids:
                after = outbox_id
                if outbox_id not in tried:
                    tried.add(outbox_id)
                    sent += self.send(outbox_id)
        return sent

    def _due(self, after: int, limit: int = 200) -> list[int]:
        with self.factory() as session:
            return list(session.scalars(
                select(Outbox.id)
                .where(Outbox.state == "pending", Outbox.next_attempt_at <= self.clock(), Outbox.id > after)
                .order_by(Outbox.id).limit(limit)
            ))

    def send(self, outbox_id: int) -> int:
        """Try one reply if it is still pending: 1 if delivered, else 0."""
        if self.skip_locked:
            # PostgreSQL: the row stays locked while it is sent, so no other sender takes it.
            with transaction(self.factory) as session:
                row = session.scalar(select(Outbox).where(Outbox.id == outbox_id, Outbox.state == "pending")
                                     .with_for_update(skip_locked=True))
                return 0 if row is None else self._record(row, self._deliver(row), self.clock())
        # SQLite has one sender: read, send, then hold the writer lock only to record it.
        with self.factory() as session:
            row = session.scalar(select(Outbox).where(Outbox.id == outbox_id, Outbox.state == "pending"))
        if row is None:
            return 0
        error = self._deliver(row)
        with transaction(self.factory) as session:
            row = session.get(Outbox, outbox_id)
            return 0 if row is None else self._record(row, error, self.clock())

    def _deliver(self, row: Outbox) -> DeliveryError | None:
        try:
            self.transport.send(row.raw, sender=self.envelope_from, recipient=row.to_addr)
        except DeliveryError as exc:
            return exc
        return None

    def _record(self, row: Outbox, error: DeliveryError | None, now: datetime) -> int:
        if error is not None:
            self._failed(row, error, now)
            return 0
        row.state, row.sent_at, row.attempts = "sent", now, row.attempts + 1
        log.info("outbox %s sent (%s)", row.id, row.template)
        return 1

    def _failed(self, row: Outbox, exc: DeliveryError, now: datetime) -> None:
        row.attempts += 1
        row.last_error = str(exc)[:2000]
        if exc.permanent or row.attempts >= self.settings.max_attempts:
            row.state = "failed"
            log.warning("outbox %s failed for good after %d attempts", row.id, row.attempts)
            return
        delay = min(self.settings.backoff_base * 2 ** (row.attempts - 1), self.settings.backoff_max)
        row.next_attempt_at = now + timedelta(seconds=delay)
        log.info("outbox %s deferred %.0fs after attempt %d", row.id, delay, row.attempts)

    def close(self) -> None:
        self.transport.close()
        if self.owner is not None:
            self.owner.release()
