"""A fast tokenizer for folded mail text, registered with spaCy as `mailbot.FoldedWords.v1`.

Mail reaches the model already folded (lower case, no accents), so a word/punctuation split
is all the bag of words needs; spaCy's rule-based tokenizer was most of the classifier's time.
After the words come their stems (first five letters of words of six or more, marked `_`),
so that supprimer/suppression/supprimez or hacked/hacker share a feature. Then, once more and
marked `^`, the words of every sentence that asks something ("please…", "pourriez-vous…",
"je souhaite…"): a long letter tells a story and asks one thing, and the marks let the bag of
words tell the thing asked for from the story. Each word's offset in the text is kept in
`doc.user_data["offsets"]` for the rules and the sentence pass.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence

from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

TOKEN = re.compile(r"[^\W_]+|[^\w\s]")
STEM_FROM = 6
STEM_LENGTH = 5
EMPTY = "_empty"
# What marks a sentence that asks something (on folded text).
REQUEST = re.compile(
    r"\b(please|pls|plz|kindly|i (would like|want|wish|ask|request|demand|need|expect)|i'd like|i'm asking"
    r"|can you|could you|would you|will you|i object|i refuse|i no longer (want|wish)"
    r"|je (vous )?(demande|prie|souhaite|souhaiterais|voudrais|veux|sollicite|exige|refuse)|merci de|veuillez"
    r"|pourriez[- ]vous|pouvez[- ]vous|vous pouvez|j'aimerais|svp|stp|s'il vous plait|je m'oppose"
    r"|je ne (veux|souhaite) plus|jveux|jveu|jvoudrais)\b"
)
BOUNDARY = re.compile(r"[.!?;]+(?=\s)|\n")


def asked(text: str, words: Sequence[str], offsets: Sequence[int]) -> list[str]:
    """The words of every sentence that asks something, marked `^`."""
    cues = [m.start() for m in REQUEST.finditer(text)]
    if not cues:
        return []
    ends = [m.end() for m in BOUNDARY.finditer(text)]
    sentences = []
    for cue in cues:
        k = bisect_right(ends, cue)
        sentences.append((ends[k - 1] if k else 0, ends[k] if k < len(ends) else len(text)))
    out: list[str] = []
    for start, end in dict.fromkeys(sentences):
        out += [f"^{w}" for w in words[bisect_left(offsets, start) : bisect_left(offsets, end)] if w.isalpha()]
    return list(dict.fromkeys(out))


def stems(words: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(f"_{w[:STEM_LENGTH]}" for w in words if len(w) >= STEM_FROM and w.isalpha()))


class FoldedWords:
    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        matches = list(TOKEN.finditer(text))
        words = [m.group() for m in matches]
        offsets = [m.start() for m in matches]
        # The bag-of-words layer cannot take an empty document: an empty mail gets a marker.
        doc = Doc(self.vocab, words=words + stems(words) + asked(text, words, offsets) if words else [EMPTY])
        doc.user_data["offsets"] = offsets
        return doc

    def words(self, words: Sequence[str]) -> Doc:
        """A document of already-split words (a sentence of a mail), stems and marks added."""
        # The cues are matched on text: rejoin "pourriez - vous", "s ' il" as they were written.
        text = " ".join(words).replace(" ' ", "'").replace(" - ", "-")
        marks = [f"^{w}" for w in dict.fromkeys(words) if w.isalpha()] if REQUEST.search(text) else []
        return Doc(self.vocab, words=list(words) + stems(words) + marks if words else [EMPTY])

    # spaCy serialises the tokenizer with the pipeline; there is no state to keep.
    def to_bytes(self, **_kwargs: object) -> bytes:
        return b""

    def from_bytes(self, _data: bytes, **_kwargs: object) -> FoldedWords:
        return self

    def to_disk(self, _path: object, **_kwargs: object) -> None:
        return None

    def from_disk(self, _path: object, **_kwargs: object) -> FoldedWords:
        return self


def create_tokenizer() -> Callable[[Language], FoldedWords]:
    """The registered factory (entry point `spacy_tokenizers`)."""

    def make(nlp: Language) -> FoldedWords:
        return FoldedWords(nlp.vocab)

    return make
