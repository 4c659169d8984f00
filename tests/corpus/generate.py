"""Build LARGE test messages on the fly (they are too big to commit).

Every function is deterministic (fixed seeds, fixed dates) and returns the raw
RFC 5322 message as ``bytes`` with LF line endings, or CRLF when ``crlf=True``.
Importing this module has no side effects, and it only uses the standard
library, so tests can load it as a plain file:

    spec = importlib.util.spec_from_file_location("corpus_generate", path)
    gen = importlib.util.module_from_spec(spec); spec.loader.exec_module(gen)
    raw = gen.big_attachment(size_mb=20)

Expected classification of what each function builds:

=====================  =======  =========  =====
function               kind     intent     lang
=====================  =======  =========  =====
big_attachment         request  access     en
many_recipients        request  delete     en
deep_nesting           other    other      en
long_body(lang="en")   request  access     en
long_body(lang="fr")   request  access     fr
=====================  =======  =========  =====
"""

from __future__ import annotations

import base64
import random

__all__ = ["big_attachment", "deep_nesting", "long_body", "many_recipients"]

_RECEIVED = (
    "Received: from mail.example.net (mail.example.net [198.51.100.25])\n"
    "\tby mx.wecashup.com (Postfix) with ESMTPS id {qid}\n"
    "\tfor <info@wecashup.com>; Thu, 12 Mar 2026 09:00:00 +0100 (CET)\n"
    "Authentication-Results: mx.wecashup.com; dkim=pass header.d=example.net;"
    " spf=pass smtp.mailfrom=example.net; dmarc=pass header.from=example.net\n"
)


def _finish(text: str | bytes, crlf: bool) -> bytes:
    data = text.encode("utf-8") if isinstance(text, str) else text
    if crlf:
        data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return data


def big_attachment(size_mb: float = 20, *, crlf: bool = False, seed: int = 20) -> bytes:
    """A short plain-text access request with a ``size_mb`` MiB PDF-like attachment
    (base64, 76-char lines).  The decoded attachment is exactly size_mb MiB."""
    size = int(size_mb * 1024 * 1024)
    head = (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n3 0 obj\n<< /Length LENGTH >>\nstream\n")
    tail = b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    filler = max(0, size - len(head) - len(tail))
    head = head.replace(b"LENGTH", str(filler).encode())
    filler = max(0, size - len(head) - len(tail))  # exact size (the /Length value may be off by a few bytes)
    pdf = head + random.Random(seed).randbytes(filler) + tail
    b64 = base64.encodebytes(pdf)  # 76-char lines, LF
    boundary = "----=_Part_BigAttachment_20260312"
    msg = (
        _RECEIVED.format(qid="4QGBIG0001")
        + "From: Oluwaseun Bello <seun.bello@example.net>\n"
        "To: info@wecashup.com\n"
        "Subject: Subject access request - signed letter attached\n"
        "Date: Thu, 12 Mar 2026 08:59:58 +0100\n"
        "Message-ID: <big-attachment-20mb@example.net>\n"
        "MIME-Version: 1.0\n"
        f"Content-Type: multipart/mixed; boundary=\"{boundary}\"\n"
        "\n"
        f"--{boundary}\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit\n"
        "\n"
        "Hello,\n\n"
        "Please find attached my signed subject access request. In short: I ask for\n"
        "a copy of all personal data you hold about me, the recipients and the\n"
        "retention period. The scan is large, sorry.\n\n"
        "Oluwaseun Bello\n\n"
        f"--{boundary}\n"
        "Content-Type: application/pdf; name=\"SAR_signed_scan.pdf\"\n"
        "Content-Disposition: attachment; filename=\"SAR_signed_scan.pdf\"\n"
        "Content-Transfer-Encoding: base64\n"
        "\n"
    ).encode("utf-8") + b64 + f"\n--{boundary}--\n".encode("ascii")
    return _finish(msg, crlf)


def many_recipients(n: int = 5000, *, crlf: bool = False, seed: int = 5000) -> bytes:
    """A deletion request sent with ``n`` addresses spread over To and Cc
    (about 2/3 in To, 1/3 in Cc), info@wecashup.com somewhere in the middle of Cc.
    Headers are folded at a comma every 3 addresses (each physical line < 998)."""
    rnd = random.Random(seed)
    first = ["awa", "kofi", "fatou", "chinedu", "amina", "yves", "grace", "moussa", "aicha", "kwame",
             "ngozi", "serge", "rokia", "tunde", "irene", "peter", "marie", "lamine", "esther", "didier"]
    doms = ["example.com", "example.net", "example.org", "example.sn", "example.ci", "example.cm",
            "example.ng", "example.gh", "example.co.ke", "example.fr"]
    addrs = []
    for i in range(max(0, n - 1)):
        f = rnd.choice(first)
        addrs.append(f"{f.capitalize()} {i:05d} <{f}.{i:05d}@{rnd.choice(doms)}>")
    cut = (2 * len(addrs)) // 3
    to, cc = addrs[:cut], addrs[cut:]
    cc.insert(len(cc) // 2, "WeCashUp <info@wecashup.com>")

    def fold(name: str, items: list[str]) -> str:
        if not items:
            return ""
        lines = [", ".join(items[i:i + 3]) for i in range(0, len(items), 3)]
        return f"{name}: " + ",\n ".join(lines) + "\n"

    msg = (
        _RECEIVED.format(qid="4QGMANY0001")
        + "From: Collectif Usagers <collectif.usagers@example.net>\n"
        + fold("To", to)
        + fold("Cc", cc)
        + "Subject: Please delete our data / Supprimez nos donnees\n"
        "Date: Thu, 12 Mar 2026 09:01:00 +0100\n"
        "Message-ID: <many-recipients@example.net>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit\n"
        "\n"
        "To every company in copy: I ask you to erase all personal data you hold\n"
        "about me and to close any account in my name.\n\n"
        "Samba Diouf\n"
    )
    return _finish(msg, crlf)


def deep_nesting(depth: int = 120, *, crlf: bool = False) -> bytes:
    """A multipart message nested ``depth`` levels deep (mixed/alternative/related
    in turn).  The single text/plain leaf (a thank-you note) is at the bottom."""
    kinds = ("mixed", "alternative", "related")
    parts = []
    for i in range(depth):
        b = f"deep-{i:04d}"
        parts.append(f"--{b}\n")
        if i + 1 < depth:
            parts.append(f"Content-Type: multipart/{kinds[(i + 1) % 3]}; boundary=\"deep-{i + 1:04d}\"\n\n")
    leaf = "Content-Type: text/plain; charset=us-ascii\n\nThanks, my issue is solved.\nBintou\n"
    closing = "".join(f"\n--deep-{i:04d}--\n" for i in reversed(range(depth)))
    msg = (
        _RECEIVED.format(qid="4QGDEEP0001")
        + "From: Bintou Diarra <bintou.diarra@example.net>\n"
        "To: info@wecashup.com\n"
        "Subject: thanks\n"
        "Date: Thu, 12 Mar 2026 09:02:00 +0100\n"
        f"Message-ID: <deep-nesting-{depth}@example.net>\n"
        "MIME-Version: 1.0\n"
        + ("Content-Type: multipart/mixed; boundary=\"deep-0000\"\n\n" if depth > 0
           else "Content-Type: text/plain; charset=us-ascii\n\n")
        + ("".join(parts) + leaf + closing if depth > 0 else "Thanks, my issue is solved.\nBintou\n")
    )
    return _finish(msg, crlf)


_LETTER = {
    "en": (
        "Subject access request",
        "Dear Data Protection Officer,\n\n"
        "I am a WeCashUp customer (wallet +233 24 318 0092). Under Article 15 of the GDPR\n"
        "I ask you for a copy of all personal data you hold about me, the purposes of the\n"
        "processing, the recipients, the retention period and the source of any data you\n"
        "did not collect from me. Below is the list of transactions I made, so that you\n"
        "can find my records easily.\n\n",
        "{i:05d}. 2025-{m:02d}-{d:02d}  transfer to {who:<18} {amt:>9} GHS  ref WCU-{ref:08d}\n",
        "\nThank you for answering within one month.\n\nYours faithfully,\nAbena Osei, Accra\n",
    ),
    "fr": (
        "Demande de droit d'accès",
        "Madame, Monsieur,\n\n"
        "Cliente de WeCashUp (portefeuille +225 07 48 22 19 60), je vous demande, en\n"
        "application de l'article 15 du RGPD et de la loi Informatique et Libertés, la\n"
        "copie de toutes les données me concernant, leurs finalités, leurs destinataires,\n"
        "leur durée de conservation et leur origine. Voici la liste de mes opérations pour\n"
        "vous aider à retrouver mon dossier.\n\n",
        "{i:05d}. {d:02d}/{m:02d}/2025  transfert vers {who:<18} {amt:>9} FCFA  réf. WCU-{ref:08d}\n",
        "\nJe vous remercie de me répondre dans le délai d'un mois.\n\n"
        "Veuillez agréer mes salutations distinguées.\nMariam Touré, Abidjan\n",
    ),
}


def long_body(kb: int = 100, lang: str = "en", *, crlf: bool = False, seed: int = 100) -> bytes:
    """An access request letter padded with a transaction list so that the body is
    at least ``kb`` KiB (UTF-8 bytes).  ``lang`` is "en" or "fr"."""
    if lang not in _LETTER:
        raise ValueError(f"lang must be one of {sorted(_LETTER)}")
    subject, intro, row, outro = _LETTER[lang]
    rnd = random.Random(seed)
    who = ["Kofi Mensah", "Ama Serwaa", "Yaw Boateng", "Adjoa Asante", "Kwabena Ofori",
           "Awa Diop", "Moussa Kone", "Fatou Camara", "Koffi Yao", "Aminata Traore"]
    target = kb * 1024
    body, size, i = [intro], len(intro.encode()), 0
    while size < target - len(outro.encode()):
        i += 1
        line = row.format(i=i, m=rnd.randint(1, 12), d=rnd.randint(1, 28), who=rnd.choice(who),
                          amt=f"{rnd.randint(500, 250000):,}", ref=rnd.randint(0, 99999999))
        body.append(line)
        size += len(line.encode())
    body.append(outro)
    frm = ("Abena Osei <abena.osei@example.net>" if lang == "en"
           else "=?utf-8?q?Mariam_Tour=C3=A9?= <mariam.toure@example.net>")
    msg = (
        _RECEIVED.format(qid="4QGLONG0001")
        + f"From: {frm}\n"
        "To: info@wecashup.com\n"
        f"Subject: {subject}\n"
        "Date: Thu, 12 Mar 2026 09:03:00 +0100\n"
        f"Message-ID: <long-body-{kb}k-{lang}@example.net>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit\n"
        "\n"
        + "".join(body)
    )
    return _finish(msg, crlf)
