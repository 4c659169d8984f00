"""`move()` is the only writer of case state; every move and decision is an audit event."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from mailbot.cases.models import Case, CaseEvent
from mailbot.cases.states import TERMINAL, CaseState, check_transition

audit = logging.getLogger("mailbot.audit")


def _event(case: Case, kind: str, to_state: str, *, session: Session, actor: str, now: datetime,
           reason: str | None, data: dict[str, Any] | None) -> CaseEvent:
    event = CaseEvent(case=case, at=now, actor=actor, kind=kind, from_state=case.state, to_state=to_state,
                      reason=reason, data=data or {})
    session.add(event)
    return event


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
    event = _event(case, kind, case.state, session=session, actor=actor, now=now, reason=reason, data=data)
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
    event = _event(case, "transition", target.value, session=session, actor=actor, now=now, reason=reason,
                   data=data)
    case.state = target.value
    case.updated_at = now
    if target in TERMINAL:
        case.closed_at = now
    audit.info("%s %s -> %s by %s", case.ref, current, target, actor)
    return event
