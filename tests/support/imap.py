"""Helpers to fill and read the test IMAP server with imapclient."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterable

from imapclient import IMAPClient

from tests.support import corpus
from tests.support.dovecot import Dovecot
from tests.support.mails import make_mail


def client(server: Dovecot) -> IMAPClient:
    imap = IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=10)
    imap.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    imap.login(server.user, server.password)
    return imap


def append(server: Dovecot, raws: Iterable[bytes], folder: str = "INBOX") -> int:
    imap = client(server)
    try:
        count = 0
        for raw in raws:
            imap.append(folder, raw)
            count += 1
        return count
    finally:
        imap.logout()


def folder_counts(server: Dovecot) -> dict[str, int]:
    imap = client(server)
    try:
        counts = {}
        for _flags, _sep, name in imap.list_folders():
            name = name.decode() if isinstance(name, bytes) else name
            counts[name] = int(imap.folder_status(name, [b"MESSAGES"])[b"MESSAGES"])
        return counts
    finally:
        imap.logout()


def keyworded(server: Dovecot, keyword: str = "$MailbotSeen") -> int:
    imap = client(server)
    try:
        imap.select_folder("INBOX", readonly=True)
        return len(imap.search(["KEYWORD", keyword]))
    finally:
        imap.logout()


def mixed_mails(n: int) -> list[bytes]:
    """Requests, ordinary mail and robots, each distinct."""
    bounce = corpus.raw(corpus.entries("bounces")[0])
    out = []
    for i in range(n):
        if i % 3 == 0:
            out.append(make_mail(f"Request {i}", "Please delete my account and erase all my personal data.",
                                 sender=f"user{i}@example.com", message_id=f"<r{i}@example.com>"))
        elif i % 3 == 1:
            out.append(make_mail(f"Payment {i}", "My transfer failed yesterday, where is my money?",
                                 sender=f"user{i}@example.com", message_id=f"<o{i}@example.com>"))
        else:
            out.append(bounce.replace(b"Message-ID: <", f"Message-ID: <b{i}.".encode(), 1))
    return out


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Real servers take real time; poll a condition with a deadline."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)
