"""`portal add` and `portal check` follow the crawl's fetch policy: no internal host a page points to."""

from __future__ import annotations

from tests.maintain.sites import front_site, home_site, rss
from tests.support.server import PortalServer, loopback


def test_add_does_not_follow_a_page_to_an_internal_host(portalwatch):
    with PortalServer(loopback(1)) as server, PortalServer(loopback(2)) as internal:
        site = home_site(server)
        internal.add("/rss.xml", rss(site), "application/rss+xml; charset=utf-8")
        home = server.pages["/"].body.decode()
        hostile = f'<link rel="alternate" type="application/rss+xml" href="{internal.url("/rss.xml")}">'
        server.add("/", home.replace("</head>", hostile + "</head>"))
        result = portalwatch("portal", "add", server.url("/"))
        assert internal.requests == []
    assert result.code == 0, result.err
    assert internal.url("/rss.xml") not in result.out
    assert f"feed {server.url('/rss/doi-ngoai.rss')}  8 entries" in result.out  # the page's own host is fine


def test_check_refuses_an_entry_linking_to_an_internal_host(portalwatch, registry):
    with PortalServer(loopback(1)) as server, PortalServer(loopback(2)) as internal:
        site = front_site(server, count=3)
        internal.add("/admin/users.html", "<html><body><h1>Quản trị</h1></body></html>")
        listing = server.pages[site.family.listing_path].body.decode()
        link = f'<div class="item"><a class="title" href="{internal.url("/admin/users.html")}">Danh sách người dùng quản trị của hệ thống nội bộ</a></div>'
        server.add(site.family.listing_path, listing.replace('<div class="list">', '<div class="list">' + link))
        server.add("/rss.xml", rss(site).replace("</channel>", f"<item><title>Nội bộ</title><link>{internal.url('/admin/users.html')}</link></item></channel>"),
                   "application/rss+xml; charset=utf-8")
        registry.write_text(
            registry.read_text(encoding="utf-8")
            + f'  - id: checked\n    name: Checked\n    start_urls: ["{site.listing_url}"]\n    feeds: ["{server.url("/rss.xml")}"]\n',
            encoding="utf-8",
        )
        result = portalwatch("portal", "check", "checked", "--articles", "10")
        assert internal.requests == []
    assert "refused" in result.out and internal.url("/admin/users.html") in result.out, result.out
