"""Engines and session factories. SQLite is the embedded default, PostgreSQL the production store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

# The embedded default keeps its database here (relative to the working folder); it is the only
# folder ever created for a database: a mistyped path must not grow directories, least of all as root.
DEFAULT_FOLDER = Path("data")
SUPPORTED = "sqlite:///path/to/file.db or postgresql://user:password@host:5432/db"


class DatabaseError(Exception):
    """A database URL or server the user must fix: the message is one line and names what is wrong."""


class DatabaseUnavailable(DatabaseError):
    """The server did not answer (refused, not up yet): worth trying again for a while."""


def safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return repr(url)


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs (the driver we install)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(f"{url!r} is not a database URL (expected {SUPPORTED})") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, **kwargs) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            folder = Path(database).expanduser().parent
            if folder == DEFAULT_FOLDER:
                folder.mkdir(parents=True, exist_ok=True)
            elif not folder.is_dir():
                raise DatabaseError(f"SQLite folder {folder} does not exist (create it first, or fix the database URL)")
        kwargs.setdefault("connect_args", {}).setdefault("timeout", 30)
        engine = _create(url, parsed, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return _create(url, parsed, **kwargs)


def _create(url: str, parsed, **kwargs) -> Engine:
    try:
        return create_engine(url, **kwargs)
    except NoSuchModuleError:
        raise DatabaseError(f"unknown database kind {parsed.drivername!r} in {safe_url(url)} (expected {SUPPORTED})") from None
    except ImportError as exc:
        raise DatabaseError(
            f"no driver installed for {parsed.drivername!r} ({exc.name or exc}); portalwatch supports {SUPPORTED}"
        ) from None


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the daemon read while a crawl child writes; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error, always close."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
