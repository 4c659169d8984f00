"""The IMAP watcher: fetch new mail by UID, store it durably, mark it once handled.

Resync always starts from the stored UIDVALIDITY + last UID (never from UNSEEN); a changed
UIDVALIDITY means a full resync, deduplicated by Message-ID + hash. IDLE when the server
has it, polling otherwise and as a safety net. Any protocol error: reconnect with backoff.
Nothing is ever deleted: rights-request mail is moved, other mail gets a keyword.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable
from typing import Any

from imapclient import IMAPClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mailbot.cases.db import transaction
from mailbot.cases.inbound import ImapOrigin, store_inbound
from mailbot.cases.models import InboundMail, InboundStatus, MailboxState
from mailbot.clock import Clock
from mailbot.config import ImapSettings

log = logging.getLogger("mailbot.intake")


class ImapWatcher:
    def __init__(self, settings: ImapSettings, factory: sessionmaker[Session], *, clock: Clock,
                 on_stored: Callable[[], None] = lambda: None) -> None:
        self.settings, self.factory, self.clock, self.on_stored = settings, factory, clock, on_stored
        self.marks_waiting = threading.Event()

    # -- connection ---------------------------------------------------------------------------
    def connect(self) -> IMAPClient:
        s = self.settings
        context = ssl.create_default_context()
        client = IMAPClient(s.host, port=s.port, ssl=s.security == "tls", ssl_context=context,
                            timeout=s.timeout)
        try:
            client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if s.security == "starttls":
                client.starttls(context)
            client.login(s.user or "", s.password or "")
            client.select_folder(s.folder)
        except Exception:
            _close(client)
            raise
        return client

    # -- fetching -------------------------------------------------------------------------------
    def sync(self, client: IMAPClient) -> int:
        """Store every message after the last stored UID; returns how many were new."""
        folder = self.settings.folder
        uidvalidity = int(client.folder_status(folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"])
        with transaction(self.factory) as session:
            state = session.get(MailboxState, folder)
            if state is None or state.uidvalidity != uidvalidity:
                if state is not None:
                    log.warning("mailbox %s UIDVALIDITY changed: full resync", folder)
                    session.delete(state)
                    session.flush()
                state = MailboxState(mailbox=folder, uidvalidity=uidvalidity, last_uid=0)
                session.add(state)
            last_uid = state.last_uid
        uids = sorted(u for u in client.search(["UID", f"{last_uid + 1}:*"]) if u > last_uid)
        stored = 0
        for start in range(0, len(uids), self.settings.batch):
            batch = uids[start : start + self.settings.batch]
            fetched = client.fetch(batch, [b"BODY.PEEK[]"])
            with transaction(self.factory) as session:
                for uid in batch:
                    raw = fetched.get(uid, {}).get(b"BODY[]")
                    if raw is None:
                        continue  # expunged meanwhile
                    _row, created = store_inbound(
                        raw, source="imap", session=session, now=self.clock(),
                        imap=ImapOrigin(folder, uidvalidity, uid),
                    )
                    stored += int(created)
                state = session.get(MailboxState, folder)
                if state is not None and state.uidvalidity == uidvalidity:
                    state.last_uid = max(state.last_uid, batch[-1])
            self.on_stored()
        if stored:
            log.info("mailbox %s: %d new mails stored", folder, stored)
        return stored

    # -- marking ---------------------------------------------------------------------------------
    def mark_handled(self, client: IMAPClient) -> int:
        """After the case transactions committed: move requests, keyword the rest."""
        self.marks_waiting.clear()
        folder, target = self.settings.folder, self.settings.requests_folder
        uidvalidity = int(client.folder_status(folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"])
        with self.factory() as session:
            rows = session.execute(
                select(InboundMail.id, InboundMail.imap_uid, InboundMail.imap_uidvalidity, InboundMail.case_id)
                .where(InboundMail.imap_done.is_(False), InboundMail.imap_mailbox == folder,
                       InboundMail.status != InboundStatus.PENDING)
                .order_by(InboundMail.id).limit(2000)
            ).all()
        if not rows:
            return 0
        current = [r for r in rows if r.imap_uidvalidity == uidvalidity]
        to_move = [r.imap_uid for r in current if r.case_id is not None]
        to_keep = [r.imap_uid for r in current if r.case_id is None]
        if to_keep:
            client.add_flags(to_keep, [self.settings.keyword.encode()], silent=True)
        if to_move:
            if not client.folder_exists(target):
                client.create_folder(target)
            client.add_flags(to_move, [self.settings.keyword.encode()], silent=True)
            if client.has_capability("MOVE"):
                client.move(to_move, target)
            else:
                client.copy(to_move, target)
                client.add_flags(to_move, [b"\\Deleted"], silent=True)
                client.uid_expunge(to_move) if client.has_capability("UIDPLUS") else client.expunge()
        with transaction(self.factory) as session:
            for row in rows:  # stale UIDs are re-found by the next resync
                mail = session.get(InboundMail, row.id)
                if mail is not None:
                    mail.imap_done = True
        return len(current)

    # -- running -----------------------------------------------------------------------------
    def once(self, between: Callable[[], Any] = lambda: None) -> int:
        """Connect, fetch, let `between` process the mail, mark it, log out."""
        client = self.connect()
        try:
            stored = self.sync(client)
            between()
            self.mark_handled(client)
            return stored
        finally:
            _close(client)

    def run(self, stop: threading.Event) -> None:
        """Watch until `stop` is set; reconnect with backoff on any error."""
        backoff = 1.0
        while not stop.is_set():
            client = None
            try:
                client = self.connect()
                backoff = 1.0
                self._watch(client, stop)
            except Exception as exc:  # noqa: BLE001 - any IDLE/protocol error: reconnect, resync
                log.warning("IMAP connection lost (%s: %s); reconnecting in %.0fs", type(exc).__name__, exc, backoff)
                stop.wait(backoff)
                backoff = min(backoff * 2, 60.0)
            finally:
                if client is not None:
                    _close(client)

    def _watch(self, client: IMAPClient, stop: threading.Event) -> None:
        idle = client.has_capability("IDLE")
        while not stop.is_set():
            self.sync(client)
            self.mark_handled(client)
            if not idle:
                _wait(stop, self.marks_waiting, self.settings.poll_interval)
                client.noop()
                continue
            started, deadline = time.monotonic(), self.settings.idle_timeout
            client.idle()
            try:
                while not stop.is_set() and not self.marks_waiting.is_set():
                    if client.idle_check(timeout=1):
                        break  # the server says something changed
                    elapsed = time.monotonic() - started
                    if elapsed >= min(deadline, self.settings.poll_interval):
                        break  # re-IDLE before the server's 30-minute limit; poll as a safety net
            finally:
                client.idle_done()


def _wait(stop: threading.Event, wake: threading.Event, seconds: float) -> None:
    end = time.monotonic() + seconds
    while not stop.is_set() and not wake.is_set() and time.monotonic() < end:
        stop.wait(min(1.0, end - time.monotonic()))


def _close(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # noqa: BLE001 - the connection may already be gone
        with contextlib.suppress(Exception):
            client.shutdown()
