"""What `portal add` reads off a page without fetching: sections, feeds, sitemaps, names, ids, walls."""

from __future__ import annotations

from parsel import Selector

from crawler.maintain import discover
from crawler.maintain.diagnose import is_cookie_wall, page_problem
from tests.maintain.sites import COOKIE_WALL, JS_SHELL, LOGIN

BASE = "https://songoaivu.example.gov.vn/"
HOME = """<html><head><title>Trang chủ | Sở Ngoại vụ tỉnh Lạng Sơn</title>
<link rel="alternate" type="application/rss+xml" href="/rss/tin-tuc.rss"><link rel="stylesheet" href="/a.css"></head><body>
<ul><li><a href="/">Trang chủ</a></li><li><a href="/gioi-thieu">Giới thiệu</a></li>
<li><a href="/tin-tuc">Tin tức</a></li><li><a href="/tin-hoat-dong">Tin hoạt động</a></li>
<li><a href="/hop-tac-quoc-te">Hợp tác quốc tế</a></li><li><a href="/chuyen-muc/doi-ngoai">Chuyên mục 5</a></li>
<li><a href="https://other.gov.vn/doi-ngoai">Đối ngoại (cổng khác)</a></li><li><a href="/lien-he">Liên hệ</a></li></ul>
<a href="/tin-tuc/doi-ngoai/hoi-dam-voi-doan-dai-bieu-tinh-quang-tay-trung-quoc-123.html">Hội đàm với đoàn đại biểu tỉnh Quảng Tây về hợp tác quốc tế</a>
<a href="/rss.html">RSS</a><a href="/feeds/doi-ngoai.rss">Đối ngoại</a></body></html>"""


def test_sections_are_ranked_by_foreign_affairs_words_in_label_or_slug():
    sections = discover.section_links(Selector(HOME), BASE)
    assert [(s["text"], s["score"]) for s in sections] == [
        ("Hợp tác quốc tế", 9),  # "hợp tác quốc tế" and "quốc tế"
        ("Chuyên mục 5", 6),  # the slug says doi-ngoai
        ("Đối ngoại", 6),
        ("Tin hoạt động", 3),
        ("Tin tức", 2),
    ]
    assert all(s["url"].startswith(BASE) for s in sections)  # another site's section is not this portal's


def test_feeds_advertised_and_linked_and_sitemaps_in_robots():
    selector = Selector(HOME)
    assert discover.advertised_feeds(selector, BASE) == [
        "https://songoaivu.example.gov.vn/rss/tin-tuc.rss",
        "https://songoaivu.example.gov.vn/feeds/doi-ngoai.rss",
    ]
    assert discover.feed_candidates(selector, BASE)[2:] == [BASE + "rss", BASE + "rss.xml", BASE + "feed", BASE + "feed/", BASE + "atom.xml"]
    robots = "User-agent: *\nDisallow: /admin\nSitemap: /sitemap_index.xml\nsitemap: https://cdn.example.vn/s.xml\n"
    assert discover.sitemaps_in_robots(robots, BASE) == [BASE + "sitemap_index.xml", "https://cdn.example.vn/s.xml"]
    assert discover.is_sitemap(b'<?xml version="1.0"?><urlset xmlns="...">') and not discover.is_sitemap(b"<html>")


def test_names_kinds_provinces_and_ids():
    assert discover.site_name(Selector(HOME)) == "Sở Ngoại vụ tỉnh Lạng Sơn"
    assert discover.site_name(Selector('<meta property="og:site_name" content="Báo Lạng Sơn">')) == "Báo Lạng Sơn"
    assert discover.province_of("Sở Ngoại vụ tỉnh Lạng Sơn") == "Lạng Sơn"
    assert discover.province_of("Sở Ngoại vụ Thành phố Hồ Chí Minh") == "Hồ Chí Minh"
    assert discover.province_of("Báo Thế giới và Việt Nam") is None
    assert discover.kind_of("Sở Ngoại vụ tỉnh Lạng Sơn", BASE) == "foreign-affairs"
    assert discover.kind_of("Ủy ban MTTQ tỉnh Lai Châu", "https://mattranlaichau.org.vn/") == "front"
    assert discover.kind_of("Báo Lạng Sơn", "https://baolangson.vn/") == "newspaper"
    assert discover.kind_of("Cổng thông tin điện tử tỉnh Bắc Kạn", "https://backan.gov.vn/") == "government"
    assert discover.propose_id("https://songoaivu.caobang.gov.vn/tin-tuc", set()) == "caobang-songoaivu"
    assert discover.propose_id("https://www.baoquocte.vn/", {"baoquocte"}) == "baoquocte-2"
    assert discover.propose_id("http://127.0.0.1:8080/", set()) == "127-0-0-1"


def test_walls_and_shells_are_told_from_pages():
    assert is_cookie_wall(COOKIE_WALL.encode())
    consent = "<html><body><script>document.cookie='ok=1';location.reload()</script>" + "<p>Tin tức đối ngoại.</p>" * 60
    assert not is_cookie_wall(consent.encode())  # a real page with a consent script is no wall
    assert page_problem(JS_SHELL.encode(), "utf-8", "text/html")[0] == "javascript-stub"
    assert page_problem(LOGIN.encode(), "utf-8", "text/html")[0] == "login-wall"
    assert page_problem(b"%PDF-1.4 ...", None, "application/pdf") == ("not-html", "served as application/pdf")
    assert page_problem(HOME.encode(), "utf-8", "text/html; charset=utf-8") is None
