"""One engine per database URL per process: the many crawlers of a batch share it."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.orm import Session, sessionmaker

from storage.db import make_engine, session_factory
from storage.migrate import ensure_current


@lru_cache(maxsize=4)
def open_store(url: str) -> sessionmaker[Session]:
    """Engine and sessions for ``url``, with the schema brought up to date (``scrapy crawl`` has no
    earlier step that would have migrated it)."""
    engine = make_engine(url)
    ensure_current(url, engine)
    return session_factory(engine)
