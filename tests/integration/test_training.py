"""The model is built from files: the spaCy project workflow runs end to end, and the
shipped model stays above a floor on the fixed test split."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import spacy

import mailbot.classify.tokenizer  # noqa: F401 - registers the model's tokenizer
from mailbot.classify.model import logit
from tests.conftest import MODEL, ROOT

INTENTS = ROOT / "intents"
FLOOR = 0.85  # CI floor; the measured figure is in README.md


def test_workflow_runs_end_to_end_on_a_tiny_config(tmp_path: Path) -> None:
    project = tmp_path / "intents"
    project.mkdir()
    for name in ("project.yml", "configs", "patterns"):
        source = INTENTS / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / name)
    (project / "data").mkdir()
    (tmp_path / "mailbot").symlink_to(INTENTS.parent / "mailbot")  # the steps depend on its code
    for path in sorted((INTENTS / "data").glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()[:60]
        (project / "data" / path.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mailbot", "train", "--project", str(project),
                             "--training-config", "tiny.cfg"], capture_output=True, timeout=600)
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    assert (project / "training" / "model-best" / "meta.json").exists()
    metrics = json.loads((project / "metrics" / "evaluation.json").read_text())
    assert {"overall", "by_language", "confusion", "other_as_risky", "calibration"} <= metrics.keys()
    # The model is the seeds' average: it scores a text with the mean of their logits.
    runs = sorted((project / "training").glob("seed-*/model-last"))
    assert len(runs) == 5
    texts = ["merci de supprimer mon compte", "send me a copy of my data", "stop the newsletter"]
    seeds = [[doc.cats for doc in spacy.load(run).pipe(texts)] for run in runs]
    for i, doc in enumerate(spacy.load(project / "training" / "model-best").pipe(texts)):
        for label, score in doc.cats.items():
            assert logit(score) == pytest.approx(sum(logit(s[i][label]) for s in seeds) / len(seeds), abs=1e-3)


def test_evaluate_on_the_test_split_stays_above_the_floor(tmp_path: Path) -> None:
    output = tmp_path / "evaluation.json"
    result = subprocess.run([sys.executable, "-m", "mailbot", "evaluate", "--model", str(MODEL),
                             "--output", str(output), "--min-macro-f1", str(FLOOR)], capture_output=True, timeout=600)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()
    metrics = json.loads(output.read_text())
    assert metrics["overall"]["n"] > 300
    assert metrics["unsubscribe_as_delete"] == 0
    assert metrics["other_as_risky_above_threshold"] <= 2
