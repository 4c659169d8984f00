"""Text clean-up for classification: HTML to text, quoted history and signatures removed.

Pure functions, used by the parser and by the classifier for raw subject/body input.
"""

from __future__ import annotations

import re
import unicodedata
import warnings

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

# Lines that open quoted history in French and English clients.
QUOTE_OPENERS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^\s*on\b.{0,200}\bwrote\s*:\s*$",  # Gmail/Thunderbird/Apple, English
        r"^\s*le\b.{0,200}\ba\s+[ée]crit\s*:\s*$",  # Gmail/Thunderbird, French
        r"^\s*-{2,}\s*original message\s*-{2,}\s*$",
        r"^\s*-{2,}\s*message d'origine\s*-{2,}\s*$",
        r"^_{10,}\s*$",  # Outlook's separator line
    )
]
# A forward carries the request itself: its text is kept, its header lines are not.
FORWARD_OPENERS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^\s*-{2,}\s*(forwarded message|message transf[ée]r[ée])\s*-{2,}\s*$",
        r"^\s*begin forwarded message\s*:\s*$",
        r"^\s*d[ée]but du message (r[ée]exp[ée]di[ée]|transf[ée]r[ée])\s*:\s*$",
    )
]
HEADER_LINE = re.compile(r"^\s*\*?(from|de|date|sent|envoy[ée]|subject|objet|to|[àa]|cc|reply-to)\s*:", re.I)
# Outlook header blocks: "From: … / Sent: …" and "De : … / Envoyé : …".
OUTLOOK_FROM = re.compile(r"^\s*\*?(from|de)\s*:\s*\S", re.IGNORECASE)
OUTLOOK_NEXT = re.compile(
    r"^\s*\*?(sent|envoy[ée]|date|to|[àa]|cc|subject|objet)\s*:", re.IGNORECASE
)
# A multi-line Gmail attribution: "Le mar. 3 mars 2026 à 10:12, X <x@y>" / "a écrit :".
WRAPPED_ATTRIBUTION_END = re.compile(r"\b(a\s+[ée]crit|wrote)\s*:\s*$", re.IGNORECASE)
ATTRIBUTION_START = re.compile(r"^\s*(le|on)\b", re.IGNORECASE)
SIGNATURE_MARKERS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^-- ?$",
        r"^(sent from my|envoy[ée] de mon|envoy[ée] depuis mon|get outlook for)\b.*$",
        r"^(this e-?mail|ce (message|courriel|mail)) (and any|et (les|toutes)|est confidentiel|is confidential|may contain|peut contenir).*$",
        r"^(confidentiality notice|avis de confidentialit[ée]|disclaimer)\s*:?.*$",
        # A mailing's footer, in the sender's words ("our e-mails", "nos offres"): a reader
        # asking to leave writes "your".
        r"^(you are receiving this (e-?mail|message|newsletter)|you (have )?received this (e-?mail|message)"
        r"|if you (no longer|do not|don't) (wish|want) to receive (these|our|this|further)"
        r"|to (stop receiving|unsubscribe from) (these|our|this)|click here to unsubscribe"
        r"|unsubscribe (here|from this list|from our)|manage your (marketing |email |e-mail |communication "
        r"|notification |subscription |contact )?(preferences|subscriptions?))\b.*$",
        r"^(vous recevez ce(tte)? (message|mail|e-?mail|courriel|newsletter|lettre)"
        r"|pour ne plus recevoir (nos|de nos|cette|ces)|si vous ne (souhaitez|d[ée]sirez) plus recevoir (nos|cette|ces)"
        r"|pour vous d[ée]sinscrire|cliquez ici pour vous d[ée]sinscrire|g[ée]rez vos (pr[ée]f[ée]rences|abonnements)"
        r"|conform[ée]ment (au rgpd|[àa] la loi informatique et libert[ée]s)[^.]{0,40}\bvous disposez)\b.*$",
    )
]
BLANK_RUNS = re.compile(r"\n{3,}")
SPACES = re.compile(r"[ \t\u00a0\u200b]+")
DROP_TAGS = ("script", "style", "head", "title", "iframe", "object", "embed", "template", "svg")


def html_to_text(html: str) -> str:
    """Visible text of an HTML body; scripts, styles and hidden elements dropped."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(html, "html.parser")
    for tag in soup(DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(style=re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)):
        tag.decompose()
    for tag in soup.find_all("blockquote"):
        tag.decompose()  # quoted history in HTML clients
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(["p", "div", "li", "tr", "h1", "h2", "h3", "h4", "table"]):
        block.insert_after("\n")
    return normalise(soup.get_text())


def normalise(text: str) -> str:
    """NFC, no NULs or control characters, single spaces, at most one blank line."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    lines = [SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


def _is_outlook_block(lines: list[str], index: int) -> bool:
    if not OUTLOOK_FROM.match(lines[index]):
        return False
    following = [line for line in lines[index + 1 : index + 5] if line.strip()]
    return sum(1 for line in following if OUTLOOK_NEXT.match(line)) >= 2


def strip_quoted(text: str) -> str:
    """The new part of a reply: quoted history, signatures and legal footers removed."""
    lines = text.split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(">"):
            continue
        if any(p.match(stripped) for p in FORWARD_OPENERS):
            rest = lines[index + 1 :]
            while rest and (HEADER_LINE.match(rest[0]) or not rest[0].strip()):
                rest = rest[1:]
            kept.append("")
            kept.append(strip_quoted("\n".join(rest)))
            break
        if any(p.match(stripped) for p in QUOTE_OPENERS) or _is_outlook_block(lines, index):
            break
        if WRAPPED_ATTRIBUTION_END.search(stripped):
            opener = next((i for i in (1, 2) if len(kept) >= i and ATTRIBUTION_START.match(kept[-i])), None)
            if opener is not None:
                del kept[-opener:]
                break
        if kept and any(p.match(stripped) for p in SIGNATURE_MARKERS):
            break
        kept.append(line)
    cleaned = normalise("\n".join(kept))
    # A mail that is only a forward or only quoted text keeps its whole text.
    return cleaned or normalise("\n".join(re.sub(r"^\s*(>\s?)+", "", line) for line in lines))
