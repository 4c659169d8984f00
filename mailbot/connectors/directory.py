"""The SQL account directory: reads the company's own user table with configured queries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

from mailbot.cases.accounts import Account
from mailbot.cases.db import make_engine
from mailbot.config import DirectorySettings


class SqlDirectory:
    """`find(email)`, `find_by_phone(phone)` and `get(id)` over parameterised SQL queries."""

    def __init__(self, url: str, settings: DirectorySettings, *, engine: Engine | None = None) -> None:
        self.engine = engine or make_engine(url)
        self.settings = settings

    def _one(self, query: str | None, **params: Any) -> Account | None:
        if not query:
            return None
        with self.engine.connect() as connection:
            row = connection.execute(text(query), params).mappings().first()
        if row is None:
            return None
        return Account(
            id=str(row["id"]),
            email=str(row["email"]).lower(),
            name=row.get("name"),
            phone=row.get("phone"),
            lang=row.get("lang"),
        )

    def find(self, email: str) -> Account | None:
        return self._one(self.settings.query, email=email.strip().lower())

    def find_by_phone(self, phone: str) -> Account | None:
        digits = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
        return self._one(self.settings.phone_query, phone=digits)

    def get(self, account_id: str) -> Account | None:
        return self._one(self.settings.get_query, id=account_id)

    def close(self) -> None:
        self.engine.dispose()
