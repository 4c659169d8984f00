"""Logging set-up: loggers per concern, no mail bodies or personal data at INFO."""

from __future__ import annotations

import logging


def setup_logging(level: str = "INFO") -> None:
    """Configure the root handler once, for the daemon and the CLI."""
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    logging.getLogger("imapclient").setLevel(logging.WARNING)
    logging.getLogger("mail-parser").setLevel(logging.ERROR)
    logging.getLogger("mailparser").setLevel(logging.ERROR)
