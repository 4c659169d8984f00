"""Each intent through its whole life, in both languages, on the real SMTP sink and database:
mail in -> acknowledgement -> confirmation to the registered address -> confirmation by link
or by reply code -> action queued -> approved or rejected from the CLI -> reply."""

from __future__ import annotations

import json
import re
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.exc import DBAPIError

from mailbot.cases import actions, breach
from mailbot.cases.models import Action, BreachClock, CaseEvent, Objection, Suppression, Verification
from mailbot.cli import common
from mailbot.cli import main as cli
from mailbot.errors import ActionError
from mailbot.runtime import Runtime
from mailbot.web.app import create_app
from tests.conftest import settings_env
from tests.support.clock import FakeClock
from tests.support.flow import case_of, count, deliver, drain, outbox, staff
from tests.support.mails import make_mail
from tests.support.smtp_sink import SmtpSink

LINK = re.compile(r"https://privacy\.wecashup\.test/([vd])/([A-Za-z0-9_-]+)")
CODE = re.compile(r"\b([A-HJ-NP-Z2-9]{6})\b")


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return part.get_content()


def mails_for(sink: SmtpSink, address: str, template: str, rt: Runtime) -> list[EmailMessage]:
    wanted = {row.message_id for row in outbox(rt) if row.template.endswith(template)}
    return [m for m in sink.to(address) if m["Message-ID"] in wanted]


def one(sink: SmtpSink, address: str, template: str, rt: Runtime) -> EmailMessage:
    found = mails_for(sink, address, template, rt)
    assert len(found) == 1, f"{template} to {address}: {len(found)} mails"
    return found[0]


def link(message: EmailMessage, kind: str = "v") -> str:
    tokens = [token for k, token in LINK.findall(body(message)) if k == kind]
    assert tokens, "no link in the mail"
    return tokens[0]


@pytest.fixture
def web(runtime: Runtime, clock: FakeClock) -> TestClient:
    app = create_app(runtime.settings, runtime.factory, directory=runtime.directory, executor=runtime.executor,
                     clock=clock)
    return TestClient(app)


@pytest.fixture
def staff_cli(monkeypatch: pytest.MonkeyPatch, runtime: Runtime, tmp_path: Path, db_url: str, sink: SmtpSink,
              clock: FakeClock) -> Any:
    """`mailbot …` as staff type it, against the same database and SMTP sink, on the test clock."""
    for key, value in settings_env(tmp_path, db_url, sink=sink).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(common, "Runtime", lambda settings: Runtime(settings, clock=clock))

    def run(*argv: str) -> int:
        return cli(list(argv))

    return run


def confirm_by_link(web: TestClient, token: str) -> None:
    page = web.get(f"/v/{token}")
    assert page.status_code == 200 and 'method="post"' in page.text
    done = web.post(f"/v/{token}")
    assert done.status_code == 200, done.text


def pending_action(rt: Runtime, ref: str) -> Action:
    with rt.factory() as session:
        rows = [a for a in session.scalars(select(Action).where(Action.state == "pending"))
                if a.case.ref == ref]
        assert len(rows) == 1, rows
        session.expunge_all()
        return rows[0]


# -- access, English, link, approved from the CLI ------------------------------------------------

def test_access_en_link_then_cli_approval_and_download(runtime: Runtime, sink: SmtpSink, web: TestClient,
                                                       staff_cli: Any, capsys: pytest.CaptureFixture[str]) -> None:
    [mail_id] = deliver(runtime, make_mail("Subject access request", "Under Article 15 GDPR please send me a copy "
                                           "of all personal data you hold about me.", sender="kwame.mensah@example.com",
                                           name="Kwame Mensah"))
    case = case_of(runtime, mail_id)
    assert (case.intent, case.lang, case.state) == ("access", "en", "awaiting_identity")
    ack = one(sink, "kwame.mensah@example.com", "acknowledgement", runtime)
    assert case.ref in ack["Subject"] and "Art. 15" in body(ack)
    confirm = one(sink, "kwame.mensah@example.com", "confirm_identity", runtime)
    token = link(confirm)
    assert web.get(f"/v/{token}").status_code == 200
    assert case_of(runtime, mail_id).state == "awaiting_identity"  # GET changes nothing (link scanners)
    confirm_by_link(web, token)
    case = case_of(runtime, mail_id)
    assert case.state == "awaiting_approval" and case.paused_since is None
    assert staff_cli("queue", "--json") == 0
    queue = json.loads(capsys.readouterr().out)
    [item] = [q for q in queue if q["case"] == case.ref]
    assert item["kind"] == "export" and item["requester"] == "kwame.mensah@example.com"
    assert staff_cli("approve", str(item["id"]), "--as", "alice") == 0
    assert "executed" in capsys.readouterr().out
    drain(runtime)
    case = case_of(runtime, mail_id)
    assert case.state == "closed"
    done = one(sink, "kwame.mensah@example.com", "access/executed", runtime)
    download = link(done, "d")
    assert web.get(f"/d/{download}").status_code == 200
    data = web.post(f"/d/{download}")
    assert data.status_code == 200 and data.json()["account"]["email"] == "kwame.mensah@example.com"
    assert web.post(f"/d/{download}").status_code == 404  # single use
    assert staff_cli("case", case.ref, "--json") == 0
    timeline = json.loads(capsys.readouterr().out)["timeline"]
    kinds = [e["kind"] for e in timeline]
    assert {"identity_confirmed", "action_approved", "action_executed", "reply_queued"} <= set(kinds)
    assert any(e["actor"] == "alice" for e in timeline)
    assert [e["to"] for e in timeline if e["kind"] == "transition"] == [
        "classified", "awaiting_identity", "awaiting_approval", "executed", "replied", "closed"]


# -- delete, French, reply code, rejected from the CLI --------------------------------------------

def test_delete_fr_reply_code_then_cli_rejection(runtime: Runtime, sink: SmtpSink, staff_cli: Any) -> None:
    [mail_id] = deliver(runtime, make_mail("Suppression", "Bonjour, je veux que vous supprimiez mon compte et "
                                           "toutes mes données personnelles. Merci", sender="awa.diop@example.com"))
    case = case_of(runtime, mail_id)
    assert (case.intent, case.lang) == ("delete", "fr")
    confirm = one(sink, "awa.diop@example.com", "confirm_identity", runtime)
    assert "Confirmez" in confirm["Subject"] or "confirm" in confirm["Subject"].lower()
    code = CODE.findall(body(confirm))
    assert code
    reply = make_mail(f"RE: {confirm['Subject']}", f"Oui c'est bien moi. Code : {code[-1]}",
                      sender="awa.diop@example.com", in_reply_to=confirm["Message-ID"])
    [reply_id] = deliver(runtime, reply)
    assert case_of(runtime, reply_id).ref == case.ref  # joined the case
    assert case_of(runtime, mail_id).state == "awaiting_approval"
    action = pending_action(runtime, case.ref)
    assert action.kind == "erase"
    with pytest.raises(SystemExit):
        staff_cli("reject", str(action.id))  # a rejection needs a reason
    assert staff_cli("reject", str(action.id), "--reason", "Compte sous enquête pour fraude : conservation "
                     "obligatoire") == 0
    drain(runtime)
    assert case_of(runtime, mail_id).state == "rejected"
    rejected = body(one(sink, "awa.diop@example.com", "rejected", runtime))
    assert "enquête pour fraude" in rejected and "CNIL" in rejected and "79" in rejected
    directory = create_engine(runtime.settings.directory_url)
    with directory.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM accounts WHERE email='awa.diop@example.com'")).scalar() == 1
    directory.dispose()


# -- unsubscribe and objection ---------------------------------------------------------------

def test_unsubscribe_authenticated_is_done_at_once(runtime: Runtime, sink: SmtpSink) -> None:
    [mail_id] = deliver(runtime, make_mail("STOP", "Please unsubscribe me from all your marketing emails.",
                                           sender="grace.otieno@example.net"))
    case = case_of(runtime, mail_id)
    assert case.intent == "unsubscribe" and case.state == "closed"
    assert count(runtime, Suppression, Suppression.email == "grace.otieno@example.net") == 1
    done = one(sink, "grace.otieno@example.net", "unsubscribe/executed", runtime)
    assert case.ref in done["Subject"]


def test_unsubscribe_unauthenticated_needs_one_click(runtime: Runtime, sink: SmtpSink, web: TestClient) -> None:
    [mail_id] = deliver(runtime, make_mail("Désinscription", "Merci de me désinscrire de votre newsletter.",
                                           sender="moussa@example.org", authenticated=False))
    assert case_of(runtime, mail_id).state == "awaiting_identity"
    assert count(runtime, Suppression) == 0
    confirm_by_link(web, link(one(sink, "moussa@example.org", "confirm_unsubscribe", runtime)))
    drain(runtime)
    assert case_of(runtime, mail_id).state == "closed"
    assert count(runtime, Suppression, Suppression.email == "moussa@example.org") == 1
    done = one(sink, "moussa@example.org", "unsubscribe/executed", runtime)
    assert done["Content-Language"] == "fr" and case_of(runtime, mail_id).ref in done["Subject"]


def test_objection_fr_waits_for_approval(runtime: Runtime, sink: SmtpSink, staff_cli: Any) -> None:
    [mail_id] = deliver(runtime, make_mail("Opposition", "Je m'oppose au profilage et à la publicité ciblée "
                                           "utilisant mes données de géolocalisation.", sender="marie.nguema@example.fr"))
    case = case_of(runtime, mail_id)
    assert case.intent == "object" and case.state == "awaiting_approval"
    action = pending_action(runtime, case.ref)
    assert set(action.params["purposes"]) >= {"profiling", "ads", "geolocation"}
    assert staff_cli("approve", str(action.id)) == 0
    drain(runtime)
    assert count(runtime, Objection, Objection.email == "marie.nguema@example.fr") == len(action.params["purposes"])
    assert "profil" in body(one(sink, "marie.nguema@example.fr", "object/executed", runtime)).lower()


# -- rectify, portability, restrict -------------------------------------------------------------

def confirm_latest(sink: SmtpSink, address: str, runtime: Runtime, web: TestClient) -> None:
    confirm_by_link(web, link(mails_for(sink, address, "confirm_identity", runtime)[-1]))


def test_rectify_en_with_fields_from_the_approver(runtime: Runtime, sink: SmtpSink, web: TestClient,
                                                 staff_cli: Any) -> None:
    [mail_id] = deliver(runtime, make_mail("Wrong name", "My surname is misspelt on my profile, it should be "
                                           "Mensah-Owusu. Please correct it.", sender="kwame.mensah@example.com"))
    ref = case_of(runtime, mail_id).ref
    assert case_of(runtime, mail_id).intent == "rectify"
    confirm_latest(sink, "kwame.mensah@example.com", runtime, web)
    action = pending_action(runtime, ref)
    assert staff_cli("approve", str(action.id)) == 1  # no field given: fails, the case is escalated
    assert case_of(runtime, mail_id).state == "escalated"
    assert staff_cli("approve", str(action.id), "--set", "name=Kwame Mensah-Owusu") == 0
    drain(runtime)
    assert case_of(runtime, mail_id).state == "closed"
    assert "Mensah-Owusu" in body(one(sink, "kwame.mensah@example.com", "rectify/executed", runtime))


@pytest.mark.parametrize(("intent", "subject", "text_", "sender"), [
    ("portability", "Portabilité", "Je souhaite recevoir mes données dans un format structuré et lisible par "
     "machine (article 20 du RGPD).", "jean.kouassi@example.org"),
    ("restrict", "Restriction of processing", "I contest the accuracy of my data. Under Article 18 please restrict "
     "the processing of my personal data until you have checked it.", "grace.otieno@example.net"),
])
def test_portability_fr_and_restrict_en(runtime: Runtime, sink: SmtpSink, web: TestClient, staff_cli: Any,
                                         intent: str, subject: str, text_: str, sender: str) -> None:
    [mail_id] = deliver(runtime, make_mail(subject, text_, sender=sender))
    case = case_of(runtime, mail_id)
    assert case.intent == intent
    confirm_latest(sink, sender, runtime, web)
    action = pending_action(runtime, case.ref)
    assert staff_cli("approve", str(action.id)) == 0
    drain(runtime)
    assert case_of(runtime, mail_id).state == "closed"
    one(sink, sender, f"{intent}/executed", runtime)


# -- who may confirm -----------------------------------------------------------------------------

def test_spoofed_sender_never_gets_the_confirmation(runtime: Runtime, sink: SmtpSink) -> None:
    [mail_id] = deliver(runtime, make_mail("Delete", "Delete my account and all my data now.",
                                           sender="awa.diop@example.com", dmarc="fail",
                                           headers={"Reply-To": "attacker@evil.example"}))
    case = case_of(runtime, mail_id)
    assert not case.authenticated and case.registered_email == "awa.diop@example.com"
    assert one(sink, "awa.diop@example.com", "confirm_identity", runtime)
    assert mails_for(sink, "attacker@evil.example", "confirm_identity", runtime) == []
    assert all(not LINK.search(body(m)) for m in sink.to("attacker@evil.example"))


def test_sender_not_registered_is_told_without_revealing(runtime: Runtime, sink: SmtpSink) -> None:
    deliver(runtime, make_mail("Access", "Please send me a copy of my personal data. My account e-mail is "
                               "grace.otieno@example.net", sender="grace.work@example.com"))
    deliver(runtime, make_mail("Access", "Please send me a copy of my personal data. My account e-mail is "
                               "nobody.here@example.net", sender="someone.else@example.com"))
    assert one(sink, "grace.otieno@example.net", "confirm_identity", runtime)
    known = body(one(sink, "grace.work@example.com", "acknowledgement", runtime))
    unknown = body(one(sink, "someone.else@example.com", "acknowledgement", runtime))
    strip = lambda t: re.sub(r"WCU-\w{6}|\d+ \w+ \d{4}", "", t)  # noqa: E731
    assert strip(known) == strip(unknown)  # the same words whether or not an account exists
    assert mails_for(sink, "grace.work@example.com", "confirm_identity", runtime) == []


def test_no_account_then_identifying_reply(runtime: Runtime, sink: SmtpSink, web: TestClient) -> None:
    [mail_id] = deliver(runtime, make_mail("Effacement", "Je demande l'effacement de mes données (article 17).",
                                           sender="inconnu@example.com", name="Jean K."))
    case = case_of(runtime, mail_id)
    assert case.state == "awaiting_identity" and case.paused_since is not None and case.registered_email is None
    ask = one(sink, "inconnu@example.com", "identify_account", runtime)
    assert "téléphone" in body(ask)
    deliver(runtime, make_mail(f"Re: {ask['Subject']}", "Mon numéro est le +225 07 01 23 45 67",
                               sender="inconnu@example.com", in_reply_to=ask["Message-ID"]))
    assert one(sink, "jean.kouassi@example.org", "confirm_identity", runtime)
    assert one(sink, "inconnu@example.com", "confirm_sent_elsewhere", runtime)
    confirm_latest(sink, "jean.kouassi@example.org", runtime, web)
    assert case_of(runtime, mail_id).state == "awaiting_approval"


# -- tokens -------------------------------------------------------------------------------------

def test_expired_forged_and_reused_tokens(runtime: Runtime, sink: SmtpSink, web: TestClient,
                                          clock: FakeClock) -> None:
    [mail_id] = deliver(runtime, make_mail("Access", "What personal data do you hold about me? Article 15.",
                                           sender="kwame.mensah@example.com"))
    token = link(one(sink, "kwame.mensah@example.com", "confirm_identity", runtime))
    assert web.post("/v/forged-token-0000000000").status_code == 404
    assert web.post(f"/v/{token[:-1]}x").status_code == 404
    clock.advance(days=8)
    expired = web.post(f"/v/{token}")
    assert expired.status_code == 404 and "expired" in expired.text
    clock.advance(days=-8)
    confirm_by_link(web, token)
    assert web.post(f"/v/{token}").status_code == 404  # single use
    assert case_of(runtime, mail_id).state == "awaiting_approval"
    with runtime.factory() as session:
        stored = session.scalars(select(Verification.token_hash)).all()
    assert token not in stored and all(len(h) == 64 for h in stored)  # only hashes are kept


def test_wrong_codes_are_limited(runtime: Runtime, sink: SmtpSink) -> None:
    [mail_id] = deliver(runtime, make_mail("Access", "Send me a copy of my personal data (GDPR art. 15).",
                                           sender="kwame.mensah@example.com"))
    confirm = one(sink, "kwame.mensah@example.com", "confirm_identity", runtime)
    real = CODE.findall(body(confirm))[-1]
    for attempt in range(5):
        wrong = "ZZZZZ" + str(2 + attempt)
        deliver(runtime, make_mail("Re", f"code {wrong}", sender="kwame.mensah@example.com",
                                   in_reply_to=confirm["Message-ID"], message_id=f"<w{attempt}@example.com>"))
    deliver(runtime, make_mail("Re", f"code {real}", sender="kwame.mensah@example.com",
                               in_reply_to=confirm["Message-ID"]))
    assert case_of(runtime, mail_id).state == "awaiting_identity"  # locked after five wrong tries


def test_code_from_another_address_does_not_confirm(runtime: Runtime, sink: SmtpSink) -> None:
    [mail_id] = deliver(runtime, make_mail("Access", "Send me a copy of my personal data (GDPR art. 15).",
                                           sender="kwame.mensah@example.com"))
    confirm = one(sink, "kwame.mensah@example.com", "confirm_identity", runtime)
    code = CODE.findall(body(confirm))[-1]
    deliver(runtime, make_mail(f"Re: {confirm['Subject']}", f"code {code}", sender="thief@example.com",
                               in_reply_to=confirm["Message-ID"]))
    assert case_of(runtime, mail_id).state == "awaiting_identity"


# -- the clock ----------------------------------------------------------------------------------

def sweep(runtime: Runtime) -> None:
    from mailbot.daemon import Daemon

    Daemon(runtime).run_once()


def test_reminder_then_expiry(runtime: Runtime, sink: SmtpSink, clock: FakeClock, web: TestClient) -> None:
    [mail_id] = deliver(runtime, make_mail("Delete", "Please delete my account and all my data.",
                                           sender="grace.otieno@example.net"))
    first = link(one(sink, "grace.otieno@example.net", "confirm_identity", runtime))
    clock.advance(days=2)
    sweep(runtime)
    assert mails_for(sink, "grace.otieno@example.net", "reminder", runtime) == []
    clock.advance(days=1, minutes=1)
    sweep(runtime)
    reminder = one(sink, "grace.otieno@example.net", "reminder", runtime)
    assert link(reminder) != first and web.get(f"/v/{first}").status_code == 404  # the old link retired
    sweep(runtime)
    assert len(mails_for(sink, "grace.otieno@example.net", "reminder", runtime)) == 1
    clock.advance(days=11)
    sweep(runtime)
    assert case_of(runtime, mail_id).state == "expired"
    one(sink, "grace.otieno@example.net", "expired", runtime)
    assert web.post(f"/v/{link(reminder)}").status_code == 404


def test_deadline_31_january(runtime: Runtime, clock: FakeClock) -> None:
    from datetime import UTC, date, datetime

    clock.set(datetime(2026, 1, 31, 14, 0, tzinfo=UTC))
    [mail_id] = deliver(runtime, make_mail("STOP", "Unsubscribe me from your newsletters please",
                                           sender="x1@example.com"))
    assert case_of(runtime, mail_id).due_on == date(2026, 2, 28)
    clock.set(datetime(2028, 1, 31, 14, 0, tzinfo=UTC))
    [mail_id] = deliver(runtime, make_mail("STOP", "Unsubscribe me from your newsletters please",
                                           sender="x2@example.com"))
    assert case_of(runtime, mail_id).due_on == date(2028, 2, 29)


def test_extension_inside_and_outside_the_first_month(runtime: Runtime, sink: SmtpSink, clock: FakeClock) -> None:
    from datetime import date

    [mail_id] = deliver(runtime, make_mail("Objection", "I object to profiling and targeted advertising.",
                                           sender="kwame.mensah@example.com"))
    ref = case_of(runtime, mail_id).ref
    clock.advance(days=20)
    with staff(runtime) as ctx:
        with pytest.raises(ActionError, match="reason"):
            actions.extend(ref, ctx, reason=" ")
        actions.extend(ref, ctx, reason="We must collect data from three subcontractors.")
    drain(runtime)
    case = case_of(runtime, mail_id)
    assert case.extended_due_on == date(2026, 6, 2) and case.due_on == date(2026, 4, 2)
    assert "three subcontractors" in body(one(sink, "kwame.mensah@example.com", "extended", runtime))
    [late] = deliver(runtime, make_mail("Objection", "I object to the use of my location data for statistics.",
                                        sender="grace.otieno@example.net"))
    clock.advance(days=32)
    with staff(runtime) as ctx, pytest.raises(ActionError, match="first month"):
        actions.extend(case_of(runtime, late).ref, ctx, reason="Too late now.")


def test_staff_reminder_and_overdue_alert(runtime: Runtime, sink: SmtpSink, clock: FakeClock) -> None:
    deliver(runtime, make_mail("Objection", "I object to profiling and targeted advertising.",
                               sender="kwame.mensah@example.com"))
    clock.advance(days=24)
    sweep(runtime)
    assert one(sink, "info@wecashup.com", "internal/deadline_reminder", runtime)
    clock.advance(days=8)
    sweep(runtime)
    assert one(sink, "info@wecashup.com", "internal/overdue", runtime)
    sweep(runtime)
    assert len(mails_for(sink, "info@wecashup.com", "internal/overdue", runtime)) == 1


# -- repetition, security, threading, audit ------------------------------------------------------

def test_repeated_request_is_flagged_never_refused(runtime: Runtime, sink: SmtpSink, staff_cli: Any,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    first = deliver(runtime, make_mail("Objection", "I object to profiling of my data.",
                                       sender="kwame.mensah@example.com", message_id="<o1@example.com>"))[0]
    second = deliver(runtime, make_mail("Objection again", "I object to profiling of my data, again.",
                                        sender="kwame.mensah@example.com", message_id="<o2@example.com>"))[0]
    assert case_of(runtime, first).ref == case_of(runtime, second).ref  # joined while still open
    with staff(runtime) as ctx:
        actions.reject(pending_action(runtime, case_of(runtime, first).ref).id, ctx, reason="Duplicate of a test")
    third = deliver(runtime, make_mail("Objection", "I object to profiling, third time.",
                                       sender="kwame.mensah@example.com", message_id="<o3@example.com>"))[0]
    case = case_of(runtime, third)
    assert case.ref != case_of(runtime, first).ref and case.repeat_of == [case_of(runtime, first).ref]
    assert case.state == "awaiting_approval"  # never refused automatically
    assert staff_cli("queue") == 0
    assert "REPEAT" in capsys.readouterr().out


def test_security_concern(runtime: Runtime, sink: SmtpSink, staff_cli: Any, capsys: pytest.CaptureFixture[str]) -> None:
    [mail_id] = deliver(runtime, make_mail("URGENT compte piraté", "Quelqu'un a piraté mon compte et a fait des "
                                           "transferts que je n'ai pas effectués !", sender="jean.kouassi@example.org"))
    case = case_of(runtime, mail_id)
    assert (case.intent, case.state, case.priority) == ("security", "escalated", "urgent")
    guidance = body(one(sink, "jean.kouassi@example.org", "security/guidance", runtime))
    assert not LINK.search(guidance) and "http" not in guidance.split("--")[0]
    alert = one(sink, "security@wecashup.com", "internal/security_alert", runtime)
    assert case.ref in alert["Subject"] and "piraté" not in body(alert)  # no mail body quoted
    with runtime.factory() as session:
        clock_row = session.scalar(select(BreachClock))
        assert clock_row is not None and (clock_row.deadline_at - clock_row.started_at).total_seconds() == 72 * 3600
    assert pending_action(runtime, case.ref).kind == "lock_account"
    assert staff_cli("breach", "dismissed", case.ref, "--note", "Phishing victim, no breach on our side") == 0
    assert staff_cli("breach", "list", "--json") == 0
    register = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert register[0]["status"] == "dismissed" and register[0]["case"] == case.ref
    with staff(runtime) as ctx, pytest.raises(Exception, match="no open"):
        breach.decide(case.ref, "confirmed", ctx, note="again")


def test_threading_by_reference_and_closed_case_opens_linked_case(runtime: Runtime, sink: SmtpSink) -> None:
    [mail_id] = deliver(runtime, make_mail("STOP", "Unsubscribe me please.", sender="grace.otieno@example.net"))
    closed = case_of(runtime, mail_id)
    assert closed.state == "closed"
    [again] = deliver(runtime, make_mail(f"Re: [{closed.ref}] and delete everything",
                                         "Also please delete my account and all my data.",
                                         sender="grace.otieno@example.net"))
    new = case_of(runtime, again)
    assert new.ref != closed.ref and new.parent_id == closed.id and new.intent == "delete"


def test_audit_trail_is_append_only(runtime: Runtime) -> None:
    deliver(runtime, make_mail("STOP", "Unsubscribe me please.", sender="grace.otieno@example.net"))
    with pytest.raises(DBAPIError), runtime.factory.begin() as session:
        session.execute(update(CaseEvent).values(actor="someone else"))
    assert count(runtime, CaseEvent) >= 5


def test_identity_documents_are_deleted_once_checked(runtime: Runtime, sink: SmtpSink, staff_cli: Any) -> None:
    import base64

    from mailbot.cases.models import InboundMail

    raw = make_mail("Effacement", "Je demande l'effacement de mes données. Ci-joint ma pièce d'identité.",
                    sender="inconnu2@example.com")
    head, _, body = raw.partition(b"\r\n\r\n")
    passport = base64.encodebytes(b"%PDF-1.4 passport scan" * 50)
    raw = (b"\r\n".join(line for line in head.split(b"\r\n") if not line.lower().startswith((b"content-", b"mime-")))
           + b"\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body
           + b"\r\n--zz\r\nContent-Type: application/pdf; name=passeport.pdf\r\nContent-Disposition: attachment; "
           b"filename=passeport.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" + passport + b"--zz--\r\n")
    [mail_id] = deliver(runtime, raw)
    case = case_of(runtime, mail_id)
    assert staff_cli("documents-checked", case.ref, "--outcome", "Passport matches the account holder") == 0
    with runtime.factory() as session:
        stored = session.get(InboundMail, mail_id)
        assert stored is not None
        flat = stored.raw.replace(b"\r\n", b"").replace(b"\n", b"")
        assert passport.replace(b"\n", b"")[:60] not in flat  # the document's bytes are gone
        assert b"attachment deleted after the identity check" in stored.raw
    timeline = [e.kind for e in case_of(runtime, mail_id).events]
    assert "identity_documents_checked" in timeline


WALKS = {
    ("access", "en"): ("Subject access request", "Please send me a copy of all the personal data you hold about me "
                       "(GDPR Article 15)."),
    ("access", "fr"): ("Droit d'accès", "Je souhaite obtenir une copie de toutes les données personnelles que vous "
                       "détenez sur moi (article 15 du RGPD)."),
    ("portability", "en"): ("Data portability", "Please send me my personal data in a structured, machine-readable "
                            "format (Article 20 GDPR) so I can move to another provider."),
    ("portability", "fr"): ("Portabilité", "Merci de me transmettre mes données dans un format structuré et lisible "
                            "par machine (article 20 du RGPD)."),
    ("rectify", "en"): ("Rectification", "My name is misspelt on my account. Please correct my personal details "
                        "(Article 16 GDPR)."),
    ("rectify", "fr"): ("Rectification", "Mon nom est mal orthographié sur mon compte, merci de rectifier mes données "
                        "(article 16 du RGPD)."),
    ("delete", "en"): ("Erasure request", "Please delete my account and erase all my personal data (right to be "
                       "forgotten, Article 17)."),
    ("delete", "fr"): ("Suppression", "Je vous demande de supprimer mon compte et d'effacer toutes mes données "
                       "personnelles (article 17 du RGPD)."),
    ("restrict", "en"): ("Restriction", "I contest the accuracy of my data. Please restrict the processing of my "
                         "personal data until you have checked it (Article 18 GDPR)."),
    ("restrict", "fr"): ("Limitation", "Je conteste l'exactitude de mes données : merci de limiter le traitement de "
                         "mes données le temps de la vérification (article 18 du RGPD)."),
}
ACCOUNT = {"en": "kwame.mensah@example.com", "fr": "awa.diop@example.com"}
WORD = {"en": "your", "fr": "vos"}


@pytest.mark.parametrize(("intent", "lang"), sorted(WALKS))
def test_whole_life_of_each_risky_intent_in_both_languages(runtime: Runtime, sink: SmtpSink, web: TestClient,
                                                          staff_cli: Any, intent: str, lang: str) -> None:
    subject, text_ = WALKS[(intent, lang)]
    sender = ACCOUNT[lang]
    [mail_id] = deliver(runtime, make_mail(subject, text_, sender=sender))
    case = case_of(runtime, mail_id)
    assert (case.intent, case.lang, case.state) == (intent, lang, "awaiting_identity")
    ack = one(sink, sender, "acknowledgement", runtime)
    assert case.ref in ack["Subject"] and WORD[lang] in body(ack).lower()
    confirm = one(sink, sender, "confirm_identity", runtime)
    if lang == "en":
        confirm_by_link(web, link(confirm))
    else:
        code = CODE.findall(body(confirm))[-1]
        deliver(runtime, make_mail(f"RE: {confirm['Subject']}", f"Code : {code}", sender=sender,
                                   in_reply_to=confirm["Message-ID"]))
    assert case_of(runtime, mail_id).state == "awaiting_approval"
    action = pending_action(runtime, case.ref)
    extra = ["--set", "name=Corrected Name"] if intent == "rectify" else []
    assert staff_cli("approve", str(action.id), *extra) == 0
    drain(runtime)
    case = case_of(runtime, mail_id)
    assert case.state == "closed"
    done = one(sink, sender, f"{intent}/executed", runtime)
    assert case.ref in done["Subject"] and done["Content-Language"] == lang
    assert done["Auto-Submitted"] == "auto-replied" and done["In-Reply-To"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_unsubscribe_object_and_security_in_both_languages(runtime: Runtime, sink: SmtpSink, staff_cli: Any,
                                                           lang: str) -> None:
    sender = ACCOUNT[lang]
    texts = {
        "en": ("Please unsubscribe me from your marketing emails.", "I object to profiling and targeted ads "
               "based on my data.", "Someone hacked my account and made transfers I did not make!"),
        "fr": ("Merci de me désinscrire de vos mails publicitaires.", "Je m'oppose au profilage et à la publicité "
               "ciblée utilisant mes données.", "Quelqu'un a piraté mon compte et fait des transferts que je n'ai "
               "pas faits !"),
    }[lang]
    [unsub] = deliver(runtime, make_mail("Stop", texts[0], sender=sender, message_id=f"<u-{lang}@example.com>"))
    assert case_of(runtime, unsub).state == "closed"
    assert one(sink, sender, "unsubscribe/executed", runtime)["Content-Language"] == lang
    [objection] = deliver(runtime, make_mail("Objection", texts[1], sender=sender, message_id=f"<o-{lang}@example.com>"))
    assert staff_cli("approve", str(pending_action(runtime, case_of(runtime, objection).ref).id)) == 0
    drain(runtime)
    assert one(sink, sender, "object/executed", runtime)["Content-Language"] == lang
    [alarm] = deliver(runtime, make_mail("Help", texts[2], sender=sender, message_id=f"<s-{lang}@example.com>"))
    assert case_of(runtime, alarm).priority == "urgent"
    assert one(sink, sender, "security/guidance", runtime)["Content-Language"] == lang
