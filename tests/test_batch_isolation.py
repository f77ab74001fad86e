"""Issue 11's promise in one batch: a hostile page, a maintainer's backtracking regex and a broken
``spider:`` path cost only their own page or entry; every article of the healthy portals in the same
batch is stored."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from crawler.cycle import run_once
from crawler.store import open_store
from storage.db import transaction
from storage.models import Article
from tests.support.server import PortalServer, loopback
from tests.support.sites import FAMILIES, FixturePortal, make_articles
from tests.test_crawl_hostile import _hostile

# The slug pattern (43 s on one slug with Python's backtracking engine), linear on RE2.
SLUG_PATTERN = r"^https?://[^/]+/(\w+-?)+\.html"


def test_one_batch_with_a_hostile_page_a_hostile_regex_and_a_broken_spider_path(tmp_path: Path, sqlite_url, make_settings):
    with PortalServer(loopback(1)) as first, PortalServer(loopback(2)) as second, PortalServer(loopback(3)) as third:
        hostile_site = FixturePortal(first, FAMILIES["front"])
        hostile_articles = make_articles(3)
        hostile_site.publish(hostile_articles)
        fam = FAMILIES["front"]
        first.add(fam.article_path(hostile_articles[0]), _hostile(fam.article(hostile_articles[0], [])))
        regex_site = FixturePortal(second, FAMILIES["wordpress"])
        regex_articles = make_articles(3, start=200)
        regex_site.publish(regex_articles)
        # A link the pattern fails on only after trying every way to split a long slug (hours in `re`).
        wp = FAMILIES["wordpress"]
        listing = wp.listing(regex_articles, 1, False)
        second.add(wp.listing_path, listing.replace("</body>", f'<a href="/{"tin" * 20}-x">Tin nổi bật trong tuần của tỉnh</a></body>'))
        healthy_site = FixturePortal(third, FAMILIES["sharepoint"])
        healthy_articles = make_articles(4, start=400)
        healthy_site.publish(healthy_articles)
        registry = tmp_path / "p.yaml"
        registry.write_text(
            "portals:\n"
            f'  - id: hostile-page\n    name: A\n    start_urls: ["{hostile_site.listing_url}"]\n'
            f'  - id: hostile-regex\n    name: B\n    start_urls: ["{regex_site.listing_url}"]\n'
            f"    article_url_pattern: '{SLUG_PATTERN}'\n"
            f"    boilerplate: ['^(\\w+\\s?)+ - Cổng TTĐT tỉnh$']\n"
            f'  - id: healthy\n    name: C\n    start_urls: ["{healthy_site.listing_url}"]\n'
            f'  - id: broken-spider\n    name: D\n    start_urls: ["{healthy_site.listing_url}"]\n'
            "    spider: spiders.custom.no_such_module.Spider\n    enabled: false\n",
            encoding="utf-8",
        )
        result = run_once(make_settings(sqlite_url, registry, crawl_timeout=240.0))

    runs = {run.portal_id: run for run in result.runs}
    assert set(runs) == {"hostile-page", "hostile-regex", "healthy"}
    assert all(run.status == "ok" for run in runs.values()), {k: (r.status, r.reason) for k, r in runs.items()}
    with transaction(open_store(sqlite_url)) as session:
        stored = {(a.portal_id, a.title) for a in session.scalars(select(Article))}
    assert {("healthy", a.title) for a in healthy_articles} <= stored
    assert {("hostile-regex", a.title) for a in regex_articles} <= stored
    assert {("hostile-page", a.title) for a in hostile_articles} <= stored
