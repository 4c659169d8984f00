"""Drive a mailbot in-process: feed mail, drain, look at the database and the sink."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from mailbot.cases.context import CaseContext
from mailbot.cases.db import transaction
from mailbot.cases.inbound import store_inbound
from mailbot.cases.models import Case, InboundMail, Outbox
from mailbot.daemon import Daemon
from mailbot.runtime import Runtime


def feed(rt: Runtime, *raws: bytes) -> list[int]:
    ids = []
    for raw in raws:
        with transaction(rt.factory) as session:
            row, _ = store_inbound(raw, source="file", session=session, now=rt.clock())
            session.flush()
            ids.append(row.id)
    return ids


def drain(rt: Runtime) -> dict[str, Any]:
    return Daemon(rt).run_once()


def deliver(rt: Runtime, *raws: bytes) -> list[int]:
    ids = feed(rt, *raws)
    drain(rt)
    return ids


def inbound(rt: Runtime, inbound_id: int) -> InboundMail:
    with rt.factory() as session:
        row = session.get(InboundMail, inbound_id)
        assert row is not None
        session.expunge(row)
        return row


def case_of(rt: Runtime, inbound_id: int) -> Case:
    with rt.factory() as session:
        row = session.get(InboundMail, inbound_id)
        assert row is not None and row.case_id is not None, "no case was opened"
        case = session.get(Case, row.case_id)
        assert case is not None
        case.events, case.actions  # noqa: B018 - load before detaching
        session.expunge_all()
        return case


def outbox(rt: Runtime, **where: Any) -> list[Outbox]:
    with rt.factory() as session:
        query = select(Outbox).order_by(Outbox.id)
        for key, value in where.items():
            query = query.where(getattr(Outbox, key) == value)
        rows = list(session.scalars(query))
        session.expunge_all()
        return rows


def count(rt: Runtime, model: Any, *conditions: Any) -> int:
    with rt.factory() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0)


def staff(rt: Runtime, actor: str = "cli:tester") -> Any:
    """A transaction and case context as the CLI opens them (use as a context manager)."""
    from contextlib import contextmanager

    @contextmanager
    def scope():  # type: ignore[no-untyped-def]
        with transaction(rt.factory) as session:
            yield CaseContext(session=session, settings=rt.settings, now=rt.clock(), directory=rt.directory,
                              executor=rt.executor, actor=actor)

    return scope()
