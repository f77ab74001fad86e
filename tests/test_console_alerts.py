"""The embedded default tells the truth: with no bot token and no subscriber, `run --once` prints
the first new directive on the console (the console subscribes to the default rules), once."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from crawler import cli
from crawler.store import open_store
from storage import outbox, subscribers
from storage.db import transaction
from storage.models import Alert, Article, Subscriber
from tests.support.server import PortalServer
from tests.support.sites import FAMILIES, FixtureArticle, FixturePortal, make_articles
from tests.test_end_to_end import DIRECTIVE_TEXT, VN


def cli_env(monkeypatch, database_url: str, registry: Path) -> None:
    """What `make once` reads from the environment, pointed at a fixture portal (no politeness delay)."""
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL", "TELEGRAM_ADMIN_CHAT_IDS", "PORTALWATCH_RULES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PORTALWATCH_DATABASE_URL", database_url)
    monkeypatch.setenv("PORTALWATCH_PORTALS", str(registry))
    monkeypatch.setenv("PORTALWATCH_DOWNLOAD_DELAY", "0")
    monkeypatch.setenv("PORTALWATCH_AUTOTHROTTLE", "false")
    monkeypatch.setenv("PORTALWATCH_DOWNLOAD_TIMEOUT", "3")
    # `run` (the daemon) must never bind the user's 8080 or stay up: a free loopback port.
    from tests.support.daemon import free_port

    monkeypatch.setenv("PORTALWATCH_HTTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PORTALWATCH_HTTP_PORT", str(free_port()))


def test_run_once_without_a_token_prints_the_first_new_directive(tmp_path: Path, sqlite_url, monkeypatch, capsys):
    with PortalServer() as server:
        site = FixturePortal(server, FAMILIES["front"])
        site.publish(make_articles(4))
        registry = tmp_path / "p.yaml"
        registry.write_text(f'portals:\n  - id: mattran\n    name: Mặt trận Tổ quốc\n    start_urls: ["{site.listing_url}"]\n')
        cli_env(monkeypatch, sqlite_url, registry)

        assert cli.main(["run", "--once"]) == 0  # the baseline: stored, not alerted
        assert "--- alert" not in capsys.readouterr().out

        now = datetime.now(VN).replace(second=0, microsecond=0)
        site.publish([FixtureArticle(3001, "Quán triệt Chỉ thị mới của Ban Bí thư về đối ngoại nhân dân", now - timedelta(hours=1), DIRECTIVE_TEXT)])
        assert cli.main(["run", "--once"]) == 0
        out = capsys.readouterr().out
        assert out.count("--- alert ---") == 1
        assert "45-CT/TW" in out and "Quán triệt Chỉ thị mới" in out and site.server.root in out

        assert cli.main(["run", "--once"]) == 0  # nothing new: nothing printed again
        assert "--- alert" not in capsys.readouterr().out
    with transaction(open_store(sqlite_url)) as session:
        console = subscribers.get_subscriber(session, subscribers.CONSOLE_CHAT_ID)
        assert console.active and console.follows_defaults
        assert [a.status for a in session.scalars(select(Alert))] == ["sent"]


def test_a_bot_token_switches_the_console_off_and_closes_its_queue(db_factory):
    with transaction(db_factory) as session:
        console = subscribers.set_console(session, active=True)
        again = subscribers.set_console(session, active=True)
        assert again.id == console.id  # one console subscriber, however many starts
        from storage.models import Portal

        session.add(Portal(id="p", name="P"))
        session.flush()
        article = Article(portal_id="p", url="https://x.vn/a", canonical_url="https://x.vn/a", title="T", text="x", content_hash="h")
        session.add(article)
        session.flush()
        outbox.queue_alert(session, console, article.id, [{"kind": "directive", "detail": "45-CT/TW"}])
    with transaction(db_factory) as session:
        subscribers.set_console(session, active=False)
    with transaction(db_factory) as session:
        console = session.scalar(select(Subscriber).where(Subscriber.chat_id == subscribers.CONSOLE_CHAT_ID))
        assert not console.active and "TELEGRAM_BOT_TOKEN" in console.deactivated_reason
        assert [a.status for a in session.scalars(select(Alert))] == ["dropped"]
