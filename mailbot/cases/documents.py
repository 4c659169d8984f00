"""Identity documents: asked for only on documented doubt, deleted once checked (Art. 12(6)).

Staff record the check; every attachment of the case's mail is then removed from the stored
raw message and replaced by a short note, and the audit trail says who checked and when.
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

from sqlalchemy import select

from mailbot.cases.actions import get_case
from mailbot.cases.context import CaseContext
from mailbot.cases.lifecycle import record
from mailbot.cases.models import InboundMail
from mailbot.errors import ActionError


def _without_attachments(raw: bytes, note: str) -> tuple[bytes, int]:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    removed = 0
    for part in message.walk():
        if part.is_multipart() or not isinstance(part, EmailMessage):
            continue
        if part.is_attachment() or part.get_content_maintype() in {"image", "application"}:
            part.set_content(note)
            removed += 1
    return (message.as_bytes() if removed else raw), removed


def documents_checked(ref: str, ctx: CaseContext, *, outcome: str) -> int:
    """Record the identity check and delete the documents; returns how many were removed."""
    if not outcome.strip():
        raise ActionError("say what the check concluded (it goes in the audit trail)")
    case = get_case(ref, ctx)
    note = f"[attachment deleted after the identity check of {ctx.now:%Y-%m-%d} by {ctx.actor}]"
    removed = 0
    for mail in ctx.session.scalars(select(InboundMail).where(InboundMail.case_id == case.id)):
        mail.raw, count = _without_attachments(mail.raw, note)
        mail.size = len(mail.raw)
        removed += count
    record(case, "identity_documents_checked", session=ctx.session, actor=ctx.actor, now=ctx.now,
           reason=outcome.strip(), data={"attachments_deleted": removed})
    return removed
