"""One inbound mail, one transaction: parse, screen, classify, decide, queue replies.

A mail that raises is rolled back and shunted with its traceback, never lost;
`mailbot retry` puts it back in the queue.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from mailbot.cases import handlers
from mailbot.cases.accounts import Directory, Executor
from mailbot.cases.context import CaseContext
from mailbot.cases.db import rowcount, transaction
from mailbot.cases.models import InboundMail, InboundStatus, Outbox
from mailbot.cases.outbox import replies_today
from mailbot.classify.labels import Intent
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
            for inbound_id in ids:
                if stop is not None and stop.is_set():
                    return done
                self.process(inbound_id)
                done += 1
                if progress is not None:
                    progress(done)
        return done

    def process(self, inbound_id: int) -> str | None:
        """Handle one stored mail; returns its final status (None if someone else has it)."""
        try:
            with transaction(self.factory) as session:
                query = select(InboundMail).where(InboundMail.id == inbound_id)
                if self.skip_locked:
                    query = query.with_for_update(skip_locked=True)
                row = session.scalar(query)
                if row is None or row.status != InboundStatus.PENDING:
                    return None
                self._handle(row, session)
                return row.status
        except Exception:
            log.exception("mail %s shunted", inbound_id)
            with transaction(self.factory) as session:
                row = session.get(InboundMail, inbound_id)
                if row is not None:
                    row.status, row.kind = InboundStatus.SHUNTED, row.kind or "error"
                    row.error = traceback.format_exc()[-8000:]
                    row.attempts += 1
                    row.processed_at = self.clock()
            return InboundStatus.SHUNTED

    def _handle(self, row: InboundMail, session: Session) -> None:
        now = self.clock()
        mail = parse_mail(row.raw)
        row.from_addr, row.subject = mail.reply_address or None, mail.subject[:2000] or None
        row.defects, row.lang, row.processed_at = list(mail.defects), mail.lang, now
        ctx = ScreenContext(
            org_address=self.settings.org.address,
            message_id_domain=self.settings.org.message_id_domain,
            loop_id=self.settings.org.loop_id,
            replies_today=replies_today(mail.reply_address, session=session, now=now) if mail.reply_address else 0,
            daily_cap=self.settings.outbox.daily_cap,
        )
        verdict = screen(mail, ctx)
        if verdict is not None and verdict.rule != "reply_cap":
            self._screened(row, mail, verdict, session)
            return
        result = self.classifier.classify(mail.subject, mail.text, lang=mail.lang)
        row.intent, row.confidence = result.intent.value, result.confidence
        row.intents = [i.value for i in result.intents]
        row.kind = "request" if result.intent is not Intent.OTHER else "other"
        if verdict is not None:
            self._screened(row, mail, verdict, session, kind=row.kind)
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
