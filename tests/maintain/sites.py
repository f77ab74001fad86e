"""Fixture portals for the maintainer tools: a home page with sections, feeds and a sitemap, and the
pages a check must recognise as unusable (JavaScript shell, cookie wall, login wall, PDF)."""

from __future__ import annotations

import re

from tests.support.server import PortalServer
from tests.support.portal_fixtures import rss
from tests.support.sites import FAMILIES, FixturePortal, e, make_articles

JS_SHELL = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Tin đối ngoại</title>
<script src="/static/js/app.4f1b.js"></script></head><body><noscript>Vui lòng bật JavaScript để xem trang.</noscript>
<div id="app"></div></body></html>"""

COOKIE_WALL = """<html><head><script>document.cookie="D1N=8b2e1f0c9d; path=/";window.location.reload();</script>
</head><body>Đang kiểm tra trình duyệt…</body></html>"""

LOGIN = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Đăng nhập hệ thống</title></head><body>
<div class="login-box"><h2>Đăng nhập hệ thống</h2><p>Vui lòng đăng nhập để xem nội dung.</p>
<form method="post" action="/dang-nhap"><input type="text" name="user"><input type="password" name="pass">
<button type="submit">Đăng nhập</button></form></div></body></html>"""


def front_site(server: PortalServer, count: int = 8, start: int = 0) -> FixturePortal:
    site = FixturePortal(server, FAMILIES["front"])
    site.publish(make_articles(count, start=start))
    return site


def home_site(server: PortalServer) -> FixturePortal:
    """A Front-family portal behind a home page: menu sections, an advertised feed, robots.txt with a sitemap."""
    site = front_site(server)
    latest = "".join(
        f'<li><a href="{site.family.article_path(a)}">{e(a.title)}</a></li>' for a in site.articles[:3]
    )
    server.add(
        "/",
        f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>Trang chủ - Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Lai Châu</title>
<link rel="alternate" type="application/rss+xml" title="Đối ngoại" href="/rss/doi-ngoai.rss"></head><body>
<ul class="menu"><li><a href="/">Trang chủ</a></li><li><a href="/gioi-thieu">Giới thiệu</a></li>
<li><a href="/tin-tuc/">Tin tức</a></li><li><a href="/doi-ngoai-nhan-dan/">Đối ngoại nhân dân</a></li>
<li><a href="/van-ban">Văn bản</a></li><li><a href="/lien-he">Liên hệ</a></li></ul>
<h2>Tin mới</h2><ul>{latest}</ul></body></html>""",
    )
    server.add("/tin-tuc/", "<html><body><h1>Tin tức</h1><p>Chưa có bài viết.</p></body></html>")
    server.add("/rss/doi-ngoai.rss", rss(site), "application/rss+xml; charset=utf-8")
    server.add(
        "/sitemap.xml",
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{server.url('/')}</loc></url></urlset>",
        "application/xml",
    )
    server.robots = f"User-agent: *\nDisallow: /private/\nSitemap: {server.url('/sitemap.xml')}\n"
    return site



def undated(site: FixturePortal, articles) -> None:
    """Drop the visible date line from these article pages (the Front family's ``div.date``)."""
    for article in articles:
        path = site.family.article_path(article)
        page = site.server.pages[path]
        page.body = re.sub(rb'<div class="date">[^<]*</div>', b"", page.body)
