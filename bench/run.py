"""End-to-end benchmark on real servers (Dovecot, an aiosmtpd sink, SQLite or PostgreSQL).

    .venv/bin/python bench/run.py [--mails 5000] [--latency-mails 60]

Fills a throw-away Dovecot with realistic mails (both languages, one line to 200 KB
attachments, quoted replies, bounces, auto-replies) and reports, in one run:
  * the floor: bare IMAP fetch + mail-parser parse of the same mails (mails/s);
  * `mailbot run --once` end to end until every acknowledgement is in the sink (mails/s),
    its ratio to the floor, and the peak resident memory of that process;
  * arrival-to-acknowledgement latency with a running daemon (p50/p95);
  * the ceiling: the CPU that the work no design can skip costs per mail (fetch, mailbot's
    parse and screen, the classifier, one acknowledgement built and sent over one SMTP
    connection to the sink, whose CPU counts too), without any database, and the best
    rate two cores could reach at that cost.
Results go to bench/results/pipeline.json. Needs root for Dovecot (as the tests do).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import logging  # noqa: E402

import mailparser  # noqa: E402
from imapclient import IMAPClient  # noqa: E402

from mailbot.classify.corpus import load_examples  # noqa: E402
from mailbot.classify.labels import Intent  # noqa: E402
from mailbot.classify.model import Classifier  # noqa: E402
from mailbot.config import SmtpSettings  # noqa: E402
from mailbot.mail.outgoing import Sender as OutgoingSender  # noqa: E402
from mailbot.mail.outgoing import build_message, new_message_id  # noqa: E402
from mailbot.mail.parse import parse_mail  # noqa: E402
from mailbot.mail.screen import ScreenContext, screen  # noqa: E402
from mailbot.mail.smtp import SmtpTransport  # noqa: E402
from tests.support import corpus  # noqa: E402
from tests.support.dovecot import Dovecot  # noqa: E402
from tests.support.imap import append, client  # noqa: E402
from tests.support.mails import make_mail  # noqa: E402
from tests.support.smtp_sink import SmtpSink  # noqa: E402

MODEL = ROOT / "intents" / "training" / "model-best"


def realistic(n: int, seed: int = 7) -> list[bytes]:
    """Mail like info@ gets: requests and ordinary mail from the project's examples, some
    quoted replies and attachments up to 200 KB, a few bounces and auto-replies."""
    rng = random.Random(seed)
    examples = load_examples(ROOT / "intents" / "data")
    robots = [corpus.raw(e) for e in corpus.entries("bounces") + corpus.entries("autoreplies")]
    out = []
    for i in range(n):
        if i % 20 == 19:
            raw = robots[i % len(robots)]
            out.append(raw.replace(b"Message-ID: <", f"Message-ID: <bench{i}.".encode(), 1))
            continue
        record = examples[rng.randrange(len(examples))]
        body = record["body"] or "(no text)"
        if i % 5 == 0:
            quote = "\n".join("> " + line for line in examples[rng.randrange(len(examples))]["body"].splitlines())
            body += f"\n\nLe 3 mars 2026 à 10:12, WeCashUp <info@wecashup.com> a écrit :\n{quote}"
        message = make_mail(record["subject"] or "(sans objet)", body, sender=f"user{i}@example.com",
                            message_id=f"<bench{i}@example.com>")
        if i % 10 == 0:
            size = rng.choice([2_000, 20_000, 200_000])
            attachment = os.urandom(size)
            import base64

            boundary = f"bench-{i}"
            head, _, text = message.partition(b"\r\n\r\n")
            head = b"\r\n".join(line for line in head.split(b"\r\n")
                                if not line.lower().startswith((b"content-type", b"content-transfer", b"mime-version")))
            message = (head + f"\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary={boundary}\r\n\r\n"
                       f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n".encode()
                       + text + f"\r\n--{boundary}\r\nContent-Type: application/pdf; name=doc{i}.pdf\r\n"
                       "Content-Transfer-Encoding: base64\r\n\r\n".encode()
                       + base64.encodebytes(attachment) + f"--{boundary}--\r\n".encode())
        out.append(message)
    return out


def floor(server: Dovecot) -> float:
    imap: IMAPClient = client(server)
    try:
        imap.select_folder("INBOX", readonly=True)
        uids = imap.search(["ALL"])
        started = time.perf_counter()
        for start in range(0, len(uids), 200):
            for data in imap.fetch(uids[start : start + 200], [b"BODY.PEEK[]"]).values():
                mailparser.parse_from_bytes(data[b"BODY[]"])
        return len(uids) / (time.perf_counter() - started)
    finally:
        imap.logout()


def ceiling(server: Dovecot, sink: SmtpSink) -> dict[str, float]:
    """The unavoidable work of the end-to-end run, done once in this process with no database.

    What it leaves out (storing, cases, audit, outbox bookkeeping, IMAP moves, rendering)
    only adds to the real cost, so `2 / cpu_per_mail` bounds any design on two cores."""
    classifier = Classifier.load(MODEL)
    context = ScreenContext(org_address="info@wecashup.com", message_id_domain="wecashup.com",
                            loop_id="wecashup.com", replies_today=0, daily_cap=1000)
    who = OutgoingSender("WeCashUp", "info@wecashup.com", "wecashup.com", "wecashup.com")
    transport = SmtpTransport(SmtpSettings(host="127.0.0.1", port=sink.port, security="none"))
    text = "Thank you for your request. " * 50  # about an acknowledgement's size
    imap: IMAPClient = client(server)
    sent = 0
    try:
        imap.select_folder("INBOX", readonly=True)
        uids = imap.search(["ALL"])
        cpu, wall = time.process_time(), time.perf_counter()  # this process: the sink's thread too
        for start in range(0, len(uids), 200):
            mails = [parse_mail(data[b"BODY[]"])
                     for data in imap.fetch(uids[start : start + 200], [b"BODY.PEEK[]"]).values()]
            asked = [m for m in mails if screen(m, context) is None]
            for offset in range(0, len(asked), 8):
                batch = asked[offset : offset + 8]
                results = classifier.classify_many([(m.subject, m.text) for m in batch], langs=[m.lang for m in batch])
                for mail, result in zip(batch, results, strict=True):
                    if result.intent is Intent.OTHER or not mail.reply_address:
                        continue
                    raw = build_message(who, to=mail.reply_address, subject=f"Re: {mail.subject}"[:200],
                                        text=text, html=None, message_id=new_message_id("wecashup.com"),
                                        now=datetime.now(UTC), lang=mail.lang, in_reply_to=mail.message_id or "")
                    transport.send(raw, sender="info@wecashup.com", recipient=mail.reply_address)
                    sent += 1
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    finally:
        transport.close()
        imap.logout()
    return {"cpu_ms_per_mail": round(1000 * cpu / len(uids), 3), "one_process_per_second": round(len(uids) / wall, 1),
            "two_cores_best_per_second": round(2 * len(uids) / cpu, 1), "acknowledgements": sent}


def env_for(work: Path, server: Dovecot, sink: SmtpSink, db_url: str) -> dict[str, str]:
    return {**os.environ, "MAILBOT_VAR_DIR": str(work / "var"), "MAILBOT_DATABASE_URL": db_url,
            "MAILBOT_CLASSIFY_MODEL_PATH": str(MODEL), "MAILBOT_IMAP_HOST": "127.0.0.1",
            "MAILBOT_IMAP_PORT": str(server.port), "MAILBOT_IMAP_SECURITY": "none",
            "MAILBOT_IMAP_USER": server.user, "MAILBOT_IMAP_PASSWORD": server.password,
            "MAILBOT_SMTP_HOST": "127.0.0.1", "MAILBOT_SMTP_PORT": str(sink.port), "MAILBOT_SMTP_SECURITY": "none",
            "MAILBOT_INTAKE_ENABLED": "false", "MAILBOT_WEB_ENABLED": "false", "MAILBOT_LOG_LEVEL": "WARNING",
            "MAILBOT_WEB_SECRET_KEY": "bench-secret-key-not-real", "MAILBOT_OUTBOX_DAILY_CAP": "1000"}


def mailbot(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "mailbot", *args], env=env, capture_output=True, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mails", type=int, default=5000)
    parser.add_argument("--latency-mails", type=int, default=60)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--workers", type=int, default=2, help="pipeline worker processes")
    args = parser.parse_args()
    logging.getLogger("mailparser").setLevel(logging.ERROR)  # it logs every unhandled part
    work = Path(tempfile.mkdtemp(prefix="mailbot-bench-"))
    os.chmod(work, 0o755)
    server, sink = Dovecot(work / "dovecot"), SmtpSink()
    server.start()
    sink.start()
    db_url = args.database_url or f"sqlite:///{work / 'mailbot.db'}"
    env = {**env_for(work, server, sink, db_url), "MAILBOT_PIPELINE_WORKERS": str(args.workers)}
    try:
        mails = realistic(args.mails)
        started = time.perf_counter()
        append(server, mails)
        append_rate = len(mails) / (time.perf_counter() - started)
        floor_rate = floor(server)
        bound = ceiling(server, sink)
        sink.handler.messages.clear()
        mailbot(env, "db", "upgrade")
        mailbot(env, "demo", "seed")
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        mailbot(env, "run", "--once")
        seconds = time.perf_counter() - started
        peak_once = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
        status = json.loads(mailbot(env, "status", "--json").stdout)
        e2e_rate = len(mails) / seconds
        latencies = latency(env, server, sink, args.latency_mails)
        result = {
            "mails": len(mails), "append_per_second": round(append_rate, 1),
            "floor_fetch_parse_per_second": round(floor_rate, 1),
            "run_once_seconds": round(seconds, 1), "run_once_mails_per_second": round(e2e_rate, 1),
            "ratio_to_floor": round(e2e_rate / floor_rate, 3),
            "ceiling": {**bound, "best_ratio_to_floor": round(bound["two_cores_best_per_second"] / floor_rate, 3)},
            "replies_in_sink": len(sink.handler.messages), "outbox_pending": status["outbox_pending"],
            "cases_by_state": status["cases_by_state"],
            "latency_p50_seconds": round(statistics.median(latencies), 3),
            "latency_p95_seconds": round(statistics.quantiles(latencies, n=20)[18], 3),
            "peak_rss_mb_run_once": round(peak_once, 1),
            "database": db_url.split(":")[0].split("+")[0], "workers": args.workers, "cpus": os.cpu_count(),
            "python": platform.python_version(),
        }
    finally:
        sink.stop()
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"pipeline-{result['database']}-{args.workers}w.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


def latency(env: dict[str, str], server: Dovecot, sink: SmtpSink, count: int) -> list[float]:
    """Arrival (APPEND done) to acknowledgement (in the sink), one mail at a time."""
    daemon = subprocess.Popen([sys.executable, "-m", "mailbot", "run"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(5)  # model load and first sync
        seen = len(sink.handler.messages)
        waits = []
        for i in range(count):
            raw = make_mail("Unsubscribe", "Please unsubscribe me from your newsletter.",
                            sender=f"latency{i}@example.com", message_id=f"<lat{i}@example.com>")
            append(server, [raw])
            sent = time.perf_counter()
            deadline = sent + 30
            while len(sink.handler.messages) <= seen and time.perf_counter() < deadline:
                time.sleep(0.005)
            waits.append(time.perf_counter() - sent)
            seen = len(sink.handler.messages)
            time.sleep(0.2)
        return waits
    finally:
        daemon.terminate()
        daemon.wait(60)


if __name__ == "__main__":
    main()
