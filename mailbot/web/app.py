"""The HTTP server: identity confirmation `/v/{token}`, downloads `/d/{token}`, health,
status API and Prometheus metrics. GET never changes anything (link scanners); POST acts.
"""

from __future__ import annotations

import hashlib
import hmac
import html
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse
from prometheus_client import CollectorRegistry, Gauge, generate_latest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mailbot.cases import handlers, identity
from mailbot.cases.accounts import Directory, Executor
from mailbot.cases.context import CaseContext
from mailbot.cases.db import transaction
from mailbot.cases.models import Case, Download
from mailbot.cases.states import CaseState
from mailbot.cases.status import status
from mailbot.clock import Clock
from mailbot.config import Settings
from mailbot.errors import TokenError

PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>{title}</title><style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;
padding:0 1rem;color:#222}}button{{font-size:1.1rem;padding:.6rem 1.4rem}}</style></head>
<body><h1>{title}</h1>{body}</body></html>"""
TEXT = {
    "en": {
        "confirm_title": "Confirm your request",
        "confirm_body": "<p>Press the button to confirm the request {ref}. If you did not make it, close this page: nothing will happen.</p>",
        "button": "Confirm",
        "done_title": "Thank you",
        "done_body": "<p>Your confirmation was recorded for {ref}. We will write to you by e-mail.</p>",
        "bad_title": "This link cannot be used",
        "bad_body": "<p>{reason}. If you still want to exercise your rights, reply to our e-mail or write to us again.</p>",
        "download_title": "Your data",
        "download_body": "<p>Press the button to download your data ({ref}). The link works once.</p>",
        "download_button": "Download",
    },
    "fr": {
        "confirm_title": "Confirmez votre demande",
        "confirm_body": "<p>Appuyez sur le bouton pour confirmer la demande {ref}. Si vous n'êtes pas à l'origine de cette demande, fermez cette page : rien ne se passera.</p>",
        "button": "Confirmer",
        "done_title": "Merci",
        "done_body": "<p>Votre confirmation a bien été enregistrée pour {ref}. Nous vous écrirons par e-mail.</p>",
        "bad_title": "Ce lien ne peut pas être utilisé",
        "bad_body": "<p>{reason}. Si vous souhaitez toujours exercer vos droits, répondez à notre message ou écrivez-nous à nouveau.</p>",
        "download_title": "Vos données",
        "download_body": "<p>Appuyez sur le bouton pour télécharger vos données ({ref}). Le lien ne fonctionne qu'une fois.</p>",
        "download_button": "Télécharger",
    },
}


def _page(lang: str, title_key: str, body_key: str, status_code: int = 200, *, button: str | None = None,
          **values: str) -> HTMLResponse:
    """A small page in the requester's language; `button` adds a POST form (GET never acts)."""
    text = TEXT.get(lang, TEXT["en"])
    safe = {k: html.escape(v) for k, v in values.items()}
    body = text[body_key].format(**safe)
    if button:
        body += f'<form method="post"><button type="submit">{text[button]}</button></form>'
    return HTMLResponse(PAGE.format(lang=lang, title=text[title_key], body=body),
                        status_code=status_code, headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


def create_app(settings: Settings, factory: sessionmaker[Session], *, directory: Directory,
               executor: Executor, clock: Clock) -> FastAPI:
    """The application factory: everything it needs comes in as arguments."""
    app = FastAPI(title="mailbot", version="0.1.0", docs_url="/api/docs", openapi_url="/api/openapi.json")
    max_tries = settings.cases.token_max_tries

    def context(session: Session) -> CaseContext:
        return CaseContext(session=session, settings=settings, now=clock(), directory=directory,
                           executor=executor, actor="requester")

    @app.get("/healthz")
    def healthz() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/api/status")
    def api_status() -> JSONResponse:
        with factory() as session:
            return JSONResponse(status(session=session, now=clock()))

    @app.get("/metrics", response_class=PlainTextResponse)
    def metrics() -> PlainTextResponse:
        with factory() as session:
            counts = status(session=session, now=clock())
        registry = CollectorRegistry()
        Gauge("mailbot_inbound_pending", "Inbound mail waiting", registry=registry).set(counts["inbound_pending"])
        Gauge("mailbot_inbound_shunted", "Inbound mail shunted", registry=registry).set(counts["shunted"])
        Gauge("mailbot_outbox_pending", "Replies waiting", registry=registry).set(counts["outbox_pending"])
        Gauge("mailbot_outbox_failed", "Replies failed", registry=registry).set(counts["outbox_failed"])
        cases = Gauge("mailbot_cases", "Cases by state", ["state"], registry=registry)
        for state in CaseState:
            cases.labels(state=state.value).set(counts["cases_by_state"].get(state.value, 0))
        return PlainTextResponse(generate_latest(registry).decode(), media_type="text/plain; version=0.0.4")

    def _lang(request: Request, case: Case | None = None) -> str:
        if case is not None:
            return case.lang
        accept = request.headers.get("accept-language", "")
        return "fr" if accept.lower().startswith("fr") else "en"

    @app.get("/v/{token}", response_class=HTMLResponse)
    def confirm_page(token: str, request: Request) -> HTMLResponse:
        with transaction(factory) as session:
            try:
                verification = identity.lookup_token(token, session=session, now=clock(), max_tries=max_tries)
            except TokenError as exc:
                return _page(_lang(request), "bad_title", "bad_body", 404, reason=str(exc).capitalize())
            case = session.get(Case, verification.case_id)
            assert case is not None  # noqa: S101 - foreign key
            return _page(case.lang, "confirm_title", "confirm_body", button="button", ref=case.ref)

    @app.post("/v/{token}", response_class=HTMLResponse)
    def confirm(token: str, request: Request) -> HTMLResponse:
        with transaction(factory) as session:
            ctx = context(session)
            try:
                verification = identity.consume_token(token, session=session, now=ctx.now, max_tries=max_tries)
            except TokenError as exc:
                return _page(_lang(request), "bad_title", "bad_body", 404, reason=str(exc).capitalize())
            case = session.get(Case, verification.case_id)
            assert case is not None  # noqa: S101
            if case.state != CaseState.AWAITING_IDENTITY.value:
                return _page(case.lang, "bad_title", "bad_body", 409, reason="This request is no longer waiting")
            handlers.on_identity_confirmed(case, verification, ctx, how="link")
            return _page(case.lang, "done_title", "done_body", ref=case.ref)

    def _download(token: str, session: Session) -> tuple[Download, Case]:
        digest = hashlib.sha256(token.encode()).hexdigest()
        row = session.scalar(select(Download).where(Download.token_hash == digest))
        if row is None or not hmac.compare_digest(row.token_hash, digest):
            raise TokenError("Unknown link")
        if row.used_at is not None:
            raise TokenError("This link was already used")
        if row.expires_at <= clock():
            raise TokenError("This link has expired")
        case = session.get(Case, row.case_id)
        assert case is not None  # noqa: S101
        return row, case

    @app.get("/d/{token}", response_class=HTMLResponse)
    def download_page(token: str, request: Request) -> HTMLResponse:
        with factory() as session:
            try:
                _row, case = _download(token, session)
            except TokenError as exc:
                return _page(_lang(request), "bad_title", "bad_body", 404, reason=str(exc))
            return _page(case.lang, "download_title", "download_body", button="download_button", ref=case.ref)

    @app.post("/d/{token}", response_model=None)
    def download(token: str, request: Request) -> Any:
        with transaction(factory) as session:
            try:
                row, case = _download(token, session)
            except TokenError as exc:
                return _page(_lang(request), "bad_title", "bad_body", 404, reason=str(exc))
            row.used_at = clock()
            path = Path(row.path)
            if not path.exists():
                return _page(case.lang, "bad_title", "bad_body", 410, reason="The file is no longer available")
            return FileResponse(path, media_type="application/json", filename=f"{case.ref}.json",
                                headers={"Cache-Control": "no-store"})

    @app.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        with factory() as session:
            counts = status(session=session, now=clock())
        rows = "".join(f"<li>{html.escape(k)}: {v}</li>" for k, v in sorted(counts["cases_by_state"].items()))
        return HTMLResponse(PAGE.format(lang="en", title="mailbot", body=(
            f"<p>{counts['inbound_total']} mails received, {counts['inbound_pending']} waiting, "
            f"{counts['outbox_pending']} replies queued.</p><ul>{rows}</ul>"
            "<p>Staff work from the CLI for now (<code>mailbot queue</code>).</p>")))

    return app
