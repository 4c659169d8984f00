"""Identity confirmation: one-time link tokens and short codes, stored hashed.

Tokens are 128-bit random, single use, expire, allow a limited number of tries, and are
compared in constant time. The plaintext only ever exists in the mail we send.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailbot.cases.models import Case, Verification
from mailbot.errors import TokenError

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_PATTERN = re.compile(r"\b([A-HJ-NP-Z2-9]{6})\b")


@dataclass(frozen=True)
class Issued:
    verification: Verification
    token: str
    code: str


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _code_digest(token_hash: str, code: str) -> str:
    return _digest(f"{token_hash}:{code.upper()}")


def issue(case: Case, email: str, *, session: Session, now: datetime, ttl_days: int) -> Issued:
    """A new link token and code for `email` (the registered address); older ones retire."""
    for old in session.scalars(
        select(Verification).where(Verification.case_id == case.id, Verification.used_at.is_(None))
    ):
        old.used_at = now
    token = secrets.token_urlsafe(16)  # 128 bits
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
    token_hash = _digest(token)
    verification = Verification(
        case_id=case.id,
        token_hash=token_hash,
        code_hash=_code_digest(token_hash, code),
        email=email.lower(),
        created_at=now,
        expires_at=now + timedelta(days=ttl_days),
    )
    session.add(verification)
    session.flush()
    return Issued(verification, token, code)


def _usable(verification: Verification, now: datetime, max_tries: int) -> None:
    if verification.used_at is not None:
        raise TokenError("this confirmation link was already used or replaced", reason="used")
    if verification.expires_at <= now:
        raise TokenError("this confirmation link has expired", reason="expired")
    if verification.tries >= max_tries:
        raise TokenError("too many attempts with this confirmation", reason="tries")


def lookup_token(token: str, *, session: Session, now: datetime, max_tries: int) -> Verification:
    """The open verification behind a link token, or `TokenError`."""
    if not token or len(token) > 64:
        raise TokenError("unknown confirmation link")
    digest = _digest(token)
    verification = session.scalar(select(Verification).where(Verification.token_hash == digest))
    if verification is None or not hmac.compare_digest(verification.token_hash, digest):
        raise TokenError("unknown confirmation link")
    _usable(verification, now, max_tries)
    return verification


def consume_token(token: str, *, session: Session, now: datetime, max_tries: int) -> Verification:
    verification = lookup_token(token, session=session, now=now, max_tries=max_tries)
    verification.used_at = now
    return verification


def consume_code(
    case: Case, text: str, sender: str, *, session: Session, now: datetime, max_tries: int
) -> Verification | None:
    """Confirm by a code found in a reply from the registered address; None if none fits."""
    candidates = CODE_PATTERN.findall(text.upper())[:5]
    if not candidates:
        return None
    for verification in session.scalars(
        select(Verification).where(Verification.case_id == case.id, Verification.used_at.is_(None))
    ):
        if not hmac.compare_digest(verification.email, sender.lower()):
            continue
        try:
            _usable(verification, now, max_tries)
        except TokenError:
            continue
        for code in candidates:
            if hmac.compare_digest(verification.code_hash, _code_digest(verification.token_hash, code)):
                verification.used_at = now
                return verification
        verification.tries += 1
    return None
