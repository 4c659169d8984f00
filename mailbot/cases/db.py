"""Engines, sessions and migrations; the caller owns the session and the transaction."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from mailbot.errors import NotMigratedError

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout and foreign keys."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


class WriterLock:
    """One writer at a time on a SQLite file, across threads and processes, woken as soon as
    the writer before it commits. SQLite's own busy handler polls with sleeps of up to 100 ms,
    so that under steady writing a waiting writer (the intake, the sender) can starve."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.held = threading.local()

    @contextmanager
    def hold(self) -> Iterator[None]:
        if getattr(self.held, "depth", 0):  # already ours, further up this thread's stack
            self.held.depth += 1
            try:
                yield
            finally:
                self.held.depth -= 1
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self.held.depth = 1
            yield
        finally:
            self.held.depth = 0
            os.close(fd)  # closing releases the lock


class SoleOwner:
    """One process at a time does a job on a SQLite file, such as sending its replies: two
    senders would both read a reply as pending and both send it. The lock is taken without
    waiting and kept until `release`; the kernel drops it when the process dies."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.fd: int | None = None

    def acquire(self) -> bool:
        if self.fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def release(self) -> None:
        fd, self.fd = self.fd, None
        if fd is not None:
            os.close(fd)


def sqlite_file(engine: Engine) -> str | None:
    """The database file's absolute path (None for other databases and :memory:)."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return str(Path(url.database).resolve())


def bound_engine(factory: sessionmaker[Session]) -> Engine | None:
    bind = factory.kw.get("bind")
    return bind if isinstance(bind, Engine) else None


def sole_owner(factory: sessionmaker[Session], job: str) -> SoleOwner | None:
    """The lock for `job` on the factory's SQLite file (None for other databases)."""
    engine = bound_engine(factory)
    path = sqlite_file(engine) if engine is not None else None
    return SoleOwner(f"{path}.{job}-lock") if path else None


_writer_locks: dict[str, WriterLock] = {}


def writer_lock(engine: Engine) -> WriterLock | None:
    """The lock writers of this SQLite file take (None for other databases)."""
    path = sqlite_file(engine)
    if path is None:
        return None
    return _writer_locks.setdefault(f"{path}.writer-lock", WriterLock(f"{path}.writer-lock"))


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception. On SQLite the
    writer lock is held for its whole length; keep slow work (parsing, models, sockets) out."""
    engine = bound_engine(factory)
    lock = writer_lock(engine) if engine is not None else None
    with lock.hold() if lock is not None else nullcontext(), factory() as session, session.begin():
        yield session


def rowcount(result: Any) -> int:
    """Rows touched by an UPDATE or DELETE (the typed `Result` does not show it)."""
    return int(getattr(result, "rowcount", 0) or 0)


def _alembic_config(engine: Engine) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (the `mailbot db upgrade` command)."""
    command.upgrade(_alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()


def check_migrated(engine: Engine) -> None:
    """Refuse to run on a database whose schema is not at the code's head."""
    current, head = current_revision(engine), head_revision(engine)
    if current != head:
        raise NotMigratedError(
            f"the database schema is at {current or 'nothing'}, this mailbot needs {head}: "
            "run `mailbot db upgrade`"
        )
