"""The periodic sweeper: identity reminders and expiry, staff deadline alerts, retention."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, select

from mailbot.cases import identity
from mailbot.cases.context import CaseContext
from mailbot.cases.db import rowcount
from mailbot.cases.lifecycle import move, record
from mailbot.cases.models import Case, Download, InboundMail, InboundStatus, Verification
from mailbot.cases.outbox import queue_reply
from mailbot.cases.states import OPEN, TERMINAL, CaseState

log = logging.getLogger("mailbot.sweep")
S = CaseState


def identity_reminders_and_expiry(ctx: CaseContext) -> int:
    """Remind after N days (with a fresh link), expire after M days; returns cases touched."""
    cfg, now, touched = ctx.settings.cases, ctx.now, 0
    waiting = ctx.session.scalars(select(Case).where(Case.state == S.AWAITING_IDENTITY.value))
    for case in waiting:
        since = case.paused_since or case.received_at
        if now - since >= timedelta(days=cfg.expire_after_days):
            move(case, S.EXPIRED, session=ctx.session, actor="sweeper", now=now,
                 reason=f"identity not confirmed within {cfg.expire_after_days} days")
            for open_token in ctx.session.scalars(
                select(Verification).where(Verification.case_id == case.id, Verification.used_at.is_(None))
            ):
                open_token.used_at = now
            queue_reply(case, "expired", session=ctx.session, settings=ctx.settings, now=now)
            touched += 1
        elif case.identity_reminded_at is None and now - since >= timedelta(days=cfg.reminder_after_days):
            latest = ctx.session.scalar(
                select(Verification).where(Verification.case_id == case.id).order_by(Verification.id.desc())
            )
            case.identity_reminded_at = now
            if latest is None:
                continue  # waiting for the requester to identify the account: nothing to resend
            issued = identity.issue(case, latest.email, session=ctx.session, now=now, ttl_days=cfg.token_ttl_days)
            base = ctx.settings.web.base_url.rstrip("/")
            queue_reply(case, "reminder", session=ctx.session, settings=ctx.settings, now=now, to=latest.email,
                        extra={"confirm": {"url": f"{base}/v/{issued.token}", "code": issued.code,
                                           "expires_at": issued.verification.expires_at.date()}})
            record(case, "identity_reminder_sent", session=ctx.session, actor="sweeper", now=now)
            touched += 1
    return touched


def staff_alerts(ctx: CaseContext) -> int:
    """Deadline reminders N days before, and overdue alerts, to the DPO address."""
    cfg, now, today, touched = ctx.settings.cases, ctx.now, ctx.now.date(), 0
    open_states = [s.value for s in OPEN if s is not S.AWAITING_IDENTITY]
    for case in ctx.session.scalars(select(Case).where(Case.state.in_(open_states))):
        due = case.effective_due_on
        if today > due and case.overdue_alerted_at is None:
            case.overdue_alerted_at = now
            queue_reply(case, "overdue", intent="internal", session=ctx.session, settings=ctx.settings,
                        now=now, to=ctx.settings.org.dpo_email, internal=True, lang=ctx.settings.org.default_lang)
            record(case, "overdue_alert", session=ctx.session, actor="sweeper", now=now)
            touched += 1
        elif today >= due - timedelta(days=cfg.staff_reminder_days) and case.staff_reminded_at is None:
            case.staff_reminded_at = now
            queue_reply(case, "deadline_reminder", intent="internal", session=ctx.session,
                        settings=ctx.settings, now=now, to=ctx.settings.org.dpo_email, internal=True,
                        lang=ctx.settings.org.default_lang)
            record(case, "deadline_reminder", session=ctx.session, actor="sweeper", now=now)
            touched += 1
    return touched


def retention(ctx: CaseContext) -> int:
    """Purge what the retention period says: closed cases and screened/other raw mail."""
    cutoff = ctx.now - timedelta(days=ctx.settings.cases.retention_days)
    terminal = [s.value for s in TERMINAL]
    old_cases = list(ctx.session.scalars(select(Case.id).where(Case.state.in_(terminal), Case.closed_at < cutoff)))
    if old_cases:
        ctx.session.execute(delete(InboundMail).where(InboundMail.case_id.in_(old_cases)))
        ctx.session.execute(delete(Case).where(Case.id.in_(old_cases)))
    result = ctx.session.execute(
        delete(InboundMail).where(
            InboundMail.case_id.is_(None),
            InboundMail.status != InboundStatus.PENDING,
            InboundMail.status != InboundStatus.SHUNTED,
            InboundMail.received_at < cutoff,
        )
    )
    ctx.session.execute(delete(Verification).where(Verification.expires_at < cutoff))
    for download in ctx.session.scalars(select(Download).where(Download.expires_at < ctx.now)):
        # Access packages hold the very data we protect: gone as soon as the link is.
        Path(download.path).unlink(missing_ok=True)
        ctx.session.delete(download)
    purged = len(old_cases) + rowcount(result)
    if purged:
        log.info("retention purged %d cases and mails older than %s", purged, cutoff.date())
    return purged


def sweep(ctx: CaseContext) -> int:
    return identity_reminders_and_expiry(ctx) + staff_alerts(ctx) + retention(ctx)
