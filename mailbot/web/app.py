"""The HTTP server: identity confirmation `/v/{token}`, downloads `/d/{token}`, health,
status API and Prometheus metrics. GET never changes anything (link scanners); POST acts.
Page wording lives in `templates/web/`, in both languages.
"""

from __future__ import annotations

import hashlib
import hmac
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
from mailbot.cases.outbox import base_context
from mailbot.cases.states import CaseState
from mailbot.cases.status import status
from mailbot.clock import Clock
from mailbot.config import Settings
from mailbot.errors import TokenError
from mailbot.replies.render import render_page

NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}


def create_app(settings: Settings, factory: sessionmaker[Session], *, directory: Directory,
               executor: Executor, clock: Clock) -> FastAPI:
    """The application factory: everything it needs comes in as arguments."""
    app = FastAPI(title="mailbot", version="0.1.0", docs_url="/api/docs", openapi_url="/api/openapi.json")
    max_tries = settings.cases.token_max_tries
    org = base_context(settings)

    def page(name: str, lang: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        return HTMLResponse(render_page(name, lang, {**org, **values}), status_code=status_code, headers=NO_STORE)

    def visitor_lang(request: Request) -> str:
        return "fr" if request.headers.get("accept-language", "").lower().startswith("fr") else "en"

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

    @app.get("/v/{token}", response_class=HTMLResponse)
    def confirm_page(token: str, request: Request) -> HTMLResponse:
        with factory() as session:
            try:
                verification = identity.lookup_token(token, session=session, now=clock(), max_tries=max_tries)
            except TokenError as exc:
                return page("invalid", visitor_lang(request), 404, reason=exc.reason)
            case = session.get(Case, verification.case_id)
            if case is None or case.state != CaseState.AWAITING_IDENTITY.value:
                return page("invalid", case.lang if case else visitor_lang(request), 409, reason="closed")
            return page("confirm", case.lang, ref=case.ref)

    @app.post("/v/{token}", response_class=HTMLResponse)
    def confirm(token: str, request: Request) -> HTMLResponse:
        with transaction(factory) as session:
            ctx = CaseContext(session=session, settings=settings, now=clock(), directory=directory,
                              executor=executor, actor="requester")
            try:
                verification = identity.consume_token(token, session=session, now=ctx.now, max_tries=max_tries)
            except TokenError as exc:
                return page("invalid", visitor_lang(request), 404, reason=exc.reason)
            case = session.get(Case, verification.case_id)
            if case is None or case.state != CaseState.AWAITING_IDENTITY.value:
                return page("invalid", case.lang if case else visitor_lang(request), 409, reason="closed")
            handlers.on_identity_confirmed(case, verification, ctx, how="link")
            return page("confirmed", case.lang, ref=case.ref)

    def open_download(token: str, session: Session) -> tuple[Download, Case]:
        digest = hashlib.sha256(token.encode()).hexdigest()
        row = session.scalar(select(Download).where(Download.token_hash == digest))
        if row is None or not hmac.compare_digest(row.token_hash, digest):
            raise TokenError("unknown download link")
        if row.used_at is not None:
            raise TokenError("download link already used", reason="used")
        if row.expires_at <= clock():
            raise TokenError("download link expired", reason="expired")
        case = session.get(Case, row.case_id)
        if case is None:
            raise TokenError("download link of a purged case")
        return row, case

    @app.get("/d/{token}", response_class=HTMLResponse)
    def download_page(token: str, request: Request) -> HTMLResponse:
        with factory() as session:
            try:
                _row, case = open_download(token, session)
            except TokenError as exc:
                return page("invalid", visitor_lang(request), 404, reason=exc.reason)
            return page("download", case.lang, ref=case.ref)

    @app.post("/d/{token}", response_model=None)
    def download(token: str, request: Request) -> Any:
        with transaction(factory) as session:
            try:
                row, case = open_download(token, session)
            except TokenError as exc:
                return page("invalid", visitor_lang(request), 404, reason=exc.reason)
            path = Path(row.path)
            if not path.exists():
                return page("invalid", case.lang, 410, reason="gone")
            row.used_at = clock()
            return FileResponse(path, media_type="application/json", filename=f"{case.ref}.json", headers=NO_STORE)

    @app.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        with factory() as session:
            return page("status", "en", counts=status(session=session, now=clock()))

    return app
