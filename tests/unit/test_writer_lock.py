"""The SQLite locks: one writer at a time (across threads and processes, re-entrant per
thread), and one process at a time for a job such as sending replies."""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from mailbot.cases.db import SoleOwner, WriterLock, sole_owner, writer_lock


def test_only_sqlite_files_get_a_lock(tmp_path: Path) -> None:
    lock = writer_lock(create_engine(f"sqlite:///{tmp_path / 'a.db'}"))
    assert lock is not None and lock.path == str((tmp_path / "a.db").resolve()) + ".writer-lock"
    assert writer_lock(create_engine(f"sqlite:///{tmp_path / 'a.db'}")) is lock  # one per file
    assert writer_lock(create_engine("sqlite://")) is None
    assert writer_lock(create_engine("postgresql+psycopg://u@localhost/db")) is None


def test_writers_take_turns(tmp_path: Path) -> None:
    lock = WriterLock(str(tmp_path / "db.writer-lock"))
    inside, log = threading.Event(), []

    def first() -> None:
        with lock.hold():
            inside.set()
            log.append("first in")
            time.sleep(0.3)
            log.append("first out")

    def second() -> None:
        inside.wait()
        with lock.hold():
            log.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert log == ["first in", "first out", "second in"]


def test_a_thread_that_holds_the_lock_can_take_it_again(tmp_path: Path) -> None:
    lock = WriterLock(str(tmp_path / "db.writer-lock"))
    with lock.hold(), lock.hold():
        pass
    with lock.hold():  # released for real after the outer block
        pass


def _hold(path: str, ready: object, go: object) -> None:
    with WriterLock(path).hold():
        ready.set()  # type: ignore[attr-defined]
        go.wait(10)  # type: ignore[attr-defined]


def test_another_process_waits(tmp_path: Path) -> None:
    path = str(tmp_path / "db.writer-lock")
    context = multiprocessing.get_context("spawn")
    ready, go = context.Event(), context.Event()
    other = context.Process(target=_hold, args=(path, ready, go))
    other.start()
    try:
        assert ready.wait(30)
        got = threading.Event()

        def take() -> None:
            with WriterLock(path).hold():
                got.set()

        taker = threading.Thread(target=take)
        taker.start()
        assert not got.wait(0.3)  # the other process holds it
        go.set()
        assert got.wait(10)
        taker.join()
    finally:
        go.set()
        other.join(10)


def _own(path: str, ready: object) -> None:
    assert SoleOwner(path).acquire()
    ready.set()  # type: ignore[attr-defined]
    time.sleep(60)  # killed by the test


def test_one_process_owns_a_job_until_it_dies(tmp_path: Path) -> None:
    owner = sole_owner(sessionmaker(create_engine(f"sqlite:///{tmp_path / 'a.db'}")), "sender")
    assert owner is not None and owner.path == str((tmp_path / "a.db").resolve()) + ".sender-lock"
    assert sole_owner(sessionmaker(create_engine("postgresql+psycopg://u@localhost/db")), "sender") is None
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    other = context.Process(target=_own, args=(owner.path, ready))
    other.start()
    try:
        assert ready.wait(30)
        assert not owner.acquire()  # never waits: the other process has the job
        other.kill()  # SIGKILL: no clean-up, the kernel drops the lock
        other.join(10)
        assert owner.acquire() and owner.acquire()  # taken, and kept
        assert not SoleOwner(owner.path).acquire()
        owner.release()
        assert SoleOwner(owner.path).acquire()
    finally:
        other.kill()
        other.join(10)
