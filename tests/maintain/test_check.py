"""`portalwatch portal check`: a live dry run that says whether a portal is usable, and why not in one line."""

from __future__ import annotations

import pytest

from tests.maintain.conftest import one_line_error
from tests.maintain.sites import COOKIE_WALL, JS_SHELL, LOGIN, front_site, undated
from tests.maintain.tls import handshake_failing_server
from tests.support.server import PortalServer


def test_a_working_listing_shows_links_per_page_and_the_first_articles(portalwatch):
    with PortalServer() as server:
        site = front_site(server, count=8)
        undated(site, site.articles[1:2])
        result = portalwatch("portal", "check", site.listing_url, "--articles", "3")
        stored = server.count(prefix="/doi-ngoai-nhan-dan/")
    assert result.code == 0, result.err
    out = result.out
    assert f"listing {site.listing_url}  HTTP 200  5 article links, next page {site.listing_url}?page=2" in out
    assert f"listing {site.listing_url}?page=2  HTTP 200  3 article links" in out
    assert "  1. Tăng cường phối hợp đối ngoại Đảng, ngoại giao Nhà nước và đối ngoại nhân dân" in out
    assert "date 2026-03-07T09:40:00+07:00 · author Hương Lan · text " in out
    assert "date NOT FOUND" in out
    assert "warnings:\n  - dates not parsed on 1 of 3 articles (give the entry a selectors.date)\n" in out
    assert "usable: yes (3 of 3 articles extracted)" in out  # a missing date is a warning, not a failure
    assert stored == 2 + 3  # two listing pages, three articles: a check stays small
    assert result.err == ""


def test_robots_txt_disallow(portalwatch):
    with PortalServer() as server:
        site = front_site(server, count=3)
        server.robots = "User-agent: *\nDisallow: /doi-ngoai-nhan-dan/\n"
        result = portalwatch("portal", "check", site.listing_url)
        fetched = server.paths()
    assert result.code == 1
    assert one_line_error(result) == (
        f"portalwatch portal: 127-0-0-1 is not usable: robots.txt disallows {site.listing_url}"
    )
    assert fetched == {}


@pytest.mark.parametrize(
    "page, reason",
    [
        (JS_SHELL, "the page is a JavaScript shell; the listing needs a spider (portal add --spider)"),
        (COOKIE_WALL, "an anti-bot cookie wall answered instead of the page"),
        (LOGIN, "a login page answered instead of the content"),
        ("pdf", "the address serves no HTML page (served as application/pdf)"),
    ],
    ids=["javascript-shell", "cookie-wall", "login-page", "pdf"],
)
def test_a_listing_that_is_no_listing(portalwatch, page, reason):
    with PortalServer() as server:
        if page == "pdf":
            server.fault("/tin-tuc", "pdf")
        else:
            server.add("/tin-tuc", page)
        result = portalwatch("portal", "check", server.url("/tin-tuc"))
    assert result.code == 1
    assert reason in one_line_error(result)


def test_a_failing_tls_handshake(portalwatch, tmp_path):
    with handshake_failing_server(tmp_path) as server:
        url = server.root.replace("http://", "https://") + "/tin-tuc"
        result = portalwatch("portal", "check", url)
    assert result.code == 1
    line = one_line_error(result)
    assert f"TLS handshake failed for {url}" in line
    assert "certificate required" in line


def test_articles_that_are_not_articles_make_the_portal_unusable(portalwatch):
    with PortalServer() as server:
        site = front_site(server, count=3)
        for article in site.articles:
            server.add(site.family.article_path(article), LOGIN)
        result = portalwatch("portal", "check", site.listing_url, "--pages", "1")
    assert result.code == 1
    assert "skipped: not an article: login-wall" in result.out
    assert one_line_error(result).endswith("no article could be extracted (3 of 3 pages: login-wall)")


def test_unknown_portal_id(portalwatch):
    result = portalwatch("portal", "check", "no-such-portal")
    assert result.code == 2
    assert one_line_error(result).startswith("portalwatch portal: no portal 'no-such-portal' in ")
