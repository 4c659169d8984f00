"""The layer rules of STYLE.md: a module imports only from its own layer and below."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "mailbot"
LAYERS = {
    0: ["mailbot.errors", "mailbot.config", "mailbot.logs", "mailbot.clock"],
    1: ["mailbot.classify", "mailbot.mail.parse", "mailbot.mail.screen", "mailbot.mail.outgoing",
        "mailbot.mail.text", "mailbot.mail.auth", "mailbot.cases.states", "mailbot.cases.deadlines",
        "mailbot.replies"],
    2: ["mailbot.cases.models", "mailbot.cases.db"],
    3: ["mailbot.cases"],
    4: ["mailbot.mail.imap", "mailbot.mail.smtp_in", "mailbot.mail.smtp", "mailbot.connectors"],
    5: ["mailbot.__main__", "mailbot.workers", "mailbot.pipeline", "mailbot.daemon", "mailbot.cli", "mailbot.web", "mailbot.runtime",
        "mailbot.migrations"],
}


def layer_of(module: str) -> int:
    best, length = None, -1
    for layer, prefixes in LAYERS.items():
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > length:
                best, length = layer, len(prefix)
    assert best is not None, f"{module} has no layer"
    return best


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(relative.parts).removesuffix(".__init__")
        if name == "mailbot" or ".migrations.versions" in name:
            continue
        if path.name == "__init__.py" and not imports(path):
            continue  # a package docstring
        found.append((name, path))
    return found


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mailbot"):
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("mailbot"))
    return names


def test_no_module_imports_from_a_higher_layer() -> None:
    violations = []
    for name, path in modules():
        own = layer_of(name)
        for imported in imports(path):
            if imported == "mailbot":
                continue
            if layer_of(imported) > own:
                violations.append(f"{name} (L{own}) imports {imported} (L{layer_of(imported)})")
    assert not violations, "\n".join(violations)


def test_only_the_sender_talks_smtp_and_web_cli_change_cases_through_cases() -> None:
    for name, path in modules():
        source = path.read_text(encoding="utf-8")
        if "smtplib" in source:
            assert name == "mailbot.mail.smtp", name
        if name.startswith(("mailbot.web", "mailbot.cli")):
            assert "lifecycle" not in {i.rsplit(".", 1)[-1] for i in imports(path)}, name
