"""Hostile links in a portal's feed or listing reach no local file and no internal host."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crawler.cycle import run_once
from crawler.store import open_store
from spiders.fetch_policy import FetchPolicy, address_kind, literal_kind
from storage.db import transaction
from storage.models import Article
from tests.support.server import PortalServer, loopback
from tests.support.sites import FAMILIES, FixturePortal, make_articles

SECRET = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Tài liệu nội bộ không được công bố ra ngoài</title></head>
<body><article><h1>Tài liệu nội bộ không được công bố ra ngoài</h1>{}</article></body></html>"""


def secret_page(paragraphs) -> str:
    return SECRET.format("".join(f"<p>{p}</p>" for p in paragraphs))


def stored_urls(db_url: str) -> list[str]:
    with transaction(open_store(db_url)) as session:
        return list(session.scalars(select(Article.url)))


def hostile_feed(site: FixturePortal, links: list[str]) -> None:
    feed = site.server.pages["/feed/"]
    items = "".join(f"<item><title>Tin nội bộ số {n} của cơ quan</title><link>{url}</link></item>" for n, url in enumerate(links))
    site.server.add("/feed/", feed.body.decode().replace("</channel>", items + "</channel>"), feed.content_type)


def registry(path, site: FixturePortal, extra: str = "") -> object:
    path.write_text(
        f'portals:\n  - id: safe\n    name: Safe\n    start_urls: ["{site.listing_url}"]\n'
        f'    feeds: ["{site.server.url("/feed/")}"]\n{extra}',
        encoding="utf-8",
    )
    return path


def test_feed_links_to_files_and_internal_hosts_are_refused_with_the_reason(tmp_path, sqlite_url, make_settings):
    paragraphs = make_articles(1)[0].paragraphs
    secret = tmp_path / "secret.html"
    secret.write_text(secret_page(paragraphs), encoding="utf-8")
    with PortalServer(loopback(1)) as server, PortalServer(loopback(2)) as internal:
        internal.add("/admin/users.html", secret_page(paragraphs[::-1]))
        internal.add("/admin/config.html", secret_page(paragraphs[1:]))
        site = FixturePortal(server, FAMILIES["wordpress"])
        site.publish(make_articles(6))
        # A same-host link that redirects to the internal host.
        server.add("/chuyen-huong.html", "", status=302, headers={"Location": internal.url("/admin/config.html")})
        hostile_feed(site, [
            f"file://localhost{secret}",
            f"file:{secret}",
            internal.url("/admin/users.html"),
            server.url("/chuyen-huong.html"),
            "http://169.254.169.254/latest/meta-data/",
            "ftp://127.0.0.1/pub/secret.html",
        ])
        result = run_once(make_settings(sqlite_url, registry(tmp_path / "p.yaml", site)))
        assert internal.requests == []  # not a page, not even robots.txt
    run = result.runs[0]
    urls = stored_urls(sqlite_url)
    assert len(urls) == 6 and all(url.startswith(server.root) for url in urls), urls
    assert run.new_articles == 6
    assert "refused" in run.reason
    assert f"{loopback(2)} is not one of the portal's hosts" in run.reason


def test_a_host_the_registry_allows_is_crawled(tmp_path, sqlite_url, make_settings):
    paragraphs = make_articles(1)[0].paragraphs
    with PortalServer(loopback(1)) as server, PortalServer(loopback(2)) as mirror:
        mirror.add("/bai/tai-lieu.html", secret_page(paragraphs[::-1]))
        site = FixturePortal(server, FAMILIES["wordpress"])
        site.publish(make_articles(3))
        hostile_feed(site, [mirror.url("/bai/tai-lieu.html")])
        path = registry(tmp_path / "p.yaml", site, f'    allowed_hosts: ["{loopback(2)}"]\n')
        result = run_once(make_settings(sqlite_url, path))
    assert result.runs[0].status == "ok", result.runs[0]
    assert mirror.url("/bai/tai-lieu.html") in stored_urls(sqlite_url)


def test_the_rule():
    assert literal_kind("localhost") == (True, "loopback")
    assert literal_kind("127.0.0.5") == (True, "loopback")
    assert literal_kind("[::1]") == (True, "loopback")
    assert literal_kind("169.254.169.254") == (True, "link-local")
    assert literal_kind("10.1.2.3") == (True, "private")
    assert literal_kind("192.168.1.1") == (True, "private")
    assert literal_kind("0.0.0.0")[1] is not None
    assert literal_kind("backan.gov.vn") == (False, None)  # a name is resolved by the crawler
    assert address_kind("::ffff:127.0.0.1") == "loopback"
    assert address_kind("203.113.131.1") is None
    policy = FetchPolicy.for_portal(["https://www.backan.gov.vn/Pages/tin.aspx"], ["*.backan.gov.vn"])
    assert policy.refusal("https://backan.gov.vn/a.html") is None
    assert policy.refusal("https://sngv.backan.gov.vn/a.html") is None
    assert "not an http(s) URL" in policy.refusal("file:///etc/passwd")
    assert "not one of the portal's hosts" in policy.refusal("http://evil.example/a")
    assert "malformed" in policy.refusal("http://backan.gov.vn:99999/a")
    # Internal addresses: only the portal's own hosts, and only when the portal lives in that range.
    local = FetchPolicy.for_portal(["http://127.0.0.2:8000/"])
    assert local.internal_refusal("http://127.0.0.2:8000/x", "loopback", {"loopback"}) is None
    assert local.internal_refusal("http://127.0.0.2:8000/x", "link-local", {"loopback"})
    public = FetchPolicy.for_portal(["https://backan.gov.vn/"])
    assert "loopback address refused" in public.internal_refusal("https://backan.gov.vn/x", "loopback", set())


@pytest.mark.parametrize("value", ["backan.gov.vn", "*.backan.gov.vn", "127.0.0.2"])
def test_allowed_hosts_in_the_registry_schema(value):
    from spiders.schema import PortalConfig

    portal = PortalConfig(id="abc", name="A", start_urls=["https://a.vn/"], allowed_hosts=[value])
    assert portal.allowed_hosts == [value]
    with pytest.raises(ValueError):
        PortalConfig(id="abc", name="A", start_urls=["https://a.vn/"], allowed_hosts=["http://x/y z"])
