"""What happens to a case when a mail arrives, an identity is confirmed, or it is finished.

Each `on_*` handler decides; `lifecycle.move()` writes the state; replies are queued in the
same transaction. The caller owns the session.
"""

from __future__ import annotations

import logging
import re
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailbot.cases import identity, matching
from mailbot.cases.accounts import Account
from mailbot.cases.context import CaseContext
from mailbot.cases.deadlines import due_date, resume
from mailbot.cases.execution import execute, finish
from mailbot.cases.lifecycle import move, record
from mailbot.cases.models import Action, BreachClock, Case, InboundMail, Verification
from mailbot.cases.outbox import queue_reply
from mailbot.cases.policy import POLICIES, purposes
from mailbot.cases.states import ActionKind, ActionState, CaseState, Priority
from mailbot.classify.labels import RISKY, Classification, Intent
from mailbot.mail.parse import ParsedMail, parse_mail

log = logging.getLogger("mailbot.case")
S = CaseState
EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?:\+|00)\d[\d .-]{7,16}\d|\b0\d(?:[ .-]?\d{2}){4}\b")


def new_ref(prefix: str, session: Session) -> str:
    while True:
        ref = f"{prefix}-" + "".join(secrets.choice(matching.REF_ALPHABET) for _ in range(6))
        if session.scalar(select(Case.id).where(Case.ref == ref)) is None:
            return ref


def on_mail(
    mail: ParsedMail, inbound: InboundMail, result: Classification, ctx: CaseContext, *, authenticated: bool
) -> Case | None:
    """Route one screened, classified mail to an existing case or a new one."""
    prefix = ctx.settings.org.ref_prefix
    case = matching.by_reference(mail, prefix=prefix, session=ctx.session) or matching.by_thread(
        mail, session=ctx.session
    )
    if case is None and result.intent is not Intent.OTHER:
        case = matching.open_case_of(mail.reply_address, result.intent, session=ctx.session)
    if case is not None and case.state not in {s.value for s in (S.CLOSED, S.REJECTED, S.EXPIRED)}:
        inbound.case_id = case.id
        on_followup(case, mail, ctx)
        return case
    if result.intent is Intent.OTHER:
        if case is not None:
            inbound.case_id = case.id
            record(case, "mail_after_close", session=ctx.session, actor="requester", now=ctx.now,
                   data={"inbound_id": inbound.id})
        return case
    return open_case(mail, inbound, result, ctx, authenticated=authenticated, parent=case)


def open_case(
    mail: ParsedMail,
    inbound: InboundMail,
    result: Classification,
    ctx: CaseContext,
    *,
    authenticated: bool,
    parent: Case | None = None,
) -> Case:
    settings, session, now = ctx.settings, ctx.session, ctx.now
    lang = mail.lang if mail.lang in ("en", "fr") else settings.org.default_lang
    case = Case(
        ref=new_ref(settings.org.ref_prefix, session),
        state=S.RECEIVED.value,
        intent=result.intent.value,
        intents=[i.value for i in result.intents],
        confidence=result.confidence,
        lang=lang,
        requester_email=mail.reply_address,
        requester_name=mail.from_name or None,
        authenticated=authenticated,
        received_at=now,
        due_on=due_date(now),
        parent_id=parent.id if parent else None,
        created_at=now,
        updated_at=now,
    )
    session.add(case)
    session.flush()
    inbound.case_id = case.id
    record(case, "mail_received", session=session, actor="requester", now=now,
           data={"inbound_id": inbound.id, "authenticated": authenticated,
                 "parent": parent.ref if parent else None})
    move(case, S.CLASSIFIED, session=session, actor="classifier", now=now,
         reason=f"{','.join(case.intents)} at {result.confidence:.2f}")
    earlier = [
        c for c in matching.earlier_requests(
            case.requester_email, case.intent, session=session, now=now,
            window_days=settings.cases.repeat_window_days,
        ) if c.id != case.id
    ]
    if earlier:
        case.repeat_of = [c.ref for c in earlier]
        record(case, "repeat_flagged", session=session, actor="system", now=now,
               reason="same requester, same request inside the repetition window (Art. 12(5))",
               data={"earlier": case.repeat_of})
    if result.intent is Intent.SECURITY:
        on_security(case, inbound, ctx)
    elif result.needs_review:
        case.review_reason = f"low confidence ({result.confidence:.2f}); a person must read it"
        move(case, S.ESCALATED, session=session, actor="classifier", now=now, reason=case.review_reason)
    elif any(i in RISKY for i in result.intents):
        on_risky(case, mail, inbound, ctx)
    else:
        on_sender_proof(case, mail, inbound, ctx)
    return case


def _ack(case: Case, inbound: InboundMail, ctx: CaseContext, next_step: str) -> None:
    queue_reply(case, "acknowledgement", session=ctx.session, settings=ctx.settings, now=ctx.now,
                inbound=inbound, extra={"next_step": next_step, "repeat_of": case.repeat_of or None})


def on_security(case: Case, inbound: InboundMail, ctx: CaseContext) -> None:
    """Safe guidance now, the security contact alerted, a 72-hour clock started."""
    session, now = ctx.session, ctx.now
    case.priority = Priority.URGENT.value
    move(case, S.ESCALATED, session=session, actor="system", now=now,
         reason="security concern: handled by a person with top priority")
    clock = BreachClock(case_id=case.id, started_at=now, deadline_at=now + timedelta(hours=72))
    session.add(clock)
    record(case, "breach_clock_started", session=session, actor="system", now=now,
           data={"deadline_at": clock.deadline_at.isoformat()})
    queue_reply(case, "guidance", intent="security", session=session, settings=ctx.settings,
                now=now, inbound=inbound)
    queue_reply(case, "security_alert", intent="internal", session=session, settings=ctx.settings,
                now=now, to=ctx.settings.org.security_email, internal=True, lang="en",
                extra={"result": {"summary": f"72-hour deadline (GDPR Art. 33): {clock.deadline_at:%Y-%m-%d %H:%M} UTC"}})
    account = ctx.directory.find(case.requester_email)
    if account is not None:
        # Staff decide whether to lock: a spoofed report must not lock someone out by itself.
        case.account_id = account.id
        _propose(case, ctx, kinds=(ActionKind.LOCK_ACCOUNT,))


def on_sender_proof(case: Case, mail: ParsedMail, inbound: InboundMail, ctx: CaseContext) -> None:
    """Unsubscribe / objection: act on the sender's own address, confirming it first if needed."""
    if case.authenticated:
        _ack_and_propose(case, inbound, ctx, text=mail.text)
        return
    issued = identity.issue(case, case.requester_email, session=ctx.session, now=ctx.now,
                            ttl_days=ctx.settings.cases.token_ttl_days)
    move(case, S.AWAITING_IDENTITY, session=ctx.session, actor="system", now=ctx.now,
         reason="sender not authenticated: one-click confirmation sent to the sender's address")
    queue_reply(case, "confirm_unsubscribe", session=ctx.session, settings=ctx.settings, now=ctx.now,
                inbound=inbound, extra={"confirm": _confirm(issued, ctx)})


def _ack_and_propose(case: Case, inbound: InboundMail, ctx: CaseContext, *, text: str) -> None:
    pending = _propose(case, ctx, text=text)
    if pending:
        _ack(case, inbound, ctx, "staff_review")
        move(case, S.AWAITING_APPROVAL, session=ctx.session, actor="system", now=ctx.now,
             reason="actions wait for an approver")
    else:
        finish(case, ctx)


def on_risky(case: Case, mail: ParsedMail, inbound: InboundMail, ctx: CaseContext) -> None:
    """Access, portability, rectification, erasure, restriction: the registered address confirms."""
    # From first: a Reply-To elsewhere must not hide the account the mail claims to be from.
    senders = dict.fromkeys(a for a in (mail.from_addr, case.requester_email) if a)
    account = next((found for a in senders if (found := ctx.directory.find(a)) is not None), None)
    if account is not None:
        _send_confirmation(case, account, ctx)
        same = account.email.lower() == case.requester_email
        _ack(case, inbound, ctx, "confirm_identity" if same else "confirm_sent_to_registered")
        return
    account = _account_from_text(mail.text, case.requester_email, ctx)
    _pause(case, ctx, reason="waiting for identity information")
    if account is not None:
        _send_confirmation(case, account, ctx)
    if account is not None or _identifiers(mail.text, case.requester_email, ctx):
        # Same answer whether or not the details matched: never reveal that an account exists.
        _ack(case, inbound, ctx, "confirm_sent_to_registered")
    else:
        _ack(case, inbound, ctx, "identify_account")
        queue_reply(case, "identify_account", session=ctx.session, settings=ctx.settings,
                    now=ctx.now, inbound=inbound)


def _identifiers(text: str, sender: str, ctx: CaseContext) -> list[str]:
    own = {sender.lower(), ctx.settings.org.address}
    emails = [e.lower() for e in EMAIL.findall(text) if e.lower() not in own]
    phones = [re.sub(r"[ .-]", "", p) for p in PHONE.findall(text)]
    return (emails + phones)[:5]


def _account_from_text(text: str, sender: str, ctx: CaseContext) -> Account | None:
    for value in _identifiers(text, sender, ctx):
        account = ctx.directory.find(value) if "@" in value else ctx.directory.find_by_phone(value)
        if account is not None:
            return account
    return None


def _pause(case: Case, ctx: CaseContext, *, reason: str) -> None:
    if case.state != S.AWAITING_IDENTITY.value:
        move(case, S.AWAITING_IDENTITY, session=ctx.session, actor="system", now=ctx.now, reason=reason)
    if case.paused_since is None:
        case.paused_since = ctx.now
        record(case, "deadline_paused", session=ctx.session, actor="system", now=ctx.now, reason=reason)


def _confirm(issued: identity.Issued, ctx: CaseContext) -> dict[str, object]:
    base = ctx.settings.web.base_url.rstrip("/")
    return {"url": f"{base}/v/{issued.token}", "code": issued.code,
            "expires_at": issued.verification.expires_at.date()}


def _send_confirmation(case: Case, account: Account, ctx: CaseContext) -> None:
    """The one-time link and code go to the address on file, never to one from the mail."""
    case.account_id, case.registered_email = account.id, account.email.lower()
    _pause(case, ctx, reason="confirmation sent to the registered address")
    issued = identity.issue(case, account.email, session=ctx.session, now=ctx.now,
                            ttl_days=ctx.settings.cases.token_ttl_days)
    lang = account.lang if account.lang in ("en", "fr") else case.lang
    queue_reply(case, "confirm_identity", session=ctx.session, settings=ctx.settings, now=ctx.now,
                to=account.email, lang=lang, extra={"confirm": _confirm(issued, ctx)})
    record(case, "confirmation_sent", session=ctx.session, actor="system", now=ctx.now,
           data={"verification_id": issued.verification.id, "to_registered": True})


def on_followup(case: Case, mail: ParsedMail, ctx: CaseContext) -> None:
    """A further mail on an open case: a code reply, identifying details, or just recorded."""
    record(case, "mail_joined", session=ctx.session, actor="requester", now=ctx.now)
    if case.state != S.AWAITING_IDENTITY.value:
        return
    verification = identity.consume_code(case, f"{mail.subject}\n{mail.text}", mail.from_addr,
                                         session=ctx.session, now=ctx.now,
                                         max_tries=ctx.settings.cases.token_max_tries)
    if verification is not None:
        on_identity_confirmed(case, verification, ctx, how="code")
        return
    if case.registered_email is None and any(i in RISKY for i in map(Intent, case.intents)):
        account = _account_from_text(mail.text, case.requester_email, ctx)
        if account is not None:
            _send_confirmation(case, account, ctx)
        queue_reply(case, "confirm_sent_elsewhere", session=ctx.session, settings=ctx.settings,
                    now=ctx.now)


def on_identity_confirmed(case: Case, verification: Verification, ctx: CaseContext, *, how: str) -> None:
    """The address confirmed: the deadline runs again and the actions are proposed."""
    record(case, "identity_confirmed", session=ctx.session, actor="requester", now=ctx.now,
           data={"how": how, "verification_id": verification.id})
    if case.paused_since is not None:
        case.due_on = resume(case.due_on, case.paused_since, ctx.now)
        case.paused_since = None
        record(case, "deadline_resumed", session=ctx.session, actor="system", now=ctx.now,
               data={"due_on": case.due_on.isoformat()})
    pending = _propose(case, ctx)
    if pending:
        move(case, S.AWAITING_APPROVAL, session=ctx.session, actor="system", now=ctx.now,
             reason="identity confirmed; actions wait for an approver")
    else:
        finish(case, ctx)


def _propose(case: Case, ctx: CaseContext, *, kinds: tuple[ActionKind, ...] | None = None,
             text: str = "") -> list[Action]:
    """Create the case's actions; auto-approved kinds run at once. Returns those still waiting."""
    if kinds is None:
        kinds = tuple(dict.fromkeys(
            kind for intent in case.intents if Intent(intent) in POLICIES
            and Intent(intent) is not Intent.SECURITY for kind in POLICIES[Intent(intent)].actions
        ))
    waiting = []
    for kind in kinds:
        params: dict[str, object] = {"email": case.registered_email or case.requester_email,
                                     "account_id": case.account_id}
        if kind is ActionKind.OBJECT:
            params["purposes"] = purposes(text or _case_text(case, ctx.session))
        action = Action(case=case, kind=kind.value, state=ActionState.PENDING.value, params=params,
                        created_at=ctx.now)
        ctx.session.add(action)
        ctx.session.flush()
        record(case, "action_proposed", session=ctx.session, actor="system", now=ctx.now,
               data={"action_id": action.id, "kind": kind.value})
        if kind.value in ctx.settings.cases.auto_approve:
            action.state, action.decided_by, action.decided_at = ActionState.APPROVED.value, "auto", ctx.now
            record(case, "action_approved", session=ctx.session, actor="auto", now=ctx.now,
                   data={"action_id": action.id})
            execute(action, ctx)
        else:
            waiting.append(action)
    return waiting


def _case_text(case: Case, session: Session) -> str:
    inbound = session.scalar(select(InboundMail).where(InboundMail.case_id == case.id).limit(1))
    return parse_mail(inbound.raw).text if inbound is not None else ""
