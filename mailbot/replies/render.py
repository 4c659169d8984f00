"""Render reply templates: `templates/<intent>/<step>.<lang>.txt.j2` (+ `.html.j2`).

The first line of a text template is `Subject: …`; the renderer splits it off. Lookup goes
to `<intent>/` first, then `common/`. StrictUndefined: a missing variable is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
LANGS = ("en", "fr")
MONTHS = {
    "en": "January February March April May June July August September October November December",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
}


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str | None


def format_date(value: date | datetime | None, lang: str) -> str:
    """26 November 2026 / 26 novembre 2026 (1er for the first day in French)."""
    if value is None:
        return ""
    month = MONTHS.get(lang, MONTHS["en"]).split()[value.month - 1]
    day = "1er" if (lang == "fr" and value.day == 1) else str(value.day)
    return f"{day} {month} {value.year}"


@lru_cache(maxsize=4)
def environment(root: str = str(TEMPLATES)) -> Environment:
    env = Environment(
        loader=FileSystemLoader(root),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        keep_trailing_newline=True,
    )
    env.filters["date"] = _date_filter
    return env


@pass_context
def _date_filter(context: Context, value: date | datetime | None) -> str:
    return format_date(value, str(context.get("lang", "en")))


def _find(env: Environment, intent: str, step: str, lang: str, ext: str) -> str | None:
    for folder in (intent, "common"):
        name = f"{folder}/{step}.{lang}.{ext}"
        try:
            env.get_template(name)
            return name
        except TemplateNotFound:
            continue
    return None


def render(
    intent: str, step: str, lang: str, context: dict[str, Any], *, root: str | None = None
) -> Rendered:
    """Render one reply; raises `TemplateNotFound` when no template fits."""
    env = environment(root or str(TEMPLATES))
    lang = lang if lang in LANGS else "en"
    text_name = _find(env, intent, step, lang, "txt.j2")
    if text_name is None:
        raise TemplateNotFound(f"{intent}/{step}.{lang}.txt.j2")
    full = {**context, "lang": lang}
    text = env.get_template(text_name).render(full)
    first, _, body = text.partition("\n")
    if not first.startswith("Subject:"):
        raise ValueError(f"{text_name} must start with a 'Subject:' line")
    html_name = _find(env, intent, step, lang, "html.j2")
    html = env.get_template(html_name).render(full) if html_name else None
    return Rendered(subject=first[len("Subject:"):].strip(), text=body.lstrip("\n"), html=html)


def render_page(name: str, lang: str, context: dict[str, Any], *, root: str | None = None) -> str:
    """A web page from `templates/web/<name>.<lang>.html.j2` (English when missing)."""
    env = environment(root or str(TEMPLATES))
    lang = lang if lang in LANGS else "en"
    try:
        template = env.get_template(f"web/{name}.{lang}.html.j2")
    except TemplateNotFound:
        template = env.get_template(f"web/{name}.en.html.j2")
    return template.render({**context, "lang": lang})
