"""Executing approved actions, reporting them to the requester, and finishing the case."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from mailbot.cases.context import CaseContext
from mailbot.cases.lifecycle import move, record
from mailbot.cases.models import Action, Case, Download, Objection, Suppression
from mailbot.cases.outbox import queue_reply
from mailbot.cases.policy import KEPT_BY_LAW, action_intent
from mailbot.cases.states import TERMINAL, ActionKind, ActionState, CaseState

log = logging.getLogger("mailbot.case")
S = CaseState
OPEN_ACTIONS = {
    ActionState.PENDING.value,
    ActionState.DEFERRED.value,
    ActionState.APPROVED.value,
    ActionState.FAILED.value,  # waits for a person to retry it
}


def _suppress(action: Action, ctx: CaseContext) -> dict[str, Any]:
    email = str(action.params["email"]).lower()
    if ctx.session.scalar(select(Suppression).where(Suppression.email == email)) is None:
        ctx.session.add(Suppression(email=email, source="mail", case_id=action.case_id, created_at=ctx.now))
    return {"summary": None}


def _object(action: Action, ctx: CaseContext) -> dict[str, Any]:
    email = str(action.params["email"]).lower()
    purposes = list(action.params.get("purposes") or [])
    for purpose in purposes:
        exists = ctx.session.scalar(
            select(Objection).where(Objection.email == email, Objection.purpose == purpose)
        )
        if exists is None:
            ctx.session.add(Objection(email=email, purpose=purpose, case_id=action.case_id, created_at=ctx.now))
    return {"purposes": purposes}


OWN_TABLES = {ActionKind.SUPPRESS.value: _suppress, ActionKind.OBJECT.value: _object}


DOWNLOAD_DAYS = 7


def _package(action: Action, result: dict[str, Any], ctx: CaseContext) -> dict[str, Any]:
    """Write an export to var/exports/ behind a single-use, expiring download link."""
    document = result.pop("document")
    token = secrets.token_urlsafe(16)
    folder = Path(ctx.settings.var_dir) / "exports"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{action.case.ref}-{action.id}.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False, indent=2, default=str)
    expires = ctx.now + timedelta(days=DOWNLOAD_DAYS)
    ctx.session.add(Download(case_id=action.case_id, action_id=action.id,
                             token_hash=hashlib.sha256(token.encode()).hexdigest(), path=str(path),
                             created_at=ctx.now, expires_at=expires))
    base = ctx.settings.web.base_url.rstrip("/")
    return {**result, "download_url": f"{base}/d/{token}", "download_expires_at": expires.date().isoformat()}


def execute(action: Action, ctx: CaseContext) -> bool:
    """Run one approved action; the result or the failure is recorded on it and the case."""
    case = action.case
    try:
        runner = OWN_TABLES.get(action.kind)
        if runner is not None:
            result = runner(action, ctx)  # our own tables: a failure fails the whole transaction
        else:
            with ctx.session.begin_nested():  # a connector's partial writes roll back alone
                result = ctx.executor.execute(action, case)
    except Exception as exc:
        log.exception("%s action %s (%s) failed", case.ref, action.id, action.kind)
        action.state, action.result = ActionState.FAILED.value, {"error": f"{type(exc).__name__}: {exc}"}
        record(case, "action_failed", session=ctx.session, actor="system", now=ctx.now,
               data={"action_id": action.id, "error": action.result["error"]})
        if CaseState(case.state) not in TERMINAL | {S.ESCALATED}:
            move(case, S.ESCALATED, session=ctx.session, actor="system", now=ctx.now,
                 reason=f"action {action.kind} failed: a person must look")
        return False
    if "document" in result:
        result = _package(action, result, ctx)
    action.state, action.result, action.executed_at = ActionState.EXECUTED.value, result, ctx.now
    record(case, "action_executed", session=ctx.session, actor="system", now=ctx.now,
           data={"action_id": action.id, "kind": action.kind})
    return True


def report(action: Action, ctx: CaseContext) -> None:
    """Queue the reply that tells the requester what became of one action."""
    case = action.case
    if action.state == ActionState.EXECUTED.value:
        intent = action_intent(ActionKind(action.kind), case.intent)
        result = {k: v for k, v in action.result.items() if k in {
            "summary", "download_url", "download_expires_at", "purposes", "fields"}}
        if isinstance(result.get("download_expires_at"), str):
            result["download_expires_at"] = date.fromisoformat(result["download_expires_at"][:10])
        queue_reply(case, "executed", intent=intent, session=ctx.session, settings=ctx.settings,
                    now=ctx.now, inbound=ctx.inbound, to=case.registered_email or case.requester_email,
                    extra={"result": result, "kept_by_law": KEPT_BY_LAW.get(case.lang, KEPT_BY_LAW["en"])})
    elif action.state == ActionState.REJECTED.value:
        queue_reply(case, "rejected", session=ctx.session, settings=ctx.settings, now=ctx.now,
                    inbound=ctx.inbound, extra={"result": {"reasons": action.reason}})


def finish(case: Case, ctx: CaseContext) -> None:
    """All actions decided: report what was done (and refused), then close the case."""
    actions = list(case.actions)
    if any(a.state in OPEN_ACTIONS for a in actions):
        return
    done = [a for a in actions if a.state == ActionState.EXECUTED.value]
    if not done:
        reasons = "; ".join(a.reason or "" for a in actions if a.reason) or "no action could be taken"
        move(case, S.REJECTED, session=ctx.session, actor=ctx.actor, now=ctx.now, reason=reasons)
        queue_reply(case, "rejected", session=ctx.session, settings=ctx.settings, now=ctx.now,
                    extra={"result": {"reasons": reasons}})
        return
    move(case, S.EXECUTED, session=ctx.session, actor=ctx.actor, now=ctx.now,
         reason=f"{len(done)} action(s) executed")
    for action in actions:
        report(action, ctx)
    move(case, S.REPLIED, session=ctx.session, actor="system", now=ctx.now)
    move(case, S.CLOSED, session=ctx.session, actor="system", now=ctx.now)
