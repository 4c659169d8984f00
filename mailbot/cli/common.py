"""Helpers shared by the CLI modules: the runtime, a case context, JSON output."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from mailbot.cases.context import CaseContext
from mailbot.cases.db import transaction
from mailbot.config import Settings
from mailbot.runtime import Runtime


def runtime(settings: Settings, *, check: bool = True) -> Runtime:
    rt = Runtime(settings)
    if check:
        rt.check()
    return rt


def actor(args: Any) -> str:
    return getattr(args, "actor", None) or f"cli:{getpass.getuser()}"


@contextmanager
def case_context(settings: Settings, args: Any) -> Iterator[CaseContext]:
    """One transaction for one staff command."""
    rt = runtime(settings)
    try:
        with transaction(rt.factory) as session:
            yield CaseContext(session=session, settings=settings, now=rt.clock(), directory=rt.directory,
                              executor=rt.executor, actor=actor(args))
    finally:
        rt.close()


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, default=_default) + "\n")
    sys.stdout.flush()
