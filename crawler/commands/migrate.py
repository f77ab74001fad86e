from __future__ import annotations

from crawler.config import Settings
from storage.migrate import upgrade


def register(sub) -> None:
    parser = sub.add_parser("migrate", help="bring the database schema up to date (Alembic)")
    parser.set_defaults(handler=handle)


def handle(args, settings: Settings) -> int:
    upgrade(settings.database_url)
    print("database is up to date")
    return 0
