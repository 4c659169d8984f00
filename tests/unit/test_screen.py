"""Screening: bounces, auto-replies, lists and loops are recognised and never answered."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailbot.mail.parse import parse_mail
from mailbot.mail.screen import ScreenContext, screen
from tests.support import corpus
from tests.support.mails import make_mail

CTX = ScreenContext(org_address="info@wecashup.com", message_id_domain="mailbot.wecashup.com", loop_id="wecashup")


@pytest.mark.parametrize("entry", corpus.entries("bounces"), ids=lambda e: e["file"])
def test_bounces(entry: dict) -> None:
    mail = parse_mail(corpus.raw(entry))
    verdict = screen(mail, CTX)
    assert verdict is not None and verdict.kind == "bounce", verdict
    if entry["bounced_message_id"]:
        assert entry["bounced_message_id"] in mail.embedded_message_ids


@pytest.mark.parametrize("entry", corpus.entries("autoreplies") + corpus.entries("lists"), ids=lambda e: e["file"])
def test_autoreplies_and_lists_are_never_answered(entry: dict) -> None:
    verdict = screen(parse_mail(corpus.raw(entry)), CTX)
    assert verdict is not None
    assert verdict.kind in {"autoreply", "list", "bounce"}


@pytest.mark.parametrize("entry", corpus.entries("requests"), ids=lambda e: e["file"])
def test_people_pass_the_screen(entry: dict) -> None:
    assert screen(parse_mail(corpus.raw(entry)), CTX) is None


@pytest.mark.parametrize(("headers", "rule"), [
    ({"Auto-Submitted": "auto-replied"}, "auto_submitted"),
    ({"X-Autoreply": "yes"}, "auto_submitted"),
    ({"X-Autorespond": "on vacation"}, "auto_submitted"),
    ({"X-Auto-Response-Suppress": "OOF, AutoReply"}, "auto_submitted"),
    ({"Precedence": "bulk"}, "precedence"),
    ({"Precedence": "auto_reply"}, "precedence"),
    ({"List-Id": "<news.example.org>"}, "list"),
    ({"X-Mailbot-Loop": "otherbot"}, "own_mail"),
])
def test_header_rules(headers: dict[str, str], rule: str) -> None:
    verdict = screen(parse_mail(make_mail("Hello", "Please delete my account", headers=headers)), CTX)
    assert verdict is not None and verdict.rule == rule


@pytest.mark.parametrize(("subject", "sender", "rule"), [
    ("Out of Office: back on Monday", "kofi@example.com", "autoreply_subject"),
    ("Réponse automatique : absent", "kofi@example.com", "autoreply_subject"),
    ("Absent du bureau", "kofi@example.com", "autoreply_subject"),
    ("Hello", "MAILER-DAEMON@mx.example.com", "bounce_sender"),
    ("Hello", "newsletter-request@lists.example.org", "system_sender"),
    ("Hello", "owner-announce@lists.example.org", "system_sender"),
    ("Hello", "no-reply@shop.example.com", "system_sender"),
    ("Hello", "info@wecashup.com", "own_mail"),
])
def test_subject_and_sender_rules(subject: str, sender: str, rule: str) -> None:
    verdict = screen(parse_mail(make_mail(subject, "Please delete my account", sender=sender)), CTX)
    assert verdict is not None and verdict.rule == rule


def test_our_own_message_id_is_a_loop() -> None:
    raw = make_mail("Re: [WCU-ABCDEF]", "hi", message_id="<x.1@mailbot.wecashup.com>")
    assert screen(parse_mail(raw), CTX).rule == "own_mail"  # type: ignore[union-attr]


def test_reply_cap() -> None:
    mail = parse_mail(make_mail("Delete", "Please delete my account"))
    assert screen(mail, ScreenContext("info@wecashup.com", "mailbot.wecashup.com", "wecashup", 4, 5)) is None
    capped = screen(mail, ScreenContext("info@wecashup.com", "mailbot.wecashup.com", "wecashup", 5, 5))
    assert capped is not None and capped.rule == "reply_cap"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_screen_never_raises(data: bytes) -> None:
    screen(parse_mail(data), CTX)
