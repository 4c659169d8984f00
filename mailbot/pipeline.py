"""Stored mail to cases: parse, screen, classify, decide, queue replies.

Mails are handled in small batches: one transaction, one classifier call, and a savepoint
per mail. A mail that raises is rolled back alone and shunted with its traceback, never
lost; `mailbot retry` puts it back in the queue.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session, defer, sessionmaker

from mailbot.cases import handlers
from mailbot.cases.accounts import Directory, Executor
from mailbot.cases.context import CaseContext
from mailbot.cases.db import rowcount, transaction
from mailbot.cases.models import InboundMail, InboundStatus, Outbox
from mailbot.cases.outbox import replies_today
from mailbot.classify.labels import Classification, Intent
from mailbot.classify.model import Classifier
from mailbot.clock import Clock
from mailbot.config import Settings
from mailbot.mail.auth import is_authenticated
from mailbot.mail.parse import ParsedMail, parse_mail
from mailbot.mail.screen import ScreenContext, Verdict, screen

log = logging.getLogger("mailbot.pipeline")


class Stop(Protocol):
    """A threading or multiprocessing Event."""

    def is_set(self) -> bool: ...


@dataclass
class Pipeline:
    settings: Settings
    factory: sessionmaker[Session]
    classifier: Classifier
    directory: Directory
    executor: Executor
    clock: Clock
    skip_locked: bool = False
    share: tuple[int, int] = (0, 1)  # this worker's share of the senders: (index, workers)
    batch: int = 8  # mails per transaction, classified together

    def context(self, session: Session) -> CaseContext:
        return CaseContext(session=session, settings=self.settings, now=self.clock(),
                           directory=self.directory, executor=self.executor)

    def pending_ids(self, limit: int = 500) -> list[int]:
        query = select(InboundMail.id).where(InboundMail.status == InboundStatus.PENDING)
        index, workers = self.share
        if workers > 1:
            query = query.where(InboundMail.partition % workers == index)
        with self.factory() as session:
            return list(session.scalars(query.order_by(InboundMail.id).limit(limit)))

    def drain(self, *, progress: Callable[[int], None] | None = None,
              stop: Stop | None = None) -> int:
        """Process every pending mail (until `stop` is set); returns how many were handled."""
        done = 0
        while ids := self.pending_ids():
            for start in range(0, len(ids), self.batch):
                if stop is not None and stop.is_set():
                    return done
                chunk = ids[start : start + self.batch]
                self.process_many(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done)
        return done

    def process_many(self, ids: list[int]) -> None:
        """Handle stored mails in one transaction, each in its own savepoint, classified in
        one batch. A mail that raises is rolled back alone and shunted; if the batch cannot
        commit, each mail is tried again in its own transaction."""
        if len(ids) > 1:
            try:
                self._batch(ids, shunt_in_place=True)
                return
            except Exception:
                log.warning("a batch of %d mails failed; handling them one by one", len(ids), exc_info=True)
        for inbound_id in ids:
            try:
                self._batch([inbound_id], shunt_in_place=False)
            except Exception:
                log.exception("mail %s shunted", inbound_id)
                self._shunt(inbound_id)

    def _batch(self, ids: list[int], *, shunt_in_place: bool) -> None:
        # Parse, screen and classify first, outside the write transaction (on SQLite other
        # writers wait for it; on PostgreSQL the rows stay locked for it).
        with self.factory() as session:
            raws = session.execute(
                select(InboundMail.id, InboundMail.raw)
                .where(InboundMail.id.in_(ids), InboundMail.status == InboundStatus.PENDING)
                .order_by(InboundMail.id)
            ).all()
        mails = {inbound_id: parse_mail(raw) for inbound_id, raw in raws}
        verdicts = {i: screen(mail, self._screen_context(0)) for i, mail in mails.items()}
        asked = [i for i, verdict in verdicts.items() if verdict is None]
        results = dict(zip(asked, self.classifier.classify_many(
            [(mails[i].subject, mails[i].text) for i in asked], langs=[mails[i].lang for i in asked]
        ), strict=True))
        with transaction(self.factory) as session:
            query = (select(InboundMail).options(defer(InboundMail.raw))
                     .where(InboundMail.id.in_(list(mails)), InboundMail.status == InboundStatus.PENDING)
                     .order_by(InboundMail.id))
            if self.skip_locked:
                query = query.with_for_update(skip_locked=True)
            rows = list(session.scalars(query))
            for row in rows:
                mail = mails[row.id]
                if not shunt_in_place:
                    with session.no_autoflush:
                        self._handle(row, mail, verdicts[row.id], results.get(row.id), session)
                    continue
                try:
                    with session.begin_nested(), session.no_autoflush:
                        self._handle(row, mail, verdicts[row.id], results.get(row.id), session)
                except Exception:
                    log.exception("mail %s shunted", row.id)
                    self._describe(row, mail)
                    self._mark_shunted(row)

    def _describe(self, row: InboundMail, mail: ParsedMail) -> None:
        row.from_addr, row.subject = mail.reply_address or None, mail.subject[:2000] or None
        row.defects, row.lang, row.processed_at = list(mail.defects), mail.lang, self.clock()

    def _shunt(self, inbound_id: int) -> None:
        with transaction(self.factory) as session:
            row = session.get(InboundMail, inbound_id)
            if row is not None:
                self._mark_shunted(row)

    def _mark_shunted(self, row: InboundMail) -> None:
        row.status, row.kind = InboundStatus.SHUNTED, row.kind or "error"
        row.error = traceback.format_exc()[-8000:]
        row.attempts += 1
        row.processed_at = self.clock()

    def _screen_context(self, replies_today: int) -> ScreenContext:
        return ScreenContext(
            org_address=self.settings.org.address,
            message_id_domain=self.settings.org.message_id_domain,
            loop_id=self.settings.org.loop_id,
            replies_today=replies_today,
            daily_cap=self.settings.outbox.daily_cap,
        )

    def _handle(self, row: InboundMail, mail: ParsedMail, verdict: Verdict | None,
                result: Classification | None, session: Session) -> None:
        self._describe(row, mail)
        if verdict is not None:
            self._screened(row, mail, verdict, session)
            return
        assert result is not None  # noqa: S101 - every mail that passed the screen was classified
        row.intent, row.confidence = result.intent.value, result.confidence
        row.intents = [i.value for i in result.intents]
        row.kind = "request" if result.intent is not Intent.OTHER else "other"
        # The cap is counted last, in this mail's own savepoint, so that replies queued for
        # the same sender earlier in the batch count too.
        count = replies_today(mail.reply_address, session=session, now=self.clock())
        capped = screen(mail, self._screen_context(count))
        if capped is not None:
            self._screened(row, mail, capped, session, kind=row.kind)
            return
        case_ctx = self.context(session)
        case_ctx.inbound = row
        case = handlers.on_mail(
            mail, row, result, case_ctx,
            authenticated=is_authenticated(mail, self.settings.cases.authserv_id),
        )
        row.status = InboundStatus.PROCESSED
        log.info("mail %s %s -> %s", row.id, row.kind, case.ref if case else "no case")

    def _screened(self, row: InboundMail, mail: ParsedMail, verdict: Verdict, session: Session,
                  *, kind: str | None = None) -> None:
        row.status, row.kind = InboundStatus.SCREENED, kind or verdict.kind
        row.screen_rule, row.screen_reason = verdict.rule, verdict.reason
        if verdict.kind == "bounce" and mail.embedded_message_ids:
            bounced = rowcount(session.execute(
                update(Outbox)
                .where(Outbox.message_id.in_(mail.embedded_message_ids[:50]))
                .values(state="failed", last_error=f"bounced: {verdict.reason} (inbound mail {row.id})")
            ))
            if bounced:
                row.screen_reason = f"{verdict.reason}; matched {bounced} of our replies"
        log.info("mail %s screened by %s", row.id, verdict.rule)
