"""The demo company system: a small accounts database with export, erase and friends.

`mailbot demo seed` creates it under var/ so that the quick start shows real cases end to
end; its executor really reads, changes and erases rows, as a company connector would.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

from mailbot.cases.models import Action, Case

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS accounts (
        id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT, phone TEXT, lang TEXT,
        city TEXT, country TEXT, birth_date TEXT, marketing_optin INTEGER DEFAULT 1,
        restricted INTEGER DEFAULT 0, locked INTEGER DEFAULT 0, created_at TEXT)""",
    """CREATE TABLE IF NOT EXISTS transactions (
        id INTEGER PRIMARY KEY, account_id TEXT, at TEXT, amount REAL, currency TEXT,
        counterparty TEXT)""",
)
ACCOUNTS = (
    ("ACC-1001", "awa.diop@example.com", "Awa Diop", "+221771234567", "fr", "Dakar", "SN", "1990-04-12"),
    ("ACC-1002", "kwame.mensah@example.com", "Kwame Mensah", "+233201234567", "en", "Accra", "GH", "1985-09-30"),
    ("ACC-1003", "jean.kouassi@example.org", "Jean Kouassi", "+2250701234567", "fr", "Abidjan", "CI", "1979-01-31"),
    ("ACC-1004", "grace.otieno@example.net", "Grace Otieno", "+254712345678", "en", "Nairobi", "KE", "1995-06-02"),
    ("ACC-1005", "marie.nguema@example.fr", "Marie Nguema", "+24106123456", "fr", "Libreville", "GA", "1988-11-20"),
)
RECTIFIABLE = ("name", "email", "phone", "lang", "city", "country", "birth_date")


def seed(engine: Engine) -> int:
    """Create the demo tables and fictional accounts (idempotent); returns the account count."""
    with engine.begin() as connection:
        for statement in SCHEMA:
            connection.execute(text(statement))
        for index, (acc_id, email, name, phone, lang, city, country, born) in enumerate(ACCOUNTS):
            connection.execute(
                text(
                    "INSERT OR IGNORE INTO accounts (id, email, name, phone, lang, city, country, "
                    "birth_date, created_at) VALUES (:id, :email, :name, :phone, :lang, :city, "
                    ":country, :born, '2024-01-15')"
                ),
                {"id": acc_id, "email": email, "name": name, "phone": phone, "lang": lang,
                 "city": city, "country": country, "born": born},
            )
            for n in range(3):
                connection.execute(
                    text(
                        "INSERT OR IGNORE INTO transactions (id, account_id, at, amount, currency, "
                        "counterparty) VALUES (:id, :acc, :at, :amount, 'XOF', :cp)"
                    ),
                    {"id": index * 10 + n + 1, "acc": acc_id, "at": f"2026-0{n + 1}-1{n}",
                     "amount": 5000 + 1500 * n, "cp": f"Merchant {n + 1}"},
                )
        return int(connection.execute(text("SELECT count(*) FROM accounts")).scalar_one())


class DemoExecutor:
    """Executes export, erase, rectify, restrict and lock on the demo accounts database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def execute(self, action: Action, case: Case) -> dict[str, Any]:
        account_id = action.params.get("account_id") or case.account_id
        if not account_id:
            raise LookupError("the case has no account: nothing to act on")
        handler = getattr(self, f"_{action.kind}", None)
        if handler is None:
            raise NotImplementedError(f"the demo system cannot run {action.kind}")
        with self.engine.begin() as connection:
            exists = connection.execute(text("SELECT 1 FROM accounts WHERE id = :id"), {"id": account_id}).first()
            if exists is None:
                raise LookupError(f"account {account_id} is not in the directory")
            return handler(connection, account_id, action)

    def _export(self, connection: Any, account_id: str, _action: Action) -> dict[str, Any]:
        account = dict(connection.execute(text("SELECT * FROM accounts WHERE id = :id"), {"id": account_id}).mappings().one())
        transactions = [dict(r) for r in connection.execute(
            text("SELECT at, amount, currency, counterparty FROM transactions WHERE account_id = :id ORDER BY at"),
            {"id": account_id}).mappings()]
        document = {
            "generated_at": datetime.now(UTC).isoformat(),
            "controller": "INFINITY SPACE SAS (WeCashUp)",
            "account": account,
            "transactions": transactions,
            "purposes": ["service provision", "fraud prevention", "statistics", "marketing (if consented)"],
            "recipients": ["payment partners", "verification providers"],
            "retention": "account data: life of the account; payment records: 5 years after closure",
            "source": "collected from you when you created and used your account",
        }
        return {"document": document, "summary": f"{len(transactions)} transactions and the account profile"}

    def _erase(self, connection: Any, account_id: str, _action: Action) -> dict[str, Any]:
        pseudonym = "erased-" + hashlib.sha256(account_id.encode()).hexdigest()[:12]
        # Payment records are kept by law (AML), detached from the person.
        kept = connection.execute(
            text("UPDATE transactions SET account_id = :p WHERE account_id = :id"), {"p": pseudonym, "id": account_id}
        ).rowcount
        connection.execute(text("DELETE FROM accounts WHERE id = :id"), {"id": account_id})
        return {"summary": f"account erased; {kept} payment records kept by law under a pseudonym"}

    def _rectify(self, connection: Any, account_id: str, action: Action) -> dict[str, Any]:
        fields = {k: v for k, v in (action.params.get("fields") or {}).items() if k in RECTIFIABLE}
        if not fields:
            raise ValueError(f"say which fields to change when approving (allowed: {', '.join(RECTIFIABLE)})")
        assignments = ", ".join(f"{name} = :{name}" for name in fields)
        connection.execute(text(f"UPDATE accounts SET {assignments} WHERE id = :id"), {**fields, "id": account_id})  # noqa: S608 - names are whitelisted
        return {"fields": fields}

    def _restrict(self, connection: Any, account_id: str, _action: Action) -> dict[str, Any]:
        connection.execute(text("UPDATE accounts SET restricted = 1 WHERE id = :id"), {"id": account_id})
        return {"summary": None}

    def _lock_account(self, connection: Any, account_id: str, _action: Action) -> dict[str, Any]:
        connection.execute(text("UPDATE accounts SET locked = 1 WHERE id = :id"), {"id": account_id})
        return {"summary": None}

