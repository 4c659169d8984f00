"""Parsing never raises; defects are recorded; quoted history and signatures are removed."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailbot.mail.parse import parse_mail
from tests.support import corpus
from tests.support.mails import make_mail

ALL = corpus.manifest()


@pytest.mark.parametrize("entry", ALL, ids=[e["file"] for e in ALL])
def test_every_corpus_mail_parses(entry: dict) -> None:
    mail = parse_mail(corpus.raw(entry))
    assert mail.sha256 and mail.size == len(corpus.raw(entry))
    if entry["kind"] == "error":
        assert not mail.readable and mail.defects
    else:
        assert mail.readable


@pytest.mark.parametrize("entry", corpus.entries("requests"), ids=lambda e: e["file"])
def test_requests_have_sender_subject_and_text(entry: dict) -> None:
    mail = parse_mail(corpus.raw(entry))
    assert "@" in mail.from_addr and mail.subject and len(mail.text) > 10
    assert mail.lang == entry["lang"]
    assert mail.message_id.startswith("<")


@pytest.mark.parametrize("name", [
    "requests/delete_request_en_gmail_quoted.eml",
    "requests/delete_request_fr_gmail_quoted.eml",
    "requests/access_reminder_en_outlook_original_message.eml",
    "requests/access_request_fr_outlook.eml",
])
def test_quoted_history_is_removed(name: str) -> None:
    mail = parse_mail((corpus.CORPUS / name).read_bytes())
    assert not any(line.startswith(">") for line in mail.text.splitlines())
    assert "a écrit :" not in mail.text and " wrote:" not in mail.text
    assert "Original Message" not in mail.text and "Envoyé :" not in mail.text


def test_decoding_of_headers_and_addresses() -> None:
    raw = (b"From: =?utf-8?q?S=C3=A9verine_Kon=C3=A9?= <SEVERINE@Example.ORG>\r\n"
           b"Reply-To: <reply@example.org>\r\nReturn-Path: <>\r\nTo: info@wecashup.com, b@x.org\r\n"
           b"Subject: =?iso-8859-1?q?Droit_d=27acc=E8s?=\r\nMessage-ID: <m1@example.org>\r\n"
           b"Auto-Submitted: no\r\n\r\nBonjour, je demande une copie de mes donn\xc3\xa9es.\r\n")
    mail = parse_mail(raw)
    assert mail.from_addr == "severine@example.org" and mail.from_name == "Séverine Koné"
    assert mail.reply_address == "reply@example.org" and mail.return_path == ""
    assert mail.subject == "Droit d'accès" and mail.to == ("info@wecashup.com", "b@x.org")
    assert mail.lang == "fr" and "copie de mes données" in mail.text


def test_html_only_mail_is_rendered_to_visible_text() -> None:
    mail = parse_mail((corpus.CORPUS / "ugly/hostile_html.eml").read_bytes())
    assert mail.html_only
    assert "<script" not in mail.text and "alert(" not in mail.text and "javascript:" not in mail.text


def test_signature_and_mobile_footer_removed() -> None:
    raw = make_mail("Suppression", "Merci de supprimer mon compte.\n\n-- \nAwa Diop\n+221 77 000 00 00\n")
    assert parse_mail(raw).text == "Merci de supprimer mon compte."
    raw = make_mail("Delete", "Please delete my account.\n\nSent from my iPhone\n")
    assert parse_mail(raw).text == "Please delete my account."


def test_large_generated_mails(tmp_path) -> None:
    gen = corpus.generator()
    big = parse_mail(gen.big_attachment(20))
    assert big.attachments and max(a.size for a in big.attachments) >= 20 * 1024 * 1024 * 0.99
    many = parse_mail(gen.many_recipients(5000))
    assert len(many.to) + len(many.cc) >= 4999
    deep = parse_mail(gen.deep_nesting(120))
    assert deep.readable
    long = parse_mail(gen.long_body(100, "fr"))
    assert len(long.text) <= 20_000 and long.lang == "fr"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    mail = parse_mail(data)
    assert mail.size == len(data)


HEADER_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


@settings(max_examples=200, deadline=None)
@given(subject=HEADER_TEXT, body=st.text(max_size=2000), sender=st.emails(),
       ctype=st.sampled_from(["text/plain", "text/html", "multipart/mixed", "multipart/report", "x/y"]),
       charset=st.sampled_from(["utf-8", "latin-1", "x-unknown", "utf-16", ""]))
def test_structured_garbage_never_raises(subject: str, body: str, sender: str, ctype: str, charset: str) -> None:
    head = f"From: {sender}\r\nSubject: {subject}\r\nContent-Type: {ctype}; charset={charset}; boundary=zz\r\n"
    raw = head.encode("utf-8", "surrogatepass") + b"\r\n" + body.encode("utf-8", "replace")
    mail = parse_mail(raw)
    assert isinstance(mail.text, str) and isinstance(mail.defects, tuple)


def test_message_built_by_stdlib_roundtrips() -> None:
    message = EmailMessage()
    message["From"] = "Kwame <kwame@example.com>"
    message["Subject"] = "Access request"
    message.set_content("What data do you hold about me?")
    mail = parse_mail(bytes(message))
    assert mail.from_addr == "kwame@example.com" and mail.text == "What data do you hold about me?"
