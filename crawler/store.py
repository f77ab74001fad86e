"""One engine per database URL per process: the many crawlers of a batch share it."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.orm import Session, sessionmaker

from storage.db import make_engine, session_factory


@lru_cache(maxsize=4)
def open_store(url: str) -> sessionmaker[Session]:
    return session_factory(make_engine(url))
