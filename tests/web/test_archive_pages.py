"""The archive and article pages over a real database, served on 127.0.0.1 by aiohttp's test server."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from tests.web.support import add_article, add_portal, fetch, seeded
from tests.web.test_search import archive


@pytest.fixture
def factory(db_factory):
    def build(session):
        archive(session)
        add_portal(session, "evil", "<b>Cổng</b> lạ", "Lào Cai")
        add_article(session, "evil", "Tiêu đề <script>alert(1)</script> đối ngoại", "Nội dung <img src=x onerror=alert(2)> đối ngoại",
                    days_ago=20)

    seeded(db_factory, build)
    return db_factory


def results(page: str) -> list[str]:
    return re.findall(r'<li class="result" data-article="(\d+)"', page)


def test_archive_lists_newest_first_with_facts(factory):
    [(status, page, headers)] = fetch(factory, "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert len(results(page)) == 5 and "5 bài viết, mới nhất trước" in page
    assert page.index("Đoàn đại biểu tỉnh Hà Giang") < page.index("Phát huy vai trò")
    assert "Sở Ngoại vụ Hà Giang" in page and "Hà Giang" in page and "Sở Ngoại vụ" in page
    assert "12-CT/TW" in page and "Đoàn: Lào" in page and "Đối ngoại" in page
    assert 'href="/trang-thai"' in page  # the status page keeps a link


def test_phrase_search_highlights_and_opens_the_article(factory):
    [(status, page, _)] = fetch(factory, "/?q=" + quote('"đối ngoại nhân dân"'))
    assert status == 200 and len(results(page)) == 2 and "Tìm thấy 2 bài viết" in page
    assert "<mark>đối ngoại nhân dân</mark>" in page
    link = re.search(r'<h3><a href="(/bai-viet/\d+\?[^"]+)">', page).group(1)
    [(status, article, _)] = fetch(factory, link.replace("&amp;", "&"))
    assert status == 200 and "<mark>đối ngoại nhân dân</mark>" in article and "Xem bài gốc trên cổng" in article


def test_accent_insensitive_and_filters_from_the_form(factory):
    [(_, page, _)] = fetch(factory, "/?q=doi+ngoai+nhan+dan&accents=1&province=" + quote("Hà Giang"))
    assert len(results(page)) == 1 and "<mark>đối</mark> <mark>ngoại</mark> <mark>nhân</mark> <mark>dân</mark>" in page
    [(_, page, _)] = fetch(factory, "/?directive=1&from=17/11/2026&to=2026-11-18")
    assert len(results(page)) == 1 and "Phát huy vai trò" in page


def test_markup_in_stored_fields_is_escaped(factory):
    [(_, page, _)] = fetch(factory, "/?q=" + quote("đối ngoại"))
    assert "<script>alert(1)" not in page and "<img src=x" not in page and "<b>Cổng</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;b&gt;Cổng&lt;/b&gt; lạ" in page


@pytest.mark.parametrize("query, needle", [
    ("q=" + quote('"đối ngoại'), "ngoặc kép"),
    ("q=" + "x" * 10_000, "quá dài"),
    ("q=" + quote("đối " * 2_500), "quá dài"),
    ("q=%25", "không có chữ"),
    ("q=_", "không có chữ"),
    ("q=" + quote("'; DROP TABLE articles; --"), "Không tìm thấy"),
    ("q=" + quote("Lào OR Campuchia"), "toán tử"),
    ("from=32/13/2026", "không hợp lệ"),
    ("from=2026-11-20&to=2026-11-01", "sau ngày kết thúc"),
    ("page=99", "Trang 99 không có kết quả"),
    ("page=-3&q=" + quote("Lào"), None),
    ("page=abc", None),
])
def test_bad_input_is_a_page_with_a_message_never_a_500(factory, query, needle):
    [(status, page, _)] = fetch(factory, "/?" + query)
    assert status == 200
    if needle:
        assert needle.lower() in page.lower() and 'id="message"' in page and results(page) == []
    else:
        assert results(page)
    [(status, _, _)] = fetch(factory, "/")
    assert status == 200


def test_paging(factory):
    import web.archive

    per_page, web.archive.PER_PAGE = web.archive.PER_PAGE, 2
    try:
        first, second, third = fetch(factory, "/", "/?page=2", "/?page=3")
    finally:
        web.archive.PER_PAGE = per_page
    ids = [results(page) for _, page, _ in (first, second, third)]
    assert [len(i) for i in ids] == [2, 2, 1] and len(set(sum(ids, []))) == 5
    assert 'href="/?page=2"' in first[1] and 'rel="prev"' not in first[1] and 'rel="next"' not in third[1]


def test_unknown_article_is_a_404_page(factory):
    for path in ("/bai-viet/999999", "/bai-viet/abc", "/bai-viet/99999999999999999999"):
        [(status, page, _)] = fetch(factory, path)
        assert status == 404 and "Không có bài viết này" in page


def test_partner_select_lists_the_stored_partners_and_filters(db_factory, monkeypatch):
    import storage.search
    from tests.web.test_search import with_partners

    seeded(db_factory, with_partners)
    everything, campuchia, unknown = fetch(db_factory, "/", "/?partner=" + quote("Campuchia"), "/?partner=" + quote("Nhật Bản"))
    assert re.findall(r"<option(?: selected)?>([^<]+)</option>", everything[1].split('name="partner"')[1].split("</select>")[0]) == [
        "Campuchia", "Lào", "Trung Quốc"]
    assert len(results(everything[1])) == 6 and "6 bài viết, mới nhất trước" in everything[1]
    assert len(results(campuchia[1])) == 1 and "<option selected>Campuchia</option>" in campuchia[1]
    assert unknown[0] == 200 and results(unknown[1]) == [] and "Không tìm thấy" in unknown[1]
    # Past the count cap the page says "more than".
    monkeypatch.setattr(storage.search, "COUNT_CAP", 3)
    [(status, page, _)] = fetch(db_factory, "/?q=" + quote("biên giới"))
    assert status == 200 and "Tìm thấy hơn 3 bài viết" in page and len(results(page)) == 5
