"""Every reply template renders in both languages with no missing variable (strict undefined)."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest

from mailbot.cases.outbox import TEMPLATE_DEFAULTS, base_context
from mailbot.cases.policy import KEPT_BY_LAW
from mailbot.config import load_settings
from mailbot.replies.render import TEMPLATES, format_date, render

STEPS = sorted({
    (path.parent.name, path.name.split(".")[0])
    for path in TEMPLATES.glob("*/*.txt.j2") if not path.parent.name.startswith("_")
})
INTENTS = ["unsubscribe", "access", "portability", "rectify", "delete", "object", "restrict", "security"]


def context(filled: bool, lang: str) -> dict:
    ctx = {**TEMPLATE_DEFAULTS, **base_context(load_settings(env={}))}
    ctx["case"] = {"ref": "WCU-7F3K2Q", "intent": "access", "intents": ["access", "delete"],
                   "received_at": date(2026, 1, 31), "due_at": date(2026, 2, 28),
                   "extended_due_at": date(2026, 4, 28) if filled else None, "priority": "normal"}
    ctx["requester"] = {"name": "Awa <Diop> & Co" if filled else None, "email": "awa.diop@example.com"}
    ctx["confirm"] = {"url": "https://privacy.example/v/tok", "code": "K7P2QX", "expires_at": date(2026, 2, 7)}
    ctx["result"] = {"summary": "3 <transactions>" if filled else None,
                     "download_url": "https://privacy.example/d/tok" if filled else None,
                     "download_expires_at": date(2026, 2, 14) if filled else None,
                     "purposes": ["statistics", "ads"] if filled else [],
                     "fields": {"name": "Awa Diop"} if filled else {},
                     "reasons": "Manifestly excessive <repeated> request" if filled else None}
    ctx["repeat_of"] = ["WCU-AAAAAA"] if filled else None
    ctx["kept_by_law"] = KEPT_BY_LAW[lang]
    return ctx


@pytest.mark.parametrize(("folder", "step", "lang", "filled"),
                         [(f, s, lang, filled) for (f, s), lang, filled in
                          itertools.product(STEPS, ("en", "fr"), (True, False))])
def test_template_renders(folder: str, step: str, lang: str, filled: bool) -> None:
    intents = INTENTS if folder in ("common", "internal") else [folder]
    for intent in intents:
        ctx = context(filled, lang)
        ctx["case"]["intent"] = intent
        for next_step in ("confirm_identity", "confirm_sent_to_registered", "identify_account", "staff_review", "none"):
            ctx["next_step"] = next_step
            rendered = render(intent if folder != "internal" else "internal", step, lang, ctx)
            assert "[WCU-7F3K2Q]" in rendered.subject
            assert rendered.text.strip() and "None" not in rendered.text
            assert rendered.html is not None and "<script" not in rendered.html
            if filled:
                assert "<Diop>" not in rendered.html  # escaped in HTML


def test_both_languages_exist_for_every_template() -> None:
    for path in TEMPLATES.rglob("*.en.txt.j2"):
        for variant in ("fr.txt.j2", "en.html.j2", "fr.html.j2"):
            assert Path(str(path).replace("en.txt.j2", variant)).exists(), path


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_legal_content(lang: str) -> None:
    ctx = context(True, lang)
    rejected = render("access", "rejected", lang, ctx).text
    assert "CNIL" in rejected and "77" in rejected and "79" in rejected and "12" in rejected
    erased = render("delete", "executed", lang, ctx).text
    assert "L561-12" in erased
    ack = render("access", "acknowledgement", lang, ctx).text
    assert "15" in ack and format_date(date(2026, 2, 28), lang) in ack


def test_dates_in_both_languages() -> None:
    assert format_date(date(2026, 2, 1), "fr") == "1er février 2026"
    assert format_date(date(2026, 2, 28), "en") == "28 February 2026"
