"""The one entry point: ``portalwatch <command>``.

Each sub-command lives in ``crawler/commands/<name>.py`` with ``register(subparsers)``; adding a
command is adding a module. Expected failures raise ``UserError`` and end as one line, no traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from crawler import commands
from crawler.config import Settings, settings_error, unknown_variables
from crawler.errors import UserError
from crawler.logs import configure_logging


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="portalwatch",
        description="Crawl Vietnamese provincial portals, detect new directives and foreign visits, alert on Telegram.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"crawler.commands.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except Exception as exc:  # pydantic ValidationError: a bad environment variable
        print(f"portalwatch: invalid setting: {settings_error(exc)}", file=sys.stderr)
        return 2
    for warning in unknown_variables(os.environ):
        print(f"portalwatch: warning: {warning}", file=sys.stderr)
    configure_logging(settings)
    try:
        return int(args.handler(args, settings) or 0)
    except UserError as exc:
        print(f"portalwatch {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
