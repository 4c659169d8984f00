"""Store raw inbound mail first, idempotently (Message-ID + sha256, IMAP UIDVALIDITY/UID)."""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mailbot.cases.models import InboundMail, InboundStatus

HEADER_END = re.compile(rb"\r?\n\r?\n")
MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(<[^>\r\n]{1,900}>)", re.IGNORECASE | re.MULTILINE)
FROM = re.compile(rb"^from:[^\r\n]*?([\w.+'-]+@[\w.-]+)", re.IGNORECASE | re.MULTILINE)
PARTITIONS = 1024


@dataclass(frozen=True)
class ImapOrigin:
    mailbox: str
    uidvalidity: int
    uid: int


def _head(raw: bytes) -> bytes:
    match = HEADER_END.search(raw)
    return raw[: match.start()] if match else raw[:65536]


def quick_message_id(raw: bytes) -> str:
    """The top-level Message-ID, read from the header block without a full parse."""
    found = MESSAGE_ID.search(_head(raw))
    return found.group(1).decode("ascii", "replace") if found else ""


def partition_of(raw: bytes) -> int:
    """A stable number for the sender (0 when there is none), read without a full parse."""
    found = FROM.search(_head(raw))
    return zlib.crc32(found.group(1).lower()) % PARTITIONS if found else 0


def store_inbound(
    raw: bytes,
    *,
    source: str,
    session: Session,
    now: datetime,
    imap: ImapOrigin | None = None,
) -> tuple[InboundMail, bool]:
    """Insert the raw mail unless it is already stored; returns (row, created)."""
    sha = hashlib.sha256(raw).hexdigest()
    message_id = quick_message_id(raw)
    if imap is not None:
        existing = session.scalar(
            select(InboundMail).where(
                InboundMail.imap_mailbox == imap.mailbox,
                InboundMail.imap_uidvalidity == imap.uidvalidity,
                InboundMail.imap_uid == imap.uid,
            )
        )
        if existing is not None:
            return existing, False
    existing = session.scalar(
        select(InboundMail).where(InboundMail.message_id == message_id, InboundMail.sha256 == sha)
    )
    if existing is not None:
        if imap is not None:
            # The same mail under new IMAP coordinates (UIDVALIDITY changed): keep one row,
            # follow the message, and make sure it gets marked again where it now lives.
            existing.imap_mailbox, existing.imap_uidvalidity = imap.mailbox, imap.uidvalidity
            existing.imap_uid = imap.uid
            existing.imap_done = False
        return existing, False
    row = InboundMail(
        received_at=now,
        source=source,
        message_id=message_id,
        sha256=sha,
        raw=raw,
        size=len(raw),
        imap_mailbox=imap.mailbox if imap else None,
        imap_uidvalidity=imap.uidvalidity if imap else None,
        imap_uid=imap.uid if imap else None,
        imap_done=imap is None,
        partition=partition_of(raw),
        status=InboundStatus.PENDING,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # Another worker stored it between our look-up and our insert.
        existing = session.scalar(
            select(InboundMail).where(InboundMail.message_id == message_id, InboundMail.sha256 == sha)
        )
        if existing is None:
            raise
        return existing, False
    return row, True


def requeue_shunted(ids: list[int] | None = None, *, session: Session) -> int:
    """Put shunted mail (all, or the given ids) back in the queue (`mailbot retry`)."""
    query = update(InboundMail).where(InboundMail.status == InboundStatus.SHUNTED)
    if ids:
        query = query.where(InboundMail.id.in_(ids))
    result = session.execute(query.values(status=InboundStatus.PENDING, error=None))
    return int(getattr(result, "rowcount", 0) or 0)
