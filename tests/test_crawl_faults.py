"""Broken portals fail alone: the run goes on, each failure is recorded with a reason, nothing is lost."""

from __future__ import annotations

import contextlib
from pathlib import Path

from sqlalchemy import func, select

from crawler.cycle import run_once
from crawler.store import open_store
from storage.db import transaction
from storage.models import Article, CrawlRun, Portal
from tests.support.server import PortalServer, loopback
from tests.support.sites import FAMILIES, FixturePortal, make_articles

FAULTS = {
    "hangs": ("hang", "timeout"),
    "errors-500": ("500", "HTTP 500"),
    "redirect-loop": ("redirect-loop", "redirect"),
    "huge-page": ("huge", "size"),
    "serves-pdf": ("pdf", "not HTML"),
    "empty-body": ("empty", "empty body"),
    "garbage-html": ("garbage", "no article links"),
}


def registry_for(path: Path, portals: dict[str, str]) -> Path:
    lines = ["portals:"]
    for pid, url in portals.items():
        lines += [f"  - id: {pid}", f"    name: Portal {pid}", f'    start_urls: ["{url}"]']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_each_broken_portal_fails_alone_with_a_reason(tmp_path, sqlite_url, make_settings):
    fam = FAMILIES["sharepoint"]
    with contextlib.ExitStack() as stack:
        good_server = stack.enter_context(PortalServer(loopback(1)))
        good = FixturePortal(good_server, fam)
        good.publish(make_articles(6))
        urls = {"good": good.listing_url}
        for n, (pid, (fault, _)) in enumerate(FAULTS.items(), start=2):
            server = stack.enter_context(PortalServer(loopback(n)))
            server.fault(fam.listing_path, fault)
            urls[pid] = server.url(fam.listing_path)
        settings = make_settings(sqlite_url, registry_for(tmp_path / "p.yaml", urls), download_timeout=2.0)

        result = run_once(settings)
        by_id = {run.portal_id: run for run in result.runs}
        assert by_id["good"].status == "ok" and by_id["good"].new_articles == 6
        for pid, (_, words) in FAULTS.items():
            assert by_id[pid].status == "failed", (pid, by_id[pid])
            assert words.lower() in (by_id[pid].reason or "").lower(), (pid, by_id[pid].reason)

        again = run_once(settings)
        assert {r.portal_id: r.status for r in again.runs}["good"] == "ok"

    factory = open_store(sqlite_url)
    with transaction(factory) as session:
        assert session.scalar(select(func.count(Article.id))) == 6
        assert session.scalar(select(func.count(CrawlRun.id)).where(CrawlRun.status == "running")) == 0
        hangs = session.get(Portal, "hangs")
        assert hangs.consecutive_failures == 2 and "timeout" in hangs.last_failure_reason.lower()
        assert session.get(Portal, "good").consecutive_failures == 0


def test_failed_article_is_retried_next_run_and_listing_not_cached(tmp_path, sqlite_url, make_settings):
    fam = FAMILIES["front"]
    with PortalServer() as server:
        site = FixturePortal(server, fam)
        site.publish(make_articles(4))
        broken = fam.article_path(site.articles[1])
        server.fault(broken, "500")
        settings = make_settings(sqlite_url, registry_for(tmp_path / "p.yaml", {"flaky": site.listing_url}))

        first = run_once(settings)
        assert first.runs[0].status == "partial"
        assert first.new_articles == 3
        assert "HTTP 500" in first.runs[0].reason

        del server.faults[broken]
        server.reset_log()
        second = run_once(settings)
        assert second.runs[0].status == "ok"
        assert second.new_articles == 1
        assert site.article_requests() == 1
