"""Rule evidence: phrase patterns (spaCy PhraseMatcher) and regular expressions per language.

Patterns live in `intents/patterns/<lang>.jsonl` as `{"label", "phrase"|"regex", "weight"}`;
weights are log-odds added to the model's score, negative for look-alikes and negations.
A negative regex labelled "*" counts against every right, and no phrase anywhere in the
mail counts for one: the writer asks nothing about their own data (a vendor's pitch, a
journalist's general question). Everything matches on folded text: lower case, accents
removed.
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
from mailbot.classify.tokenizer import TOKEN

EVERY_RIGHT = "*"
RIGHTS = tuple(label for label in LABELS if label != "other")
APOSTROPHES = (("\u2019", "'"), ("\u2018", "'"), ("\u02bc", "'"), ("`", "'"), ("\u00a0", " "))


COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def fold(text: str) -> str:
    """Lower case, accents removed, typographic apostrophes made plain."""
    if not text.isascii():
        for typographic, plain in APOSTROPHES:  # str.replace beats str.translate here
            text = text.replace(typographic, plain)
        text = COMBINING.sub("", unicodedata.normalize("NFKD", text))
    else:
        text = text.replace("`", "'")
    return text.lower()


def _compile(pattern: str) -> tuple[re.Pattern[str], bool]:
    """A leading word boundary stops `re` from skipping ahead to the pattern's first letters
    (16 times slower on a 2 KB mail); it is checked by hand instead."""
    if pattern.startswith("\\b"):
        return re.compile(pattern[2:], re.MULTILINE), True
    return re.compile(pattern, re.MULTILINE), False


SPECIAL = set("\\.^$*+?{}[]()|")


def _literal_prefix(pattern: str) -> str:
    """The letters every match of `pattern` (a sequence, no top-level `|`) starts with."""
    prefix: list[str] = []
    for char in pattern:
        if char in SPECIAL:
            if char in "?*{" and prefix:
                prefix.pop()  # the letter before is optional
            return "".join(prefix)
        prefix.append(char)
    return "".join(prefix)


def _alternatives(pattern: str) -> list[str] | None:
    """The top-level branches of a leading group `(a|b|c)...`, or None if it has none."""
    if not pattern.startswith("(") or pattern.startswith("(?"):
        return None
    branches: list[str] = []
    depth, start, in_class, escaped = 0, 1, False, False
    for i, char in enumerate(pattern):
        if escaped or char == "\\":
            escaped = not escaped
            continue
        if in_class or char == "[":
            in_class = char != "]"
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                if pattern[i + 1 : i + 2] in ("?", "*", "{"):
                    return None  # the whole group is optional
                branches.append(pattern[start:i])
                return branches
        elif char == "|" and depth == 1:
            branches.append(pattern[start:i])
            start = i + 1
    return None


def gate(pattern: str) -> tuple[str, ...]:
    """Literal strings of which every match contains at least one (empty: no gate).

    `needle in text` costs microseconds, a regex scan of a 2 KB mail far more: a pattern is
    only run on mail that holds one of its gate strings."""
    if pattern.startswith("\\b"):
        pattern = pattern[2:]
    top = _alternatives("(" + pattern + ")")
    if top is None:
        return ()
    branches = top if len(top) > 1 else _alternatives(pattern)  # `a|b`, or `(a|b)c`
    if branches is None:
        prefix = _literal_prefix(pattern)
        return (prefix,) if len(prefix) >= 2 else ()
    prefixes: list[str] = []
    for branch in branches:
        inner = gate(branch)
        if not inner:
            return ()
        prefixes += inner
    return tuple(dict.fromkeys(prefixes))


@dataclass(frozen=True)
class Evidence:
    label: str
    weight: float
    start: int
    pattern: str
    end: int = -1  # where a negative match ends (its scope)


class Rules:
    """All patterns of all languages (mixed-language mail is common), compiled once."""

    def __init__(self, nlp: Language, pattern_dir: Path) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.regexes: list[tuple[str, float, str]] = []
        self.weights: dict[str, tuple[str, float]] = {}
        for path in sorted(pattern_dir.glob("*.jsonl")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip():
                    continue
                entry = json.loads(line)
                label, weight = entry["label"], float(entry["weight"])
                if label not in LABELS and not (label == EVERY_RIGHT and "regex" in entry):
                    raise ValueError(f"{path.name}:{number}: unknown label {label!r}")
                if "phrase" in entry:
                    key = f"{path.stem}:{number}"
                    self.weights[key] = (label, weight)
                    words = TOKEN.findall(fold(entry["phrase"]))
                    self.matcher.add(key, [Doc(nlp.vocab, words=words)])
                else:
                    self.regexes.append((label, weight, entry["regex"]))
        self.compiled = [(label, weight, _compile(pattern), gate(pattern)) for label, weight, pattern in self.regexes]

    def evidence(self, doc: Doc, text: str) -> list[Evidence]:
        """Every match in `text` (folded) and `doc`, the tokens the model read from it."""
        found = []
        offsets = doc.user_data.get("offsets") or [t.idx for t in doc]
        for match_id, start, _end in self.matcher(doc):
            if start >= len(offsets):
                continue  # the stems after the words are not text
            key = doc.vocab.strings[match_id]
            label, weight = self.weights[key]
            found.append(Evidence(label, weight, offsets[start], key))
        for label, weight, (regex, bounded), needles in self.compiled:
            if needles and not any(needle in text for needle in needles):
                continue
            for match in regex.finditer(text):
                start = match.start()
                if not bounded or start == 0 or not text[start - 1].isalnum():
                    if label == EVERY_RIGHT:  # its scope is the whole mail
                        found += [Evidence(each, weight, 0, regex.pattern[:40], len(text)) for each in RIGHTS]
                    else:
                        found.append(Evidence(label, weight, start, regex.pattern[:40], match.end()))
                    if weight > 0:
                        break  # one positive match says enough; every negation has its own scope
        return _outside_negations(found)


def _outside_negations(found: list[Evidence]) -> list[Evidence]:
    """A phrase inside a negation of its own label does not count for it: in "please don't
    delete my account", "delete my account" is no evidence for erasure."""
    scopes = [(e.label, e.start, e.end) for e in found if e.weight < 0]
    return [e for e in found if e.weight < 0 or not any(
        label == e.label and start <= e.start < end for label, start, end in scopes)]


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
