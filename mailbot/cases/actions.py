"""The approval queue service: approve, reject, defer, extend. Used by the CLI and the web."""

from __future__ import annotations

from sqlalchemy import select

from mailbot.cases.context import CaseContext
from mailbot.cases.deadlines import can_extend, extended
from mailbot.cases.execution import execute, finish
from mailbot.cases.lifecycle import record
from mailbot.cases.models import Action, Case
from mailbot.cases.outbox import queue_reply
from mailbot.cases.states import TERMINAL, ActionState, CaseState
from mailbot.errors import ActionError, NotFoundError

DECIDABLE = {ActionState.PENDING.value, ActionState.DEFERRED.value}


def pending(ctx: CaseContext) -> list[Action]:
    """Actions waiting for a decision (or a retry), oldest first, urgent cases first."""
    rows = ctx.session.scalars(
        select(Action)
        .join(Case)
        .where(Action.state.in_([*DECIDABLE, ActionState.FAILED.value]))
        .order_by(Case.priority.desc(), Action.id)
    )
    return list(rows)


def get_action(action_id: int, ctx: CaseContext) -> Action:
    action = ctx.session.get(Action, action_id)
    if action is None:
        raise NotFoundError(f"no action {action_id}")
    return action


def get_case(ref: str, ctx: CaseContext) -> Case:
    case = ctx.session.scalar(select(Case).where(Case.ref == ref.strip().upper()))
    if case is None:
        raise NotFoundError(f"no case {ref}")
    return case


def approve(action_id: int, ctx: CaseContext, *, fields: dict[str, str] | None = None) -> Action:
    """Approve and execute one action; the case finishes when nothing else waits."""
    action = get_action(action_id, ctx)
    if action.state not in DECIDABLE | {ActionState.FAILED.value}:
        raise ActionError(f"action {action_id} is {action.state}; only pending, deferred or failed actions can be approved")
    if CaseState(action.case.state) in TERMINAL:
        raise ActionError(f"case {action.case.ref} is {action.case.state}")
    if fields:
        action.params = {**action.params, "fields": dict(fields)}
    action.state, action.decided_by, action.decided_at = ActionState.APPROVED.value, ctx.actor, ctx.now
    record(action.case, "action_approved", session=ctx.session, actor=ctx.actor, now=ctx.now,
           data={"action_id": action.id, "kind": action.kind})
    if execute(action, ctx):
        finish(action.case, ctx)
    return action


def reject(action_id: int, ctx: CaseContext, *, reason: str) -> Action:
    """Refuse one action; the reason is sent to the requester with their remedies."""
    if not reason or not reason.strip():
        raise ActionError("a rejection needs a reason: it is sent to the requester")
    action = get_action(action_id, ctx)
    if action.state not in DECIDABLE | {ActionState.FAILED.value}:
        raise ActionError(f"action {action_id} is {action.state}; it cannot be rejected")
    action.state, action.reason = ActionState.REJECTED.value, reason.strip()
    action.decided_by, action.decided_at = ctx.actor, ctx.now
    record(action.case, "action_rejected", session=ctx.session, actor=ctx.actor, now=ctx.now,
           reason=action.reason, data={"action_id": action.id, "kind": action.kind})
    finish(action.case, ctx)
    return action


def defer(action_id: int, ctx: CaseContext, *, reason: str) -> Action:
    """Keep an action in the queue for later, with a note for the next approver."""
    action = get_action(action_id, ctx)
    if action.state not in DECIDABLE:
        raise ActionError(f"action {action_id} is {action.state}; it cannot be deferred")
    action.state, action.reason = ActionState.DEFERRED.value, reason
    record(action.case, "action_deferred", session=ctx.session, actor=ctx.actor, now=ctx.now,
           reason=reason, data={"action_id": action.id})
    return action


def extend(ref: str, ctx: CaseContext, *, reason: str) -> Case:
    """Extend the deadline by two months (Art. 12(3)), only inside the first month, with reasons."""
    if not reason or not reason.strip():
        raise ActionError("an extension needs reasons: they are sent to the requester")
    case = get_case(ref, ctx)
    if CaseState(case.state) in TERMINAL:
        raise ActionError(f"case {case.ref} is {case.state}")
    if case.extended_due_on is not None:
        raise ActionError(f"case {case.ref} was already extended")
    if not can_extend(case.received_at, ctx.now):
        raise ActionError(
            f"case {case.ref} was received on {case.received_at:%Y-%m-%d}: an extension must be "
            "notified inside the first month"
        )
    case.extended_due_on = extended(case.due_on)
    record(case, "deadline_extended", session=ctx.session, actor=ctx.actor, now=ctx.now,
           reason=reason.strip(), data={"due_on": case.extended_due_on.isoformat()})
    queue_reply(case, "extended", session=ctx.session, settings=ctx.settings, now=ctx.now,
                extra={"result": {"reasons": reason.strip()}})
    return case
