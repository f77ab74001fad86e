"""Shared test fixtures: databases (SQLite always, PostgreSQL when configured), settings, portal servers."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from crawler.config import Settings

# Guards that the run leaves the host as it was unless a test is marked `container` (tests/support/host.py).
pytest_plugins = ["tests.support.host"]

# Set by .ci/run so the PostgreSQL half of the suite runs in CI instead of skipping.
POSTGRES_URL = os.environ.get("PORTALWATCH_TEST_POSTGRES_URL")


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    if not POSTGRES_URL:
        pytest.skip("PORTALWATCH_TEST_POSTGRES_URL not set")
    return POSTGRES_URL


@pytest.fixture
def postgres_url(postgres_server_url):
    """A fresh schema per test, dropped afterwards: runs in parallel never see each other's rows."""
    schema = f"pw_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_server_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in postgres_server_url else "?"
    yield f"{postgres_server_url}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'portalwatch.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'portalwatch.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def db_factory(db_url):
    """Sessions on a migrated database (SQLite, and PostgreSQL when configured)."""
    from storage.db import make_engine, session_factory
    from storage.migrate import upgrade

    upgrade(db_url)
    engine = make_engine(db_url)
    yield session_factory(engine)
    engine.dispose()


def test_settings(database_url: str, portals: Path, **overrides) -> Settings:
    """Settings for crawling fixture servers on 127.0.0.1: no politeness delay, short timeouts."""
    values = dict(
        database_url=database_url,
        portals=portals,
        download_delay=0.0,
        autothrottle=False,
        download_timeout=3.0,
        crawl_timeout=120.0,
        telegram_bot_token=None,
    )
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def make_settings():
    return test_settings


@pytest.fixture
def fake_telegram():
    """A fake Bot API server with Telegram's limits; ``fake_telegram.bot()`` is a real PTB Bot for it."""
    from tests.fakes.telegram_api import FakeTelegramServer

    with FakeTelegramServer() as server:
        yield server


@pytest.fixture
def unlimited_telegram():
    """The same server without rate limits, for tests about anything but pacing."""
    from tests.fakes.telegram_api import FakeTelegramServer, Limits

    with FakeTelegramServer(limits=Limits(enabled=False)) as server:
        yield server


# Started first, so a parallel run (`make test`, pytest-xdist) does not end waiting on one of them:
# the modules whose tests run containers, the daemon, a browser or many crawls (tens of seconds
# each). Every other test keeps its collection order.
LONG_RUNNING = (
    "tests/container/test_container.py",
    "tests/test_portal_health.py",
    "tests/test_daemon.py",
    "tests/test_crawl_faults.py",
    "tests/maintain/test_end_to_end.py",
    "tests/test_end_to_end.py",
    "tests/test_crawl_incremental.py",
    "tests/maintain/test_custom_spiders.py",
    "tests/test_crawl_crash.py",
)


def pytest_collection_modifyitems(items):
    rank = {path: n for n, path in enumerate(LONG_RUNNING)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`-n N`: tests are handed out one by one as workers free up, except tests/container/, which
    one worker runs in a row (one image build, one session's podman tag)."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ContainerTestsTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "tests/container/" if nodeid.startswith("tests/container/") else nodeid

    return ContainerTestsTogether(config, log)


def pytest_sessionfinish(session):
    # Under xdist the container timings are taken in a worker; the controller prints them.
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        from tests.container.conftest import TIMINGS

        workeroutput["container_timings"] = dict(TIMINGS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    from tests.container.conftest import TIMINGS

    TIMINGS.update(getattr(node, "workeroutput", {}).get("container_timings", {}))


def pytest_terminal_summary(terminalreporter):
    from tests.container.conftest import TIMINGS

    if TIMINGS:
        terminalreporter.section("container timings")
        for key, value in TIMINGS.items():
            terminalreporter.write_line(f"{key}: {value}")


def pytest_configure(config):
    # PTB's own RetryAfter constructor reads the deprecated int ``retry_after``; nothing to act on.
    config.addinivalue_line(
        "filterwarnings", "ignore:Deprecated since version v22.2.*`retry_after`:telegram.warnings.PTBDeprecationWarning"
    )
