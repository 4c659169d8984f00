"""Mail in -> durable row -> case -> acknowledgement in the SMTP sink, safely."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from mailbot.cases.inbound import requeue_shunted
from mailbot.cases.models import Case, CaseEvent, InboundMail, InboundStatus, Outbox
from mailbot.cases.status import status
from mailbot.runtime import Runtime
from tests.support import corpus
from tests.support.flow import case_of, count, deliver, drain, feed, inbound, outbox
from tests.support.mails import make_mail
from tests.support.smtp_sink import SmtpSink


def test_request_gets_one_acknowledgement_with_safe_headers(runtime: Runtime, sink: SmtpSink) -> None:
    raw = make_mail("Droit d'accès", "Bonjour, je souhaite obtenir une copie de toutes mes données personnelles.",
                    message_id="<req-1@example.com>", references="<older@example.com>")
    [mail_id] = deliver(runtime, raw)
    case = case_of(runtime, mail_id)
    assert case.intent == "access" and case.lang == "fr" and case.ref.startswith("WCU-")
    acks = [m for m in sink.to("awa.diop@example.com") if "acknowledgement" in _template(runtime, m)]
    assert len(acks) == 1
    ack = acks[0]
    assert f"[{case.ref}]" in ack["Subject"]
    assert ack["Auto-Submitted"] == "auto-replied" and ack["X-Mailbot-Loop"] == "wecashup"
    assert ack["In-Reply-To"] == "<req-1@example.com>" and "<req-1@example.com>" in ack["References"]
    assert ack["Message-ID"].endswith("@mailbot.wecashup.com>")
    assert ack.get_body(("plain",)) is not None and ack.get_body(("html",)) is not None
    # Ingesting the same bytes again changes nothing.
    deliver(runtime, raw)
    assert count(runtime, InboundMail) == 1 and count(runtime, Case) == 1


def _template(rt: Runtime, message) -> str:
    rows = outbox(rt, message_id=message["Message-ID"])
    return rows[0].template if rows else ""


def test_ordinary_mail_gets_no_reply_and_stays_for_people(runtime: Runtime, sink: SmtpSink) -> None:
    [mail_id] = deliver(runtime, make_mail("Transfer failed", "My transfer of 5000 XOF failed yesterday, can you check?"))
    row = inbound(runtime, mail_id)
    assert row.status == InboundStatus.PROCESSED and row.kind == "other" and row.case_id is None
    assert sink.parsed == []


@pytest.mark.parametrize("entry", corpus.entries("bounces") + corpus.entries("autoreplies") + corpus.entries("lists"),
                         ids=lambda e: e["file"])
def test_robots_are_recorded_and_never_answered(runtime: Runtime, sink: SmtpSink, entry: dict) -> None:
    [mail_id] = deliver(runtime, corpus.raw(entry))
    row = inbound(runtime, mail_id)
    assert row.status == InboundStatus.SCREENED and row.screen_rule and row.screen_reason
    assert sink.parsed == [] and outbox(runtime) == []


def test_bounce_of_our_reply_marks_it_failed(runtime: Runtime, sink: SmtpSink) -> None:
    [mail_id] = deliver(runtime, make_mail("Delete", "Please delete my account and all my personal data.",
                                           sender="nobody@example.com"))
    sent = outbox(runtime)[0]
    bounce_entry = next(e for e in corpus.entries("bounces") if e["bounced_message_id"])
    bounce = corpus.raw(bounce_entry).replace(bounce_entry["bounced_message_id"].encode(), sent.message_id.encode())
    [bounce_id] = deliver(runtime, bounce)
    assert inbound(runtime, bounce_id).kind == "bounce"
    failed = outbox(runtime, message_id=sent.message_id)[0]
    assert failed.state == "failed" and "bounced" in (failed.last_error or "")
    assert case_of(runtime, mail_id).state == "awaiting_identity"


@pytest.mark.parametrize("entry", corpus.entries("ugly"), ids=lambda e: e["file"])
def test_ugly_mail_is_kept_visible_and_never_crashes(runtime: Runtime, entry: dict) -> None:
    [mail_id] = deliver(runtime, corpus.raw(entry))
    row = inbound(runtime, mail_id)
    assert row.status in (InboundStatus.PROCESSED, InboundStatus.SCREENED), row.error
    assert row.raw == corpus.raw(entry)
    if entry["kind"] == "error":
        assert row.kind == "error" and row.screen_reason
    with runtime.factory() as session:
        counts = status(session=session, now=runtime.clock())
    assert counts["shunted"] == 0 and counts["inbound_pending"] == 0


def test_huge_and_weird_generated_mail(runtime: Runtime, sink: SmtpSink) -> None:
    gen = corpus.generator()
    ids = feed(runtime, gen.big_attachment(20), gen.many_recipients(5000), gen.deep_nesting(120),
               gen.long_body(100, "en"), gen.long_body(100, "fr"))
    drain(runtime)
    rows = [inbound(runtime, i) for i in ids]
    assert all(r.status in (InboundStatus.PROCESSED, InboundStatus.SCREENED) for r in rows), [r.error for r in rows]
    assert len(rows[0].raw) > 20 * 1024 * 1024


def test_a_crashing_mail_is_shunted_then_retried(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = make_mail("Unsubscribe", "Please unsubscribe me from your newsletters.")
    from mailbot.cases import handlers

    def boom(*args, **kwargs):
        raise RuntimeError("connector exploded")

    monkeypatch.setattr(handlers, "on_mail", boom)
    [mail_id] = deliver(runtime, raw)
    row = inbound(runtime, mail_id)
    assert row.status == InboundStatus.SHUNTED and "connector exploded" in (row.error or "")
    assert count(runtime, Case) == 0 and count(runtime, Outbox) == 0  # rolled back whole
    monkeypatch.undo()
    with runtime.factory.begin() as session:
        assert requeue_shunted([mail_id], session=session) == 1
    drain(runtime)
    assert inbound(runtime, mail_id).status == InboundStatus.PROCESSED


def test_one_crashing_mail_in_a_batch_is_shunted_alone(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    """Mails are handled in batches (one transaction, a savepoint each): a mail that raises
    half-way through its case work leaves nothing behind and stops no other mail."""
    from mailbot.cases import handlers

    real = handlers.open_case

    def half_then_boom(mail, inbound, result, ctx, **kwargs):  # type: ignore[no-untyped-def]
        case = real(mail, inbound, result, ctx, **kwargs)  # a case, events and replies written...
        if mail.reply_address == "crash@example.com":
            raise RuntimeError("connector exploded")  # ...then the connector fails
        return case

    monkeypatch.setattr(handlers, "open_case", half_then_boom)
    raws = [make_mail("Unsubscribe", "Please unsubscribe me from your newsletters.", sender=f"p{i}@example.com")
            for i in range(3)]
    raws.insert(1, make_mail("Unsubscribe", "Please unsubscribe me from your newsletters.",
                             sender="crash@example.com"))
    ids = deliver(runtime, *raws)
    rows = [inbound(runtime, i) for i in ids]
    assert [r.status for r in rows] == [InboundStatus.PROCESSED, InboundStatus.SHUNTED,
                                        InboundStatus.PROCESSED, InboundStatus.PROCESSED]
    assert "connector exploded" in (rows[1].error or "") and rows[1].case_id is None
    with runtime.factory() as session:
        requesters = set(session.scalars(select(Case.requester_email)))
        addressed = set(session.scalars(select(Outbox.to_addr)))
        opened = list(session.scalars(select(CaseEvent.case_id).where(CaseEvent.kind == "mail_received")))
    assert requesters == addressed == {"p0@example.com", "p1@example.com", "p2@example.com"}
    assert sorted(opened) == sorted(set(opened)) and len(opened) == 3  # the rolled-back case left no events


def test_the_reply_cap_counts_replies_queued_earlier_in_the_same_batch(runtime: Runtime) -> None:
    cap = runtime.settings.outbox.daily_cap
    raws = [make_mail(f"Unsubscribe {i}", "Please unsubscribe me from your newsletters.", sender="same@example.com",
                      message_id=f"<cap-{i}@example.com>") for i in range(cap + 3)]
    ids = deliver(runtime, *raws)
    rows = [inbound(runtime, i) for i in ids]
    assert sum(r.screen_rule == "reply_cap" for r in rows) >= 3
    with runtime.factory() as session:
        replies = session.scalar(select(func.count(Outbox.id)).where(Outbox.to_addr == "same@example.com"))
    assert replies == cap


def test_run_once_fails_loudly_when_a_stage_fails(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pipeline and the sender run in threads during `run --once`: an error there must
    still reach the command (and its exit status), not die quietly in a thread."""
    from mailbot.pipeline import Pipeline

    def broken(self, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("database went away")

    monkeypatch.setattr(Pipeline, "drain", broken)
    feed(runtime, make_mail("Unsubscribe", "Please unsubscribe me."))
    with pytest.raises(RuntimeError, match="database went away"):
        drain(runtime)


def test_status_counts(runtime: Runtime) -> None:
    deliver(runtime, make_mail("Delete", "Please delete my account."), make_mail("Hi", "Where is my refund?"))
    with runtime.factory() as session:
        counts = status(session=session, now=runtime.clock())
    for key in ("inbound_total", "inbound_pending", "shunted", "cases_by_state", "outbox_pending", "outbox_failed"):
        assert key in counts
    assert counts["inbound_total"] == 2 and counts["inbound_pending"] == 0 and counts["shunted"] == 0
    assert counts["inbound_by_kind"] == {"request": 1, "other": 1}
    assert counts["cases_by_state"] == {"awaiting_identity": 1} and counts["outbox_failed"] == 0
