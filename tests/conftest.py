"""Shared fixtures: real databases (SQLite always, PostgreSQL when configured), a real SMTP
sink, a real Dovecot, the trained intent model, and a clock the tests move."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from mailbot.cases.db import make_engine, upgrade
from mailbot.classify.model import Classifier, load_classifier
from mailbot.config import Settings, load_settings
from mailbot.connectors.demo import seed
from mailbot.daemon import Daemon
from mailbot.runtime import Runtime
from tests.support.clock import FakeClock
from tests.support.dovecot import Dovecot, dovecot_binary
from tests.support.smtp_sink import SmtpSink

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "intents" / "training" / "model-best"
PG_URL = os.environ.get("MAILBOT_TEST_DATABASE_URL")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not (MODEL / "meta.json").exists():
        raise pytest.UsageError("the intent model is not built: run `make model` (make test does it)")


DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)] if PG_URL else ["sqlite"]


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database: a SQLite file, or a throw-away PostgreSQL schema."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'mailbot.db'}"
        yield url
        return
    assert PG_URL
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def classifier() -> Classifier:
    return load_classifier(str(MODEL), 0.6, 0.8)


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    server = SmtpSink()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    if dovecot_binary() is None:
        pytest.fail("Dovecot is not installed: run scripts/install-system-deps.sh (make test does it)")
    # Not under tmp_path: its parents are 0700 and Dovecot's auth process could not read it.
    root = Path(tempfile.mkdtemp(prefix="mailbot-dovecot-"))
    server = Dovecot(root)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


def settings_env(tmp_path: Path, db_url: str, *, sink: SmtpSink | None = None,
                 dovecot: Dovecot | None = None, **extra: str) -> dict[str, str]:
    """Environment variables for a mailbot under test (the same names operators use)."""
    env = {
        "MAILBOT_VAR_DIR": str(tmp_path / "var"),
        "MAILBOT_DATABASE_URL": db_url,
        "MAILBOT_CLASSIFY_MODEL_PATH": str(MODEL),
        "MAILBOT_CASES_AUTHSERV_ID": "mx.wecashup.com",
        "MAILBOT_WEB_BASE_URL": "https://privacy.wecashup.test",
        "MAILBOT_WEB_SECRET_KEY": "test-secret-key-not-for-production",
        "MAILBOT_INTAKE_ENABLED": "false",
        "MAILBOT_WEB_ENABLED": "false",
        "MAILBOT_OUTBOX_BACKOFF_BASE": "0",
    }
    if sink is not None:
        env.update({"MAILBOT_SMTP_HOST": "127.0.0.1", "MAILBOT_SMTP_PORT": str(sink.port),
                    "MAILBOT_SMTP_SECURITY": "none"})
    if dovecot is not None:
        env.update({"MAILBOT_IMAP_HOST": "127.0.0.1", "MAILBOT_IMAP_PORT": str(dovecot.port),
                    "MAILBOT_IMAP_SECURITY": "none", "MAILBOT_IMAP_USER": dovecot.user,
                    "MAILBOT_IMAP_PASSWORD": dovecot.password, "MAILBOT_IMAP_POLL_INTERVAL": "2"})
    env.update(extra)
    return env


@pytest.fixture
def make_runtime(tmp_path: Path, db_url: str, clock: FakeClock) -> Iterator[Any]:
    """Build a migrated runtime (with the demo directory) from settings overrides."""
    built: list[Runtime] = []

    def make(*, sink: SmtpSink | None = None, dovecot: Dovecot | None = None, **extra: str) -> Runtime:
        settings: Settings = load_settings(env=settings_env(tmp_path, db_url, sink=sink, dovecot=dovecot, **extra))
        rt = Runtime(settings, clock=clock)
        upgrade(rt.engine)
        directory = make_engine(settings.directory_url)
        seed(directory)
        directory.dispose()
        built.append(rt)
        return rt

    yield make
    for rt in built:
        rt.close()


@pytest.fixture
def runtime(make_runtime: Any, sink: SmtpSink) -> Runtime:
    return make_runtime(sink=sink)


@pytest.fixture
def daemon(runtime: Runtime) -> Daemon:
    return Daemon(runtime)
