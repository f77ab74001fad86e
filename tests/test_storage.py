"""Storage on SQLite and PostgreSQL alike: migrations, UTC round trips, uniqueness, run bookkeeping."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from storage import repositories as repo
from storage.db import make_engine, transaction
from storage.migrate import current_revision, upgrade
from storage.models import Base, Portal
from storage.search import POSTGRES_ONLY_COLUMNS


@pytest.fixture
def factory(db_factory):
    return db_factory


def add_portal(session, pid="p1"):
    repo.sync_portal(session, repo.PortalFields(pid, "Cổng TTĐT", "Bắc Kạn", "government", "h", True))


def article_fields(**overrides):
    fields = dict(
        portal_id="p1",
        url="https://x.vn/a?utm_source=1",
        canonical_url="https://x.vn/a",
        title="Tiêu đề",
        text="Nội dung",
        content_hash="h" * 64,
        published_at=datetime(2021, 4, 22, 8, 30, tzinfo=timezone(timedelta(hours=7))),
        first_seen_at=datetime.now(timezone.utc),
    )
    fields.update(overrides)
    return fields


def test_migrations_create_the_model_schema_and_are_idempotent(db_url):
    upgrade(db_url)
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) is not None
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        for table in Base.metadata.sorted_tables:
            columns = {c["name"] for c in inspect(engine).get_columns(table.name)}
            assert set(table.columns.keys()) == columns - POSTGRES_ONLY_COLUMNS.get(table.name, set()), table.name
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_processes_migrating_a_fresh_database_together_all_succeed(postgres_url):
    # the daemon, a crawl child and a web worker may start at once on a new database; without a lock the
    # second CREATE TABLE alembic_version fails with a duplicate key in pg_type
    import subprocess
    import sys

    # a racing migration that blocks must fail, not hang the test: every wait for a lock ends after 30 s
    url = postgres_url.replace("options=", "options=-clock_timeout%3D30000%20", 1)
    code = "import sys; from storage.migrate import upgrade; upgrade(sys.argv[1])"
    processes = [subprocess.Popen([sys.executable, "-c", code, url], stderr=subprocess.PIPE, text=True) for _ in range(4)]
    failures = []
    for process in processes:
        _, err = process.communicate(timeout=120)
        if process.returncode:
            failures.append(err.strip().splitlines()[-1])
    assert failures == []
    engine = make_engine(postgres_url)
    try:
        assert current_revision(engine) is not None
    finally:
        engine.dispose()


def test_times_come_back_aware_utc(factory):
    with transaction(factory) as session:
        add_portal(session)
        article_id = repo.add_article(session, **article_fields()).id
    with transaction(factory) as session:
        article = repo.list_articles(session)[0]
        assert article.id == article_id
        assert article.published_at == datetime(2021, 4, 22, 1, 30, tzinfo=timezone.utc)
        assert article.published_at.utcoffset() == timedelta(0)
        assert article.first_seen_at.tzinfo is not None


def test_naive_datetimes_are_refused(factory):
    with pytest.raises(Exception, match="naive"):
        with transaction(factory) as session:
            add_portal(session)
            repo.add_article(session, **article_fields(published_at=datetime(2021, 4, 22)))


def test_canonical_url_is_unique_and_a_failed_insert_leaves_nothing(factory):
    with transaction(factory) as session:
        add_portal(session)
        repo.add_article(session, **article_fields())
    with pytest.raises(IntegrityError):
        with transaction(factory) as session:
            repo.add_article(session, **article_fields(title="Khác", content_hash="x" * 64))
    with transaction(factory) as session:
        assert [a.title for a in repo.list_articles(session)] == ["Tiêu đề"]
        assert repo.article_id_by_hash(session, "h" * 64) is not None
        assert repo.seen_urls(session, "p1") == {"https://x.vn/a"}


def test_run_bookkeeping_and_portal_health(factory):
    with transaction(factory) as session:
        add_portal(session)
        run = repo.start_run(session, "p1", "batch1")
        repo.finish_run(session, run.id, "failed", "HTTP 503", {"requests": 3})
        run2 = repo.start_run(session, "p1", "batch2")
        repo.finish_run(session, run2.id, "failed", "timeout", {})
        repo.start_run(session, "p1", "batch3")
    with transaction(factory) as session:
        closed = repo.close_interrupted_runs(session, "crawl process died", batch_id="batch3")
        assert [r.status for r in closed] == ["interrupted"]
        portal = session.get(Portal, "p1")
        assert portal.consecutive_failures == 3 and portal.last_failure_reason == "crawl process died"
        run4 = repo.start_run(session, "p1", "batch4")
        repo.finish_run(session, run4.id, "ok", None, {"new_articles": 2})
    with transaction(factory) as session:
        portal = session.get(Portal, "p1")
        assert portal.consecutive_failures == 0 and portal.baseline_done and portal.last_success_at
        assert repo.last_runs(session)["p1"].new_articles == 2
        assert repo.last_run_status(session, "p1") == "ok"


def test_listing_validators_round_trip(factory):
    with transaction(factory) as session:
        add_portal(session)
        repo.save_listing(session, "p1", "https://x.vn/list", '"etag"', "Sun, 22 Nov 2026 01:00:00 GMT", "a" * 64)
    with transaction(factory) as session:
        row = repo.listing_validators(session, "p1")["https://x.vn/list"]
        assert (row.etag, row.body_hash) == ('"etag"', "a" * 64)
        changed = row.changed_at
        repo.save_listing(session, "p1", "https://x.vn/list", None, None, "a" * 64)
    with transaction(factory) as session:
        assert repo.listing_validators(session, "p1")["https://x.vn/list"].changed_at == changed
