"""Offline fixtures for the bundled registry: each portal imitated in its markup family, recorded with
the real ``fixture record`` code against a local ``PortalServer``, then moved onto the portal's own URLs.

No public site is reachable from the build machine, so the registry's portals cannot be recorded live
yet; this keeps every one of them under a regression test meanwhile. When a portal is reachable,
``portalwatch fixture record ID`` replaces its imitation with the real thing.

    .venv/bin/python -m tests.support.portal_fixtures            # every registry portal
    .venv/bin/python -m tests.support.portal_fixtures ID [ID…]   # some

The families of ``tests/support/sites.py`` are joined here by three more: Liferay e-government
portals, a newspaper CMS (Báo Thừa Thiên Huế's layout) and an ASP.NET WebForms listing paged by
postback (served with POST support, for the portals with a ``PostbackPagingSpider``).
"""

from __future__ import annotations

import copy
import sys
import tempfile
from datetime import timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from crawler.config import BUNDLED_PORTALS, Settings
from crawler.maintain import fixtures
from crawler.maintain.record import record
from spiders.registry_loader import load_registry
from spiders.schema import PortalConfig
from tests.support.server import PortalServer, loopback
from tests.support.sites import FAMILIES, MENU, AspNetTable, Family, FixturePortal, e, make_articles


def body_html(a) -> str:
    return "".join(f'<p style="text-align: justify;">{e(p)}</p>' for p in a.paragraphs[1:])


def related_html(family: Family, related) -> str:
    return "".join(f'<li><a href="{family.article_path(r)}">{e(r.title)}</a></li>' for r in related)


class Liferay(Family):
    def __init__(self):
        super().__init__("liferay", "/tin-tuc-su-kien")

    def article_path(self, a):
        return f"/tin-tuc-su-kien/-/view_content/{a.number}-{a.slug}"

    def page_path(self, page):
        return self.listing_path if page == 1 else f"{self.listing_path}?_101_INSTANCE_tt_cur={page}"

    def _page(self, title: str, main: str) -> str:
        return f"""<!DOCTYPE html><html class="aui ltr" dir="ltr" lang="vi-VN"><head><title>{e(title)} - Sở Ngoại vụ</title>
<meta content="text/html; charset=UTF-8" http-equiv="content-type"><script type="text/javascript">Liferay.Portlet.list=["101"];</script>
</head><body class="yui3-skin-sam guest-site signed-out public-page site"><a href="#main-content" id="skip-to-content">Skip to Content</a>
<div id="navigation" class="navbar">{MENU}</div><div id="main-content"><div class="portlet-layout row-fluid">
<div class="portlet-column span9"><div class="portlet-boundary portlet-boundary_101_ portlet-asset-publisher">
<div class="portlet-body">{main}</div></div></div>
<div class="portlet-column span3"><div class="portlet-boundary"><h1 class="portlet-title">Liên kết website</h1></div></div></div></div>
<div id="footer"><p class="vetrang"><a href="#">| Về đầu trang |</a><a href="/dang-nhap"> Đăng nhập |</a></p>
<p>® Ghi rõ nguồn: “Cổng thông tin điện tử Sở Ngoại vụ” khi phát hành lại thông tin từ nguồn này.</p></div></body></html>"""

    def listing(self, articles, page, has_next):
        items = "".join(
            f'<div class="asset-abstract"><h3 class="asset-title"><a href="{self.article_path(a)}">{e(a.title)}</a></h3>'
            f'<div class="asset-summary">{e(a.paragraphs[0][:150])}…</div><span class="date">{a.published:%d/%m/%Y}</span></div>'
            for a in articles
        )
        pager = f'<ul class="pager"><li><a href="{self.page_path(page + 1)}">Trang sau</a></li></ul>' if has_next else ""
        return self._page("Tin tức sự kiện", f"{items}<div class=\"taglib-page-iterator\">{pager}</div>")

    def article(self, a, related):
        body, rel = body_html(a), related_html(self, related)
        main = f"""<div class="asset-full-content-title">{e(a.title)}</div>
<div class="assetPublishDate block_timer">{a.published:%d/%m/%Y | %I:%M %p}</div>
<div class="asset-full-content show-asset-title"><div class="asset-content"><div class="sapo-wrapper"><p class="sapo"><strong>{e(a.paragraphs[0])}</strong></p></div>
<div class="journal-content-article">{body}<p align="right" class="view-content-author"><strong><em>{e(a.author)}</em></strong></p></div></div></div>
<div class="asset-control-detail"><span class="print-action"><a href="javascript:print();">Print</a></span></div>
<div class="related_asset"><div class="related_asset_title">Other News</div><ul>{rel}</ul></div>"""
        return self._page(a.title, main)


class NewsCms(Family):
    """The provincial newspaper layout of the Báo Thừa Thiên Huế seed: no known CMS family (generic path)."""

    def __init__(self):
        super().__init__("news-cms", "/chinh-tri-xa-hoi/doi-ngoai")

    def article_path(self, a):
        return f"{self.listing_path}/{a.slug}-a{a.number}.html"

    def page_path(self, page):
        return self.listing_path if page == 1 else f"{self.listing_path}?page={page}"

    def _page(self, title: str, main: str, right: str = "") -> str:
        return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{e(title)} - Báo điện tử</title>
<meta property="og:site_name" content="Báo điện tử tỉnh"><script src="/js/jquery.min.js"></script></head><body>
<div id="header"><div class="top-bar"><span class="today">Thứ Hai, 09/03/2026</span> <a href="/rss">RSS</a></div>{MENU}</div>
<div class="wrapper"><div class="col-main">{main}</div><div class="col-right">{right}
<div class="box-dhdn"><div class="box-title">ĐỒNG HÀNH CÙNG DOANH NGHIỆP</div></div></div></div>
<div id="footer"><p>© Báo điện tử tỉnh. Giấy phép số: 123/GP-BTTTT.</p></div></body></html>"""

    def listing(self, articles, page, has_next):
        items = "".join(
            f'<div class="story"><a class="thumb" href="{self.article_path(a)}"><img src="/img/{a.number}.jpg" alt=""></a>'
            f'<h3 class="story-title"><a href="{self.article_path(a)}">{e(a.title)}</a></h3>'
            f'<p class="summary">{e(a.paragraphs[0][:140])}…</p><span class="time">{a.published:%d/%m/%Y %H:%M}</span></div>'
            for a in articles
        )
        pager = f'<div class="pagination"><a href="{self.page_path(page + 1)}">»</a></div>' if has_next else ""
        return self._page("Đối ngoại", f'<h2 class="cat-title">Đối ngoại</h2><div class="list-news">{items}</div>{pager}')

    def article(self, a, related):
        body, rel = body_html(a), related_html(self, related)
        main = f"""<div class="detail"><p class="date-time">{a.published:%d/%m/%Y - %H:%M}</p><h1 class="title">{e(a.title)}</h1>
<div class="content-detail"><p><strong>{e(a.paragraphs[0])}</strong></p>{body}
<p style="text-align: right;"><strong>{e(a.author)}</strong></p></div>
<div class="share-box"><span>Chia sẻ bài viết</span></div><div class="box-related"><h3>Tin liên quan</h3><ul>{rel}</ul></div></div>"""
        return self._page(a.title, main)


class AspNetPostback(AspNetTable):
    """An ASP.NET WebForms listing whose GridView pager posts back: ``__doPostBack('…$gvTin','Page$2')``."""

    def __init__(self):
        Family.__init__(self, "aspnet-postback", "/TinTuc.aspx")

    def article_path(self, a):
        return f"/ChiTietTin.aspx?id={a.number}&cm=12"

    def page_path(self, page):
        # Later pages are never linked, only posted back: kept under a key no GET asks for.
        return self.listing_path if page == 1 else f"{self.listing_path}#Page${page}"

    def listing(self, articles, page, has_next):
        rows = "".join(
            f'<tr><td class="tieude"><a href="{self.article_path(a)}">{e(a.title)}</a> <span>({a.published:%d/%m/%Y})</span></td></tr>'
            for a in articles
        )
        pager = " ".join(
            f"<a href=\"javascript:__doPostBack('ctl00$main$gvTin','Page${n}')\">{n}</a>" if n != page else f"<span>{n}</span>"
            for n in range(1, page + 2 if has_next else page + 1)
        )
        return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>Tin tức - Sở Ngoại vụ</title></head>
<body><form method="post" action="./TinTuc.aspx" id="aspnetForm"><input type="hidden" name="__EVENTTARGET" value="">
<input type="hidden" name="__EVENTARGUMENT" value=""><input type="hidden" name="__VIEWSTATE" value="/wEPDwUKMTY1NDU2MTA1Mg9kFgJmD2QWAgIDD2QWAg{page}">
<table width="100%"><tr><td>{MENU}</td></tr><tr><td><h2>Tin tức - Sự kiện</h2><table id="ctl00_main_gvTin">{rows}
<tr class="pager"><td>{pager}</td></tr></table></td></tr></table></form></body></html>"""


def rss(site: FixturePortal, limit: int = 10) -> str:
    """An RSS feed of the site's newest articles, whatever its family."""
    items = "".join(
        f"<item><title>{e(a.title)}</title><link>{site.server.url(site.family.article_path(a))}</link>"
        f"<pubDate>{a.published.astimezone(timezone.utc):%a, %d %b %Y %H:%M:%S} +0000</pubDate></item>"
        for a in site.articles[:limit]
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Tin mới</title>{items}</channel></rss>'


EXTRA = {f.name: f for f in (Liferay(), NewsCms(), AspNetPostback())}


def family(name: str) -> Family:
    return copy.copy(FAMILIES.get(name) or EXTRA[name])


def serve_postbacks(site: FixturePortal) -> None:
    """POST support on this server only: a GridView page posted back is served like a GET of page N."""
    server, listing = site.server, site.family.listing_path

    def do_POST(handler):
        length = int(handler.headers.get("Content-Length") or 0)
        form = parse_qs(handler.rfile.read(length).decode("utf-8", "replace"))
        argument = (form.get("__EVENTARGUMENT") or [""])[0]
        number = int(argument[5:]) if argument.startswith("Page$") and argument[5:].isdigit() else 1
        page = server.pages.get(site.family.page_path(number)) if urlsplit(handler.path).path == listing else None
        if page is None:
            return server._send(handler, 404, b"<html><body>Not found</body></html>", "text/html", False)
        return server._send(handler, 200, page.body, page.content_type, False)

    server.httpd.RequestHandlerClass.do_POST = do_POST


def publish(server: PortalServer, kind: str, listing_path: str | None = None, count: int = 8, start: int = 0) -> FixturePortal:
    """A fixture portal of family ``kind`` whose first listing page is at ``listing_path``."""
    chosen = family(kind)
    if listing_path and listing_path != chosen.listing_path:
        path = listing_path
        chosen.listing_path = path
        if kind != "aspnet-postback":
            chosen.page_path = lambda n: path if n == 1 else f"{path}{'&' if '?' in path else '?'}page={n}"
    site = FixturePortal(server, chosen)
    site.publish(make_articles(count, start=start))
    if kind == "aspnet-postback":
        serve_postbacks(site)
    return site


# -- the bundled registry ------------------------------------------------------------------------

# Which family each registry portal is imitated in, and where its articles start in the seed texts.
FAMILY_OF = {
    "caobang-songoaivu": "aspnet-table",
    "backan-gov": "sharepoint",
    "baoquocte": "wordpress",
    "baothuathienhue": "news-cms",
    "mattran": "front",
    "laocai-songoaivu": "liferay",
    "langson-songoaivu": "aspnet-table",
    "quangninh-songoaivu": "sharepoint",
    "dienbien-songoaivu": "liferay",
    "laichau-mattran": "front",
    "sonla-songoaivu": "aspnet-table",
    "nghean-songoaivu": "aspnet-postback",
    "hatinh-songoaivu": "wordpress",
    "quangtri-songoaivu": "sharepoint",
    "hanoi-songoaivu": "liferay",
    "hochiminh-songoaivu": "news-cms",
    "tayninh-songoaivu": "liferay",
    "angiang-songoaivu": "sharepoint",
    "quangninh-mattran": "front",
}


def root_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def record_offline(portal: PortalConfig, kind: str, root: Path, n: int, count: int = 3) -> Path:
    """Records ``portal`` from an imitation on 127.0.0.x, then rewrites the fixture onto its real URLs."""
    entry = (portal.start_urls or portal.feeds)[0]
    real_root = root_of(entry)
    with PortalServer(loopback(n)) as server:
        path = urlsplit(entry).path + (f"?{urlsplit(entry).query}" if urlsplit(entry).query else "")
        site = publish(server, kind, path if portal.start_urls else None, start=n * 2)
        local = portal.model_copy(
            update={
                "start_urls": [u.replace(real_root, server.root) for u in portal.start_urls],
                "feeds": [u.replace(real_root, server.root) for u in portal.feeds],
            }
        )
        for feed in portal.feeds:
            server.add(urlsplit(feed).path, rss(site), "application/rss+xml; charset=utf-8")
        with tempfile.TemporaryDirectory() as scratch:
            settings = Settings(portals=Path(scratch), download_delay=0.0, autothrottle=False, download_timeout=5.0)
            source = f"offline imitation of the {kind} markup family (tests/support/portal_fixtures.py); needs a live recording"
            folder, _ = record(local, settings, root, count, source=source)
        rebase(folder, server.root, real_root)
    fixture = fixtures.load(folder)
    fixtures.refresh(fixture, portal)
    if problems := fixtures.verify(fixtures.load(folder), portal):
        raise SystemExit(f"{portal.id}: the rebased fixture does not verify: {problems[0]}")
    return folder


def rebase(folder: Path, old_root: str, new_root: str) -> None:
    """Moves a recorded fixture onto other URLs: every saved page and JSON file, byte for byte."""
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if old_root.encode() in data:
                path.write_bytes(data.replace(old_root.encode(), new_root.encode()))


def main(argv: list[str]) -> int:
    registry = load_registry(BUNDLED_PORTALS)
    order = [p.id for p in registry.portals]
    for portal_id in argv or order:
        portal = registry.get(portal_id)
        if portal is None or portal_id not in FAMILY_OF:
            print(f"{portal_id}: not in the bundled registry or no family assigned in FAMILY_OF", file=sys.stderr)
            return 2
        # The position in the registry picks the seed texts, so recording one portal again changes nothing.
        folder = record_offline(portal, FAMILY_OF[portal_id], fixtures.DEFAULT_ROOT, order.index(portal_id) + 1)
        print(f"{portal_id}: {FAMILY_OF[portal_id]} → {folder.relative_to(fixtures.PROJECT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
