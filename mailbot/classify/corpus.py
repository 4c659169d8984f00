"""Training data: read `intents/data/*.jsonl`, split it by a fixed hash, write DocBins.

Run as `python -m mailbot.classify.corpus DATA_DIR OUT_DIR` (the project's `convert` step).
The test split is decided by a hash of the text, so it never changes and is never trained on.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import spacy
from spacy.tokens import DocBin

from mailbot.classify.labels import LABELS
from mailbot.classify.model import model_text, prepare

REQUIRED = ("subject", "body", "label", "intents", "lang")


def load_examples(data_dir: str | Path) -> list[dict[str, Any]]:
    """Every example of every JSONL file, validated; errors name the file and line."""
    examples = []
    for path in sorted(Path(data_dir).glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            record = json.loads(line)
            missing = [k for k in REQUIRED if k not in record]
            if missing or record["label"] not in LABELS or record["intents"][:1] != [record["label"]]:
                raise ValueError(f"{path.name}:{number}: invalid example ({missing or record['label']})")
            unknown = set(record["intents"]) - set(LABELS)
            if unknown:
                raise ValueError(f"{path.name}:{number}: unknown intents {sorted(unknown)}")
            record["source"] = f"{path.name}:{number}"
            examples.append(record)
    return examples


def split_of(record: dict[str, Any]) -> str:
    """test (20 %), dev (10 %) or train (70 %), fixed by a hash of the text.

    The model trains on train; dev picks the best checkpoint and calibrates the confidence;
    the test split is only ever used by `mailbot evaluate`."""
    key = f"{record['lang']}\x00{record['subject']}\x00{record['body']}".encode()
    bucket = int(hashlib.sha1(key).hexdigest(), 16) % 10  # noqa: S324 - a split, not security
    return "test" if bucket < 2 else "dev" if bucket == 2 else "train"


def cats(record: dict[str, Any]) -> dict[str, float]:
    return {label: float(label in record["intents"]) for label in LABELS}


def convert(data_dir: str | Path, out_dir: str | Path) -> Counter[str]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    nlp = spacy.blank("xx", config={"nlp": {"tokenizer": {"@tokenizers": "mailbot.FoldedWords.v1"}}})
    bins = {"train": DocBin(), "dev": DocBin()}
    counts: Counter[str] = Counter()
    with (out / "test.jsonl").open("w", encoding="utf-8") as test, \
            (out / "dev.jsonl").open("w", encoding="utf-8") as dev:
        for record in load_examples(data_dir):
            split = split_of(record)
            counts[split] += 1
            if split == "test":
                test.write(json.dumps(record, ensure_ascii=False) + "\n")
                continue
            if split == "dev":
                dev.write(json.dumps(record, ensure_ascii=False) + "\n")
            doc = nlp.make_doc(model_text(*prepare(record["subject"], record["body"])))
            doc.cats = cats(record)
            bins[split].add(doc)
    for split, docbin in bins.items():
        docbin.to_disk(out / f"{split}.spacy")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data_dir")
    parser.add_argument("out_dir")
    args = parser.parse_args()
    counts = convert(args.data_dir, args.out_dir)
    print(json.dumps(dict(counts)))


if __name__ == "__main__":
    main()
