"""Fixture portals in the markup families behind the seeds, filled with articles built from the seeds.

Families: ``sharepoint`` (Cổng TTĐT Bắc Kạn: PublishingPortal blocks), ``aspnet-table`` (Sở Ngoại vụ
Cao Bằng: old table layout, query-string article ids, visitor statistics), ``wordpress`` (Báo Thế giới
và Việt Nam: comment counters, LEAVE A REPLY, /page/N/ pagination, RSS), ``front`` (Mặt trận: related
headlines spliced into the body). Listings carry menus, category links and related links so link
discovery is exercised as on real portals.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tests.support.server import PortalServer

SHARED = Path(__file__).resolve().parents[1] / "fixtures" / "shared"  # copies of the shared material
SEEDS = SHARED / "seeds"
VN = timezone(timedelta(hours=7))

TITLES = [
    "Tăng cường phối hợp đối ngoại Đảng, ngoại giao Nhà nước và đối ngoại nhân dân",
    "Nâng cao hiệu quả công tác đối ngoại Nhân dân trong tình hình mới",
    "5 phương hướng để đẩy mạnh công tác đối ngoại địa phương",
    "Đoàn đại biểu tỉnh Luông Pha Băng (Lào) sang thăm và làm việc tại tỉnh",
    "Chủ tịch UBND tỉnh tiếp Đại sứ Nhật Bản tại Việt Nam",
    "Hội đàm giữa lãnh đạo tỉnh và Khu tự trị dân tộc Choang Quảng Tây (Trung Quốc)",
    "Triển khai Chỉ thị số 04-CT/TW về công tác đối ngoại nhân dân",
    "Tổng Lãnh sự Hàn Quốc chào xã giao lãnh đạo tỉnh",
    "Hội nghị tổng kết công tác ngoại vụ năm 2025 và triển khai nhiệm vụ năm 2026",
    "Tăng cường hợp tác với các tổ chức phi chính phủ nước ngoài",
    "Giao lưu hữu nghị nhân dân hai bên biên giới Việt Nam - Trung Quốc",
    "Liên hiệp các tổ chức hữu nghị tỉnh tổng kết hoạt động năm",
]


def seed_paragraphs() -> list[str]:
    """Long paragraphs of the seeds: real Vietnamese foreign-affairs prose, without the leaked chrome."""
    if not SEEDS.is_dir():
        raise FileNotFoundError(f"seed copies not found at {SEEDS} (tests/fixtures/shared/README.md)")
    paragraphs = []
    for path in sorted(SEEDS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if len(line) > 160 and line not in paragraphs:
                paragraphs.append(line)
    return paragraphs


@dataclass
class FixtureArticle:
    number: int
    title: str
    published: datetime
    paragraphs: list[str]
    author: str = "Hương Lan"

    @property
    def slug(self) -> str:
        plain = unicodedata.normalize("NFD", self.title.replace("đ", "d").replace("Đ", "D"))
        plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
        return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def make_articles(count: int, start: int = 0, base: datetime | None = None) -> list[FixtureArticle]:
    paragraphs = seed_paragraphs()
    base = base or datetime(2026, 3, 7, 9, 40, tzinfo=VN)
    articles = []
    for i in range(start, start + count):
        title = TITLES[i % len(TITLES)] + (f" (kỳ {i // len(TITLES) + 1})" if i >= len(TITLES) else "")
        body = [paragraphs[(i * 3 + k) % len(paragraphs)] for k in range(4)]
        articles.append(FixtureArticle(1000 + i, title, base - timedelta(hours=5 * i), body))
    return articles


def e(text: str) -> str:
    return html.escape(text, quote=True)


@dataclass
class Family:
    name: str
    listing_path: str
    per_page: int = 5

    def article_path(self, a: FixtureArticle) -> str:
        raise NotImplementedError

    def page_path(self, page: int) -> str:
        raise NotImplementedError

    def listing(self, articles: list[FixtureArticle], page: int, has_next: bool) -> str:
        raise NotImplementedError

    def article(self, a: FixtureArticle, related: list[FixtureArticle]) -> str:
        raise NotImplementedError


MENU = """<ul class="menu"><li><a href="/">Trang chủ</a></li><li><a href="/gioi-thieu">Giới thiệu</a></li>
<li><a href="/tin-tuc">Tin tức</a></li><li><a href="/van-ban">Văn bản</a></li><li><a href="/lien-he">Liên hệ</a></li>
<li><a href="/tin-tuc/doi-ngoai">Đối ngoại</a></li><li><a href="https://chinhphu.vn/">Cổng TTĐT Chính phủ</a></li></ul>"""


class SharePoint(Family):
    def __init__(self):
        super().__init__("sharepoint", "/Pages/tin-doi-ngoai.aspx")

    def article_path(self, a):
        return f"/Pages/{a.slug}-{a.number}.aspx"

    def page_path(self, page):
        return self.listing_path if page == 1 else f"{self.listing_path}?Page={page}"

    def listing(self, articles, page, has_next):
        items = "".join(
            f'<div class="BanTin-item"><a href="{self.article_path(a)}"><img src="/img/{a.number}.jpg"></a>'
            f'<h3><a href="{self.article_path(a)}">{e(a.title)}</a></h3>'
            f'<span class="date">{a.published:%d/%m/%Y}</span><p>{e(a.paragraphs[0][:140])}…</p></div>'
            for a in articles
        )
        pager = f'<div class="pager"><a href="{self.page_path(page + 1)}">Trang sau</a></div>' if has_next else ""
        return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Tin đối ngoại</title></head><body>
<div id="s4-workspace"><div class="header">{MENU}</div><div class="PublishingPortal Block_BanTin_ListView">
<h2>Tin đối ngoại</h2>{items}{pager}</div><div class="footer">Bản quyền thuộc Cổng thông tin điện tử tỉnh Bắc Kạn</div></div></body></html>"""

    def article(self, a, related):
        body = "".join(f"<p>{e(p)}</p>" for p in a.paragraphs[1:])
        rel = "".join(f'<li><a href="{self.article_path(r)}">{e(r.title)}</a> ({r.published:%d/%m/%Y})</li>' for r in related)
        return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{e(a.title)}</title></head><body>
<div id="s4-workspace"><div class="header">{MENU}</div>
<div class="PublishingPortal Block_BanTin_Toolbar">PublishingPortal - Block_BanTin_Toolbar<br>
<span class="NgayXuatBan">{a.published:%d/%m/%Y}</span> <a href="#">Tăng cỡ chữ</a> <a href="#">Giảm cỡ chữ</a></div>
<div class="PublishingPortal Block_BanTin_ViewData"><h1 class="TieuDe">{e(a.title)}</h1>
<div class="TomTat"><strong>{e(a.paragraphs[0])}</strong></div>
<div class="NoiDung">{body}<p style="text-align:right"><strong>{e(a.author)}</strong></p></div></div>
<div class="TinKhac"><h4>Các tin khác</h4><ul>{rel}</ul></div></div></body></html>"""


class AspNetTable(Family):
    def __init__(self):
        super().__init__("aspnet-table", "/Default.aspx?tabid=55")

    def article_path(self, a):
        return f"/Default.aspx?tabid=55&ItemID={a.number}&sessionid=abc{a.number % 7}"

    def page_path(self, page):
        return self.listing_path if page == 1 else f"/Default.aspx?tabid=55&trang={page}"

    def listing(self, articles, page, has_next):
        rows = "".join(
            f'<tr><td class="tieude"><a href="{self.article_path(a)}">{e(a.title)}</a> '
            f'<span>({a.published:%d/%m/%Y})</span></td></tr>'
            for a in articles
        )
        pages = " ".join(
            f'<a href="{self.page_path(n)}">{n}</a>' if n != page else f"<b>{n}</b>" for n in range(1, page + 2 if has_next else page + 1)
        )
        return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>Sở Ngoại vụ Cao Bằng</title></head>
<body><table width="100%"><tr><td colspan="2">{MENU}</td></tr><tr><td width="25%" valign="top">
<div class="ThongKe">Thống kê truy cập<ul><li>Đang truy cập: 1</li><li>Hôm nay: 1</li><li>Tổng lượt truy cập: 1</li></ul></div>
<a href="/Default.aspx?tabid=1&login=1">Đăng nhập</a></td><td valign="top"><h2>Thông tin mới nhất</h2><table>{rows}</table>
<div class="paging">{pages}</div></td></tr></table></body></html>"""

    def article(self, a, related):
        body = "".join(f"<p>{e(p)}</p>" for p in a.paragraphs)
        return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{e(a.title)}</title></head>
<body><table width="100%"><tr><td colspan="2">{MENU}</td></tr><tr><td width="25%" valign="top">
<div class="ThongKe">Thống kê truy cập<ul><li>Đang truy cập: 1</li><li>Hôm nay: 1</li></ul></div></td>
<td valign="top"><h2 class="title">{e(a.title)}</h2><div class="info">Ngày đăng: {a.published:%d/%m/%Y %H:%M} | Lượt xem: 166</div>
<div class="content">{body}<p align="right"><b>{e(a.author)}, Giám đốc Sở Ngoại vụ</b></p></div></td></tr></table></body></html>"""


class WordPress(Family):
    def __init__(self):
        super().__init__("wordpress", "/thoi-su/doi-ngoai/")

    def article_path(self, a):
        return f"/{a.slug}-post{a.number}.html?utm_source=listing&utm_medium=web"

    def page_path(self, page):
        return self.listing_path if page == 1 else f"{self.listing_path}page/{page}/"

    def listing(self, articles, page, has_next):
        posts = "".join(
            f'<article class="post"><h2 class="entry-title"><a href="{self.article_path(a)}" rel="bookmark">{e(a.title)}</a></h2>'
            f'<span class="comments"><a href="{self.article_path(a)}#comments">0</a></span>'
            f'<time datetime="{a.published.isoformat()}">{a.published:%d/%m/%Y}</time></article>'
            for a in articles
        )
        nxt = f'<a class="next page-numbers" href="{self.page_path(page + 1)}">»</a>' if has_next else ""
        tags = '<div class="tags"><a href="/tag/doi-ngoai/">Đối ngoại</a> <a href="/tag/ngoai-giao/">Ngoại giao</a></div>'
        return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="UTF-8"><title>Đối ngoại – Báo Thế giới và Việt Nam</title>
<link rel="alternate" type="application/rss+xml" href="/feed/"></head><body class="archive">{MENU}<main>{posts}
<nav class="pagination">{nxt}</nav></main>{tags}<footer>© Báo Thế giới và Việt Nam</footer></body></html>"""

    def article(self, a, related):
        body = "".join(f"<p>{e(p)}</p>" for p in a.paragraphs)
        return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="UTF-8"><title>{e(a.title)}</title>
<meta property="og:title" content="{e(a.title)}"><meta property="article:published_time" content="{a.published.isoformat()}">
</head><body class="single">{MENU}<article><h1 class="entry-title">{e(a.title)}</h1>
<div class="td-post-views"><span>477</span></div><div class="td-post-comments">0</div>
<div class="td-post-content">{body}<p style="text-align: right;"><strong>{e(a.author)}</strong></p></div></article>
<div id="comments"><h3>LEAVE A REPLY</h3><form><textarea placeholder="Please enter your comment!"></textarea>
<input placeholder="Please enter your name here"></form></div></body></html>"""

    def feed(self, articles: list[FixtureArticle], root: str) -> str:
        items = "".join(
            f"<item><title>{e(a.title)}</title><link>{root}{self.article_path(a)}</link>"
            f"<pubDate>{a.published.astimezone(timezone.utc):%a, %d %b %Y %H:%M:%S} +0000</pubDate></item>"
            for a in articles
        )
        return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>TG&amp;VN</title>{items}</channel></rss>'


class Front(Family):
    def __init__(self):
        super().__init__("front", "/doi-ngoai-nhan-dan/")

    def article_path(self, a):
        return f"/doi-ngoai-nhan-dan/{a.slug}-{a.number}.html"

    def page_path(self, page):
        return self.listing_path if page == 1 else f"{self.listing_path}?page={page}"

    def listing(self, articles, page, has_next):
        items = "".join(
            f'<div class="item"><a class="title" href="{self.article_path(a)}">{e(a.title)}</a><p>{e(a.paragraphs[0][:120])}</p></div>'
            for a in articles
        )
        nxt = f'<a rel="next" href="{self.page_path(page + 1)}">Tiếp</a>' if has_next else ""
        return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Đối ngoại nhân dân</title></head><body>
{MENU}<h3>Tin mới</h3><div class="list">{items}</div><div class="pages">{nxt}</div>
<a href="/gui-ban-bien-tap">Gửi ban biên tập</a> <a href="/tim-kiem-van-ban">Tìm kiếm văn bản</a></body></html>"""

    def article(self, a, related):
        rel = "".join(f'<div class="rel"><a href="{self.article_path(r)}">{e(r.title)}</a></div>' for r in related)
        body = "".join(f"<p>{e(p)}</p>" for p in a.paragraphs[1:])
        return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{e(a.title)}</title></head><body>{MENU}
<h3>Tin mới</h3><div class="detail"><h1>{e(a.title)}</h1><div class="date">{a.published:%H:%M %d/%m/%Y}</div>
<div class="sapo">(Mặt trận) - {e(a.paragraphs[0])}</div>{rel}<div class="content">{body}
<p style="text-align:right">{e(a.author)}</p></div></div><a href="/xem-them">Xem thêm</a></body></html>"""


FAMILIES = {f.name: f for f in (SharePoint(), AspNetTable(), WordPress(), Front())}


@dataclass
class FixturePortal:
    """A portal served by a ``PortalServer``: articles, newest first, paged like the family pages them."""

    server: PortalServer
    family: Family
    articles: list[FixtureArticle] = field(default_factory=list)
    pages: int = 0

    def publish(self, articles: list[FixtureArticle] | None = None) -> None:
        if articles:
            self.articles = sorted(articles + self.articles, key=lambda a: a.published, reverse=True)
        family = self.family
        chunks = [self.articles[i : i + family.per_page] for i in range(0, len(self.articles), family.per_page)]
        self.pages = len(chunks)
        for n, chunk in enumerate(chunks, start=1):
            self.server.add(family.page_path(n), family.listing(chunk, n, n < len(chunks)))
        for i, a in enumerate(self.articles):
            related = [r for r in self.articles[max(0, i - 2) : i + 3] if r is not a][:3]
            self.server.add(family.article_path(a).split("#")[0], family.article(a, related))
        if isinstance(family, WordPress):
            self.server.add("/feed/", family.feed(self.articles[:10], self.server.root), "application/rss+xml; charset=utf-8")

    @property
    def listing_url(self) -> str:
        return self.server.url(self.family.listing_path)

    def article_requests(self) -> int:
        listing_paths = {self.family.page_path(n) for n in range(1, self.pages + 2)} | {"/feed/"}
        return sum(count for path, count in self.server.paths().items() if path not in listing_paths)
