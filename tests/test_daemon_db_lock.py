"""A database held by another writer (SQLite waits up to 30 s) must not freeze the daemon's event
loop: /healthz and /metrics still answer while a bot command waits for the lock on a worker thread."""

from __future__ import annotations

import sqlite3
import time

from tests.support.daemon import running_daemon
from tests.support.server import PortalServer
from tests.support.sites import FAMILIES, FixturePortal, make_articles
from tests.test_daemon import daemon_env, registry_file

# Far below SQLite's 30 s busy wait, far above any healthy answer: a bound, not a timing assertion.
PROMPT = 10.0


def test_healthz_and_metrics_answer_while_a_bot_command_waits_for_a_locked_database(tmp_path, sqlite_url, unlimited_telegram):
    tg = unlimited_telegram
    with PortalServer() as server:
        site = FixturePortal(server, FAMILIES["wordpress"])
        site.publish(make_articles(2))
        registry = registry_file(tmp_path / "p.yaml", {"one": site.listing_url})
        # One crawl soon after start, the next only in ten minutes: nothing else touches the database.
        env = daemon_env(sqlite_url, registry, tg, PORTALWATCH_INTERVAL_SCALE="10")
        with running_daemon(env, tmp_path / "d.log") as daemon:
            daemon.wait_for(lambda: daemon.health()[1]["last_cycle_at"], 60, "the first cycle")
            tg.push_message(4242, "/ping-before-lock")  # warms the polling path
            lock = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), timeout=1, isolation_level=None)
            try:
                lock.execute("BEGIN IMMEDIATE")
                lock.execute("INSERT INTO state (key, value) VALUES ('test-lock', 'held')")
                tg.push_message(4242, "/start")  # the bot's register() now waits for the lock
                time.sleep(2.0)  # polling picks the update up (poll interval 0.5 s)
                for path in ("/healthz", "/metrics", "/healthz"):
                    started = time.monotonic()
                    status, _ = daemon.get(path, timeout=PROMPT)
                    assert status == 200 and time.monotonic() - started < PROMPT, path
                assert tg.sent_to(4242) == []  # the command is still waiting, not lost
            finally:
                lock.execute("ROLLBACK")
                lock.close()
            welcome = daemon.wait_for(lambda: tg.sent_to(4242), 30, "the welcome once the lock is gone")
            assert "Chào mừng" in welcome[0].text
            assert daemon.terminate()[0] == 0


def test_healthz_answers_from_memory_while_the_database_cannot_be_read(tmp_path, sqlite_url, make_settings):
    """Even a lock that blocks readers (exclusive locking mode) costs /healthz a few seconds, not 30."""
    import asyncio

    from crawler.cycle import prepare
    from crawler.daemon import HEALTH_DB_SECONDS, Daemon

    registry = registry_file(tmp_path / "p.yaml", {"one": "http://127.0.0.1:9/tin-tuc"})
    daemon = Daemon(make_settings(sqlite_url, registry))
    daemon.prepared = prepare(daemon.settings)

    async def scenario():
        daemon.stop_event = asyncio.Event()
        _, before = await daemon.health()
        assert before["database"] == "ok" and "one" in before["portals"]
        daemon.prepared.factory.kw["bind"].dispose()  # pooled connections would keep the lock from being taken
        lock = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), timeout=5, isolation_level=None)
        try:
            lock.execute("PRAGMA locking_mode=EXCLUSIVE")
            lock.execute("BEGIN EXCLUSIVE")
            lock.execute("INSERT INTO state (key, value) VALUES ('test-lock', 'held')")
            started = time.monotonic()
            _, during = await daemon.health()
            assert time.monotonic() - started < HEALTH_DB_SECONDS + PROMPT
            assert during["database"].startswith("busy") and during["portals"] == before["portals"]
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        await daemon._health_read  # the read that waited finishes once the lock is gone
        _, after = await daemon.health()
        assert after["database"] == "ok"

    asyncio.run(scenario())


def test_bot_and_healthz_answer_while_the_sender_waits_for_a_locked_database(tmp_path, sqlite_url, unlimited_telegram):
    """Alerts are queued and the database locked: the sender's pass waits for the lock on its own
    thread while /help gets its reply and /healthz answers; once the lock is gone each alert arrives once."""
    from storage.db import make_engine, session_factory
    from tests.support.channels import seed

    tg = unlimited_telegram
    chats = [5101 + n for n in range(6)]
    registry = registry_file(tmp_path / "p.yaml", {"one": "http://127.0.0.1:9/tin-tuc"})
    env = daemon_env(sqlite_url, registry, tg, PORTALWATCH_INTERVAL_SCALE="10")
    with running_daemon(env, tmp_path / "d.log") as daemon:
        daemon.wait_for(lambda: daemon.health()[1]["last_cycle_at"], 60, "the first cycle")
        engine = make_engine(sqlite_url)
        lock = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), timeout=1, isolation_level=None)
        try:
            seed(session_factory(engine), [[("telegram", str(chat))] for chat in chats], count=1)
            lock.execute("BEGIN IMMEDIATE")
            lock.execute("INSERT INTO state (key, value) VALUES ('test-lock', 'held')")
            time.sleep(6.0)  # the sender wakes at least every 5 s and now waits for the lock
            tg.push_message(4343, "/help")  # needs no database
            started = time.monotonic()
            for path in ("/healthz", "/metrics"):
                status, _ = daemon.get(path, timeout=PROMPT)
                assert status == 200 and time.monotonic() - started < PROMPT, path
            reply = daemon.wait_for(lambda: tg.sent_to(4343), PROMPT, "the reply to /help")
            assert "/subscribe" in reply[0].text and time.monotonic() - started < PROMPT
            assert all(tg.sent_to(chat) == [] for chat in chats)  # the alerts wait for the lock, not lost
        finally:
            lock.execute("ROLLBACK")
            lock.close()
            engine.dispose()
        daemon.wait_for(lambda: all(tg.sent_to(chat) for chat in chats), 30, "the alerts once the lock is gone")
        time.sleep(1.0)
        assert [len(tg.sent_to(chat)) for chat in chats] == [1] * len(chats)
        assert daemon.terminate()[0] == 0


def test_a_bot_that_could_not_start_is_started_once_telegram_answers(tmp_path, sqlite_url, unlimited_telegram):
    """Telegram down when the daemon boots: crawling goes on, and the bot starts by itself (bounded
    backoff) once Telegram answers again, instead of staying off until a restart."""
    tg = unlimited_telegram
    tg.unavailable = True
    registry = registry_file(tmp_path / "p.yaml", {"one": "http://127.0.0.1:9/tin-tuc"})
    env = daemon_env(sqlite_url, registry, tg, PORTALWATCH_INTERVAL_SCALE="10")
    with running_daemon(env, tmp_path / "d.log") as daemon:
        daemon.wait_for(lambda: daemon.health()[1]["last_cycle_at"], 60, "the first cycle")
        daemon.wait_for(lambda: "bot could not start" in daemon.output(), 30, "the failed start in the log")
        tg.unavailable = False
        tg.push_message(4444, "/help")
        reply = daemon.wait_for(lambda: tg.sent_to(4444), 60, "the bot's reply once Telegram answers")
        assert "/subscribe" in reply[0].text
        assert daemon.terminate()[0] == 0
