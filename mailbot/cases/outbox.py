"""Queue replies in the outbox, in the caller's transaction, rendered from templates."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mailbot.cases.lifecycle import record
from mailbot.cases.models import Case, InboundMail, Outbox
from mailbot.config import Settings
from mailbot.mail.outgoing import Sender, build_message, new_message_id
from mailbot.replies.render import render


def sender(settings: Settings) -> Sender:
    org = settings.org
    return Sender(org.name, org.address, org.message_id_domain, org.loop_id)


def base_context(settings: Settings) -> dict[str, Any]:
    """The organisation and authority details every template may use."""
    org = settings.org
    return {
        "org": {
            "name": org.name,
            "legal_name": org.legal_name,
            "postal_address": org.postal_address,
            "privacy_email": org.address,
            "dpo_name": org.dpo_name,
            "dpo_email": org.dpo_email,
            "support_email": org.support_email,
            "support_phone": org.support_phone,
            "website": org.website,
            "security_email": org.security_email,
        },
        "authority": {
            "name": org.authority_name,
            "full_name": org.authority_full_name,
            "url": org.authority_url,
            "postal_address": org.authority_postal_address,
        },
    }


def case_context(case: Case) -> dict[str, Any]:
    return {
        "case": {
            "ref": case.ref,
            "intent": case.intent,
            "intents": list(case.intents),
            "received_at": case.received_at.date(),
            "due_at": case.due_on,
            "extended_due_at": case.extended_due_on,
            "priority": case.priority,
        },
        "requester": {"name": case.requester_name, "email": case.requester_email},
    }


TEMPLATE_DEFAULTS: dict[str, Any] = {
    "confirm": None,
    "result": {
        "summary": None,
        "download_url": None,
        "download_expires_at": None,
        "purposes": [],
        "fields": {},
        "reasons": None,
    },
    "repeat_of": None,
    "kept_by_law": [],
    "next_step": "none",
}


def replies_today(address: str, *, session: Session, now: datetime) -> int:
    """Replies queued to `address` in the last 24 hours (the per-address cap)."""
    return int(
        session.scalar(
            select(func.count(Outbox.id)).where(
                Outbox.to_addr == address.lower(),
                Outbox.internal.is_(False),
                Outbox.created_at >= now - timedelta(days=1),
            )
        )
        or 0
    )


def _replied_to(case: Case, inbound: InboundMail | None, session: Session) -> str:
    """The Message-ID a reply answers: the given mail, else the case's latest mail."""
    if inbound is not None and inbound.case_id not in (None, case.id):
        inbound = None  # a mail of another case (a security alert, say): look this one up
    if inbound is None and case.id is not None:
        inbound = session.scalar(
            select(InboundMail)
            .where(InboundMail.case_id == case.id)
            .order_by(InboundMail.id.desc())
            .limit(1)
        )
    return inbound.message_id if inbound is not None else ""


def queue_reply(
    case: Case,
    step: str,
    *,
    session: Session,
    settings: Settings,
    now: datetime,
    to: str | None = None,
    intent: str | None = None,
    inbound: InboundMail | None = None,
    references: tuple[str, ...] = (),
    internal: bool = False,
    lang: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Outbox:
    """Render `step` for the case and queue it; the sender delivers after commit."""
    context = {**TEMPLATE_DEFAULTS, **base_context(settings), **case_context(case)}
    if extra:
        if "result" in extra:
            extra = {**extra, "result": {**TEMPLATE_DEFAULTS["result"], **extra["result"]}}
        context.update(extra)
    language = lang or case.lang
    rendered = render(intent or case.intent, step, language, context)
    subject = rendered.subject
    if f"[{case.ref}]" not in subject:
        subject = f"{subject} [{case.ref}]"
    in_reply_to = "" if internal else _replied_to(case, inbound, session)
    message_id = new_message_id(settings.org.message_id_domain)
    address = (to or case.requester_email).lower()
    raw = build_message(
        sender(settings),
        to=address,
        subject=subject,
        text=rendered.text,
        html=rendered.html,
        message_id=message_id,
        now=now,
        lang=language,
        in_reply_to=in_reply_to,
        references=references,
        case_ref=case.ref,
    )
    row = Outbox(
        message_id=message_id,
        case_id=case.id,
        inbound_id=inbound.id if inbound is not None else None,
        to_addr=address,
        template=f"{intent or case.intent}/{step}",
        raw=raw,
        internal=internal,
        created_at=now,
        next_attempt_at=now,
    )
    session.add(row)
    record(
        case,
        "reply_queued",
        session=session,
        actor="system",
        now=now,
        data={"template": row.template, "message_id": message_id, "internal": internal},
    )
    return row
