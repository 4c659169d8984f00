"""The `mailbot` command line: one parser, subcommands registered by topic modules."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from mailbot.cli import case_cmds, mail_cmds, model_cmds
from mailbot.config import load_settings
from mailbot.errors import MailbotError
from mailbot.logs import setup_logging


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mailbot", description="Answers data-protection rights requests.")
    parser.add_argument("--config", help="TOML settings file (default: $MAILBOT_CONFIG, else embedded defaults)")
    parser.add_argument("--log-level", help="override log.level")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (mail_cmds, case_cmds, model_cmds):
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config)
        setup_logging(args.log_level or settings.log.level)
        return int(args.func(args, settings) or 0)
    except MailbotError as exc:
        print(f"mailbot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
