"""SQLAlchemy models: inbound mail, cases, their append-only events, actions and the outbox."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from mailbot.clock import utcnow


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on SQLite (which keeps no zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use mailbot.clock")
        return value.astimezone(UTC) if dialect.name != "sqlite" else value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[str]: JSON, datetime: UTCDateTime}


class InboundStatus:
    PENDING = "pending"
    PROCESSED = "processed"
    SCREENED = "screened"
    SHUNTED = "shunted"


class InboundMail(Base):
    """One raw message as received; committed before anything else happens to it."""

    __tablename__ = "inbound_mail"
    __table_args__ = (
        UniqueConstraint("message_id", "sha256", name="uq_inbound_msgid_hash"),
        UniqueConstraint("imap_mailbox", "imap_uidvalidity", "imap_uid", name="uq_inbound_imap"),
        Index("ix_inbound_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    source: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[str] = mapped_column(String(998), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    imap_mailbox: Mapped[str | None] = mapped_column(String(255))
    imap_uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    imap_uid: Mapped[int | None] = mapped_column(BigInteger)
    imap_done: Mapped[bool] = mapped_column(Boolean, default=True)
    # Which pipeline worker handles the mail: a hash of the sender, so one person's mail
    # is always handled in order by the same worker.
    partition: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default=InboundStatus.PENDING)
    kind: Mapped[str | None] = mapped_column(String(16))
    screen_rule: Mapped[str | None] = mapped_column(String(64))
    screen_reason: Mapped[str | None] = mapped_column(Text)
    defects: Mapped[list[str]] = mapped_column(default=list)
    from_addr: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(Text)
    lang: Mapped[str | None] = mapped_column(String(8))
    intent: Mapped[str | None] = mapped_column(String(16))
    intents: Mapped[list[str]] = mapped_column(default=list)
    confidence: Mapped[float | None]
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    processed_at: Mapped[datetime | None]
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))


class MailboxState(Base):
    """Where the IMAP watcher got to: resync starts from here, never from UNSEEN."""

    __tablename__ = "mailbox_state"

    mailbox: Mapped[str] = mapped_column(String(255), primary_key=True)
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)


class Case(Base):
    """One request of one requester, with a state, a deadline and a history."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_state", "state"),
        Index("ix_cases_requester", "requester_email", "intent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True)
    state: Mapped[str] = mapped_column(String(24))
    intent: Mapped[str] = mapped_column(String(16))
    intents: Mapped[list[str]] = mapped_column(default=list)
    confidence: Mapped[float | None]
    lang: Mapped[str] = mapped_column(String(8))
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    requester_email: Mapped[str] = mapped_column(String(320))
    requester_name: Mapped[str | None] = mapped_column(String(320))
    authenticated: Mapped[bool] = mapped_column(Boolean, default=False)
    account_id: Mapped[str | None] = mapped_column(String(128))
    registered_email: Mapped[str | None] = mapped_column(String(320))
    received_at: Mapped[datetime]
    due_on: Mapped[date] = mapped_column(Date)
    extended_due_on: Mapped[date | None] = mapped_column(Date)
    paused_since: Mapped[datetime | None]
    review_reason: Mapped[str | None] = mapped_column(Text)
    repeat_of: Mapped[list[str]] = mapped_column(default=list)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    identity_reminded_at: Mapped[datetime | None]
    staff_reminded_at: Mapped[datetime | None]
    overdue_alerted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None]

    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan"
    )
    actions: Mapped[list[Action]] = relationship(
        back_populates="case", order_by="Action.id", cascade="all, delete-orphan"
    )

    @property
    def effective_due_on(self) -> date:
        return self.extended_due_on or self.due_on


class CaseEvent(Base):
    """The append-only audit trail: the database refuses updates (see the migration)."""

    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str | None] = mapped_column(String(24))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)

    case: Mapped[Case] = relationship(back_populates="events")


class Action(Base):
    """One concrete operation a case proposes; waits for an approver unless auto-approved."""

    __tablename__ = "action"
    __table_args__ = (Index("ix_action_state", "state", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(128))
    executed_at: Mapped[datetime | None]

    case: Mapped[Case] = relationship(back_populates="actions")


class Outbox(Base):
    """A reply, built whole at queue time (Message-ID fixed), delivered by the sender."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_state", "state", "next_attempt_at"),
        Index("ix_outbox_to", "to_addr", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    inbound_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbound_mail.id", ondelete="SET NULL")
    )
    to_addr: Mapped[str] = mapped_column(String(320))
    template: Mapped[str] = mapped_column(String(64))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class Verification(Base):
    """A one-time identity confirmation: link token and short code, both stored hashed."""

    __tablename__ = "verification"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16), default="identity")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    email: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    tries: Mapped[int] = mapped_column(Integer, default=0)


class Suppression(Base):
    """Addresses that must receive no marketing mail."""

    __tablename__ = "suppression"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    source: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Objection(Base):
    """Objections to processing (Art. 21(1)) per address and purpose."""

    __tablename__ = "objection"
    __table_args__ = (UniqueConstraint("email", "purpose", name="uq_objection"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    purpose: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BreachClock(Base):
    """The 72-hour clock of GDPR Art. 33 and the breach register entry it becomes."""

    __tablename__ = "breach_clock"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime]
    deadline_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="open")
    decided_by: Mapped[str | None] = mapped_column(String(128))
    decided_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)


class Download(Base):
    """An access package: a single-use, expiring link to a file under var/exports/."""

    __tablename__ = "download"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("action.id", ondelete="SET NULL"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
