"""A crawl killed mid-run leaves no half-written article and loses nothing: the next run completes it."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

from crawler.cycle import prepare, crawl, run_once
from crawler.store import open_store
from storage.db import transaction
from storage.models import Article, CrawlRun
from tests.support.server import PortalServer
from tests.support.sites import FAMILIES, FixturePortal, make_articles


def crawl_children() -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == os.getpid() and b"crawler.batch" in cmdline:
            pids.append(int(entry))
    return pids


def count_articles(url: str) -> int:
    with transaction(open_store(url)) as session:
        return session.scalar(select(func.count(Article.id)))


def test_kill_9_mid_crawl_then_rerun(tmp_path: Path, db_url, make_settings):
    with PortalServer() as server:
        site = FixturePortal(server, FAMILIES["wordpress"])
        site.publish(make_articles(10))
        server.delay = 0.3
        registry = tmp_path / "p.yaml"
        registry.write_text(f'portals:\n  - id: slow\n    name: Slow\n    start_urls: ["{site.listing_url}"]\n')
        settings = make_settings(db_url, registry)
        prepared = prepare(settings)

        outcome = {}
        worker = threading.Thread(target=lambda: outcome.setdefault("result", crawl(prepared)))
        worker.start()
        deadline = time.monotonic() + 60
        while count_articles(db_url) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        children = crawl_children()
        assert children, "crawl child not found"
        for pid in children:
            os.kill(pid, signal.SIGKILL)
        worker.join(60)
        killed = outcome["result"]
        assert killed.runs[0].status == "interrupted"
        assert "exit code -9" in killed.runs[0].reason
        partial = count_articles(db_url)
        assert 2 <= partial < 10

        with transaction(open_store(db_url)) as session:
            for article in session.scalars(select(Article)):
                assert article.title and article.text and article.content_hash
            assert session.scalar(select(func.count(CrawlRun.id)).where(CrawlRun.status == "running")) == 0

        server.delay = 0
        server.reset_log()
        resumed = run_once(settings)
        assert resumed.runs[0].status == "ok"
        assert resumed.new_articles == 10 - partial
        assert site.article_requests() == 10 - partial
        assert count_articles(db_url) == 10
