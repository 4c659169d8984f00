"""Quote/signature stripping for French and English clients, HTML to text, sender authentication."""

from __future__ import annotations

import pytest

from mailbot.mail.auth import is_authenticated
from mailbot.mail.parse import parse_mail
from mailbot.mail.text import html_to_text, strip_quoted
from tests.support.mails import make_mail


@pytest.mark.parametrize("text", [
    "Supprimez mon compte svp.\n\nLe mar. 3 mars 2026 à 10:12, WeCashUp <info@wecashup.com> a écrit :\n> Bonjour",
    "Supprimez mon compte svp.\n\nLe mar. 3 mars 2026 à 10:12, WeCashUp\n<info@wecashup.com> a écrit :\n> Bonjour",
    "Supprimez mon compte svp.\n\nDe : WeCashUp <info@wecashup.com>\nEnvoyé : lundi 2 mars 2026 10:00\nÀ : moi\nObjet : Promo\n\nPromo",
    "Supprimez mon compte svp.\n\nFrom: WeCashUp <info@wecashup.com>\nSent: Monday, 2 March 2026\nTo: me\nSubject: Promo\n\nx",
    "Supprimez mon compte svp.\n\n-----Original Message-----\nFrom: x\n",
    "Supprimez mon compte svp.\n\nOn Mon, 2 Mar 2026 at 10:00, WeCashUp <info@wecashup.com> wrote:\n> hi",
    "Supprimez mon compte svp.\n-- \nAwa\nDakar",
    "Supprimez mon compte svp.\n\nEnvoyé de mon iPhone",
    "Supprimez mon compte svp.\n\nCe message et toutes les pièces jointes sont confidentiels et établis à l'intention exclusive",
])
def test_new_text_only(text: str) -> None:
    assert strip_quoted(text) == "Supprimez mon compte svp."


@pytest.mark.parametrize(("text", "kept"), [
    ("Découvrez nos nouveautés.\n\nPour ne plus recevoir nos emails, cliquez ici. Conformément au RGPD, vous "
     "disposez d'un droit d'accès et de suppression.", "Découvrez nos nouveautés."),
    ("Big sale this weekend!\n\nYou are receiving this email because you signed up. Unsubscribe here.",
     "Big sale this weekend!"),
    ("Nos offres de la semaine.\nVous recevez ce courriel car vous êtes client.", "Nos offres de la semaine."),
    ("Double points this weekend!\n\nStarline Rewards\nManage your marketing preferences or unsubscribe at any time.",
     "Double points this weekend!\n\nStarline Rewards"),
    ("-20 % sur tout le site.\nGérez vos préférences de communication dans votre espace client.",
     "-20 % sur tout le site."),
    # A reader writes "your e-mails": that is a request, and it stays.
    ("Bonjour,\nPour ne plus recevoir vos emails, que dois-je faire ?",
     "Bonjour,\nPour ne plus recevoir vos emails, que dois-je faire ?"),
    ("Hi,\nIf you keep sending these I will complain. Unsubscribe me now.",
     "Hi,\nIf you keep sending these I will complain. Unsubscribe me now."),
])
def test_a_mailing_footer_is_cut(text: str, kept: str) -> None:
    assert strip_quoted(text) == kept


def test_a_mail_that_is_only_quoted_keeps_its_text() -> None:
    assert strip_quoted("> please delete my account") == "please delete my account"


def test_hostile_html() -> None:
    html = ('<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>'
            '<p>Delete my account</p><div style="display:none">hidden access request</div>'
            '<iframe src="https://evil.example"></iframe><img src=x onerror="alert(2)">'
            '<a href="javascript:alert(3)">click</a><blockquote>old quoted text</blockquote></body></html>')
    text = html_to_text(html)
    assert "Delete my account" in text
    for bad in ("alert", "hidden access request", "old quoted text", "color:red"):
        assert bad not in text


def test_authentication_results_only_from_our_server() -> None:
    good = parse_mail(make_mail("x", "y", sender="kofi@example.com"))
    assert is_authenticated(good, "mx.wecashup.com")
    assert not is_authenticated(good, "mx.other.example")
    assert not is_authenticated(good, None)
    failed = parse_mail(make_mail("x", "y", sender="kofi@example.com", dmarc="fail"))
    assert not is_authenticated(failed, "mx.wecashup.com")
    unsigned = parse_mail(make_mail("x", "y", sender="kofi@example.com", authenticated=False))
    assert not is_authenticated(unsigned, "mx.wecashup.com")
    forged = parse_mail(make_mail("x", "y", sender="kofi@example.com", authenticated=False, headers={
        "Authentication-Results": "evil.example; dmarc=pass header.from=example.com"}))
    assert not is_authenticated(forged, "mx.wecashup.com")


def test_misaligned_dkim_is_not_enough() -> None:
    raw = make_mail("x", "y", sender="kofi@example.com", authenticated=False, headers={
        "Authentication-Results": "mx.wecashup.com; dkim=pass header.d=mailer.example.net; spf=pass "
                                  "smtp.mailfrom=bounce@mailer.example.net"})
    assert not is_authenticated(parse_mail(raw), "mx.wecashup.com")
