"""Language detection: French and English by function words, others by py3langid."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

WORD = re.compile(r"[a-zà-öø-ÿœ']+")
FRENCH = frozenset(
    ["le", "la", "les", "des", "du", "un", "une", "et", "est", "je", "vous", "nous", "mon", "ma", "mes", "votre", "vos", "pour", "pas", "que", "qui", "dans", "sur", "avec", "ce", "cette", "merci", "bonjour", "svp", "stp", "cordialement", "donnees", "données", "compte", "suis", "ai", "au", "aux", "ne", "plus", "moi", "être", "etre", "faire", "veuillez", "madame", "monsieur", "salut", "bjr", "slt", "cdlt"]
)
ENGLISH = frozenset(
    ["the", "and", "is", "are", "i", "you", "we", "my", "your", "our", "for", "not", "that", "who", "in", "on", "with", "this", "thanks", "thank", "hello", "hi", "please", "regards", "data", "account", "am", "have", "to", "of", "me", "be", "do", "dear", "sir", "madam", "pls", "thx", "it", "was", "would", "like"]
)


@lru_cache(maxsize=1)
def _identifier() -> Any:
    import py3langid

    return py3langid


def warm_up() -> None:
    """Load the language identifier now rather than on the first mail that needs it."""
    _identifier().classify("warm up")


def detect_language(text: str) -> str:
    """`en`, `fr`, another ISO 639-1 code, or `und` when there is nothing to read."""
    words = WORD.findall(text[:4000].lower())
    if not words:
        return "und"
    fr = sum(1 for w in words if w in FRENCH)
    en = sum(1 for w in words if w in ENGLISH)
    if fr != en and (fr + en >= 2 or len(words) <= 6) and max(fr, en) >= 0.04 * len(words):
        return "fr" if fr > en else "en"
    if len(words) < 4:
        return "und"  # too short to tell; callers fall back to their default language
    code, _prob = _identifier().classify(text[:4000])
    return str(code)
