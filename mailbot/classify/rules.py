"""Rule evidence: phrase patterns (spaCy PhraseMatcher) and regular expressions per language.

Patterns live in `intents/patterns/<lang>.jsonl` as `{"label", "phrase"|"regex", "weight"}`;
weights are log-odds added to the model's score, negative for look-alikes and negations.
Everything matches on folded text: lower case, accents removed.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from mailbot.classify.labels import LABELS

APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00a0": " "})


def fold(text: str) -> str:
    """Lower case, accents removed, typographic apostrophes made plain."""
    decomposed = unicodedata.normalize("NFKD", text.translate(APOSTROPHES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@dataclass(frozen=True)
class Evidence:
    label: str
    weight: float
    start: int
    pattern: str


class Rules:
    """All patterns of all languages (mixed-language mail is common), compiled once."""

    def __init__(self, nlp: Language, pattern_dir: Path) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.regexes: list[tuple[str, float, re.Pattern[str]]] = []
        self.weights: dict[str, tuple[str, float]] = {}
        for path in sorted(pattern_dir.glob("*.jsonl")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip():
                    continue
                entry = json.loads(line)
                label, weight = entry["label"], float(entry["weight"])
                if label not in LABELS:
                    raise ValueError(f"{path.name}:{number}: unknown label {label!r}")
                if "phrase" in entry:
                    key = f"{path.stem}:{number}"
                    self.weights[key] = (label, weight)
                    self.matcher.add(key, [nlp.make_doc(fold(entry["phrase"]))])
                else:
                    self.regexes.append((label, weight, re.compile(entry["regex"], re.MULTILINE)))

    def evidence(self, doc: Doc) -> list[Evidence]:
        """Every match in a document made from folded text."""
        found = []
        for match_id, start, _end in self.matcher(doc):
            key = doc.vocab.strings[match_id]
            label, weight = self.weights[key]
            found.append(Evidence(label, weight, doc[start].idx, key))
        for label, weight, regex in self.regexes:
            match = regex.search(doc.text)
            if match:
                found.append(Evidence(label, weight, match.start(), regex.pattern[:40]))
        return found


def adjustments(evidence: list[Evidence]) -> dict[str, float]:
    """Log-odds per label: the strongest positive match, a little for each further one,
    and the strongest negative match."""
    result: dict[str, float] = {}
    for label in {e.label for e in evidence}:
        positive = sorted((e.weight for e in evidence if e.label == label and e.weight > 0), reverse=True)
        negative = [e.weight for e in evidence if e.label == label and e.weight < 0]
        score = (positive[0] + 0.5 * min(len(positive) - 1, 2)) if positive else 0.0
        result[label] = score + (min(negative) if negative else 0.0)
    return result
