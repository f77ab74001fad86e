"""The daemon as a real process: scheduled crawls, the bot, alerts, health, metrics, clean and dirty stops."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, select

from crawler.store import open_store
from storage.db import transaction
from storage.models import Alert, Article, CrawlRun
from tests.support.daemon import free_port, running_daemon
from tests.support.server import PortalServer, loopback
from tests.support.sites import FAMILIES, FixtureArticle, FixturePortal, make_articles
from tests.test_end_to_end import DIRECTIVE_TEXT

VN = timezone(timedelta(hours=7))


def daemon_env(db_url: str, registry: Path, tg=None, **extra) -> dict[str, str]:
    env = {
        "PORTALWATCH_DATABASE_URL": db_url,
        "PORTALWATCH_PORTALS": str(registry),
        "PORTALWATCH_HTTP_PORT": str(free_port()),
        "PORTALWATCH_HTTP_HOST": "127.0.0.1",
        "PORTALWATCH_DOWNLOAD_DELAY": "0",
        "PORTALWATCH_AUTOTHROTTLE": "false",
        "PORTALWATCH_DOWNLOAD_TIMEOUT": "3",
        "PORTALWATCH_FIRST_CRAWL_WITHIN": "0.5",
        # 1-minute intervals become 6 s.
        "PORTALWATCH_INTERVAL_SCALE": "0.1",
        "PORTALWATCH_LOG_FORMAT": "json",
    }
    if tg is not None:
        env.update({"TELEGRAM_BOT_TOKEN": tg.token, "TELEGRAM_API_URL": tg.url})
    env.update({k: str(v) for k, v in extra.items()})
    return env


def registry_file(path: Path, entries: dict[str, str]) -> Path:
    lines = ["portals:"]
    for pid, url in entries.items():
        lines += [f"  - id: {pid}", f"    name: Cổng {pid}", f'    start_urls: ["{url}"]', "    interval_minutes: 1"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def count(db_url: str, model, *where) -> int:
    with transaction(open_store(db_url)) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_daemon_crawls_on_schedule_answers_the_bot_alerts_and_stops_cleanly(tmp_path, sqlite_url, unlimited_telegram):
    tg = unlimited_telegram
    with PortalServer(loopback(1)) as good_server, PortalServer(loopback(2)) as hung_server:
        site = FixturePortal(good_server, FAMILIES["wordpress"])
        site.publish(make_articles(4))
        # Downloads would wait 60 s; the batch's hard timeout (30 s) cuts the hung portal instead, and
        # leaves the good portal time to be crawled on a loaded machine (20 s was too short with
        # four test workers beside other developers' runs).
        hung_server.fault("/tin-tuc", "hang")
        registry = registry_file(tmp_path / "p.yaml", {"good": site.listing_url, "hung": hung_server.url("/tin-tuc")})
        env = daemon_env(sqlite_url, registry, tg, PORTALWATCH_DOWNLOAD_TIMEOUT=60, PORTALWATCH_CRAWL_TIMEOUT=30)
        tg.push_message(777, "/start")
        with running_daemon(env, tmp_path / "daemon.log") as daemon:
            # The bot answers while the first crawl is still held up by the hung portal.
            welcome = daemon.wait_for(lambda: tg.sent_to(777), 30, "the bot's welcome")
            assert "Chào mừng" in welcome[0].text
            status, health = daemon.wait_for(
                lambda: (h := daemon.health()) and h[1]["last_cycle_at"] and h, 90, "a completed cycle"
            )
            assert status == 200 and health["scheduler_running"] is True
            assert health["portals"]["good"]["last_success_at"]
            assert health["portals"]["hung"]["last_status"] == "interrupted"
            assert "timed out" in health["portals"]["hung"]["last_reason"]
            assert count(sqlite_url, Article) == 4

            now = datetime.now(VN).replace(second=0, microsecond=0)
            site.publish([FixtureArticle(3001, "Quán triệt Chỉ thị mới của Ban Bí thư về đối ngoại", now, DIRECTIVE_TEXT)])
            alert = daemon.wait_for(lambda: [m for m in tg.sent_to(777) if "Chỉ thị mới" in m.text], 60, "the alert")
            assert "45-CT/TW" in alert[0].text

            status, metrics = daemon.get("/metrics")
            assert status == 200
            for name in (
                "portalwatch_crawls_total", "portalwatch_pages_total", "portalwatch_new_articles_total",
                "portalwatch_matches_total", "portalwatch_alerts_sent_total", "portalwatch_alerts_failed_total",
                "portalwatch_alerts_queued", "portalwatch_portal_errors_total", "portalwatch_crawl_duration_seconds",
                "portalwatch_portal_last_success_timestamp_seconds",
            ):
                assert name in metrics, name
            assert 'portalwatch_portal_errors_total{portal="hung"}' in metrics

            code, seconds = daemon.terminate()
            assert code == 0 and seconds < 15, daemon.output()[-2000:]
            log = daemon.output()
            assert tg.token not in log and tg.token.split(":")[1] not in log
    assert count(sqlite_url, CrawlRun, CrawlRun.status == "running") == 0


def test_kill_9_during_crawl_then_restart_loses_nothing(tmp_path, db_url):
    with PortalServer() as server:
        site = FixturePortal(server, FAMILIES["front"])
        site.publish(make_articles(10))
        server.delay = 0.4
        registry = registry_file(tmp_path / "p.yaml", {"slow": site.listing_url})
        env = daemon_env(db_url, registry)
        with running_daemon(env, tmp_path / "a.log") as daemon:
            daemon.wait_for(lambda: count(db_url, Article) >= 2, 60, "two stored articles")
            daemon.kill()
        stored = count(db_url, Article)
        assert 2 <= stored < 10
        server.delay = 0
        with running_daemon(env, tmp_path / "b.log") as daemon:
            daemon.wait_for(lambda: count(db_url, Article) == 10, 60, "all ten articles")
            daemon.wait_for(lambda: daemon.health()[1]["last_cycle_at"], 30, "a cycle")
            assert daemon.terminate()[0] == 0
        assert count(db_url, Article) == 10


def test_kill_9_during_sending_then_restart_delivers_each_alert_once(tmp_path, sqlite_url, unlimited_telegram):
    tg = unlimited_telegram
    now = datetime.now(VN).replace(second=0, microsecond=0)
    with PortalServer() as server:
        site = FixturePortal(server, FAMILIES["front"])
        articles = [
            FixtureArticle(4000 + n, f"Tin {n}: quán triệt Chỉ thị số {50 + n}-CT/TW của Ban Bí thư", now - timedelta(minutes=n),
                           [p.replace("45-CT/TW", f"{50 + n}-CT/TW") + f" (Tin số {n}.)" for p in DIRECTIVE_TEXT])
            for n in range(8)
        ]
        site.publish(articles)
        registry = registry_file(tmp_path / "p.yaml", {"news": site.listing_url})
        env = daemon_env(sqlite_url, registry, tg)
        from crawler import cli
        import os

        os.environ["PORTALWATCH_DATABASE_URL"] = sqlite_url
        try:
            assert cli.main(["subscribers", "add", "888"]) == 0
        finally:
            del os.environ["PORTALWATCH_DATABASE_URL"]
        tg.delay_next(100, 0.6)  # slow answers keep sends in flight
        with running_daemon(env, tmp_path / "a.log") as daemon:
            daemon.wait_for(lambda: len(tg.sent_to(888)) >= 3, 90, "three alerts")
            daemon.kill()
        before = len(tg.sent_to(888))
        with running_daemon(env, tmp_path / "b.log") as daemon:
            daemon.wait_for(lambda: count(sqlite_url, Alert, Alert.status == "sent") == 8, 90, "every alert sent")
            assert daemon.terminate()[0] == 0
    texts = [m.text for m in tg.sent_to(888)]
    per_article = {n: sum(f"Tin {n}:" in t for t in texts) for n in range(8)}
    assert all(c >= 1 for c in per_article.values()), per_article
    assert sum(c - 1 for c in per_article.values()) <= 1, (per_article, before)


def test_postgres_restart_under_the_running_daemon(tmp_path):
    from tests.support.private_postgres import private_postgres

    with private_postgres() as pg, PortalServer() as server:
        site = FixturePortal(server, FAMILIES["sharepoint"])
        site.publish(make_articles(3))
        registry = registry_file(tmp_path / "p.yaml", {"pg": site.listing_url})
        with running_daemon(daemon_env(pg.url, registry), tmp_path / "d.log") as daemon:
            daemon.wait_for(lambda: count(pg.url, Article) == 3, 60, "the first articles")
            pg.restart()
            site.publish(make_articles(2, start=30, base=datetime(2027, 1, 1, tzinfo=VN)))
            daemon.wait_for(lambda: count(pg.url, Article) == 5, 60, "articles stored after the restart")
            # Healthy again once a cycle has finished since (a loaded machine may take longer than the
            # health window to finish one).
            daemon.wait_for(lambda: daemon.health()[0] == 200, 60, "a healthy daemon after the restart")
            assert daemon.terminate()[0] == 0
