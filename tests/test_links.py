"""Link discovery and canonicalisation on the fixture families' listing pages."""

from __future__ import annotations

import pytest
from parsel import Selector

from spiders.links import article_links, next_page
from spiders.urls import canonicalize
from tests.support.sites import FAMILIES, make_articles

ROOT = "http://portal.example.vn"


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_article_links_found_without_configuration(family):
    fam = FAMILIES[family]
    articles = make_articles(5)
    page = fam.listing(articles, 1, has_next=True)
    found = article_links(Selector(text=page), ROOT + fam.listing_path)
    expected = [canonicalize(ROOT + fam.article_path(a)) for a in articles]
    assert [link.canonical for link in found] == expected
    assert next_page(Selector(text=page), ROOT + fam.listing_path, 1) == ROOT + fam.page_path(2)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_last_page_has_no_next(family):
    fam = FAMILIES[family]
    page = fam.listing(make_articles(3), 2, has_next=False)
    assert next_page(Selector(text=page), ROOT + fam.page_path(2), 2) is None


def test_article_url_pattern_overrides_discovery():
    fam = FAMILIES["front"]
    page = fam.listing(make_articles(5), 1, has_next=False)
    found = article_links(Selector(text=page), ROOT + fam.listing_path, pattern=r"-100[13]\.html$")
    assert [link.url.rsplit("-", 1)[1] for link in found] == ["1001.html", "1003.html"]


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://Example.VN:80/a/b.html#top", "http://example.vn/a/b.html"),
        ("https://example.vn/a?utm_source=fb&id=5&fbclid=xyz", "https://example.vn/a?id=5"),
        ("https://example.vn/a?b=2&a=1", "https://example.vn/a?a=1&b=2"),
        ("https://example.vn/a;jsessionid=ABC123?x=1", "https://example.vn/a?x=1"),
        ("https://example.vn/(S(xyz123abc))/tin.aspx?ItemID=4", "https://example.vn/tin.aspx?ItemID=4"),
        ("https://example.vn/tin-t%E1%BB%A9c/a", "https://example.vn/tin-t%E1%BB%A9c/a"),
        ("https://example.vn/tin-tức/a", "https://example.vn/tin-t%E1%BB%A9c/a"),
        ("https://example.vn:8443/a?sessionid=9&Page=2", "https://example.vn:8443/a?Page=2"),
    ],
)
def test_canonicalize(url, canonical):
    assert canonicalize(url) == canonical
    assert canonicalize(canonical) == canonical
