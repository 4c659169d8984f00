"""Raw bytes -> a frozen `ParsedMail`. Never raises: what is wrong becomes a defect."""

from __future__ import annotations

import contextlib
import email
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

import mailparser

from mailbot.classify.lang import detect_language
from mailbot.mail.text import html_to_text, normalise, strip_quoted

MAX_TEXT = 20_000  # characters handed to the classifier; long letters say it early
MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(<[^>\r\n]{1,500}>)", re.IGNORECASE | re.MULTILINE)
KNOWN_HEADERS = frozenset({"from", "to", "subject", "date", "message-id", "received", "sender"})
ANGLE_ID = re.compile(r"<[^<>\s]{1,500}>")


@dataclass(frozen=True)
class Attachment:
    filename: str | None
    content_type: str
    size: int


@dataclass(frozen=True)
class ParsedMail:
    """Everything later stages need, decoded and normalised, with the defects found."""

    sha256: str
    size: int
    message_id: str = ""
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    from_addr: str = ""
    from_name: str = ""
    reply_to: str = ""
    return_path: str | None = None  # None: no header; "": the null path <>
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    subject: str = ""
    date: datetime | None = None
    content_type: str = "text/plain"
    report_type: str = ""
    text: str = ""
    lang: str = "und"
    html_only: bool = False
    auth_results: tuple[str, ...] = ()
    headers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()
    embedded_message_ids: tuple[str, ...] = ()
    defects: tuple[str, ...] = ()

    def header(self, name: str) -> str:
        """The first value of a header, decoded, or ''."""
        values = self.headers.get(name.lower())
        return values[0] if values else ""

    @property
    def readable(self) -> bool:
        """False for what cannot be read as mail at all (empty, binary garbage)."""
        if KNOWN_HEADERS & self.headers.keys():
            return True
        sample = self.text[:2000]
        plain = sum(1 for ch in sample if ch.isalpha() or ch in " \n.,;:'!?-")
        return bool(sample) and plain >= 0.8 * len(sample)

    @property
    def reply_address(self) -> str:
        return self.reply_to or self.from_addr


def decode(value: Any) -> str:
    """An RFC 2047 header value as text, whatever its encoding abuse."""
    if value is None:
        return ""
    text = str(value)
    with contextlib.suppress(Exception):  # RFC 2047 abuse: keep the undecoded text
        text = str(make_header(decode_header(text)))
    return normalise(text.replace("\n", " ")).replace("\n", " ")


def _addresses(message: Message, name: str) -> list[tuple[str, str]]:
    values = [decode(v) for v in message.get_all(name, [])]
    try:
        pairs = getaddresses(values)
    except Exception:  # noqa: BLE001
        return []
    return [(n, a.strip().lower()) for n, a in pairs if "@" in a]


def _return_path(message: Message) -> str | None:
    value = message.get("Return-Path")
    if value is None:
        return None
    match = re.search(r"<([^>]*)>", str(value))
    return (match.group(1) if match else str(value)).strip().lower()


def _parse_structure(raw: bytes) -> tuple[Any, Message, list[str]]:
    defects: list[str] = []
    try:
        parsed = mailparser.parse_from_bytes(raw)
        return parsed, parsed.message, defects
    except Exception as exc:  # noqa: BLE001 - fall back to the stdlib's lenient parser
        defects.append(f"mail-parser failed: {type(exc).__name__}")
    return None, email.message_from_bytes(raw, policy=email.policy.compat32), defects


def _bodies(parsed: Any, message: Message, defects: list[str]) -> tuple[str, bool]:
    plain: list[str] = []
    html: list[str] = []
    if parsed is not None:
        plain = [p for p in parsed.text_plain if p and p.strip()]
        html = [h for h in parsed.text_html if h and h.strip()]
    else:
        for part in message.walk():
            if part.is_multipart():
                continue
            try:
                payload = part.get_payload(decode=True)
                if not isinstance(payload, bytes):
                    continue
                text = payload.decode(part.get_content_charset() or "utf-8", "replace")
            except Exception:  # noqa: BLE001 - unknown charsets and worse
                defects.append("undecodable part")
                continue
            (html if part.get_content_type() == "text/html" else plain).append(text)
    if plain:
        return "\n".join(plain)[: MAX_TEXT * 5], False
    if html:
        return html_to_text("\n".join(html)[: MAX_TEXT * 20]), True
    return "", False


def _attachments(parsed: Any) -> tuple[Attachment, ...]:
    found = []
    for item in parsed.attachments if parsed is not None else []:
        payload = item.get("payload") or ""
        size = len(payload) * 3 // 4 if item.get("binary") else len(payload)
        found.append(
            Attachment(
                filename=decode(item.get("filename")) or None,
                content_type=str(item.get("mail_content_type") or "application/octet-stream"),
                size=size,
            )
        )
    return tuple(found)


def _date(message: Message, defects: list[str]) -> datetime | None:
    value = message.get("Date")
    if value is None:
        return None
    try:
        return parsedate_to_datetime(str(value))
    except Exception:  # noqa: BLE001
        defects.append("invalid Date header")
        return None


def parse_mail(raw: bytes) -> ParsedMail:
    """Parse one raw message; any failure is recorded as a defect, never raised."""
    sha = hashlib.sha256(raw).hexdigest()
    if not raw.strip():
        return ParsedMail(sha256=sha, size=len(raw), defects=("empty message",))
    try:
        return _parse(raw, sha)
    except Exception as exc:  # noqa: BLE001 - the contract is "never raises"
        return ParsedMail(
            sha256=sha, size=len(raw), defects=(f"unparseable: {type(exc).__name__}: {exc}"[:300],)
        )


def _trim_start(raw: bytes, defects: list[str]) -> bytes:
    """Leniency for files, not servers: a UTF-8 BOM, blank lines or an mbox 'From ' line first."""
    trimmed = raw.removeprefix(b"\xef\xbb\xbf").lstrip(b"\r\n")
    if trimmed.startswith(b"From ") and b"\n" in trimmed[:1000]:
        trimmed = trimmed.split(b"\n", 1)[1]
    if trimmed != raw:
        defects.append("leading BOM, blank lines or mbox separator removed")
    return trimmed


def _parse(raw: bytes, sha: str) -> ParsedMail:
    leading: list[str] = []
    size, raw = len(raw), _trim_start(raw, leading)
    parsed, message, defects = _parse_structure(raw)
    defects = leading + defects
    if b"\x00" in raw:
        defects.append("NUL bytes")
    for defect in getattr(message, "defects", []):
        defects.append(type(defect).__name__)
    if parsed is not None:
        for item in parsed.defects_categories or []:
            if item not in defects:
                defects.append(str(item))
    headers: dict[str, list[str]] = {}
    for name, value in message.items():
        headers.setdefault(name.lower(), []).append(decode(value))
    senders = _addresses(message, "From")
    if not senders:
        defects.append("no usable From address")
    reply_to = _addresses(message, "Reply-To")
    body, html_only = _bodies(parsed, message, defects)
    subject = decode(message.get("Subject"))
    text = strip_quoted(normalise(body))[:MAX_TEXT]
    top_id = decode(message.get("Message-ID")).strip()
    embedded = tuple(
        dict.fromkeys(
            m.decode("ascii", "replace") for m in MESSAGE_ID.findall(raw) if m.decode("ascii", "replace") != top_id
        )
    )
    if not top_id:
        defects.append("no Message-ID")
    return ParsedMail(
        sha256=sha,
        size=size,
        message_id=top_id[:998],
        in_reply_to=decode(message.get("In-Reply-To")).strip(),
        references=tuple(ANGLE_ID.findall(decode(message.get("References")))),
        from_addr=senders[0][1] if senders else "",
        from_name=senders[0][0] if senders else "",
        reply_to=reply_to[0][1] if reply_to else "",
        return_path=_return_path(message),
        to=tuple(a for _n, a in _addresses(message, "To")),
        cc=tuple(a for _n, a in _addresses(message, "Cc")),
        subject=subject,
        date=_date(message, defects),
        content_type=message.get_content_type(),
        report_type=str(message.get_param("report-type") or "").lower(),
        text=text,
        lang=detect_language(f"{subject}\n{text}"),
        html_only=html_only,
        auth_results=tuple(headers.get("authentication-results", ())),
        headers={k: tuple(v) for k, v in headers.items()},
        attachments=_attachments(parsed),
        embedded_message_ids=embedded,
        defects=tuple(dict.fromkeys(defects)),
    )
