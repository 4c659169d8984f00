"""`move()` is the only writer of case state; every move and decision is an audit event.

Events are appended to the audit trail in one multi-row INSERT when their transaction (or
savepoint) commits, rather than as one ORM object each: a case opens with half a dozen of
them, and they are most of the pipeline's writes. A savepoint rolled back takes its events
with it.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.orm import Session, SessionTransaction

from mailbot.cases.models import Case, CaseEvent
from mailbot.cases.states import TERMINAL, CaseState, check_transition

audit = logging.getLogger("mailbot.audit")
PENDING, MARKS = "mailbot.pending_events", "mailbot.pending_event_marks"


def _event(case: Case, kind: str, to_state: str, *, session: Session, actor: str, now: datetime,
           reason: str | None, data: dict[str, Any] | None) -> None:
    row = {"at": now, "actor": actor, "kind": kind, "from_state": case.state, "to_state": to_state,
           "reason": reason, "data": data or {}}
    session.info.setdefault(PENDING, []).append((case, row))


@event.listens_for(Session, "before_commit")
def _write_events(session: Session) -> None:
    """Runs before every commit and every savepoint release."""
    pending: list[tuple[Case, dict[str, Any]]] = session.info.pop(PENDING, [])
    if not pending:
        return
    if any(case.id is None for case, _row in pending):
        session.flush()  # a case opened in this transaction gets its id
    session.execute(insert(CaseEvent), [{"case_id": case.id, **row} for case, row in pending])


@event.listens_for(Session, "after_transaction_create")
def _mark(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        session.info.setdefault(MARKS, {})[transaction] = len(session.info.get(PENDING, ()))


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous: SessionTransaction) -> None:
    """Events recorded in a transaction that rolled back were never written: drop them."""
    mark = session.info.get(MARKS, {}).pop(previous, 0) if previous.nested else 0
    del session.info.get(PENDING, [])[mark:]


def record(
    case: Case,
    kind: str,
    *,
    session: Session,
    actor: str,
    now: datetime,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Append one event to the case's audit trail (no state change)."""
    _event(case, kind, case.state, session=session, actor=actor, now=now, reason=reason, data=data)
    audit.info("%s %s by %s", case.ref, kind, actor)


def move(
    case: Case,
    target: CaseState,
    *,
    session: Session,
    actor: str,
    now: datetime,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Move `case` to `target` if the transitions table allows it, and record why."""
    current = CaseState(case.state)
    check_transition(current, target)
    _event(case, "transition", target.value, session=session, actor=actor, now=now, reason=reason, data=data)
    case.state = target.value
    case.updated_at = now
    if target in TERMINAL:
        case.closed_at = now
    audit.info("%s %s -> %s by %s", case.ref, current, target, actor)
