"""The command-line contracts of DESIGN.md, run as an operator runs them."""

from __future__ import annotations

import json
import mailbox
import os
import signal
import smtplib
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from mailbot.classify.labels import LABELS
from tests.conftest import MODEL
from tests.support import corpus
from tests.support.dovecot import free_port
from tests.support.mails import make_mail

INSPECT_KEYS = {"file", "kind", "intent", "intents", "confidence", "lang", "would_reply", "error"}
STATUS_KEYS = {"inbound_total", "inbound_pending", "shunted", "cases_by_state", "outbox_pending", "outbox_failed"}


def mailbot(*args: str, cwd: Path, env: dict[str, str] | None = None, stdin: bytes | None = None,
            check: bool = True) -> subprocess.CompletedProcess[bytes]:
    full_env = {**os.environ, "MAILBOT_CLASSIFY_MODEL_PATH": str(MODEL), **(env or {})}
    result = subprocess.run([sys.executable, "-m", "mailbot", *args], cwd=cwd, env=full_env, input=stdin,
                            capture_output=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr.decode()[-3000:]
    return result


def test_quick_start_on_embedded_defaults(tmp_path: Path) -> None:
    """No configuration at all: SQLite and replies in a local Maildir under ./var/."""
    refused = mailbot("run", "--once", cwd=tmp_path, check=False)
    assert refused.returncode == 2 and b"mailbot db upgrade" in refused.stderr
    mailbot("db", "upgrade", cwd=tmp_path)
    mailbot("demo", "seed", cwd=tmp_path)
    request = tmp_path / "access_request.eml"
    request.write_bytes(make_mail("Accès à mes données", "Bonjour, je voudrais une copie de mes données personnelles.",
                                  sender="awa.diop@example.com"))
    mailbot("ingest", str(request), cwd=tmp_path)
    replies = list(mailbox.Maildir(str(tmp_path / "var" / "outbox"), create=False))
    subjects = sorted(str(m["Subject"]) for m in replies)
    assert len(replies) == 2 and all("WCU-" in s for s in subjects)  # acknowledgement + confirmation
    status = json.loads(mailbot("status", "--json", cwd=tmp_path).stdout)
    assert status.keys() >= STATUS_KEYS and status["cases_by_state"] == {"awaiting_identity": 1}
    cases = json.loads(mailbot("cases", "--json", cwd=tmp_path).stdout)
    detail = json.loads(mailbot("case", cases[0]["ref"], "--json", cwd=tmp_path).stdout)
    assert detail["intent"] == "access" and detail["timeline"]


def test_inspect_json_contract_and_no_side_effects(tmp_path: Path) -> None:
    files = [str(corpus.CORPUS / e["file"]) for e in corpus.manifest()]
    result = mailbot("inspect", "--json", *files, str(tmp_path / "missing.eml"), cwd=tmp_path, check=False)
    assert result.returncode == 1  # the missing file, reported in its own object
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(rows) == len(files) + 1
    by_file = {Path(r["file"]).relative_to(corpus.CORPUS).as_posix() if r["file"] in files else "missing": r
               for r in rows}
    for entry in corpus.manifest():
        row = by_file[entry["file"]]
        assert row.keys() >= INSPECT_KEYS
        assert row["kind"] in {"request", "bounce", "autoreply", "list", "other", "error"}
        if entry["kind"] in {"bounce", "autoreply", "list"}:
            assert row["kind"] in {"bounce", "autoreply", "list"} and row["would_reply"] is False
        if entry["kind"] == "error":
            assert row["kind"] == "error" and row["error"]
    assert by_file["missing"]["kind"] == "error" and "cannot read" in by_file["missing"]["error"]
    assert not (tmp_path / "var").exists()  # nothing written


def test_classify_json_lines_round_trip(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "subject": "Unsubscribe", "body": "Please take me off your mailing list"}),
        "this is not json",
        json.dumps({"id": 7, "subject": "", "body": "Je veux supprimer mon compte et toutes mes données"}),
        json.dumps({"id": "c", "subject": None, "body": None}),
        json.dumps({"id": "d", "subject": 5, "body": "x"}),
        json.dumps(["not", "an", "object"]),
    ]
    out = mailbot("classify", cwd=tmp_path, stdin=("\n".join(lines) + "\n").encode()).stdout.decode().splitlines()
    rows = [json.loads(line) for line in out]
    assert len(rows) == 6
    assert rows[0]["id"] == "a" and rows[0]["intent"] == "unsubscribe" and rows[0]["lang"] == "en"
    assert "error" in rows[1] and rows[1]["id"] is None
    assert rows[2]["id"] == 7 and rows[2]["intent"] == "delete" and rows[2]["lang"] == "fr"
    assert rows[3]["intent"] == "other"
    assert "error" in rows[4] and rows[4]["id"] == "d"
    assert "error" in rows[5]
    for row in (rows[0], rows[2], rows[3]):
        assert set(row) == {"id", "intent", "intents", "confidence", "lang"} and set(row["intents"]) <= set(LABELS)


def test_daemon_smtp_intake_http_and_graceful_stop(tmp_path: Path) -> None:
    mailbot("db", "upgrade", cwd=tmp_path)
    mailbot("demo", "seed", cwd=tmp_path)
    smtp_port, web_port = free_port(), free_port()
    env = {**os.environ, "MAILBOT_CLASSIFY_MODEL_PATH": str(MODEL), "MAILBOT_INTAKE_PORT": str(smtp_port),
           "MAILBOT_WEB_PORT": str(web_port), "MAILBOT_INTAKE_MAX_SIZE": "200000"}
    daemon = subprocess.Popen([sys.executable, "-m", "mailbot", "run"], cwd=tmp_path, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                client = smtplib.SMTP("127.0.0.1", smtp_port, timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline and daemon.poll() is None, "daemon did not start"
                time.sleep(0.1)
        with client:
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                client.sendmail("x@example.com", ["someone@wecashup.com"], b"Subject: x\r\n\r\nx")
            with pytest.raises(smtplib.SMTPException):
                client.sendmail("x@example.com", ["info@wecashup.com"], b"Subject: x\r\n\r\n" + b"x" * 300000)
            client.sendmail("kwame.mensah@example.com", ["info@wecashup.com"],
                            make_mail("Unsubscribe", "Unsubscribe me from your newsletter", sender="kwame@example.com"))
        outbox = tmp_path / "var" / "outbox"
        while not (outbox.exists() and list(mailbox.Maildir(str(outbox), create=False))):
            assert time.monotonic() < deadline, "no reply written"
            time.sleep(0.1)
        while True:  # the HTTP server starts in its own thread, maybe after the first reply
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{web_port}/healthz", timeout=5).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "HTTP server did not start"
                time.sleep(0.1)
        with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/api/status", timeout=5) as response:
            assert json.loads(response.read())["inbound_total"] == 1
        with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/metrics", timeout=5) as response:
            assert b"mailbot_inbound_pending" in response.read()
    finally:
        daemon.send_signal(signal.SIGTERM)
        code = daemon.wait(timeout=60)
        stderr = daemon.stderr.read().decode() if daemon.stderr else ""
        if daemon.stderr:
            daemon.stderr.close()
    assert code == 0, stderr[-2000:]
    assert "Traceback" not in stderr


def test_config_errors_are_clear(tmp_path: Path) -> None:
    result = mailbot("status", cwd=tmp_path, env={"MAILBOT_IMAP_SECURITY": "maybe"}, check=False)
    assert result.returncode == 2 and b"MAILBOT_IMAP_SECURITY" in result.stderr


def test_two_pipeline_workers_share_the_mail_by_sender(tmp_path: Path) -> None:
    mailbot("db", "upgrade", cwd=tmp_path)
    files = []
    for i in range(40):
        sender = f"person{i % 10}@example.com"  # four mails per person, in order
        path = tmp_path / f"m{i}.eml"
        path.write_bytes(make_mail(f"Stop {i}", "Please unsubscribe me from your newsletters.", sender=sender,
                                   message_id=f"<w{i}@example.com>"))
        files.append(str(path))
    env = {"MAILBOT_PIPELINE_WORKERS": "2"}
    result = mailbot("ingest", *files, cwd=tmp_path, env=env)
    assert b"processed=" in result.stderr
    status = json.loads(mailbot("status", "--json", cwd=tmp_path, env=env).stdout)
    assert status["inbound_pending"] == 0 and status["shunted"] == 0 and status["inbound_total"] == 40
    cases = json.loads(mailbot("cases", "--json", cwd=tmp_path).stdout)
    assert len(cases) == 10  # one open case per person: later mails joined it, whichever worker ran
