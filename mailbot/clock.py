"""The injected clock: every time-dependent function takes `now` from one of these."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """Aware UTC now; the default clock."""
    return datetime.now(UTC)
