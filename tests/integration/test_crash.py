"""Crash safety: SIGKILL the daemon at random moments while it drains a real mailbox."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mailbot.cases.models import Case, InboundMail, InboundStatus, Outbox
from mailbot.runtime import Runtime
from tests.conftest import settings_env
from tests.support.dovecot import Dovecot
from tests.support.imap import append, folder_counts, mixed_mails
from tests.support.smtp_sink import SmtpSink

MAILS = 300


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_and_doubles_nothing(make_runtime, dovecot: Dovecot, sink: SmtpSink,
                                                               tmp_path: Path, db_url: str) -> None:
    rt: Runtime = make_runtime(sink=sink, dovecot=dovecot)  # migrated database, demo directory
    append(dovecot, mixed_mails(MAILS))
    env = {**os.environ, **settings_env(tmp_path, db_url, sink=sink, dovecot=dovecot, MAILBOT_IMAP_BATCH="20",
                                        MAILBOT_LOG_LEVEL="WARNING")}
    command = [sys.executable, "-m", "mailbot", "run"]
    rng = random.Random(20261126)
    kills = 0
    for _ in range(5):
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.0, 3.5))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
    assert kills >= 3
    final = subprocess.run([*command, "--once"], env=env, capture_output=True, timeout=300)
    assert final.returncode == 0, final.stderr.decode()[-2000:]

    with rt.factory() as session:
        assert session.scalar(select(func.count()).select_from(InboundMail)) == MAILS
        assert session.scalar(select(func.count(func.distinct(InboundMail.sha256)))) == MAILS
        statuses = dict(session.execute(select(InboundMail.status, func.count()).group_by(InboundMail.status)).all())
        assert InboundStatus.PENDING not in statuses and InboundStatus.SHUNTED not in statuses
        assert session.scalar(select(func.count()).select_from(InboundMail).where(InboundMail.imap_done.is_(False))) == 0
        requests = MAILS // 3
        assert session.scalar(select(func.count()).select_from(Case)) == requests
        per_case = session.execute(select(Outbox.case_id, Outbox.template, func.count())
                                   .group_by(Outbox.case_id, Outbox.template)).all()
        assert all(n == 1 for _case, _template, n in per_case)  # no reply queued twice
        acks = [row for row in per_case if row[1].endswith("acknowledgement")]
        assert len(acks) == requests
        assert session.scalar(select(func.count()).select_from(Outbox).where(Outbox.state != "sent")) == 0
        queued = {m for (m,) in session.execute(select(Outbox.message_id))}
    delivered = [m["Message-ID"] for m in sink.parsed]
    # A kill between SMTP's 250 and our commit can resend a reply; it keeps its Message-ID.
    assert set(delivered) == queued
    duplicates = len(delivered) - len(set(delivered))
    assert duplicates <= kills
    assert sum(folder_counts(dovecot).values()) == MAILS  # nothing deleted
