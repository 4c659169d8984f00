"""Outbound replies as bytes: what any mail client and relay must read back exactly."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailbot.mail.outgoing import Sender, build_message
from mailbot.mail.parse import parse_mail

SENDER = Sender("WeCashUp Données personnelles", "info@wecashup.com", "mailbot.wecashup.com", "wecashup")
NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


def build(**overrides: object) -> bytes:
    fields: dict[str, object] = {
        "to": "awa.diop@example.com", "subject": "Votre demande [WCU-ABC234]", "text": "Bonjour Awa,\n",
        "html": "<p>Bonjour Awa,</p>", "message_id": "<r1@mailbot.wecashup.com>", "now": NOW, "lang": "fr",
        "in_reply_to": "<m1@example.com>", "case_ref": "WCU-ABC234",
    }
    fields.update(overrides)
    return build_message(SENDER, **fields)  # type: ignore[arg-type]


def read(raw: bytes) -> email.message.EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    assert not message.defects
    return message


def test_headers_that_thread_and_stop_loops() -> None:
    message = read(build(references=("<m0@example.com>",)))
    assert message["From"].addresses[0].display_name == "WeCashUp Données personnelles"
    assert message["To"] == "awa.diop@example.com" and message["Message-ID"] == "<r1@mailbot.wecashup.com>"
    assert message["In-Reply-To"] == "<m1@example.com>"
    assert message["References"].split() == ["<m0@example.com>", "<m1@example.com>"]
    assert message["Auto-Submitted"] == "auto-replied" and message["X-Auto-Response-Suppress"] == "All"
    assert message["X-Mailbot-Loop"] == "wecashup" and message["X-Mailbot-Case"] == "WCU-ABC234"
    assert message["Content-Language"] == "fr" and message["Date"].datetime == NOW


def test_every_line_ends_in_crlf_and_stays_short() -> None:
    subject = ("Réponse à votre demande d'effacement " * 8).strip()
    raw = build(subject=subject, text="é" * 500 + "\n" + "x" * 300,
                references=tuple(f"<ref{i}@example.com>" for i in range(30)))
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    message = read(raw)
    assert message["Subject"] == subject
    assert len(message["References"].split()) == 20  # the latest twenty


WORDS = st.lists(st.text(st.characters(categories=("L", "N", "P")), min_size=1, max_size=12), max_size=30)


@given(text=st.text(max_size=3000), html=st.text(min_size=1, max_size=500) | st.none(),
       subject=WORDS.map(" ".join))
def test_bodies_and_subject_come_back_exactly(text: str, html: str | None, subject: str) -> None:
    message = read(build(text=text, html=html, subject=subject))
    plain = message.get_body(("plain",))
    assert plain is not None and lines(plain.get_content()) == lines(text)
    if html:
        part = message.get_body(("html",))
        assert part is not None and lines(part.get_content()) == lines(html)
    assert str(message["Subject"] or "") == subject


def lines(text: str) -> str:
    """Line ends as a mail carries them (CR LF), read back as Python does (LF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def test_our_own_parser_reads_a_reply_back() -> None:
    mail = parse_mail(build(text="Bonjour Awa,\nVotre demande est enregistrée.\n"))
    assert mail.message_id == "<r1@mailbot.wecashup.com>" and mail.from_addr == "info@wecashup.com"
    assert "Votre demande est enregistrée." in mail.text and not mail.defects


@pytest.mark.parametrize("field", ["to", "subject", "in_reply_to", "message_id"])
def test_a_line_break_in_a_header_is_refused(field: str) -> None:
    with pytest.raises(ValueError, match="line break"):
        build(**{field: "x@example.com\r\nBcc: victim@example.com"})
