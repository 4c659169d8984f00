"""Model commands: classify (JSON lines), evaluate, train."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from itertools import islice
from pathlib import Path
from typing import Any

from mailbot.classify.corpus import load_examples, split_of
from mailbot.classify.evaluate import evaluate, load_jsonl
from mailbot.classify.model import Classifier, classify_records, load_classifier
from mailbot.cli.common import emit_json
from mailbot.config import Settings

INTENTS_DIR = Path(__file__).resolve().parents[2] / "intents"


def _parse_line(line: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, {"id": None, "error": f"not JSON: {exc.msg} at column {exc.colno}"}
    if not isinstance(record, dict):
        return None, {"id": None, "error": "expected a JSON object with id, subject, body"}
    bad = [k for k in ("subject", "body") if k in record and not isinstance(record[k], str | type(None))]
    if bad:
        return None, {"id": record.get("id"), "error": f"{', '.join(bad)} must be text"}
    return record, None


def cmd_classify(args: argparse.Namespace, settings: Settings) -> int:
    classifier = load_classifier(args.model or settings.classify.model_path, settings.classify.review_threshold,
                                 settings.classify.risky_review_threshold)
    lines = (line for line in sys.stdin if line.strip())
    while batch := list(islice(lines, 256)):
        parsed = [_parse_line(line) for line in batch]
        good = [record for record, error in parsed if record is not None]
        results = iter(classify_records(classifier, good))
        for record, error in parsed:
            if record is None:
                emit_json(error)
            else:
                emit_json({"id": record.get("id"), **next(results).as_json()})
    return 0


def test_split(data_dir: Path) -> list[dict[str, Any]]:
    return [r for r in load_examples(data_dir) if split_of(r) == "test"]


def cmd_evaluate(args: argparse.Namespace, settings: Settings) -> int:
    classifier = Classifier.load(args.model or settings.classify.model_path,
                                 review_threshold=settings.classify.review_threshold,
                                 risky_review_threshold=settings.classify.risky_review_threshold)
    records = load_jsonl(args.test) if args.test else test_split(Path(args.data))
    metrics = evaluate(classifier, records)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(metrics, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    overall = metrics["overall"]
    print(f"{'label':<12} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}")
    for label, row in overall["per_label"].items():
        print(f"{label:<12} {row['precision']:>6.3f} {row['recall']:>6.3f} {row['f1']:>6.3f} {row['support']:>5}")
    by_lang = "  ".join(f"{k} {v['macro_f1']:.3f}" for k, v in metrics["by_language"].items())
    print(f"macro-F1 {overall['macro_f1']:.3f} ({by_lang}); other->risky {metrics['other_as_risky']} "
          f"({metrics['other_as_risky_above_threshold']} above threshold); "
          f"unsubscribe->delete {metrics['unsubscribe_as_delete']}; metrics in {output}")
    floor = args.min_macro_f1
    if floor is not None:
        worst = min([overall["macro_f1"], *(v["macro_f1"] for v in metrics["by_language"].values())])
        if worst < floor:
            print(f"macro-F1 {worst:.3f} is below the floor {floor}", file=sys.stderr)
            return 1
    return 0


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    project = Path(args.project)
    command = [sys.executable, "-m", "spacy", "project", "run", "all", str(project)]
    if args.training_config:
        command += ["--vars.config", args.training_config]
    if args.force:
        command.append("--force")
    return subprocess.run(command, check=False).returncode  # noqa: S603 - our own interpreter


def register(commands: Any) -> None:
    classify = commands.add_parser("classify", help="JSON lines {id, subject, body} on stdin -> intents on stdout")
    classify.add_argument("--model", help="model directory (default classify.model_path)")
    classify.set_defaults(func=cmd_classify)
    evaluate_cmd = commands.add_parser("evaluate", help="measure the classifier on the fixed test split")
    evaluate_cmd.add_argument("--model", help="model directory (default classify.model_path)")
    evaluate_cmd.add_argument("--data", default=str(INTENTS_DIR / "data"), help="JSONL data; its test split is used")
    evaluate_cmd.add_argument("--test", help="a JSONL file to evaluate on instead")
    evaluate_cmd.add_argument("--output", default=str(INTENTS_DIR / "metrics" / "evaluation.json"))
    evaluate_cmd.add_argument("--min-macro-f1", type=float, help="exit 1 below this floor (overall or any language)")
    evaluate_cmd.set_defaults(func=cmd_evaluate)
    train = commands.add_parser("train", help="rebuild the model from intents/ (the spaCy project workflow)")
    train.add_argument("--project", default=str(INTENTS_DIR))
    train.add_argument("--training-config", help="configs/<name> to use, e.g. tiny.cfg")
    train.add_argument("--force", action="store_true", help="rerun steps even if their inputs did not change")
    train.set_defaults(func=cmd_train)
