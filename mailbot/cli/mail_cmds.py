"""Mail commands: run, ingest, inspect, retry, status, db upgrade, demo seed."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from mailbot.cases.db import make_engine, transaction, upgrade
from mailbot.cases.inbound import requeue_shunted, store_inbound
from mailbot.cases.status import status
from mailbot.classify.labels import Intent
from mailbot.classify.model import Classifier, load_classifier
from mailbot.cli.common import emit_json, runtime
from mailbot.config import Settings
from mailbot.connectors.demo import seed
from mailbot.daemon import Daemon
from mailbot.mail.parse import parse_mail
from mailbot.mail.screen import ScreenContext, screen


class Progress:
    """A line on stderr every few hundred mails during long drains."""

    def __init__(self, every: int = 250) -> None:
        self.every, self.started = every, time.monotonic()

    def __call__(self, done: int) -> None:
        if done % self.every == 0:
            rate = done / max(time.monotonic() - self.started, 1e-6)
            print(f"  {done} mails processed ({rate:.0f}/s)", file=sys.stderr, flush=True)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    rt = runtime(settings)
    try:
        daemon = Daemon(rt)
        if args.once:
            result = daemon.run_once(progress=Progress())
            print(" ".join(f"{k}={v}" for k, v in result.items()), file=sys.stderr)
        else:
            daemon.run()
    finally:
        rt.close()
    return 0


def _read(name: str) -> bytes:
    return sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    """Store files as inbound mail, then run the pipeline and the outbox once."""
    rt = runtime(settings)
    failures = 0
    try:
        for name in args.files:
            try:
                raw = _read(name)
            except OSError as exc:
                print(f"{name}: cannot read: {exc.strerror}", file=sys.stderr)
                failures += 1
                continue
            with transaction(rt.factory) as session:
                row, created = store_inbound(raw, source="file", session=session, now=rt.clock())
                session.flush()
                print(f"{name}: {'stored as' if created else 'already stored as'} mail {row.id}", file=sys.stderr)
        result = Daemon(rt).run_once(progress=Progress())
        print(" ".join(f"{k}={v}" for k, v in result.items()), file=sys.stderr)
    finally:
        rt.close()
    return 1 if failures else 0


def inspect_one(raw: bytes, classifier: Classifier, settings: Settings) -> dict[str, Any]:
    """Parse, screen, classify and decide, without touching any state."""
    mail = parse_mail(raw)
    verdict = screen(mail, ScreenContext(org_address=settings.org.address,
                                         message_id_domain=settings.org.message_id_domain,
                                         loop_id=settings.org.loop_id, daily_cap=settings.outbox.daily_cap))
    out: dict[str, Any] = {"kind": None, "intent": None, "intents": [], "confidence": None,
                           "lang": mail.lang, "would_reply": False, "error": None,
                           "screen_rule": verdict.rule if verdict else None,
                           "screen_reason": verdict.reason if verdict else None,
                           "defects": list(mail.defects), "needs_review": None}
    if verdict is not None and verdict.rule != "no_sender":
        out["kind"] = verdict.kind
        if verdict.kind == "error":
            out["error"] = verdict.reason
        return out
    result = classifier.classify(mail.subject, mail.text, lang=mail.lang)
    out.update(result.as_json())
    out["needs_review"] = result.needs_review
    out["kind"] = "request" if result.intent is not Intent.OTHER else "other"
    out["would_reply"] = bool(verdict is None and out["kind"] == "request" and not result.needs_review)
    return out


def cmd_inspect(args: argparse.Namespace, settings: Settings) -> int:
    classifier = load_classifier(settings.classify.model_path, settings.classify.review_threshold,
                                 settings.classify.risky_review_threshold)
    failures = 0
    for name in args.files:
        try:
            result = {"file": name, **inspect_one(_read(name), classifier, settings)}
        except OSError as exc:
            failures += 1
            result = {"file": name, "kind": "error", "intent": None, "intents": [], "confidence": None,
                      "lang": None, "would_reply": False, "error": f"cannot read: {exc.strerror}"}
        if args.json:
            emit_json(result)
        else:
            print(f"{name}: {result['kind']} {result['intent'] or ''} "
                  f"{'reply' if result['would_reply'] else 'no reply'} {result['error'] or ''}".rstrip())
    return 1 if failures else 0


def cmd_retry(args: argparse.Namespace, settings: Settings) -> int:
    rt = runtime(settings)
    try:
        with transaction(rt.factory) as session:
            count = requeue_shunted(args.ids, session=session)
        print(f"{count} shunted mails queued again; `mailbot run --once` processes them", file=sys.stderr)
    finally:
        rt.close()
    return 0


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    rt = runtime(settings)
    try:
        with rt.factory() as session:
            counts = status(session=session, now=rt.clock())
    finally:
        rt.close()
    if args.json:
        emit_json(counts)
        return 0
    print(f"inbound: {counts['inbound_total']} total, {counts['inbound_pending']} pending, "
          f"{counts['shunted']} shunted; oldest pending {counts['oldest_pending_seconds'] or 0:.0f}s")
    print("cases: " + (", ".join(f"{k} {v}" for k, v in sorted(counts["cases_by_state"].items())) or "none"))
    print(f"outbox: {counts['outbox_pending']} pending, {counts['outbox_sent']} sent, "
          f"{counts['outbox_failed']} failed")
    return 0


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    engine = make_engine(settings.database.url)
    try:
        upgrade(engine, args.revision)
    finally:
        engine.dispose()
    print(f"database at {args.revision}", file=sys.stderr)
    return 0


def cmd_demo_seed(args: argparse.Namespace, settings: Settings) -> int:
    engine = make_engine(settings.directory_url)
    try:
        count = seed(engine)
    finally:
        engine.dispose()
    print(f"demo directory {settings.directory_url}: {count} fictional accounts", file=sys.stderr)
    return 0


def register(commands: Any) -> None:
    run = commands.add_parser("run", help="run the daemon")
    run.add_argument("--once", action="store_true", help="drain what is waiting, then exit 0")
    run.set_defaults(func=cmd_run)
    ingest = commands.add_parser("ingest", help="feed raw mail files (or - for stdin) through the pipeline")
    ingest.add_argument("files", nargs="+")
    ingest.set_defaults(func=cmd_ingest)
    inspect = commands.add_parser("inspect", help="parse, screen, classify and decide, without side effects")
    inspect.add_argument("files", nargs="+")
    inspect.add_argument("--json", action="store_true", help="one JSON object per file")
    inspect.set_defaults(func=cmd_inspect)
    retry = commands.add_parser("retry", help="queue shunted mail again")
    retry.add_argument("ids", nargs="*", type=int)
    retry.set_defaults(func=cmd_retry)
    stat = commands.add_parser("status", help="counts per state, oldest waiting mail, outbox backlog")
    stat.add_argument("--json", action="store_true")
    stat.set_defaults(func=cmd_status)
    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    up = db_commands.add_parser("upgrade", help="migrate the schema to the newest revision")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(func=cmd_db)
    demo = commands.add_parser("demo", help="the demo account directory")
    demo_commands = demo.add_subparsers(dest="demo_command", required=True)
    demo_commands.add_parser("seed", help="create the demo directory with fictional accounts").set_defaults(
        func=cmd_demo_seed)

