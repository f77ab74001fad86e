"""Recall-first verdicts and body fidelity: reject only on the page's own evidence, keep what the source shows.

Small pages written for one behaviour each, plus the real Liferay listing pages of sotttt.hanoi.gov.vn
(tests/fixtures/sites/sotttt-hanoi), which extracted directly must be listings.
"""

from __future__ import annotations

import logging

import pytest

from crawler.extract import extract
from crawler.extract.verdict import code_of
from tests.extract.test_generic import PARAGRAPHS, TITLE, page
from tests.support.mirror import mirror

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
SITE = mirror("sotttt-hanoi")
URL = "https://songoaivu.example.gov.vn/tin-tuc/bai-1.html"
DATE = "<p class='date'>Ngày đăng 17/05/2022 | 8:18 AM</p>"


def _teasers(count: int, host: str = "", summary: str = "") -> str:
    items = "".join(
        f"<div class='item'><h3><a href='{host}/tin-tuc/bai-{i + 10}.html'>Hội nghị tổng kết công tác đối ngoại nhân dân số {i}</a></h3>"
        f"{f'<p>{summary}</p>' if summary else ''}</div>"
        for i in range(count)
    )
    return f"<div class='news-list'>{items}</div>"


def test_an_article_with_a_links_box_in_its_body_is_an_article():
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:3]) + _teasers(8)
    result = extract(page(before=DATE, body=body), url=URL)
    assert result.rejected is None
    assert result.paragraphs == PARAGRAPHS[:3]


def test_a_page_of_teasers_is_a_listing():
    summary = "Sáng 27/7, Sở Ngoại vụ đã chủ trì buổi cung cấp thông tin cho báo chí về kế hoạch đối ngoại năm nay."
    result = extract(page(body=_teasers(8, summary=summary)), url=URL)
    assert code_of(result.rejected) == "listing"


def test_a_page_of_links_to_other_sites_is_not_a_listing():
    """A deal post's product links go to the shops, not to the site's own articles."""
    body = "".join(f"<p>{p[:60]}.</p><p><a href='https://shop.example.com/{i}'>Mua ngay sản phẩm số {i} giá tốt</a></p>" for i, p in enumerate(PARAGRAPHS * 2))
    assert extract(page(before=DATE, body=body), url=URL).rejected is None


def test_the_crawl_finding_the_url_as_an_article_raises_the_bar():
    summary = (
        "Sáng 27/7, Sở Ngoại vụ đã chủ trì buổi cung cấp thông tin cho báo chí về kế hoạch đối ngoại năm nay, "
        "trong đó có việc đón tiếp các đoàn khách quốc tế, tổ chức hội nghị hợp tác với các địa phương của Lào "
        "và Campuchia, cùng nhiều hoạt động giao lưu nhân dân tại các huyện biên giới của tỉnh trong quý III."
    )
    html = page(before=DATE, body=_teasers(8, summary=summary))
    assert code_of(extract(html, url=URL).rejected) == "listing"
    assert extract(html, url=URL, context="listing-link").rejected is None
    assert extract(html, url=URL, context="feed-item").rejected is None


def test_a_sign_in_string_in_inline_script_is_not_a_login_wall():
    modal = (
        "<script>var t = {signin: 'Please sign in to continue'};</script>"
        "<div class='modal' style='display:none'><form><input type='text' name='u'><input type='password' name='p'></form></div>"
    )
    result = extract(page(before=DATE, after=modal), url=URL)
    assert result.rejected is None and result.paragraphs == PARAGRAPHS


def test_a_password_form_alone_on_the_page_is_a_login_wall():
    html = (
        "<html><body><h2>Đăng nhập hệ thống</h2><p>Vui lòng đăng nhập để xem nội dung văn bản.</p>"
        "<form><input type='text' name='u'><input type='password' name='p'></form></body></html>"
    )
    assert code_of(extract(html).rejected) == "login-wall"


def test_a_long_undated_page_whose_headline_is_the_site_name_is_kept():
    html = (
        f"<html><head><title>{TITLE}</title></head><body><h1><a href='/'>Entermedia</a></h1><div class='article'>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div></body></html>"
    )
    assert extract(html, url=URL).rejected is None


def test_an_undated_page_named_in_the_site_menu_is_a_static_page():
    html = (
        "<html><head><title>Chức năng nhiệm vụ</title></head><body><nav><ul><li><a href='/'>Trang chủ</a></li>"
        "<li><a href='/chuc-nang'>Chức năng nhiệm vụ</a></li></ul></nav><div class='content'><h1>Chức năng nhiệm vụ</h1>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS * 2) + "</div></body></html>"
    )
    assert code_of(extract(html, url=URL).rejected) == "static-page"
    assert extract(html, url=URL, context="listing-link").rejected is None


def test_a_short_notice_found_on_a_listing_is_kept():
    body = "<p>Công văn số 1130/STTTT-CNTT ngày 18/5/2018 về đánh giá mức độ chính quyền điện tử.</p><p>Tải biểu mẫu tại đây.</p>"
    html = page(before=DATE, body=body)
    assert code_of(extract(html, url=URL).rejected) == "too-short"
    assert extract(html, url=URL, context="listing-link").rejected is None


def test_a_data_table_is_kept_as_rows():
    rows = "".join(f"<tr><td>{i}</td><td>Nguyễn Văn {name}</td><td>{5040 - i}</td></tr>" for i, name in enumerate(["An", "Bình", "Chi"], 1))
    body = "<p>" + PARAGRAPHS[0] + "</p><table><tr><th>Hạng</th><th>Tên</th><th>Điểm</th></tr>" + rows + "</table><p>" + PARAGRAPHS[1] + "</p>"
    result = extract(page(before=DATE, body=body), url=URL)
    assert result.paragraphs == [PARAGRAPHS[0], "Hạng Tên Điểm", "1 Nguyễn Văn An 5039", "2 Nguyễn Văn Bình 5038", "3 Nguyễn Văn Chi 5037", PARAGRAPHS[1]]


def test_only_the_line_attached_to_a_picture_is_a_caption():
    lines = [f"Dòng {i} của bài viết ảnh về chuyến thăm hữu nghị của đoàn đại biểu tỉnh bạn." for i in range(4)]
    body = "<p style='text-align:center'><img src='/a.jpg'></p><p style='text-align:center'><em>Ảnh: đoàn đại biểu tại sân bay</em></p>"
    body += "".join(f"<p style='text-align:center'>{line}</p>" for line in lines) + "<p>" + PARAGRAPHS[0] + "</p>"
    result = extract(page(before=DATE, body=body), url=URL)
    assert result.captions == ["Ảnh: đoàn đại biểu tại sân bay"]
    assert result.paragraphs == [*lines, PARAGRAPHS[0]]


def test_paragraphs_the_source_repeats_are_kept():
    days = [f"<p>Ngày {i}</p><p>Bữa sáng: cháo yến mạch với sữa chua và trái cây tươi theo mùa.</p>" for i in range(1, 4)]
    body = "<p>" + PARAGRAPHS[0] + "</p>" + "".join(days)
    result = extract(page(before=DATE, body=body), url=URL)
    assert result.paragraphs.count("Bữa sáng: cháo yến mạch với sữa chua và trái cây tươi theo mùa.") == 3


@pytest.mark.parametrize("section", ["bao-chi-xuat-ban", "cong-nghe-thong-tin"])
def test_real_liferay_listing_pages_extracted_directly_are_listings(section):
    for number, path in sorted(SITE.manifest[section]["listing"].items()):
        result = extract(SITE.page(path), url=f"https://sotttt.hanoi.gov.vn/{path.removeprefix('source/')}")
        assert code_of(result.rejected) == "listing", (number, result.title)


def test_a_run_of_short_link_lines_is_a_menu_not_text():
    menu = "<ul>" + "".join(f"<li><a href='/chuyen-muc/{i}'>Chuyên mục {i}</a></li>" for i in range(6)) + "</ul>"
    two = "<ul><li><a href='/a'>Phụ lục 1</a></li><li><a href='/b'>Phụ lục 2</a></li></ul>"
    body = "<p>" + PARAGRAPHS[0] + "</p>" + menu + "<p>" + PARAGRAPHS[1] + "</p>" + two + "<p>" + PARAGRAPHS[2] + "</p>"
    result = extract(page(before=DATE, body=body), url=URL)
    assert result.paragraphs == [PARAGRAPHS[0], PARAGRAPHS[1], "Phụ lục 1", "Phụ lục 2", PARAGRAPHS[2]]
