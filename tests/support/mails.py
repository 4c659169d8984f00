"""Build test mails the way real clients send them."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

ORG = "info@wecashup.com"
AUTHSERV = "mx.wecashup.com"


def make_mail(
    subject: str,
    body: str,
    *,
    sender: str = "awa.diop@example.com",
    name: str = "Awa Diop",
    to: str = ORG,
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    authenticated: bool = True,
    dmarc: str | None = None,
    headers: dict[str, str] | None = None,
    html: str | None = None,
    when: datetime | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = f"{name} <{sender}>" if name else sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(when or datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    message["Message-ID"] = message_id or make_msgid(domain=sender.split("@")[1])
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = references or in_reply_to
    domain = sender.split("@")[1]
    verdict = dmarc or ("pass" if authenticated else "none")
    message["Authentication-Results"] = (
        f"{AUTHSERV}; dkim=pass header.d={domain}; spf=pass smtp.mailfrom={sender}; "
        f"dmarc={verdict} header.from={domain}"
        if authenticated or dmarc else f"{AUTHSERV}; spf=none smtp.mailfrom={sender}; dmarc=none header.from={domain}"
    )
    for key, value in (headers or {}).items():
        message[key] = value
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    return message.as_bytes(policy=SMTP)
