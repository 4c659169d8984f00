"""The IMAP watcher against a real Dovecot: drain, mark, restart, UIDVALIDITY change, IDLE."""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select

from mailbot.cases.models import Case, InboundMail, InboundStatus, Outbox
from mailbot.daemon import Daemon
from mailbot.runtime import Runtime
from tests.support.dovecot import Dovecot
from tests.support.flow import count
from tests.support.imap import append, folder_counts, keyworded, mixed_mails, wait_for
from tests.support.mails import make_mail
from tests.support.smtp_sink import SmtpSink


def test_drain_moves_requests_and_keywords_the_rest(make_runtime, dovecot: Dovecot, sink: SmtpSink) -> None:
    rt: Runtime = make_runtime(sink=sink, dovecot=dovecot)
    append(dovecot, mixed_mails(12))
    result = Daemon(rt).run_once()
    assert result["fetched"] == 12 and result["processed"] == 12
    assert count(rt, InboundMail) == 12 and count(rt, Case) == 4
    folders = folder_counts(dovecot)
    assert folders["Rights requests"] == 4 and folders["INBOX"] == 8  # nothing deleted
    assert keyworded(dovecot) == 8
    assert count(rt, InboundMail, InboundMail.imap_done.is_(False)) == 0
    # A second pass finds nothing new and sends nothing more.
    acks = len(sink.parsed)
    assert Daemon(rt).run_once()["fetched"] == 0 and len(sink.parsed) == acks


def test_uidvalidity_change_resyncs_without_duplicates(make_runtime, dovecot: Dovecot, sink: SmtpSink) -> None:
    rt: Runtime = make_runtime(sink=sink, dovecot=dovecot)
    append(dovecot, mixed_mails(9))
    Daemon(rt).run_once()
    replies = count(rt, Outbox)
    dovecot.stop()
    dovecot.change_uidvalidity()
    dovecot.start()
    append(dovecot, [make_mail("New", "Please unsubscribe me from your newsletter.", sender="new@example.com")])
    result = Daemon(rt).run_once()
    assert count(rt, InboundMail) == 10 and result["processed"] == 1
    assert count(rt, Outbox) == replies + 1
    assert keyworded(dovecot) == 6  # the ordinary mail was marked again under its new UIDs
    assert sum(folder_counts(dovecot).values()) == 10


def test_server_restart_mid_drain(make_runtime, dovecot: Dovecot, sink: SmtpSink) -> None:
    rt: Runtime = make_runtime(sink=sink, dovecot=dovecot, MAILBOT_IMAP_BATCH="10")
    append(dovecot, mixed_mails(60))
    daemon = Daemon(rt)
    assert daemon.watcher is not None
    batches, stopped = [0], threading.Event()
    original = daemon.watcher.on_stored

    def stop_server_after_two_batches() -> None:
        original()
        batches[0] += 1
        if batches[0] == 2:
            dovecot.stop()  # from inside the watcher: the next fetch fails mid-drain
            stopped.set()

    daemon.watcher.on_stored = stop_server_after_two_batches
    runner = threading.Thread(target=daemon.run)
    runner.start()
    try:
        assert stopped.wait(30)
        dovecot.start()
        wait_for(lambda: count(rt, InboundMail) == 60
                 and count(rt, InboundMail, InboundMail.status == InboundStatus.PENDING) == 0
                 and count(rt, InboundMail, InboundMail.imap_done.is_(False)) == 0, timeout=60)
    finally:
        daemon.stop.set()
        runner.join(30)
    assert batches[0] >= 6
    with rt.factory() as session:
        acks = session.execute(select(Outbox.case_id, func.count()).where(Outbox.template.like("%acknowledgement"))
                               .group_by(Outbox.case_id)).all()
        sent = session.scalar(select(func.count()).select_from(Outbox).where(Outbox.state == "sent"))
    assert len(acks) == 20 and all(n == 1 for _case, n in acks)
    assert len({m["Message-ID"] for m in sink.parsed}) == len(sink.parsed) == sent
    assert sum(folder_counts(dovecot).values()) == 60


def test_running_daemon_answers_new_mail_through_idle(make_runtime, dovecot: Dovecot, sink: SmtpSink) -> None:
    rt: Runtime = make_runtime(sink=sink, dovecot=dovecot, MAILBOT_IMAP_POLL_INTERVAL="600")
    daemon = Daemon(rt)
    runner = threading.Thread(target=daemon.run)
    runner.start()
    try:
        wait_for(lambda: count(rt, InboundMail) == 0 and daemon.watcher is not None, timeout=5)
        time.sleep(0.5)  # let the watcher enter IDLE; polling is 10 minutes away
        append(dovecot, [make_mail("Stop", "Unsubscribe me from your marketing emails please",
                                   sender="kofi@example.com")])
        wait_for(lambda: len(sink.to("kofi@example.com")) == 1, timeout=15)
        wait_for(lambda: folder_counts(dovecot).get("Rights requests") == 1, timeout=15)
    finally:
        daemon.stop.set()
        runner.join(30)
    assert not runner.is_alive()
