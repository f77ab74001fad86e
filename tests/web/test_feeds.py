"""Atom feeds of searches and registers, read back with feedparser (as feed readers do) and lxml."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import feedparser
import pytest
from lxml import etree

from tests.web.support import NOW, add_article, add_portal, fetch, seeded
from tests.web.test_api import archive, registers

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def factory(db_factory):
    seeded(db_factory, archive)
    return db_factory


def read_feed(factory, path, **kwargs):
    [(status, body, headers)] = fetch(factory, path, **kwargs)
    assert status == 200, body[:300]
    assert headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(body.encode("utf-8"))
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    root = etree.fromstring(body.encode("utf-8"))
    assert root.tag == f"{ATOM}feed"
    for element in [root, *root.iter(f"{ATOM}entry")]:  # what RFC 4287 requires of each
        assert element.find(f"{ATOM}id") is not None and element.find(f"{ATOM}title") is not None
        assert element.find(f"{ATOM}updated") is not None
    return feed


def test_search_feed_has_the_search_newest_first(factory):
    feed = read_feed(factory, "/feeds/tim-kiem.atom?q=" + quote('"đối ngoại nhân dân"') + "&sort=relevance")
    assert [e.title for e in feed.entries] == ["Phát huy vai trò đối ngoại nhân dân trong tình hình mới",
                                               "Tăng cường đối ngoại nhân dân với Trung Quốc"]
    assert feed.feed.title == "portalwatch — tìm “\"đối ngoại nhân dân\"”"
    first = feed.entries[0]
    assert first.link.startswith("http://127.0.0.1:") and "/bai-viet/" in first.link and "q=%22" in first.link
    related = [link.href for link in first.links if link.rel == "related"]
    assert related and related[0].startswith("http://127.0.0.1/laocai/")
    assert first.summary == "Lào Cai phát huy đối ngoại nhân dân." and first.author == "Cổng TTĐT tỉnh Lào Cai"
    assert datetime(*first.updated_parsed[:6], tzinfo=timezone.utc) == NOW - timedelta(days=3)
    assert {t.term for t in first.tags} == {"Lào Cai", "12-CT/TW"}
    assert datetime(*feed.feed.updated_parsed[:6], tzinfo=timezone.utc) == NOW - timedelta(days=3)
    self_link = [link.href for link in feed.feed.links if link.rel == "self"][0]
    assert self_link.endswith("/feeds/tim-kiem.atom?q=%22%C4%91%E1%BB%91i+ngo%E1%BA%A1i+nh%C3%A2n+d%C3%A2n%22")


def test_feed_ids_are_stable_and_filters_apply(factory):
    one = read_feed(factory, "/feeds/tim-kiem.atom?province=" + quote("Hà Giang"))
    again = read_feed(factory, "/feeds/tim-kiem.atom?province=" + quote("Hà Giang") + "&page=3")
    assert [e.id for e in one.entries] == [e.id for e in again.entries] and one.feed.id == again.feed.id
    assert all(e.id.startswith("tag:portalwatch,2026:bai-viet/") for e in one.entries)
    assert [e.title for e in one.entries] == ["Đoàn đại biểu tỉnh Hà Giang sang thăm và làm việc tại Lào",
                                              "Tăng cường đối ngoại nhân dân với Trung Quốc"]
    everything = read_feed(factory, "/feeds/tim-kiem.atom")
    assert len(everything.entries) == 4 and everything.feed.title == "portalwatch — bài viết mới"
    assert read_feed(factory, "/feeds/tim-kiem.atom?visit=1").entries[0].tags[-1].term == "Đoàn: Lào"


def test_stored_markup_and_control_characters_are_text(db_factory):
    def build(session):
        add_portal(session, "p", "Cổng <i>thử</i> & co", "Lào Cai")
        add_article(session, "p", '<script>alert("x")</script> & Đoàn\x0c sang thăm Lào', "Nội dung <b>đậm</b> & \x01 hết.",
                    lead=None)

    seeded(db_factory, build)
    feed = read_feed(db_factory, "/feeds/tim-kiem.atom?q=" + quote("Lào"))
    [entry] = feed.entries
    assert entry.title == '<script>alert("x")</script> & Đoàn sang thăm Lào'
    assert entry.summary == "Nội dung <b>đậm</b> &  hết." and entry.author == "Cổng <i>thử</i> & co"
    [(_, raw, _)] = fetch(db_factory, "/feeds/tim-kiem.atom?q=" + quote("Lào"))
    assert "<script>" not in raw and "&lt;script&gt;" in raw


@pytest.mark.parametrize("query, needle", [
    ("q=" + quote('"đối ngoại'), "ngoặc kép"), ("from=32/01/2026", "Ngày bắt đầu"), ("q=" + "x" * 10_000, "quá dài"),
    ("accents=2", "true hoặc false"),
])
def test_bad_feed_query_is_a_400_line(factory, query, needle):
    [(status, body, headers)] = fetch(factory, "/feeds/tim-kiem.atom?" + query)
    assert status == 400 and needle in body and "\n" not in body and headers["Content-Type"].startswith("text/plain")


def test_document_and_visit_feeds(db_factory):
    seeded(db_factory, registers)
    documents = read_feed(db_factory, "/feeds/van-ban.atom")
    assert [e.title for e in documents.entries] == ["Chỉ thị 05-CT/TU", "Chỉ thị 05-CT/TU", "Chỉ thị 12-CT/TW"]
    ids = [e.id for e in documents.entries]
    assert len(set(ids)) == 3 and ids[0] == "tag:portalwatch,2026:van-ban/S%C6%A1n%20La/05-CT/TU"
    assert documents.entries[0].link.endswith("/van-ban/05-CT/TU") and "Phạm vi: Sơn La" in documents.entries[0].summary
    assert [e.id for e in read_feed(db_factory, "/feeds/van-ban.atom?new=1").entries] == ids[:1]
    assert read_feed(db_factory, "/feeds/van-ban.atom?year=2011").entries[0].title == "Chỉ thị 12-CT/TW"
    visits = read_feed(db_factory, "/feeds/doan.atom")
    assert len(visits.entries) == 2 and all(e.id.startswith("tag:portalwatch,2026:doan/") for e in visits.entries)
    titles = {e.title for e in visits.entries}
    assert "Đoàn (đoàn ra) — Lào: Đoàn Sơn La thăm Lào" in titles
    china = read_feed(db_factory, "/feeds/doan.atom?partner=" + quote("Trung Quốc"))
    assert [e.title for e in china.entries] == ["Đoàn — Trung Quốc, Lào: Lào Cai triển khai Chỉ thị 05-CT/TU"]
    [(status, _, _)] = fetch(db_factory, "/feeds/van-ban.atom?year=abc")
    assert status == 400


def test_archive_page_links_the_feed_of_its_query(factory):
    [(status, page, _)] = fetch(factory, "/?q=" + quote("biên giới") + "&province=" + quote("Hà Giang") + "&page=2")
    assert status == 200
    href = "/feeds/tim-kiem.atom?q=bi%C3%AAn+gi%E1%BB%9Bi&amp;province=H%C3%A0+Giang"
    assert f'<link rel="alternate" type="application/atom+xml" title="portalwatch — tìm kiếm này" href="{href}">' in page
    assert f'<a href="{href}" id="feed">Theo dõi bằng RSS/Atom</a>' in page
    [(_, plain, _)] = fetch(factory, "/")
    assert 'href="/feeds/tim-kiem.atom"' in plain
