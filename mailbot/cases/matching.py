"""Threading: which case a new mail belongs to (reference, In-Reply-To/References, policy)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailbot.cases.models import Case, Outbox
from mailbot.cases.states import OPEN
from mailbot.mail.parse import ParsedMail

REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def ref_pattern(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"\b({re.escape(prefix)}-[{REF_ALPHABET}]{{6}})\b", re.IGNORECASE)


def by_reference(mail: ParsedMail, *, prefix: str, session: Session) -> Case | None:
    """A case named by its public reference in the subject (or the first lines of text)."""
    for ref in ref_pattern(prefix).findall(f"{mail.subject}\n{mail.text[:2000]}"):
        case = session.scalar(select(Case).where(Case.ref == ref.upper()))
        if case is not None:
            return case
    return None


def by_thread(mail: ParsedMail, *, session: Session) -> Case | None:
    """A case one of whose replies this mail answers (In-Reply-To, then References)."""
    ids = [i for i in (mail.in_reply_to, *reversed(mail.references)) if i][:20]
    if not ids:
        return None
    rows = session.execute(
        select(Outbox.message_id, Outbox.case_id).where(Outbox.message_id.in_(ids))
    ).all()
    by_id = {message_id: case_id for message_id, case_id in rows if case_id is not None}
    for message_id in ids:
        if message_id in by_id:
            return session.get(Case, by_id[message_id])
    return None


def open_case_of(requester: str, intent: str, *, session: Session) -> Case | None:
    """The requester's open case for the same intent, if any (policy join)."""
    return session.scalar(
        select(Case)
        .where(
            Case.requester_email == requester.lower(),
            Case.intent == intent,
            Case.state.in_([s.value for s in OPEN]),
        )
        .order_by(Case.id.desc())
        .limit(1)
    )


def earlier_requests(
    requester: str, intent: str, *, session: Session, now: datetime, window_days: int
) -> list[Case]:
    """Cases of the same kind by the same person inside the repetition window."""
    return list(
        session.scalars(
            select(Case)
            .where(
                Case.requester_email == requester.lower(),
                Case.intent == intent,
                Case.received_at >= now - timedelta(days=window_days),
            )
            .order_by(Case.id)
        )
    )
