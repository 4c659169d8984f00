"""Helpers to fill and read the test IMAP server with imapclient."""

from __future__ import annotations

import socket
from collections.abc import Iterable

from imapclient import IMAPClient

from tests.support.dovecot import Dovecot


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
