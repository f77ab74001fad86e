from __future__ import annotations

from crawler.config import Settings
from crawler.store import open_store


def register(sub) -> None:
    parser = sub.add_parser("migrate", help="bring the database schema up to date (Alembic)")
    parser.set_defaults(handler=handle)


def handle(args, settings: Settings) -> int:
    open_store(settings.database_url, settings.database_wait)  # upgrades when behind; one line when it cannot
    print("database is up to date")
    return 0
