"""`move()` is the only writer of case state; every move and decision is an audit event."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from mailbot.cases.models import Case, CaseEvent
from mailbot.cases.states import TERMINAL, CaseState, check_transition

audit = logging.getLogger("mailbot.audit")


def record(
    case: Case,
    kind: str,
    *,
    session: Session,
    actor: str,
    now: datetime,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Append one event to the case's audit trail (no state change)."""
    event = CaseEvent(
        case=case,
        at=now,
        actor=actor,
        kind=kind,
        from_state=case.state,
        to_state=case.state,
        reason=reason,
        data=data or {},
    )
    session.add(event)
    audit.info("%s %s by %s", case.ref, kind, actor)
    return event


def move(
    case: Case,
    target: CaseState,
    *,
    session: Session,
    actor: str,
    now: datetime,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Move `case` to `target` if the transitions table allows it, and record why."""
    current = CaseState(case.state)
    check_transition(current, target)
    event = CaseEvent(
        case=case,
        at=now,
        actor=actor,
        kind="transition",
        from_state=current.value,
        to_state=target.value,
        reason=reason,
        data=data or {},
    )
    case.state = target.value
    case.updated_at = now
    if target in TERMINAL:
        case.closed_at = now
    session.add(event)
    audit.info("%s %s -> %s by %s", case.ref, current, target, actor)
    return event
