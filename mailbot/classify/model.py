"""The intent classifier: a spaCy text classifier and rule evidence, one calibrated answer.

Loaded once per process (`load_classifier` caches by path); `classify_many` works in batches.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from mailbot.classify.labels import RISKY, Classification, Intent
from mailbot.classify.lang import detect_language, warm_up
from mailbot.classify.rules import Evidence, Rules, adjustments, fold
from mailbot.classify.tokenizer import REQUEST, FoldedWords, stems
from mailbot.config import REVIEW_THRESHOLD, RISKY_REVIEW_THRESHOLD
from mailbot.errors import ModelNotTrainedError
from mailbot.mail.text import html_to_text, normalise, strip_quoted

MODEL_CHARS = 8_000
# A long mail tells a story and asks one thing: its asking sentences are read on their own too,
# and that reading counts as much as the whole mail's ("J'ai perdu mon emploi, puis… Je vous
# demande de ne plus m'envoyer vos offres").
LONG_MAIL = 800
ACTIVE = 0.5
# Sentences, and the clauses of a sentence that asks two things ("send me my data in CSV, and
# stop the targeted ads"): each is scored on its own to place the rights it asks.
SENTENCE = re.compile(
    r".+?(?:[.!?;](?=\s)|\n\s*\n|(?=\s\d{1,2}[/.)-]\s)|(?=\s[-•*]\s)"
    r"|(?=,? (?:and )?then )|(?=,? (?:et )?(?:puis|ensuite|apres quoi) )"
    r"|(?=,? (?:and|also|plus|but) (?!then ))|(?=,? (?:et|aussi|mais) (?!puis |ensuite ))|$)",
    re.DOTALL,
)
WRAPPED = re.compile(r"(?<=[^\n.!?:;])\n(?=[^\n\d•*-])")
# A sentence that asks for something: a request cue, or an imperative ("corrigez", "stop sending").
ASKING = re.compile(
    REQUEST.pattern + r"|\b(?!(?:avez|chez|assez|nez|rez)\b)[a-z]{2,}ez\b(?!-vous)"
    r"|^\W*(and |but |also |then |and then |plus |(first|firstly|second|secondly|third|next|finally|lastly|after that)\W+)?(stop|send|delete|erase|remove|correct|update|change|fix|freeze|restrict|suspend|pause|close"
    r"|cancel|give|tell|provide|block|let me know|do not|don't)\b"
)
# The full stop of an abbreviation ends no sentence: "art. 21(2)", "n. 4", "M. Diallo", "cf. ".
ABBREVIATION = re.compile(
    "|".join(rf"(?<=\b{word})\.(?=\s*\d)" for word in ("art", "al", "para", "no", "nr", "n", "p", "ch"))
    + "|" + "|".join(rf"(?<=\b{word})\.(?=\s)" for word in ("m", "mme", "mr", "mrs", "ms", "dr", "cf", "st", "ste"))
)
# Letter closings and the reminder of the legal deadline ask for nothing: the sentence pass
# skips sentences that open with one. Matched on folded text.
FORMULA = re.compile(
    r"^\W*(yours (faithfully|sincerely|truly)|kind regards|best regards|with regards|sincerely"
    r"|je vous prie d'agreer|veuillez agreer|je vous prie de croire|salutations distinguees"
    r"|dans l'attente de votre reponse|in anticipation of your|i look forward to (hearing|your)"
    r"|vous disposez d'un delai|je vous rappelle que vous disposez|you have (one|1|a) (calendar )?month"
    r"|i remind you that you have|please (reply|respond) within"
    # the threat of a complaint: "à défaut, je saisirai la CNIL", "failing which I will complain to the ICO"
    r"|(et |and )?(qu'|que )?(a defaut|faute de reponse|sans reponse de votre part|sinon|failing (which|that|this)"
    r"|otherwise|if i do not hear)\b[^.!?]{0,60}\b(cnil|ico|plainte|complain|complaint|regulator|autorite|authority)"
    r"|(je me reserve le droit|i reserve (the|my) right|je saisirai|i will (complain|refer))\b)\b"
)
FORMULA_LENGTH = 160  # longer sentences that open with a formula go on to ask something
# A greeting on a line of its own ("Dear Data Protection Officer,") asks nothing either.
GREETING = re.compile(
    r"^\W*(dear|hi|hello|hey|good (morning|afternoon|evening)|to whom it may concern|bonjour|bonsoir"
    r"|salut|slt|bjr|bsr|madame|monsieur|mesdames|messieurs|cher|chere|chers|a l'attention)\b"
    r"[^.!?]{0,50}[,:]$"
)
PATTERNS = Path(__file__).resolve().parents[2] / "intents" / "patterns"


CALIBRATION_FILE = "calibration.json"


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def sigmoid(x: float) -> float:
    """The logistic function, without overflow for large |x|."""
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    e = math.exp(x)
    return e / (1 + e)


CANDIDATE = 0.2  # a right this likely is checked sentence by sentence
SENTENCE_HIT = 0.6  # a sentence that reads as this right makes it one of the mail's intents
# A right the whole mail barely suggests (the bag of words reads the mail's main request) is
# still looked for: it joins the intents, after the others, only where a sentence clearly asks
# for it ("Avant que vous supprimiez tout, je veux une copie de ce que vous avez gardé").
FAINT = 0.05
FAINT_HIT = 0.8


def folded(subject: str, body: str) -> str:
    return fold(f"{subject}\n{body}")[:MODEL_CHARS]


def model_text(subject: str, body: str) -> str:
    """What the model reads: subject and body, folded and capped (the tokenizer adds stems)."""
    return folded(subject, body)


@dataclass
class Classifier:
    nlp: Language
    rules: Rules
    review_threshold: float = REVIEW_THRESHOLD
    risky_review_threshold: float = RISKY_REVIEW_THRESHOLD
    calibration: dict[str, dict[str, float]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path, *, review_threshold: float = REVIEW_THRESHOLD,
             risky_review_threshold: float = RISKY_REVIEW_THRESHOLD,
             patterns: Path = PATTERNS) -> Classifier:
        path = Path(path)
        if not (path / "meta.json").exists():
            raise ModelNotTrainedError(f"no intent model at {path}: run `mailbot train` (or `make model`)")
        nlp = spacy.load(path)
        warm_up()
        calibration_file = path / CALIBRATION_FILE
        calibration = json.loads(calibration_file.read_text()) if calibration_file.exists() else {}
        return cls(nlp=nlp, rules=Rules(nlp, patterns), review_threshold=review_threshold,
                   risky_review_threshold=risky_review_threshold, calibration=calibration)

    def classify(self, subject: str, body: str, *, lang: str | None = None) -> Classification:
        return self.classify_many([(subject, body)], langs=[lang])[0]

    def classify_many(
        self, items: Sequence[tuple[str, str]], *, langs: Sequence[str | None] | None = None
    ) -> list[Classification]:
        """Classify (subject, clean body) pairs; bodies are already free of quoted history."""
        texts = [folded(s, b) for s, b in items]
        langs = langs or [None] * len(items)
        results = []
        docs = list(self.nlp.pipe(texts, batch_size=256))
        views = self._asking_views(docs, texts)
        for i, ((subject, body), text, lang, doc) in enumerate(zip(items, texts, langs, docs, strict=True)):
            body_start = min(len(fold(subject)) + 1, len(text))
            results.append(self._decide(doc, text, lang or detect_language(f"{subject}\n{body}"), body_start, views.get(i)))
        return results

    def _asking_views(self, docs: list[Doc], texts: list[str]) -> dict[int, dict[str, float]]:
        """The classifier's reading of the asking sentences alone, for each long mail that has
        some: the words the tokenizer marked `^` (they close the document), in one batch."""
        todo = []
        for i, (doc, text) in enumerate(zip(docs, texts, strict=True)):
            if len(text) >= LONG_MAIL:
                marks = list(itertools.takewhile(lambda word: word[0] == "^" and len(word) > 1,
                                                 (token.text for token in reversed(doc))))[::-1]
                if len(marks) >= 3:
                    words = [mark[1:] for mark in marks]
                    todo.append((i, Doc(self.nlp.vocab, words=words + stems(words) + marks)))
        textcat = self.nlp.get_pipe("textcat_multilabel")
        return {i: view.cats for (i, _), view in zip(todo, textcat.pipe(d for _, d in todo), strict=True)}  # type: ignore[attr-defined]

    def _decide(self, doc: Doc, text: str, lang: str, body_start: int = 0,
                view: dict[str, float] | None = None) -> Classification:
        evidence = self.rules.evidence(doc, text)
        adjust = adjustments(evidence)
        # A long mail's score is the mean of its reading whole and of its asking sentences'.
        cats = doc.cats if view is None else {
            label: sigmoid((logit(p) + logit(view[label])) / 2) for label, p in doc.cats.items()}
        scores = {
            label: sigmoid(logit(score) + adjust.get(label, 0.0)) for label, score in cats.items()
        }
        if not text.strip():
            return Classification(Intent.OTHER, (Intent.OTHER,), 0.0, lang, needs_review=True)
        rights = {label: s for label, s in scores.items() if label != Intent.OTHER.value}
        active = [label for label, s in rights.items() if s >= ACTIVE]
        best = max(scores, key=scores.__getitem__)
        if best != Intent.OTHER.value and best not in active:
            active.append(best)  # the model's first choice, even when it is not sure
        if not active:
            return self._result([Intent.OTHER.value], 1.0 - max(rights.values(), default=0.0), lang, evidence)
        # A mail that asks a right may ask more: sentences find and place the others. They
        # never turn ordinary mail into a request ("supprimez le paiement en double").
        candidates = [label for label, s in rights.items() if s >= CANDIDATE]
        faint = [label for label, s in rights.items() if FAINT <= s < CANDIDATE]
        if len(candidates) + len(faint) < 2:
            return self._result(active, scores[active[0]], lang, evidence)
        hits = {label: SENTENCE_HIT for label in candidates} | {label: FAINT_HIT for label in faint}
        sentence_at, reads, asking = self._sentences(doc, text, hits, evidence, body_start)
        active += [label for label in sentence_at if label not in active and label not in faint]
        ordered = self._order(active, evidence, sentence_at, reads, asking, scores, body_start)
        ordered += [label for label in faint if label not in ordered
                    and any(at in asking for at in sentence_at.get(label, ()))]
        return self._result(ordered, scores[ordered[0]], lang, evidence)

    def _result(self, labels: list[str], confidence: float, lang: str, evidence: list[Evidence]) -> Classification:
        mapping = self.calibration.get("other" if labels[0] == Intent.OTHER.value else "right")
        if mapping:
            confidence = sigmoid(mapping["a"] * logit(confidence) + mapping["b"])
        threshold = self.threshold(Intent(labels[0]))
        if lang not in ("en", "fr", "und"):
            # Other languages: best effort, always below the threshold so that a person reads it.
            confidence = min(confidence, threshold - 0.01)
        return Classification(
            Intent(labels[0]),
            tuple(Intent(label) for label in labels),
            confidence,
            lang,
            needs_review=confidence < threshold,
            evidence=tuple(sorted({e.pattern for e in evidence if e.weight > 0})),
        )

    def threshold(self, intent: Intent) -> float:
        """The least confidence at which the answer is acted on without a person."""
        return self.risky_review_threshold if intent in RISKY else self.review_threshold

    @property
    def tokenizer(self) -> FoldedWords:
        tokenizer = self.nlp.tokenizer
        if not isinstance(tokenizer, FoldedWords):
            raise ModelNotTrainedError("the intent model was built with another tokenizer: run `mailbot train`")
        return tokenizer

    def _sentences(self, doc: Doc, text: str, hits: dict[str, float], evidence: list[Evidence],
                   body_start: int = 0) -> tuple[dict[str, list[int]], dict[int, str], set[int]]:
        """Where each candidate right is asked: the sentences that read as it at least as surely
        as `hits` says (their words and the rule matches inside them), the subject being a
        sentence of its own; what every sentence, by its start, reads as; and which sentences
        ask something. Sentences reuse the mail's tokens; only the text classifier runs again."""
        offsets: list[int] = doc.user_data["offsets"]
        # Hard-wrapped lines are joined first (same length, so offsets still match the text).
        words = [token.text for token in doc[: len(offsets)]]
        spans: list[tuple[int, int, Doc]] = []
        asking: set[int] = set()
        index = 0
        joined = ABBREVIATION.sub(" ", WRAPPED.sub(" ", text))
        matches = itertools.chain(SENTENCE.finditer(joined, 0, body_start), SENTENCE.finditer(joined, body_start))
        for match in matches:
            first = index
            while index < len(offsets) and offsets[index] < match.end():
                index += 1
            sentence = match.group().strip()
            if index > first and len(sentence) > 3 and not GREETING.match(sentence) and not (
                    len(sentence) < FORMULA_LENGTH and FORMULA.match(sentence)):
                lead = len(match.group()) - len(match.group().lstrip())  # a sentence starts at its first letter
                spans.append((match.start() + lead, match.end(), self.tokenizer.words(words[first:index])))
                if ASKING.search(sentence):
                    asking.add(match.start() + lead)
                if len(spans) == 40:
                    break
        textcat = self.nlp.get_pipe("textcat_multilabel")
        found: dict[str, list[int]] = {}
        reads: dict[int, str] = {}
        for (start, end, _), sentence in zip(spans, textcat.pipe(s for *_, s in spans), strict=True):  # type: ignore[attr-defined]
            adjust = adjustments([e for e in evidence if start <= e.start < end], again=True)
            cats = {label: sigmoid(logit(p) + adjust.get(label, 0.0)) for label, p in sentence.cats.items()}
            top = max(cats, key=cats.__getitem__)
            if adjust.get(top, 0.0) <= 0 and top != max(sentence.cats, key=sentence.cats.__getitem__):
                top = Intent.OTHER.value  # its own reading was refused ("I want to keep my account")
            reads[start] = top
            if top in hits and cats[top] >= hits[top]:
                found.setdefault(top, []).append(start)
        return found, reads, asking

    def _order(self, active: list[str], evidence: list[Evidence], sentence_at: dict[str, list[int]],
               reads: dict[int, str], asking: set[int], scores: dict[str, float], body_start: int = 0) -> list[str]:
        """Intents in the order asked in the body: the first sentence that reads as the right or
        holds a rule match for it, and that asks for something if one does ("my address is
        wrong. Until you check it, don't use it, then correct it"). A right the subject names
        and the body does not ask comes first. In one sentence, the right it reads as comes
        first, then the stronger."""
        if len(active) == 1:
            return active
        starts = sorted(reads)
        places: dict[str, list[int]] = {label: list(sentence_at.get(label, ())) for label in active}
        for e in evidence:
            if e.weight > 0 and e.label in places:
                i = bisect.bisect_right(starts, e.start) - 1
                places[e.label].append(starts[i] if i >= 0 else e.start)

        def position(label: str) -> int:
            body = [at for at in places[label] if at >= body_start]
            if body:
                return min([at for at in body if at in asking] or body)
            subject = [at for at in places[label] if at < body_start]
            return min(subject) - 10**9 if subject else 10**9  # named in the subject only: first

        at = {label: position(label) for label in active}
        return sorted(active, key=lambda label: (at[label], reads.get(at[label]) != label, -scores[label]))


def prepare(subject: str, body: str) -> tuple[str, str]:
    """Clean raw input as the pipeline would: HTML to text, quoted history removed."""
    if re.search(r"<(html|body|p|div|br)\b", body[:2000], re.IGNORECASE):
        body = html_to_text(body)
    return normalise(subject), strip_quoted(normalise(body))


@lru_cache(maxsize=2)
def load_classifier(path: str, review_threshold: float = REVIEW_THRESHOLD,
                    risky_review_threshold: float = RISKY_REVIEW_THRESHOLD) -> Classifier:
    """The process-wide classifier for `path`, loaded on first use."""
    return Classifier.load(path, review_threshold=review_threshold, risky_review_threshold=risky_review_threshold)


def classify_records(classifier: Classifier, records: Iterable[dict[str, str]]) -> list[Classification]:
    pairs = [prepare(str(r.get("subject") or ""), str(r.get("body") or "")) for r in records]
    return classifier.classify_many(pairs)
