"""The context every case operation runs in: the caller's session, settings, clock, connectors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from mailbot.cases.accounts import Directory, Executor
from mailbot.cases.models import InboundMail
from mailbot.config import Settings


@dataclass
class CaseContext:
    session: Session
    settings: Settings
    now: datetime
    directory: Directory
    executor: Executor
    actor: str = "system"
    inbound: InboundMail | None = None  # the mail being handled, if any: replies answer it
