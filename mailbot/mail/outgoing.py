"""Build outbound replies: headers that keep threads together and stop mail loops."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid

from mailbot.mail.screen import LOOP_HEADER


@dataclass(frozen=True)
class Sender:
    name: str
    address: str
    message_id_domain: str
    loop_id: str


def new_message_id(domain: str) -> str:
    """A fresh Message-ID in our own domain (fixed at queue time, reused on retries)."""
    return make_msgid(domain=domain)


def build_message(
    sender: Sender,
    *,
    to: str,
    subject: str,
    text: str,
    html: str | None,
    message_id: str,
    now: datetime,
    lang: str,
    in_reply_to: str = "",
    references: tuple[str, ...] = (),
    case_ref: str | None = None,
) -> bytes:
    """The whole RFC 5322 message, ready to hand to SMTP or a Maildir."""
    message = EmailMessage()
    message["From"] = formataddr((sender.name, sender.address))
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    chain = tuple(dict.fromkeys(r for r in (*references, in_reply_to) if r))
    if chain:
        message["References"] = " ".join(chain[-20:])
    # RFC 3834: mark every reply automatic so that well-behaved robots stay quiet.
    message["Auto-Submitted"] = "auto-replied"
    message["X-Auto-Response-Suppress"] = "All"
    message[LOOP_HEADER] = sender.loop_id
    message["Content-Language"] = lang
    if case_ref:
        message["X-Mailbot-Case"] = case_ref
    message.set_content(text, cte="quoted-printable")
    if html:
        message.add_alternative(html, subtype="html", cte="quoted-printable")
    return message.as_bytes(policy=SMTP)
