"""Feeds are read from bytes Scrapy fetched; robots.txt is obeyed."""

from __future__ import annotations

from pathlib import Path

from crawler.cycle import run_once
from spiders.feeds import parse_feed
from tests.support.server import PortalServer
from tests.support.sites import FAMILIES, FixturePortal, make_articles


def test_feed_only_portal_is_crawled_and_revisited_cheaply(tmp_path: Path, sqlite_url, make_settings):
    with PortalServer() as server:
        site = FixturePortal(server, FAMILIES["wordpress"])
        site.publish(make_articles(6))
        registry = tmp_path / "p.yaml"
        registry.write_text(f'portals:\n  - id: feedy\n    name: Feedy\n    feeds: ["{server.url("/feed/")}"]\n')
        settings = make_settings(sqlite_url, registry)
        first = run_once(settings)
        assert first.runs[0].status == "ok" and first.new_articles == 6
        server.reset_log()
        second = run_once(settings)
        assert second.new_articles == 0
        assert dict(server.paths()) == {"/feed/": 1}
        assert server.count(status=304) == 1


def test_one_bad_byte_does_not_turn_a_utf8_feed_into_mojibake():
    feed = FAMILIES["wordpress"].feed(make_articles(3), "http://x.vn").encode("utf-8")
    broken = feed.replace("Tăng cường".encode(), b"T\xff\xfeng c\xc6\xb0\xe1\xbb\x9dng", 1)
    titles = [entry.title for entry in parse_feed(broken).entries]
    assert titles[1] == "Nâng cao hiệu quả công tác đối ngoại Nhân dân trong tình hình mới"
    assert all("Ã" not in title and "á»" not in title for title in titles)


def test_robots_txt_disallow_is_obeyed(tmp_path: Path, sqlite_url, make_settings):
    with PortalServer() as server:
        site = FixturePortal(server, FAMILIES["front"])
        site.publish(make_articles(3))
        server.robots = "User-agent: *\nDisallow: /doi-ngoai-nhan-dan/\n"
        registry = tmp_path / "p.yaml"
        registry.write_text(f'portals:\n  - id: closed\n    name: Closed\n    start_urls: ["{site.listing_url}"]\n')
        result = run_once(make_settings(sqlite_url, registry))
        assert result.runs[0].status == "failed"
        assert "robots.txt" in result.runs[0].reason
        assert server.paths() == {}
