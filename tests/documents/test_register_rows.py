"""Register rows from the real register pages in tests/fixtures/documents/pages (three markup families)."""

from __future__ import annotations

import pytest

from crawler.document_pipeline import issuer_unit
from spiders.attachments import attachment_url
from spiders.documents import next_register_page
from spiders.register_rows import parse_register
from tests.support.document_portal import PAGES


def _rows(name: str, url: str):
    return parse_register((PAGES / name).read_bytes(), url)


def test_domino_gazette_rows():
    rows = _rows("08_congbao_sonla_documents_by_gazette.html", "http://congbao.sonla.gov.vn/congbao.nsf/VanBan?OpenView")
    assert len(rows) == 11
    first = rows[0]
    assert (first.code, first.kind, first.issued_on, first.issuer) == ("37/2026/QĐ-UBND", "Quyết định", "2026-07-13", "UBND tỉnh")
    assert first.summary.startswith("bãi bỏ Quyết định số 90/2025/QĐ-UBND ngày 24/8/2025")
    assert first.attachments == [
        "http://congbao.sonla.gov.vn/congbao.nsf/2979FBD220E3084E47258E33002A7EF2/$file/QD%20so%2037.2026.doc"
    ]
    assert first.detail_url.endswith("NoiDung?openForm&ParentUNID=2979FBD220E3084E47258E33002A7EF2")
    assert rows[1].issuer == "Chủ tịch UBND tỉnh"
    assert len({r.code for r in rows}) == 11


def test_vbpl_search_results_rows():
    rows = _rows("01_vbpl_search_results.html", "https://vbpl.vn/tw/Pages/vbpq-timkiem.aspx")
    assert [r.code for r in rows][:2] == ["31/VBHN-VPQH", "23/VBHN-VPQH"]
    assert rows[0].kind == "Luật" and rows[0].summary == "hợp nhất Luật Xử lý vi phạm hành chính"
    assert rows[0].attachments == ["https://vbpl.vn/TW/Lists/vbpq/Attachments/147301/31.VBHN.VPQH.doc"]
    assert rows[0].issued_on is None  # the page shows only "Ngày xác thực", not the date issued
    assert len(rows[1].attachments) == 2


def test_vbpl_property_page_is_one_document():
    (row,) = _rows("02_vbpl_thuoctinh_96172.html", "https://vbpl.vn/TW/Pages/vbpq-thuoctinh.aspx?ItemID=96172")
    assert (row.code, row.kind, row.issued_on, row.effective_on) == ("101/2015/QH13", "Bộ luật", "2015-11-27", "2018-01-01")
    assert (row.issuer, row.signer) == ("Quốc hội", "Nguyễn Sinh Hùng")
    # the "Xem nhanh" viewer page is not a file
    assert not any("WopiFrame" in url for url in row.attachments) and len(row.attachments) == 4


def test_table_with_header_row_and_a_broken_row():
    html = """<table><tr><th>STT</th><th>Số/Ký hiệu</th><th>Ngày ban hành</th><th>Trích yếu</th><th>Cơ quan ban hành</th></tr>
    <tr><td>1</td><td>331/UBND-TH</td><td>05/04/2026</td><td>Về việc tăng cường công tác đối ngoại</td><td>UBND tỉnh Lai Châu</td></tr>
    <tr><td>2</td><td>(đang cập nhật)</td><td>31/02/2026</td><td>Dòng hỏng</td><td></td></tr>
    <tr><td colspan="5">Trang 1</td></tr>
    <tr><td>3</td><td>12-CT/TU</td><td>1/3/2026</td><td><a href="/files/ct12.pdf">Chỉ thị về …</a></td><td>Tỉnh ủy</td></tr></table>"""
    rows = parse_register(html, "https://laichau.gov.vn/van-ban")
    assert [(r.code, r.kind, r.issued_on, r.issuer) for r in rows] == [
        ("331/UBND-TH", "Công văn", "2026-04-05", "UBND tỉnh Lai Châu"),  # 05/04 is day-first
        ("12-CT/TU", "Chỉ thị", "2026-03-01", "Tỉnh ủy"),
    ]
    assert rows[1].attachments == ["https://laichau.gov.vn/files/ct12.pdf"]


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("DownloadFile.aspx?id=12", "https://x.vn/p/DownloadFile.aspx?id=12"),
        ("/upload/QD 481.PDF", "https://x.vn/upload/QD 481.PDF"),
        ("javascript:downloadfile('a.doc','/TW/Lists/vbpq/Attachments/1/a.doc');", "https://x.vn/TW/Lists/vbpq/Attachments/1/a.doc"),
        ("/tw/_layouts/15/WopiFrame.aspx?sourcedoc=/TW/Lists/vbpq/Attachments/1/a.doc", None),
        ("/tin-tuc/bai-viet.html", None),
        ("/anh/hoi-nghi.jpg", None),
        ("mailto:vanthu@x.vn", None),
    ],
)
def test_attachment_links(href, expected):
    assert attachment_url(href, "https://x.vn/p/") == expected


def test_url_paging_and_issuer_units():
    assert next_register_page("http://h/congbao.nsf/VanBan?OpenView&Count=30&Start=1&page=1", 1, 11) == (
        "http://h/congbao.nsf/VanBan?OpenView&Count=30&Start=31&page=2"
    )
    assert next_register_page("http://h/van-ban?Start=21&page=2", 2, 20) == "http://h/van-ban?Start=41&page=3"
    assert next_register_page("http://h/van-ban", 1, 20) is None
    assert [issuer_unit(c) for c in ("37/2026/QĐ-UBND", "04-CT/TW", "331/UBND-TH", "100/2015/QH13", "31/VBHN-VPQH")] == [
        "UBND", "TW", "UBND", "QH", "VPQH"]
