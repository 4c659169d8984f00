"""The account directory and executor interfaces the case code depends on.

Implementations live in `mailbot.connectors`; the case code only sees these protocols.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from mailbot.cases.models import Action, Case


@dataclass(frozen=True)
class Account:
    id: str
    email: str
    name: str | None = None
    phone: str | None = None
    lang: str | None = None


class Directory(Protocol):
    """Looks accounts up in the company's own user records."""

    def find(self, email: str) -> Account | None: ...

    def find_by_phone(self, phone: str) -> Account | None: ...

    def get(self, account_id: str) -> Account | None: ...


class Executor(Protocol):
    """Carries out an approved action on the company's systems; returns its result."""

    def execute(self, action: Action, case: Case) -> dict[str, Any]: ...
