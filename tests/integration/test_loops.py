"""Loop safety (RFC 3834): two answering robots stop at once; a robot that hides that it is
one is stopped by the per-address daily reply cap."""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest

from mailbot.cases.db import make_engine, upgrade
from mailbot.config import load_settings
from mailbot.connectors.demo import seed
from mailbot.runtime import Runtime
from tests.conftest import settings_env
from tests.support.clock import FakeClock
from tests.support.flow import deliver
from tests.support.mails import make_mail


def robot(tmp_path: Path, name: str, clock: FakeClock) -> Runtime:
    env = settings_env(tmp_path / name, f"sqlite:///{tmp_path / name / 'db.sqlite'}",
                       MAILBOT_ORG_ADDRESS=f"info@{name}.example", MAILBOT_ORG_MESSAGE_ID_DOMAIN=f"bot.{name}.example",
                       MAILBOT_ORG_LOOP_ID=name, MAILBOT_ORG_REF_PREFIX=name.upper()[:3])
    (tmp_path / name).mkdir()
    rt = Runtime(load_settings(env=env), clock=clock)
    upgrade(rt.engine)
    directory = make_engine(rt.settings.directory_url)
    seed(directory)
    directory.dispose()
    return rt


def sent_by(rt: Runtime, seen: set[str]) -> list[bytes]:
    box = mailbox.Maildir(str(Path(rt.settings.var_dir) / rt.settings.outbox.maildir), create=True)
    new = []
    for key in box.iterkeys():
        if key not in seen:
            seen.add(key)
            new.append(box.get_bytes(key))
    return new


def ping_pong(tmp_path: Path, clock: FakeClock, *, rounds: int = 12) -> tuple[int, int]:
    a, b = robot(tmp_path, "alpha", clock), robot(tmp_path, "beta", clock)
    try:
        seen_a: set[str] = set()
        seen_b: set[str] = set()
        # Someone at beta's company forwards a rights request to alpha, answering from info@beta.
        first = make_mail("Data request", "Please delete my account and all my personal data. "
                          "Send me a copy of my data first.", sender="info@beta.example", name="Beta")
        deliver(a, first)
        total_a = total_b = 0
        for _ in range(rounds):
            from_a = [m for m in sent_by(a, seen_a) if b"info@beta.example" in m]
            total_a += len(from_a)
            if from_a:
                deliver(b, *from_a)
            from_b = [m for m in sent_by(b, seen_b) if b"info@alpha.example" in m]
            total_b += len(from_b)
            if from_b:
                deliver(a, *from_b)
            if not from_a and not from_b:
                break
        return total_a, total_b
    finally:
        a.close()
        b.close()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_two_mailbots_stop_at_once(tmp_path: Path, clock: FakeClock, db_url: str) -> None:
    total_a, total_b = ping_pong(tmp_path, clock)
    assert total_a >= 1 and total_b == 0  # beta recognises alpha's replies as automatic


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_robot_without_auto_headers_is_stopped_by_the_daily_cap(tmp_path: Path, clock: FakeClock,
                                                                   db_url: str) -> None:
    """A misconfigured responder that answers every mail with a fresh request, stripping every
    header that marks automatic mail: mailbot answers it at most `outbox.daily_cap` times a day."""
    a = robot(tmp_path, "alpha", clock)
    try:
        seen: set[str] = set()
        answered = 0

        def robot_mail(n: int) -> bytes:
            return make_mail("Unsubscribe", "Please unsubscribe me from your newsletters.",
                             sender="robot@beta.example", name="", message_id=f"<r{n}@beta.example>")

        deliver(a, robot_mail(0))
        for n in range(1, 30):
            answered += len([m for m in sent_by(a, seen) if b"robot@beta.example" in m])
            deliver(a, robot_mail(n))  # the robot answers whatever it got, and once more
        answered += len([m for m in sent_by(a, seen) if b"robot@beta.example" in m])
        assert answered == a.settings.outbox.daily_cap
        clock.advance(days=1, minutes=1)
        deliver(a, robot_mail(99))
        assert len([m for m in sent_by(a, seen) if b"robot@beta.example" in m]) == 1  # a new day
    finally:
        a.close()
