"""The case state machine: states, intents, action kinds and the one transitions table."""

from __future__ import annotations

from enum import StrEnum

from mailbot.errors import TransitionError


class CaseState(StrEnum):
    RECEIVED = "received"
    CLASSIFIED = "classified"
    AWAITING_IDENTITY = "awaiting_identity"
    AWAITING_APPROVAL = "awaiting_approval"
    EXECUTED = "executed"
    REPLIED = "replied"
    CLOSED = "closed"
    ESCALATED = "escalated"
    REJECTED = "rejected"
    EXPIRED = "expired"


S = CaseState
TERMINAL = frozenset({S.CLOSED, S.REJECTED, S.EXPIRED})
OPEN = frozenset(set(S) - TERMINAL)

TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    S.RECEIVED: frozenset({S.CLASSIFIED, S.ESCALATED, S.REJECTED}),
    S.CLASSIFIED: frozenset(
        {S.AWAITING_IDENTITY, S.AWAITING_APPROVAL, S.EXECUTED, S.ESCALATED, S.REJECTED}
    ),
    S.AWAITING_IDENTITY: frozenset(
        {S.AWAITING_APPROVAL, S.EXECUTED, S.EXPIRED, S.ESCALATED, S.REJECTED}
    ),
    S.AWAITING_APPROVAL: frozenset({S.EXECUTED, S.REJECTED, S.ESCALATED, S.AWAITING_IDENTITY}),
    S.EXECUTED: frozenset({S.REPLIED, S.ESCALATED}),
    S.REPLIED: frozenset({S.CLOSED}),
    S.ESCALATED: frozenset(
        {S.AWAITING_IDENTITY, S.AWAITING_APPROVAL, S.EXECUTED, S.REJECTED, S.CLOSED}
    ),
    S.CLOSED: frozenset(),
    S.REJECTED: frozenset(),
    S.EXPIRED: frozenset(),
}


def check_transition(current: CaseState, target: CaseState) -> None:
    """Raise `TransitionError` unless `current -> target` is in the table."""
    if target not in TRANSITIONS[current]:
        raise TransitionError(f"a case cannot move from {current} to {target}")


class ActionKind(StrEnum):
    SUPPRESS = "suppress"
    OBJECT = "object"
    EXPORT = "export"
    ERASE = "erase"
    RECTIFY = "rectify"
    RESTRICT = "restrict"
    LOCK_ACCOUNT = "lock_account"


class ActionState(StrEnum):
    PENDING = "pending"
    DEFERRED = "deferred"
    APPROVED = "approved"
    EXECUTED = "executed"
    FAILED = "failed"
    REJECTED = "rejected"


class Priority(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"
