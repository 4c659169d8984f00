"""The context every case operation runs in: the caller's session, settings, clock, connectors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from mailbot.cases.accounts import Directory, Executor
from mailbot.cases.models import Case
from mailbot.config import Settings


@dataclass
class CaseContext:
    session: Session
    settings: Settings
    now: datetime
    directory: Directory
    executor: Executor
    actor: str = "system"
    touched: list[Case] = field(default_factory=list)
