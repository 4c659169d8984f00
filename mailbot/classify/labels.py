"""The intent labels: one enum shared by the model, the rules and the case code."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Intent(StrEnum):
    UNSUBSCRIBE = "unsubscribe"
    ACCESS = "access"
    PORTABILITY = "portability"
    RECTIFY = "rectify"
    DELETE = "delete"
    OBJECT = "object"
    RESTRICT = "restrict"
    SECURITY = "security"
    OTHER = "other"


LABELS: tuple[str, ...] = tuple(i.value for i in Intent)
RIGHTS = frozenset(set(Intent) - {Intent.OTHER})
# Intents that disclose, change or erase personal data: the registered address must confirm.
RISKY = frozenset({Intent.ACCESS, Intent.PORTABILITY, Intent.RECTIFY, Intent.DELETE, Intent.RESTRICT})


@dataclass(frozen=True)
class Classification:
    """What a mail asks for: the primary intent, all intents in order, and how sure we are."""

    intent: Intent
    intents: tuple[Intent, ...]
    confidence: float
    lang: str
    needs_review: bool = False
    evidence: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "intent": self.intent.value,
            "intents": [i.value for i in self.intents],
            "confidence": round(self.confidence, 4),
            "lang": self.lang,
        }
