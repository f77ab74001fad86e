"""Brings a database to the newest schema with the project's Alembic migrations."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect, text

from storage.db import make_engine, normalise_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Percent signs in passwords would otherwise be read as interpolation by ConfigParser.
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, engine: Engine | None = None, revision: str = "head") -> None:
    """Migrate in one transaction. On PostgreSQL the transaction first takes an advisory lock of its schema:
    processes starting together on a fresh database (the daemon, a crawl child, a web worker) would
    otherwise create ``alembic_version`` twice and the loser fail ("duplicate key … pg_type_typname_nsp_index").
    The one that waits then finds the schema current and does nothing."""
    config = alembic_config(url)
    owned = engine is None
    engine = engine or make_engine(url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('portalwatch-migrate:' || current_schema()))"))
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        if owned:
            engine.dispose()


def current_revision(engine: Engine) -> str | None:
    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as connection:
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def ensure_current(url: str, engine: Engine) -> None:
    """Upgrade only when behind: cheap enough to call at the start of every crawl process."""
    if current_revision(engine) != head_revision():
        upgrade(url, engine)
