"""Calibrate the classifier's confidence on the dev split (Platt scaling).

The raw confidence (model score adjusted by rule evidence) ranks mail well but is not a
probability. On examples the model never trained on, fit `P(correct) = sigmoid(a·logit(c) + b)`,
separately for answers that are a right and answers that are `other`, and store the two maps
beside the model (`calibration.json`); `Classifier.load` applies them. Run as the project's
`calibrate` step: `python -m mailbot.classify.calibrate --model M --dev corpus/dev.jsonl`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from mailbot.classify.model import CALIBRATION_FILE, Classifier, logit, prepare, sigmoid


def fit(xs: list[float], ys: list[int], *, steps: int = 200, ridge: float = 1e-2) -> tuple[float, float]:
    """One-feature logistic regression by Newton's method (a few thousand points at most).

    A small ridge pulls (a, b) towards the identity map (1, 0): on data that one threshold
    separates perfectly, the unpenalised fit runs off to infinity."""
    a, b = 1.0, 0.0
    for _ in range(steps):
        ga, gb = ridge * (a - 1), ridge * b
        haa = hbb = ridge
        hab = 0.0
        for x, y in zip(xs, ys, strict=True):
            p = sigmoid(a * x + b)
            w = p * (1 - p)
            ga += (p - y) * x
            gb += p - y
            haa += w * x * x
            hab += w * x
            hbb += w
        det = haa * hbb - hab * hab
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        a, b = a - da, b - db
        if abs(da) + abs(db) < 1e-8:
            break
    return a, b


def calibrate(classifier: Classifier, records: list[dict[str, Any]]) -> dict[str, Any]:
    classifier.calibration = {}
    results = classifier.classify_many([prepare(r["subject"], r["body"]) for r in records])
    groups: dict[str, tuple[list[float], list[int]]] = {"right": ([], []), "other": ([], [])}
    for record, result in zip(records, results, strict=True):
        group = "other" if result.intent.value == "other" else "right"
        groups[group][0].append(logit(result.confidence))
        groups[group][1].append(int(result.intent.value == record["label"]))
    maps = {}
    for group, (xs, ys) in groups.items():
        if len(xs) >= 20 and 0 < sum(ys) < len(ys):
            a, b = fit(xs, ys)
            maps[group] = {"a": round(a, 6), "b": round(b, 6), "n": len(xs), "accuracy": round(sum(ys) / len(ys), 4)}
    return maps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--dev", required=True)
    args = parser.parse_args()
    records = [json.loads(line) for line in Path(args.dev).read_text(encoding="utf-8").splitlines() if line.strip()]
    maps = calibrate(Classifier.load(args.model), records)
    (Path(args.model) / CALIBRATION_FILE).write_text(json.dumps(maps, indent=2) + "\n")
    print(json.dumps(maps))


if __name__ == "__main__":
    main()
