"""Rule evidence: phrase patterns (spaCy PhraseMatcher) and regular expressions per language.

Patterns live in `intents/patterns/<lang>.jsonl` as `{"label", "phrase"|"regex", "weight"}`,
or `{"regex", "weights": {label: weight, ...}}` for a regex that counts for several labels;
weights are log-odds added to the model's score, negative for look-alikes and negations.
A negative regex labelled "*" counts against every right and as much for `other`, and no
phrase anywhere in the mail counts for a right: the writer asks nothing about their own data
(a vendor's pitch, a journalist's general question, an organisation acknowledging a request).
Everything matches on folded text: lower case, accents removed.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import ahocorasick
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


def _items(pattern: str) -> list[tuple[str, str, bool]] | None:
    """A pattern with no top-level `|` as a sequence of (kind, text, required) items: a
    literal character, a group's inside, or anything else (escapes, classes, anchors)."""
    items: list[tuple[str, str, bool]] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "(":
            j = next((i + k for k, c, depth in _structure(pattern[i:]) if c == ")" and depth == 0), -1)
            if j < 0:
                return None
            inner = pattern[i + 1 : j]
            kind = "other" if inner.startswith("?") else "group"  # (?:…), look-arounds, flags
            items.append((kind, inner, True))
            i = j + 1
        elif char == "[":
            j = pattern.find("]", i + 2)
            if j < 0:
                return None
            items.append(("other", pattern[i : j + 1], True))
            i = j + 1
        elif char == "\\":
            escaped = pattern[i + 1 : i + 2]
            # `\.` or `\-` stand for that character; `\b`, `\w`, `\s`… for no literal
            kind = "literal" if escaped and not escaped.isalnum() else "other"
            items.append((kind, escaped if kind == "literal" else pattern[i : i + 2], True))
            i += 2
        elif char in "?*+{":
            if not items:
                return None
            if char == "{":
                end = pattern.find("}", i)
                if end < 0:
                    return None
                i = end
            kind, text, _ = items[-1]
            items[-1] = (kind, text, char == "+")
            i += 1
        elif char in "|)":
            return None
        else:
            items.append(("literal" if char not in ".^$" else "other", char, True))
            i += 1
    return items


def _structure(pattern: str) -> Iterator[tuple[int, str, int]]:
    """(index, character, depth after it) of each `(`, `)` and `|` outside escapes and
    character classes."""
    depth, i, in_class = 0, 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class or char == "[":
            in_class = char != "]"
        elif char in "()|":
            depth += {"(": 1, ")": -1, "|": 0}[char]
            yield i, char, depth
        i += 1


def _split(pattern: str) -> list[str]:
    """The top-level branches of `pattern` (one when it has no top-level `|`)."""
    cuts = [i for i, char, depth in _structure(pattern) if char == "|" and depth == 0]
    return [pattern[start + 1 : end] for start, end in zip([-1, *cuts], [*cuts, len(pattern)], strict=True)]


LOOKAROUND = ("(?=", "(?!", "(?<=", "(?<!")


def _without_lookarounds(pattern: str) -> str:
    """`pattern` with its look-ahead and look-behind groups left out."""
    while True:
        opens = [i for i, char, _ in _structure(pattern) if char == "(" and pattern.startswith(LOOKAROUND, i)]
        if not opens:
            return pattern
        start = opens[0]
        end = next((start + k for k, c, depth in _structure(pattern[start:]) if c == ")" and depth == 0), -1)
        if end < 0:
            return pattern
        pattern = pattern[:start] + pattern[end + 1 :]


def gate(pattern: str) -> tuple[str, ...]:
    """Literal strings of which every match contains at least one (empty: no gate): the gate
    of a group inside a pattern. Of the required parts of a pattern (a run of literal
    characters, or a group whose every branch has a gate) the one with the longest shortest
    needle is used, so that `(pas|jamais) (de )?(piratage|fraude)` is gated on its rare words
    rather than on "pas". `gates` gives every part's gate, which `Rules` checks."""
    candidates = _candidates(pattern)
    return max(candidates, key=lambda c: (min(len(n) for n in c), -len(c))) if candidates else ()


def gates(pattern: str) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """The ways a match can pass the gates: for each top-level branch, a gate per required
    part (`(conserver|garder) (mes donnees|mon compte)` needs a word of each). Empty: no gate.

    All gate strings are found in one Aho-Corasick pass; a regex scan of a 2 KB mail costs far
    more, so a pattern only runs on mail that passes one of its ways."""
    pattern = _without_lookarounds(pattern)
    branches = _split(pattern)
    if len(branches) == 1:
        candidates = tuple(_candidates(pattern))
        return (candidates,) if candidates else ()
    ways = [gates(branch) for branch in branches]
    return () if not all(ways) else tuple(way for each in ways for way in each)


def _candidates(pattern: str) -> list[tuple[str, ...]]:
    """The gates of the required parts of `pattern` (one gate for a top-level alternation)."""
    pattern = _without_lookarounds(pattern)  # zero-width: every match still holds the rest
    if "(?" in pattern:
        return []  # flags and non-capturing groups: not worth reasoning about
    branches = _split(pattern)
    if len(branches) > 1:
        needles: list[str] = []
        for branch in branches:
            inner = gate(branch)
            if not inner:
                return []
            needles += inner
        return [tuple(dict.fromkeys(needles))]
    items = _items(pattern)
    if items is None:
        return []
    candidates: list[tuple[str, ...]] = []
    run: list[str] = []
    for kind, text, required in [*items, ("other", "", True)]:
        if kind == "literal" and required:
            run.append(text)
            continue
        if len(run) >= 2:
            candidates.append(("".join(run),))
        run = []
        if kind == "group" and required:
            inner = gate(text)
            if inner:
                candidates.append(inner)
    return [c for c in candidates if min(len(n) for n in c) >= 2]


@dataclass(frozen=True)
class Evidence:
    label: str
    weight: float
    start: int
    pattern: str
    end: int = -1  # where a negative match ends (its scope)
    again: bool = False  # a positive pattern's later match: it places a right, it adds no weight


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
                weights = entry.get("weights") or {entry["label"]: entry["weight"]}
                for label in weights:
                    if label not in LABELS and not (label == EVERY_RIGHT and "regex" in entry):
                        raise ValueError(f"{path.name}:{number}: unknown label {label!r}")
                if "phrase" in entry:
                    if len(weights) != 1:
                        raise ValueError(f"{path.name}:{number}: a phrase counts for one label")
                    key = f"{path.stem}:{number}"
                    [(label, weight)] = weights.items()
                    self.weights[key] = (label, float(weight))
                    words = TOKEN.findall(fold(entry["phrase"]))
                    self.matcher.add(key, [Doc(nlp.vocab, words=words)])
                else:
                    self.regexes += [(label, float(weight), entry["regex"]) for label, weight in weights.items()]
        # A regex written for several labels, or in both languages, runs once and counts for each.
        outputs: dict[str, list[tuple[str, float]]] = {}
        for label, weight, pattern in self.regexes:
            outputs.setdefault(pattern, []).append((label, weight))
        self.compiled = [(_compile(pattern), tuple(pairs)) for pattern, pairs in outputs.items()]
        # Every gate string of every pattern, found in one pass over the mail (Aho-Corasick)
        # rather than one substring search per string; a pattern's gate is a set of their numbers.
        needed = [gates(pattern) for pattern in outputs]
        strings = sorted({s for ways in needed for way in ways for gate in way for s in gate})
        numbers = {needle: n for n, needle in enumerate(strings)}
        self.needles = ahocorasick.Automaton()
        for needle, number in numbers.items():
            self.needles.add_word(needle, number)
        self.needles.make_automaton()
        self.gates = [tuple(tuple(frozenset(numbers[s] for s in gate) for gate in way) for way in ways)
                      for ways in needed]
        # Which patterns a gate string can open: only those are checked against the mail.
        self.ungated = frozenset(i for i, ways in enumerate(self.gates) if not ways)
        self.opens: dict[int, set[int]] = {}
        for i, ways in enumerate(self.gates):
            for way in ways:
                for number in way[0]:
                    self.opens.setdefault(number, set()).add(i)

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
        present = {number for _, number in self.needles.iter(text)} if len(self.needles) else set()
        candidates = set(self.ungated).union(*(self.opens.get(number, ()) for number in present))
        for i in sorted(candidates):
            (regex, bounded), pairs = self.compiled[i]
            gated = self.gates[i]
            if gated and not any(all(not needles.isdisjoint(present) for needles in way) for way in gated):
                continue
            again = False
            for match in regex.finditer(text):
                start = match.start()
                if bounded and start and text[start - 1].isalnum():
                    continue
                for label, weight in pairs:
                    if label == EVERY_RIGHT:  # its scope is the whole mail; what is left is ordinary mail
                        found += [Evidence(each, weight, 0, regex.pattern[:40], len(text)) for each in RIGHTS]
                        found.append(Evidence("other", -weight, 0, regex.pattern[:40], len(text), again))
                    else:
                        found.append(Evidence(label, weight, start, regex.pattern[:40], match.end(), again))
                # One positive match says enough; later ones only say where; every negation has its own scope.
                again = True
        return _outside_negations(found)


def _outside_negations(found: list[Evidence]) -> list[Evidence]:
    """A phrase inside a negation of its own label does not count for it: in "please don't
    delete my account", "delete my account" is no evidence for erasure."""
    scopes = [(e.label, e.start, e.end) for e in found if e.weight < 0]
    return [e for e in found if e.weight < 0 or not any(
        label == e.label and start <= e.start < end for label, start, end in scopes)]


def adjustments(evidence: list[Evidence], *, again: bool = False) -> dict[str, float]:
    """Log-odds per label: the strongest positive match, a little for each further one,
    and the strongest negative match. A pattern's later matches count only with `again`
    (in a sentence, where a pattern's first match is the one that counts)."""
    result: dict[str, float] = {}
    for label in {e.label for e in evidence}:
        positive = sorted((e.weight for e in evidence if e.label == label and e.weight > 0
                           and (again or not e.again)), reverse=True)
        negative = [e.weight for e in evidence if e.label == label and e.weight < 0]
        score = (positive[0] + 0.5 * min(len(positive) - 1, 2)) if positive else 0.0
        result[label] = score + (min(negative) if negative else 0.0)
    return result
