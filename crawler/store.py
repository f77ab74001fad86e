"""One engine per database URL per process: the many crawlers of a batch share it."""

from __future__ import annotations

import logging
import time
from functools import lru_cache

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from crawler.errors import UserError
from storage.db import DatabaseError, DatabaseUnavailable, make_engine, safe_url, session_factory
from storage.migrate import ensure_current

log = logging.getLogger("portalwatch.store")
FIRST_DELAY = 0.25
# A server that is down, starting or not yet resolvable may answer soon; a wrong password will not.
_TRANSIENT = ("refused", "starting up", "shutting down", "timeout", "timed out", "could not translate host name",
              "name or service not known", "temporary failure", "no such file or directory", "server closed the connection")


def open_store(url: str, wait: float = 0.0, sleep=time.sleep) -> sessionmaker[Session]:
    """Engine and sessions for ``url``, with the schema brought up to date (``scrapy crawl`` has no
    earlier step that would have migrated it). A server that does not answer is tried again with
    backoff for ``wait`` seconds; every failure ends as one line (``UserError``), not a traceback."""
    deadline = time.monotonic() + wait
    delay = FIRST_DELAY
    while True:
        try:
            return _open(url)
        except DatabaseUnavailable as exc:
            left = deadline - time.monotonic()
            if left <= 0:
                waited = f" (tried for {wait:g} s)" if wait else ""
                raise UserError(f"database not reachable{waited}: {exc}", exit_code=1) from None
            if delay == FIRST_DELAY:
                log.info("database not answering; waiting up to %g s for it: %s", wait, exc)
            sleep(min(delay, left))
            delay = min(delay * 2, 5.0)
        except DatabaseError as exc:
            raise UserError(f"bad database setting: {exc}") from None


@lru_cache(maxsize=4)
def _open(url: str) -> sessionmaker[Session]:
    engine = make_engine(url)
    try:
        ensure_current(url, engine)
    except DBAPIError as exc:
        engine.dispose()
        cause = " ".join(str(exc.orig).split()) if exc.orig is not None else str(exc).splitlines()[0]
        if engine.dialect.name == "sqlite" or not any(mark in cause.lower() for mark in _TRANSIENT):
            raise DatabaseError(f"{safe_url(url)}: {cause}") from None
        raise DatabaseUnavailable(f"{safe_url(url)}: {cause}") from None
    return session_factory(engine)
