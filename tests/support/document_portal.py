"""A fixture portal with document registers made from the real markup families and the real files.

- ``/congbao.nsf/VanBan?OpenView&Count=30&Start=1&page=1`` — the real Sơn La gazette rows (Lotus Domino);
  page 2 (``Start=31&page=2``) is built from the same row markup with the two real Nghị định files (the
  scan and the text PDF); page 3 repeats page 1 (nothing new: paging stops there).
- ``/tw/Pages/vbpq-timkiem.aspx`` — the real vbpl.vn search-results page (10 rows, files behind JavaScript).
- a news section (Front family) with a stub post "Toàn văn … xem tại văn bản đính kèm" linking the scan.

Files: the gazette's first row gets the real .doc, its second the real .docx, its third a login page
served as .doc, its fourth a 404; the other rows the .doc again (same bytes: extracted once).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tests.support.documents import DOC, DOCX, FIXTURES, SCAN, TEXT_PDF
from tests.support.server import PortalServer
from tests.support.sites import FAMILIES, FixtureArticle, FixturePortal, e, make_articles

PAGES = FIXTURES / "pages"
GAZETTE = "/congbao.nsf/VanBan?OpenView&Count=30&Start={start}&page={page}"
VBPL = "/tw/Pages/vbpq-timkiem.aspx?Keyword="
STUB_FILE = "/DownloadFile.aspx?id=199"
LOGIN = b"<!DOCTYPE html><html><head><title>\xc4\x90\xc4\x83ng nh\xe1\xba\xadp</title></head><body><form>...</form></body></html>"
VN = timezone(timedelta(hours=7))

_ROW = re.compile(r"<tr><td style='width: 80px.*?</tr>", re.S)
_FILE = re.compile(r"""href="([0-9A-F]{32}/\$file/[^"]+)\"""")

# Page 2 rows: (date, category, code, summary, UNID, file name, bytes)
NATIONAL_ROWS = [
    ("05/6/2026", "Nghị định của Chính phủ", "199/2026/NĐ-CP", "quy định chính sách hỗ trợ phục vụ", "A" * 32, "ND 199.2026.pdf", SCAN),
    ("31/01/2026", "Nghị định của Chính phủ", "49/2026/NĐ-CP",
     "quy định chi tiết và hướng dẫn một số điều của Nghị quyết số 254/2025/QH15 của Quốc hội", "B" * 32, "ND 49.2026.pdf", TEXT_PDF),
]


def gazette_page1() -> str:
    return (PAGES / "08_congbao_sonla_documents_by_gazette.html").read_text(encoding="utf-8")


def gazette_rows(html: str) -> list[str]:
    return _ROW.findall(html)


def gazette_row(day: str, category: str, code: str, summary: str, unid: str, name: str) -> str:
    """A row in the real gazette markup (the first row of the real page), with other values."""
    template = gazette_rows(gazette_page1())[0]
    row = re.sub(r"(<td style='width: 80px; vertical-align: top'>)[^<]*", rf"\g<1>{day}", template, count=1)
    row = re.sub(r"(<span class='doc-cate'>)[^<]*", rf"\g<1>{category}", row)
    row = re.sub(r"(<span class='doc-notation'>)[^<]*(</span>)[^<]*", rf"\g<1>số {code}\g<2> {e(summary)}", row)
    row = re.sub(r"[0-9A-F]{32}", unid, row)
    row = re.sub(r"\$file/[^\"]+\"", f'$file/{name}"', row)
    return re.sub(r">QD so [^<]+<", f">{name}<", row)


def gazette_page2() -> str:
    page1 = gazette_page1()
    rows = gazette_rows(page1)
    start, end = page1.index(rows[0]), page1.rindex(rows[-1]) + len(rows[-1])
    heading = "<tr><th colspan='100%' class='level2-heading' cheat='2'>Chính phủ</th></tr>"
    return page1[:start] + heading + "".join(gazette_row(*row[:6]) for row in NATIONAL_ROWS) + page1[end:]


def _quoted(path: str) -> str:
    return path.replace(" ", "%20")


class DocumentPortal:
    def __init__(self, server: PortalServer):
        self.server = server
        self.news = FixturePortal(server, FAMILIES["front"])
        self.stub = FixtureArticle(
            4242, "Toàn văn Nghị định số 199/2026/NĐ-CP quy định chính sách hỗ trợ phục vụ",
            datetime(2026, 6, 10, 15, 0, tzinfo=VN), ["Toàn văn Nghị định xem tại văn bản đính kèm."],
        )

    def publish(self) -> None:
        server = self.server
        page1 = gazette_page1()
        server.add(GAZETTE.format(start=1, page=1), page1)
        server.add(GAZETTE.format(start=31, page=2), gazette_page2())
        server.add(GAZETTE.format(start=61, page=3), page1)
        for index, path in enumerate(_FILE.findall(page1)):
            target = "/congbao.nsf/" + _quoted(path)
            if index == 0:
                server.add(target, DOC.read_bytes(), "application/msword")
            elif index == 1:
                server.add(target, DOCX.read_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            elif index == 2:
                server.add(target, LOGIN, "application/msword")
            elif index == 3:
                continue  # 404
            else:
                server.add(target, DOC.read_bytes(), "application/msword")
        for *_, unid, name, source in NATIONAL_ROWS:
            server.add(_quoted(f"/congbao.nsf/{unid}/$file/{name}"), source.read_bytes(), "application/pdf")
        server.add(VBPL, (PAGES / "01_vbpl_search_results.html").read_text(encoding="utf-8"))
        server.add("/TW/Lists/vbpq/Attachments/147301/31.VBHN.VPQH.doc", DOC.read_bytes(), "application/msword")
        self.news.publish(make_articles(4) + [self.stub])
        server.add(self.news.family.article_path(self.stub), self.stub_page())
        server.add(STUB_FILE, SCAN.read_bytes(), "application/pdf")

    def add_gazette_row(self, day: str, code: str, summary: str, unid: str, name: str, source: Path) -> None:
        """A new decision at the top of the gazette's first page, with its file."""
        page1 = gazette_page1()
        first = gazette_rows(page1)[0]
        row = gazette_row(day, "Quyết định của UBND tỉnh", code, summary, unid, name)
        self.server.add(GAZETTE.format(start=1, page=1), page1.replace(first, row + first, 1))
        self.server.add(_quoted(f"/congbao.nsf/{unid}/$file/{name}"), source.read_bytes(), "application/octet-stream")

    def stub_page(self) -> str:
        a = self.stub
        return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{e(a.title)}</title></head><body>
<div class="detail"><h1>{e(a.title)}</h1><div class="date">{a.published:%H:%M %d/%m/%Y}</div>
<div class="content"><p>Toàn văn Nghị định xem tại văn bản đính kèm.</p>
<p><a href="{STUB_FILE}">Tải về văn bản</a></p></div></div></body></html>"""

    def registry_yaml(self, portal_id: str = "sonla-gov") -> str:
        root = self.server.root
        return (
            f"portals:\n  - id: {portal_id}\n    name: Cổng TTĐT tỉnh Sơn La\n    province: Sơn La\n"
            f'    start_urls: ["{self.news.listing_url}"]\n'
            f'    documents: ["{root}{GAZETTE.format(start=1, page=1)}", "{root}{VBPL}"]\n'
        )
