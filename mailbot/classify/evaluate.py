"""Measure the classifier (model + rules) on the held-out test split.

Per-label precision/recall/F1, the confusion matrix, macro-F1 overall and per language,
the dangerous errors (ordinary mail read as a risky right, unsubscribe read as delete),
and a calibration check. `python -m mailbot.classify.evaluate` is the project's step;
`mailbot evaluate` calls `evaluate()`.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

from mailbot.classify.labels import LABELS, RISKY
from mailbot.classify.model import PATTERNS, Classifier, prepare


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def scores(gold: list[str], predicted: list[str]) -> dict[str, Any]:
    per_label = {}
    for label in LABELS:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if p == label != g)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label != p)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        per_label[label] = {"precision": round(precision, 4), "recall": round(recall, 4),
                            "f1": round(_f1(precision, recall), 4), "support": tp + fn}
    present = [label for label in LABELS if per_label[label]["support"]]
    macro = sum(per_label[label]["f1"] for label in present) / len(present) if present else 0.0
    accuracy = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p) / len(gold) if gold else 0.0
    return {"macro_f1": round(macro, 4), "accuracy": round(accuracy, 4), "n": len(gold), "per_label": per_label}


def evaluate(classifier: Classifier, records: list[dict[str, Any]]) -> dict[str, Any]:
    pairs = [prepare(r["subject"], r["body"]) for r in records]
    results = classifier.classify_many(pairs)
    gold = [r["label"] for r in records]
    predicted = [c.intent.value for c in results]
    confusion = {g: dict.fromkeys(LABELS, 0) for g in LABELS}
    for g, p in zip(gold, predicted, strict=True):
        confusion[g][p] += 1
    risky = {i.value for i in RISKY}
    other_as_risky: list[dict[str, Any]] = [
        {"source": r.get("source"), "predicted": c.intent.value, "confidence": round(c.confidence, 3)}
        for r, c in zip(records, results, strict=True)
        if r["label"] == "other" and c.intent.value in risky
    ]
    threshold = classifier.risky_review_threshold
    metrics: dict[str, Any] = {
        "overall": scores(gold, predicted),
        "by_language": {
            lang: scores([g for g, r in zip(gold, records, strict=True) if r["lang"] == lang],
                         [p for p, r in zip(predicted, records, strict=True) if r["lang"] == lang])
            for lang in sorted({r["lang"] for r in records})
        },
        "confusion": confusion,
        "other_as_risky": len(other_as_risky),
        "other_as_risky_above_threshold": sum(1 for e in other_as_risky if e["confidence"] >= threshold),
        "other_as_risky_examples": other_as_risky[:20],
        # Pure unsubscribe requests read as erasure (a mail asking both may lead with either).
        "unsubscribe_as_delete": sum(1 for r, p in zip(records, predicted, strict=True)
                                     if r["label"] == "unsubscribe" and p == "delete" and "delete" not in r["intents"]),
        "review_threshold": classifier.review_threshold,
        "risky_review_threshold": threshold,
        "sent_to_review": sum(1 for c in results if c.needs_review),
        "calibration": _calibration(gold, results),
        "multi_intent_exact": _multi(records, results),
        "language_detection_accuracy": round(
            sum(1 for r, c in zip(records, results, strict=True) if c.lang == r["lang"]) / len(records), 4
        ) if records else 0.0,
    }
    return metrics


def _calibration(gold: list[str], results: list[Any]) -> list[dict[str, Any]]:
    """Accuracy per confidence band: a calibrated confidence matches its band."""
    bands: dict[str, Counter[str]] = {}
    for g, c in zip(gold, results, strict=True):
        band = f"{min(int(c.confidence * 5), 4) / 5:.1f}"
        bands.setdefault(band, Counter())["n"] += 1
        bands[band]["correct"] += int(c.intent.value == g)
    return [{"band": b, "n": v["n"], "accuracy": round(v["correct"] / v["n"], 3)} for b, v in sorted(bands.items())]


def _multi(records: list[dict[str, Any]], results: list[Any]) -> dict[str, Any]:
    multi = [(r, c) for r, c in zip(records, results, strict=True) if len(r["intents"]) > 1]
    exact = sum(1 for r, c in multi if [i.value for i in c.intents] == r["intents"])
    covered = sum(1 for r, c in multi if set(r["intents"]) <= {i.value for i in c.intents})
    return {"n": len(multi), "exact_order": exact, "all_found": covered}


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--test", required=True)
    parser.add_argument("--patterns", default=str(PATTERNS))
    parser.add_argument("--output", required=True)
    args = parser.parse_args()
    classifier = Classifier.load(args.model, patterns=Path(args.patterns))
    metrics = evaluate(classifier, load_jsonl(args.test))
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(metrics, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps({"macro_f1": metrics["overall"]["macro_f1"],
                      "by_language": {k: v["macro_f1"] for k, v in metrics["by_language"].items()},
                      "other_as_risky": metrics["other_as_risky"]}))


if __name__ == "__main__":
    main()
