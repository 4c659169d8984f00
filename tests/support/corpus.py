"""The project's own mail corpus (tests/corpus): committed files and generated large ones."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def manifest() -> list[dict[str, Any]]:
    return json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))


def entries(folder: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
    return [e for e in manifest() if (folder is None or e["file"].startswith(folder + "/"))
            and (kind is None or e["kind"] == kind)]


def raw(entry: dict[str, Any]) -> bytes:
    return (CORPUS / entry["file"]).read_bytes()


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus_generate", CORPUS / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
