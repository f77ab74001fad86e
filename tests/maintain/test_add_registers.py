"""`portal add` proposes the document registers a home page links ("Văn bản", "Công báo") that show rows."""

from __future__ import annotations

from parsel import Selector

from crawler.maintain import discover
from tests.maintain.sites import home_site
from tests.support.document_portal import gazette_page1
from tests.support.server import PortalServer


def test_register_links_by_label_and_slug_not_headlines():
    html = """<ul><li><a href="/van-ban">Văn bản</a></li><li><a href="/vbcd">Văn bản chỉ đạo điều hành</a></li>
    <li><a href="/congbao.nsf">CÔNG BÁO</a></li><li><a href="https://other.gov.vn/van-ban">Văn bản</a></li>
    <li><a href="/tin/van-ban-moi.html">Văn bản mới về công tác đối ngoại của tỉnh trong năm 2026 được ban hành hôm nay</a></li>
    <li><a href="/gioi-thieu">Giới thiệu</a></li></ul>"""
    found = discover.register_links(Selector(html), "https://laichau.gov.vn/")
    assert [(r["url"], r["text"]) for r in found] == [
        ("https://laichau.gov.vn/van-ban", "Văn bản"),
        ("https://laichau.gov.vn/vbcd", "Văn bản chỉ đạo điều hành"),
        ("https://laichau.gov.vn/congbao.nsf", "CÔNG BÁO"),
    ]


def test_portal_add_proposes_a_register_that_shows_document_rows(portalwatch):
    with PortalServer() as server:
        home_site(server)
        server.add("/van-ban", gazette_page1())
        result = portalwatch("portal", "add", server.url("/"))
    assert result.code == 0, result.err
    assert f"register {server.url('/van-ban')}  “Văn bản”  11 document rows (e.g. 37/2026/QĐ-UBND)" in result.out
    assert f'    documents: ["{server.url("/van-ban")}"]\n' in result.out


def test_a_register_link_without_rows_is_not_proposed(portalwatch):
    with PortalServer() as server:
        home_site(server)  # its "Văn bản" link answers 404
        result = portalwatch("portal", "add", server.url("/"))
    assert result.code == 0, result.err
    assert f"register {server.url('/van-ban')}  “Văn bản”  no document rows" in result.out
    assert "documents:" not in result.out
