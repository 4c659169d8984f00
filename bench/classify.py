"""Benchmark of the intent classifier: throughput on 2 KB bodies, model load time, memory.

Run: `.venv/bin/python bench/classify.py` (one core: `taskset -c 0 …`). Writes
bench/results/classify.json. Bodies are built from the project's own test split, padded
to about 2 KB with the rest of the split, so the text is realistic mail, not lorem ipsum.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mailbot.classify.corpus import load_examples, split_of  # noqa: E402
from mailbot.classify.model import Classifier, prepare  # noqa: E402

PASSES = 5  # this VM's speed varies by ±15 % from minute to minute: best, median, worst


def bodies(target: int = 2048, count: int = 5000) -> list[tuple[str, str]]:
    pool = [r for r in load_examples(ROOT / "intents" / "data") if split_of(r) == "test"]
    items = []
    for i in range(count):
        record = pool[i % len(pool)]
        body, j = record["body"], i
        while len(body) < target:
            j += 7
            body += "\n\n" + pool[j % len(pool)]["body"]
        items.append(prepare(record["subject"], body[:target]))
    return items


def main() -> None:
    model = Path(os.environ.get("BENCH_MODEL", ROOT / "intents" / "training" / "model-best"))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    classifier = Classifier.load(model)
    classifier.classify("warm", "up")
    load_seconds = time.perf_counter() - started
    items = bodies()
    rates = []
    for _ in range(PASSES):
        started = time.perf_counter()
        for start in range(0, len(items), 256):
            classifier.classify_many(items[start : start + 256])
        rates.append(len(items) / (time.perf_counter() - started))
    result = {
        "mails": len(items),
        "body_bytes": 2048,
        "passes": PASSES,
        "mails_per_second": round(max(rates), 1),
        "mails_per_second_median": round(statistics.median(rates), 1),
        "mails_per_second_worst": round(min(rates), 1),
        "model_load_seconds": round(load_seconds, 2),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rss_before_load_mb": round(rss_before / 1024, 1),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "classify.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
