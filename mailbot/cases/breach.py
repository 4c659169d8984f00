"""The breach register: staff confirm or dismiss the 72-hour clock of GDPR Art. 33."""

from __future__ import annotations

from sqlalchemy import select

from mailbot.cases.context import CaseContext
from mailbot.cases.lifecycle import record
from mailbot.cases.models import BreachClock, Case
from mailbot.errors import ActionError, NotFoundError

DECISIONS = ("confirmed", "dismissed")


def clocks(ctx: CaseContext, *, open_only: bool = False) -> list[tuple[BreachClock, Case]]:
    query = select(BreachClock, Case).join(Case, Case.id == BreachClock.case_id).order_by(BreachClock.deadline_at)
    if open_only:
        query = query.where(BreachClock.status == "open")
    return [(clock, case) for clock, case in ctx.session.execute(query).all()]


def decide(ref: str, decision: str, ctx: CaseContext, *, note: str) -> BreachClock:
    """Record the staff decision on a case's clock in the register."""
    if decision not in DECISIONS:
        raise ActionError(f"decision must be one of {', '.join(DECISIONS)}")
    if not note.strip():
        raise ActionError("the breach register needs a note explaining the decision")
    case = ctx.session.scalar(select(Case).where(Case.ref == ref.strip().upper()))
    if case is None:
        raise NotFoundError(f"no case {ref}")
    clock = ctx.session.scalar(select(BreachClock).where(BreachClock.case_id == case.id, BreachClock.status == "open"))
    if clock is None:
        raise NotFoundError(f"case {case.ref} has no open 72-hour clock")
    clock.status, clock.decided_by, clock.decided_at, clock.note = decision, ctx.actor, ctx.now, note.strip()
    record(case, f"breach_{decision}", session=ctx.session, actor=ctx.actor, now=ctx.now, reason=note.strip(),
           data={"clock_id": clock.id, "late": ctx.now > clock.deadline_at})
    return clock
