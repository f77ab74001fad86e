"""Portal health: a portal that starts failing gives one admin message and shows as unhealthy
on /healthz, `portalwatch portals` and the status page (checked in a real headless Chromium)."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler import cli
from crawler.portal_health import Facts, judge
from tests.support.browser import launch_chromium
from tests.support.daemon import running_daemon
from tests.support.server import PortalServer
from tests.support.sites import FAMILIES, FixturePortal, make_articles
from tests.test_daemon import daemon_env, registry_file

ADMIN = 5150
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
NOW = datetime(2026, 11, 22, 3, 0, tzinfo=timezone.utc)


def facts(**overrides) -> Facts:
    base = dict(consecutive_failures=0, last_failure_reason=None, last_new_article_at=NOW - timedelta(hours=5),
                article_times=[NOW - timedelta(days=d) for d in range(10)], undated=0, recent=10, bot_wall_pages=0)
    base.update(overrides)
    return Facts(**base)


def test_judge_rules():
    assert judge(facts(), NOW) == ("healthy", None)
    state, reason = judge(facts(consecutive_failures=3, last_failure_reason="HTTP 503"), NOW)
    assert state == "unhealthy" and "HTTP 503" in reason and "3 lần" in reason
    assert judge(facts(consecutive_failures=2), NOW)[0] == "healthy"
    state, reason = judge(facts(last_new_article_at=NOW - timedelta(days=9)), NOW)
    assert state == "unhealthy" and "9 ngày" in reason  # usually daily
    weekly = [NOW - timedelta(days=7 * w) for w in range(8)]
    assert judge(facts(article_times=weekly, last_new_article_at=NOW - timedelta(days=9)), NOW)[0] == "healthy"
    assert "không đọc được ngày" in judge(facts(undated=8), NOW)[1]
    assert "chống bot" in judge(facts(bot_wall_pages=2), NOW)[1]


def test_a_portal_that_never_worked_is_failing_from_its_first_failure():
    state, reason = judge(facts(consecutive_failures=1, last_failure_reason="DNS lookup failed", ever_succeeded=False), NOW)
    assert state == "unhealthy" and "chưa thu thập thành công" in reason and "DNS lookup failed" in reason
    # A portal that has worked keeps its grace of three failures in a row.
    assert judge(facts(consecutive_failures=2, last_failure_reason="DNS lookup failed"), NOW)[0] == "healthy"


def test_never_worked_shows_failing_in_portals_status_page_and_healthz(tmp_path, sqlite_url, monkeypatch, capsys):
    from web.status import render
    from crawler.store import open_store
    from tests.support.daemon import free_port
    from tests.test_console_alerts import cli_env

    dead = f"http://127.0.0.1:{free_port()}/tin-tuc"  # nothing listens there: connection refused
    registry = registry_file(tmp_path / "p.yaml", {"never": dead})
    cli_env(monkeypatch, sqlite_url, registry)
    assert cli.main(["crawl"]) == 0
    capsys.readouterr()
    assert cli.main(["portals"]) == 0
    listing = capsys.readouterr().out
    assert "unhealthy" in listing and "chưa thu thập thành công" in listing
    page = render(open_store(sqlite_url))
    assert "Hoạt động tốt" not in page and "1 cổng gặp sự cố" in page and "chưa thu thập thành công" in page

    env = daemon_env(sqlite_url, registry, PORTALWATCH_INTERVAL_SCALE="0.05")
    with running_daemon(env, tmp_path / "d.log") as daemon:
        daemon.wait_for(lambda: daemon.health()[1]["portals"]["never"]["consecutive_failures"] >= 2, 60, "another failure")
        portal = daemon.health()[1]["portals"]["never"]
        assert portal["health"] == "unhealthy" and "chưa thu thập thành công" in portal["health_reason"]
        assert daemon.health()[1]["unhealthy_portals"] == ["never"]
        assert daemon.terminate()[0] == 0


def screenshot(url: str, path: Path) -> str:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url, wait_until="load", timeout=30000)
            path.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(path), full_page=True)
            assert page.title() == "portalwatch — Tình trạng theo dõi"
            return page.locator("#portals tr[data-portal='flaky']").inner_text()
        finally:
            browser.close()


def test_failing_portal_gives_one_admin_message_and_shows_unhealthy(tmp_path, sqlite_url, unlimited_telegram, capsys):
    tg = unlimited_telegram
    with PortalServer() as server:
        site = FixturePortal(server, FAMILIES["sharepoint"])
        site.publish(make_articles(4))
        registry = registry_file(tmp_path / "p.yaml", {"flaky": site.listing_url})
        env = daemon_env(sqlite_url, registry, tg, TELEGRAM_ADMIN_CHAT_IDS=str(ADMIN), PORTALWATCH_INTERVAL_SCALE="0.05")
        with running_daemon(env, tmp_path / "d.log") as daemon:
            daemon.wait_for(lambda: daemon.health()[1]["portals"]["flaky"]["health"] == "healthy", 60, "a healthy portal")
            server.fault(FAMILIES["sharepoint"].listing_path, "500")
            daemon.wait_for(lambda: daemon.health()[1]["portals"]["flaky"]["health"] == "unhealthy", 90, "an unhealthy portal")
            notice = daemon.wait_for(lambda: tg.sent_to(ADMIN), 30, "the admin notice")
            assert "flaky" in notice[0].text and "HTTP 500" in notice[0].text
            failures_then = daemon.health()[1]["portals"]["flaky"]["consecutive_failures"]
            daemon.wait_for(
                lambda: daemon.health()[1]["portals"]["flaky"]["consecutive_failures"] >= failures_then + 2, 60, "more failures"
            )
            assert len(tg.sent_to(ADMIN)) == 1  # one message per change, not per failure

            status, page = daemon.get("/trang-thai")
            assert status == 200 and "Gặp sự cố" in page and "HTTP 500" in page
            row = screenshot(f"http://127.0.0.1:{daemon.port}/trang-thai", ARTIFACTS / "status-page.png")
            assert "Gặp sự cố" in row and "HTTP 500" in row
            assert (ARTIFACTS / "status-page.png").stat().st_size > 10_000

            os.environ["PORTALWATCH_DATABASE_URL"] = sqlite_url
            os.environ["PORTALWATCH_PORTALS"] = str(registry)
            try:
                capsys.readouterr()
                assert cli.main(["portals"]) == 0
                listing = capsys.readouterr().out
            finally:
                del os.environ["PORTALWATCH_DATABASE_URL"], os.environ["PORTALWATCH_PORTALS"]
            assert "unhealthy" in listing and "HTTP 500" in listing

            del server.faults[FAMILIES["sharepoint"].listing_path]
            recovered = daemon.wait_for(lambda: len(tg.sent_to(ADMIN)) == 2 and tg.sent_to(ADMIN), 60, "the recovery notice")
            assert "trở lại" in recovered[1].text
            assert daemon.terminate()[0] == 0


@pytest.fixture(autouse=True)
def _no_leftover_env():
    yield
    for key in ("PORTALWATCH_DATABASE_URL", "PORTALWATCH_PORTALS"):
        os.environ.pop(key, None)
