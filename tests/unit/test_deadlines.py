"""Deadlines are calendar months (EU rule), paused while waiting for identity, extendable once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from mailbot.cases.deadlines import add_months, can_extend, due_date, extended, resume


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),
    (date(2026, 3, 31), 1, date(2026, 4, 30)),
    (date(2026, 12, 15), 1, date(2027, 1, 15)),
    (date(2026, 3, 2), 1, date(2026, 4, 2)),
    (date(2026, 2, 28), 2, date(2026, 4, 28)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
])
def test_calendar_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_due_date_is_one_month_after_receipt() -> None:
    assert due_date(datetime(2026, 1, 31, 23, 50, tzinfo=UTC)) == date(2026, 2, 28)


def test_pause_pushes_the_deadline_by_whole_days_waited() -> None:
    paused = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert resume(date(2026, 4, 2), paused, datetime(2026, 3, 5, 10, 0, tzinfo=UTC)) == date(2026, 4, 5)
    assert resume(date(2026, 4, 2), paused, datetime(2026, 3, 5, 11, 0, tzinfo=UTC)) == date(2026, 4, 6)


def test_extension_only_inside_the_first_month() -> None:
    received = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)
    assert can_extend(received, datetime(2026, 2, 28, 18, 0, tzinfo=UTC))
    assert not can_extend(received, datetime(2026, 3, 1, 8, 0, tzinfo=UTC))
    assert extended(date(2026, 2, 28)) == date(2026, 4, 28)
