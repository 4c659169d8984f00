"""Policy: for each intent, what proof of identity is needed and which actions follow."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from mailbot.cases.states import ActionKind
from mailbot.classify.labels import Intent


class Proof(StrEnum):
    NONE = "none"  # security: heard without proof, nothing disclosed
    SENDER = "sender"  # unsubscribe/object: the sender's own address (authenticated)
    REGISTERED = "registered"  # the account's registered address must confirm


@dataclass(frozen=True)
class IntentPolicy:
    proof: Proof
    actions: tuple[ActionKind, ...]


POLICIES: dict[Intent, IntentPolicy] = {
    Intent.UNSUBSCRIBE: IntentPolicy(Proof.SENDER, (ActionKind.SUPPRESS,)),
    Intent.OBJECT: IntentPolicy(Proof.SENDER, (ActionKind.OBJECT,)),
    Intent.ACCESS: IntentPolicy(Proof.REGISTERED, (ActionKind.EXPORT,)),
    Intent.PORTABILITY: IntentPolicy(Proof.REGISTERED, (ActionKind.EXPORT,)),
    Intent.RECTIFY: IntentPolicy(Proof.REGISTERED, (ActionKind.RECTIFY,)),
    Intent.DELETE: IntentPolicy(Proof.REGISTERED, (ActionKind.ERASE,)),
    Intent.RESTRICT: IntentPolicy(Proof.REGISTERED, (ActionKind.RESTRICT,)),
    Intent.SECURITY: IntentPolicy(Proof.NONE, (ActionKind.LOCK_ACCOUNT,)),
}

ACTION_INTENT: dict[ActionKind, Intent] = {
    ActionKind.SUPPRESS: Intent.UNSUBSCRIBE,
    ActionKind.OBJECT: Intent.OBJECT,
    ActionKind.RECTIFY: Intent.RECTIFY,
    ActionKind.ERASE: Intent.DELETE,
    ActionKind.RESTRICT: Intent.RESTRICT,
    ActionKind.LOCK_ACCOUNT: Intent.SECURITY,
}

PURPOSE_WORDS = {
    "statistics": r"statisti|analytic|audience|mesure|usage data|donn[ée]es d'usage|cookie|tra[cç]k|ip address|adresse ip",
    "ads": r"\bads?\b|advert|publicit|\bpub\b|ciblage|targeted|personali[sz]|personnalis",
    "profiling": r"profil",
    "geolocation": r"g[ée]o-?locali|location|localisation|position",
    "partners": r"partenaire|partner|third part|tiers",
}
KEPT_BY_LAW = {
    "en": [
        "payment and anti-money-laundering records, kept for five years after the end of the "
        "business relationship (French Monetary and Financial Code, art. L561-12)",
        "accounting records, kept for ten years (French Commercial Code, art. L123-22)",
    ],
    "fr": [
        "les données de paiement et de lutte contre le blanchiment, conservées cinq ans après "
        "la fin de la relation d'affaires (Code monétaire et financier, art. L561-12)",
        "les pièces comptables, conservées dix ans (Code de commerce, art. L123-22)",
    ],
}


def purposes(text: str) -> list[str]:
    """Which processing an objection names; all of the policy's opt-outs when none is named."""
    found = [name for name, pattern in PURPOSE_WORDS.items() if re.search(pattern, text, re.I)]
    return found or ["statistics", "ads", "profiling"]


def action_intent(kind: ActionKind, case_intent: str) -> str:
    """The intent whose templates report an executed action."""
    if kind is ActionKind.EXPORT:
        return case_intent if case_intent in (Intent.ACCESS, Intent.PORTABILITY) else Intent.ACCESS
    return ACTION_INTENT[kind].value
