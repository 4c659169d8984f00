"""Legal deadlines (GDPR Art. 12(3)): calendar months, pauses, extensions. Pure."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta


def add_months(start: date, months: int) -> date:
    """Same day `months` later, or the last day of that month (31 Jan + 1 -> 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def due_date(received: datetime) -> date:
    """One calendar month after receipt."""
    return add_months(received.date(), 1)


def resume(due: date, paused_since: datetime, now: datetime) -> date:
    """Push the due date back by the whole days spent waiting for identity information."""
    waited = (now - paused_since).total_seconds()
    return due + timedelta(days=int(waited // 86400) + (1 if waited % 86400 else 0))


def can_extend(received: datetime, now: datetime) -> bool:
    """An extension must be notified inside the first month after receipt."""
    return now.date() <= due_date(received)


def extended(due: date) -> date:
    """The due date after the two-month extension of Art. 12(3)."""
    return add_months(due, 2)
