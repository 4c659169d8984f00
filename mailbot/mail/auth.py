"""Sender authentication from `Authentication-Results`, trusted only from our own server."""

from __future__ import annotations

import re

from mailbot.mail.parse import ParsedMail

RESULT = re.compile(r"\b(dmarc|dkim|spf)\s*=\s*([a-z]+)([^;]*)", re.IGNORECASE)
PROPERTY = re.compile(r"\b(header\.from|header\.d|header\.i|smtp\.mailfrom)\s*=\s*([^\s;]+)", re.I)


def _aligned(domain: str, from_domain: str) -> bool:
    """Relaxed alignment: same organisational domain (suffix match on a dot boundary)."""
    domain = domain.lower().lstrip("@").split("@")[-1]
    return bool(domain) and (
        domain == from_domain or from_domain.endswith("." + domain) or domain.endswith("." + from_domain)
    )


def is_authenticated(mail: ParsedMail, authserv_id: str | None) -> bool:
    """True when our own server says DMARC passed, or DKIM/SPF passed aligned with From.

    Results stamped by any other server are ignored (anyone can write that header);
    a DMARC fail wins over everything.
    """
    if not authserv_id or "@" not in mail.from_addr:
        return False
    from_domain = mail.from_addr.rsplit("@", 1)[1]
    passed = False
    for header in mail.auth_results:
        served_by = header.split(";", 1)[0].strip().split()[0].lower() if header.strip() else ""
        if served_by != authserv_id.lower():
            continue
        for method, verdict, rest in RESULT.findall(header):
            verdict = verdict.lower()
            properties = {k.lower(): v for k, v in PROPERTY.findall(rest)}
            if method.lower() == "dmarc":
                if verdict != "pass":
                    return False
                passed = passed or _aligned(properties.get("header.from", from_domain), from_domain)
            elif verdict == "pass":
                key = "header.d" if method.lower() == "dkim" else "smtp.mailfrom"
                value = properties.get(key) or properties.get("header.i", "")
                passed = passed or (bool(value) and _aligned(value, from_domain))
    return passed
