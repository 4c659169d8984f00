"""Counts for `mailbot status` and the metrics endpoint."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mailbot.cases.models import Action, Case, InboundMail, InboundStatus, Outbox


def status(*, session: Session, now: datetime) -> dict[str, Any]:
    inbound = dict(session.execute(select(InboundMail.status, func.count()).group_by(InboundMail.status)).all())
    kinds = dict(session.execute(select(InboundMail.kind, func.count()).group_by(InboundMail.kind)).all())
    cases = dict(session.execute(select(Case.state, func.count()).group_by(Case.state)).all())
    outbox = dict(session.execute(select(Outbox.state, func.count()).group_by(Outbox.state)).all())
    actions = dict(session.execute(select(Action.state, func.count()).group_by(Action.state)).all())
    oldest = session.scalar(
        select(func.min(InboundMail.received_at)).where(InboundMail.status == InboundStatus.PENDING)
    )
    oldest_outbox = session.scalar(select(func.min(Outbox.created_at)).where(Outbox.state == "pending"))
    return {
        "inbound_total": sum(inbound.values()),
        "inbound_pending": inbound.get(InboundStatus.PENDING, 0),
        "inbound_by_status": inbound,
        "inbound_by_kind": {str(k): v for k, v in kinds.items()},
        "shunted": inbound.get(InboundStatus.SHUNTED, 0),
        "oldest_pending_seconds": _age(oldest, now),
        "cases_by_state": cases,
        "actions_by_state": actions,
        "outbox_pending": outbox.get("pending", 0),
        "outbox_sent": outbox.get("sent", 0),
        "outbox_failed": outbox.get("failed", 0),
        "oldest_outbox_seconds": _age(oldest_outbox, now),
    }


def _age(value: datetime | None, now: datetime) -> float | None:
    if value is None:
        return None
    return round((now - value).total_seconds(), 1)
