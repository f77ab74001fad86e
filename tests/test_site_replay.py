"""A real government portal replayed: two Liferay sections of sotttt.hanoi.gov.vn, crawled from three lines.

The mirror (tests/fixtures/sites/sotttt-hanoi) is served on 127.0.0.1 as the site was. Every article a
listing page links is stored once (the same article listed in both sections too) with the title and
the "Ngày đăng 17/05/2022 | 8:18 AM" date and time the page shows; no listing page becomes an article.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import lxml.html

from crawler.cycle import run_once
from tests.support.mirror import mirror
from tests.support.server import PortalServer
from tests.test_crawl_incremental import articles_json

VN = timezone(timedelta(hours=7))
_STAMP = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})\s*\|\s*(\d{1,2}):(\d{2})\s*([AP]M)")


def _truth(body: bytes) -> tuple[str, datetime, bool]:
    """The page's own title and publication time, read straight from its markup."""
    tree = lxml.html.fromstring(body)
    title = " ".join(tree.cssselect(".asset-full-content-title")[0].text_content().split())
    d, m, y, hh, mm, ampm = _STAMP.search(tree.cssselect(".assetPublishDate")[0].text_content()).groups()
    hour = int(hh) % 12 + (12 if ampm == "PM" else 0)
    when = datetime(int(y), int(m), int(d), hour, int(mm), tzinfo=VN)
    return title, when, (hour, int(mm)) != (0, 0)  # "12:00 AM" is a page that showed only a date


def test_two_liferay_sections_replayed_store_every_linked_article_once(tmp_path, sqlite_url, make_settings, capsys):
    site = mirror("sotttt-hanoi")
    manifest = site.manifest
    linked = {link for section in manifest.values() for links in section["articles"].values() for link in links}
    listings = {"/" + path.removeprefix("source/") for section in manifest.values() for path in section["listing"].values()}
    with PortalServer() as server:
        site.serve(server)
        starts = ", ".join(f'"{server.url(f"/vi/{name}.html")}"' for name in manifest)
        registry = tmp_path / "portals.yaml"
        registry.write_text(f"portals:\n  - id: sotttt-hanoi\n    name: Sở Thông tin và Truyền thông Hà Nội\n    start_urls: [{starts}]\n", encoding="utf-8")
        settings = make_settings(sqlite_url, registry, max_listing_pages=4)

        cycle = run_once(settings)
        assert [(r.portal_id, r.status) for r in cycle.runs] == [("sotttt-hanoi", "ok")]
        stored = articles_json(capsys, settings)
        fetched = server.paths()

    by_url = {a["url"].removeprefix(server.root): a for a in stored}
    assert len(by_url) == len(stored)
    assert not listings & set(by_url), "a listing page was stored as an article"
    assert all(path in listings or path.startswith(tuple(f"/vi/{s}/-/view_content/" for s in manifest)) for path in by_url)
    assert all(any(path.startswith(listing) for path in fetched) for listing in listings)

    # One stored article per linked article: the same id listed in both sections is one article.
    ids = {link.split("/")[-1].split("-")[0] for link in linked}
    stored_ids = [path.split("/")[-1].split("-")[0] for path in by_url]
    assert sorted(stored_ids) == sorted(ids)
    for path, article in by_url.items():
        title, when, has_time = _truth(site.page("source" + path))
        assert article["title"] == title, path
        if has_time:
            assert article["published_at"] == when.isoformat(), path
        else:
            assert article["published_at"].startswith(when.date().isoformat()), path
