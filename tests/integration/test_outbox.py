"""The outbox sender against a real SMTP server that refuses on demand."""

from __future__ import annotations

import pytest

from mailbot.daemon import Daemon
from mailbot.runtime import Runtime
from tests.support.clock import FakeClock
from tests.support.flow import deliver, outbox
from tests.support.mails import make_mail
from tests.support.smtp_sink import SmtpSink


def send(rt: Runtime) -> int:
    """One pass of the outbox sender, connection closed after."""
    sender = Daemon(rt).sender
    try:
        return sender.drain()
    finally:
        sender.close()


REQUEST = make_mail("Unsubscribe", "Please unsubscribe me from all your marketing emails.", sender="kofi@example.com")


def test_temporary_refusals_then_delivered_once(runtime: Runtime, sink: SmtpSink, clock: FakeClock) -> None:
    sink.refuse("451 4.3.0 try later", "421 4.7.0 busy")
    deliver(runtime, REQUEST)
    [row] = outbox(runtime)
    assert row.state == "pending" and row.attempts == 1 and "451" in (row.last_error or "")
    send(runtime)  # backoff base is 0 in tests: due again at once
    [row] = outbox(runtime)
    assert row.state == "pending" and row.attempts == 2
    send(runtime)
    [row] = outbox(runtime)
    assert row.state == "sent" and row.attempts == 3
    assert len(sink.parsed) == 1 and sink.parsed[0]["Message-ID"] == row.message_id
    send(runtime)
    assert len(sink.parsed) == 1


def test_backoff_is_exponential(make_runtime, sink: SmtpSink, clock: FakeClock) -> None:
    rt = make_runtime(sink=sink, MAILBOT_OUTBOX_BACKOFF_BASE="30")
    sink.refuse("450 mailbox busy", "450 mailbox busy")
    deliver(rt, REQUEST)
    [row] = outbox(rt)
    assert (row.next_attempt_at - clock()).total_seconds() == 30
    assert send(rt) == 0 and outbox(rt)[0].attempts == 1  # not due yet
    clock.advance(seconds=31)
    send(rt)
    [row] = outbox(rt)
    assert row.attempts == 2 and (row.next_attempt_at - clock()).total_seconds() == 60
    clock.advance(seconds=61)
    send(rt)
    assert outbox(rt)[0].state == "sent"


def test_permanent_refusal_marks_failed_and_visible(runtime: Runtime, sink: SmtpSink) -> None:
    sink.refuse("550 5.1.1 no such user")
    deliver(runtime, REQUEST)
    [row] = outbox(runtime)
    assert row.state == "failed" and "550" in (row.last_error or "")
    send(runtime)
    assert sink.parsed == []


def test_server_down_then_up(make_runtime, sink: SmtpSink) -> None:
    rt = make_runtime(sink=sink)
    sink.stop()
    deliver(rt, REQUEST)
    [row] = outbox(rt)
    assert row.state == "pending" and "connection" in (row.last_error or "")
    restarted = SmtpSink(port=sink.port)
    restarted.start()
    try:
        send(rt)
        assert outbox(rt)[0].state == "sent" and len(restarted.parsed) == 1
    finally:
        restarted.stop()


def test_attempts_are_capped(make_runtime, sink: SmtpSink) -> None:
    rt = make_runtime(sink=sink, MAILBOT_OUTBOX_MAX_ATTEMPTS="3")
    sink.refuse(*["451 later"] * 5)
    deliver(rt, REQUEST)
    send(rt)
    send(rt)
    assert outbox(rt)[0].state == "failed" and outbox(rt)[0].attempts == 3


def test_one_process_sends_a_sqlite_databases_replies(runtime: Runtime, sink: SmtpSink) -> None:
    """`mailbot run --once` beside a running daemon leaves the replies to the daemon's sender,
    which would otherwise send the same pending reply a second time."""
    if not runtime.settings.database.url.startswith("sqlite"):
        pytest.skip("PostgreSQL senders lock each row instead (FOR UPDATE SKIP LOCKED)")
    daemon = Daemon(runtime).sender
    try:
        assert daemon.drain() == 0  # nothing to send yet, but this sender now owns the job
        deliver(runtime, REQUEST)  # a whole `run --once`: intake, pipeline, sender
        assert [row.state for row in outbox(runtime)] == ["pending"] and not sink.parsed
        assert daemon.drain() == 1
        daemon.close()
        deliver(runtime, make_mail("Désinscription", "Désinscrivez-moi de votre newsletter svp.",
                                   sender="awa@example.com"))  # the job is free again
        assert [row.state for row in outbox(runtime)] == ["sent", "sent"] and len(sink.parsed) == 2
    finally:
        daemon.close()
