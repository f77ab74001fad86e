"""Downloads of every list (web/exports.py): CSV and Excel of search results, documents and visits.

Files are read back with the csv module and openpyxl and compared with what the database holds;
filters are the page's; nothing stored (markup, formula-looking titles) runs as a formula.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
from datetime import datetime
from html import unescape
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook
from sqlalchemy import select

from crawler.timefmt import VIETNAM
from storage import repositories as repo
from storage.db import transaction
from storage.models import Article, Directive, DirectiveMention, Match
from tests.web.support import PageDaemon, add_article, add_portal, fetch, seeded
from tests.web.test_search import archive

HOSTILE = ["=HYPERLINK(\"http://evil.example/\",\"Bấm\")", "+cmd|' /C calc'!A0", "-1+1", "@SUM(A1:A9)",
           "<script>alert('x')</script> <b>Đối ngoại</b>"]


@pytest.fixture
def factory(db_factory):
    def build(session):
        archive(session)
        add_portal(session, "evil", "=HYPERLINK(\"http://x\") Cổng <i>lạ</i>", "Lào Cai", "other")
        for n, title in enumerate(HOSTILE):
            article = add_article(session, "evil", title, "Nội dung đối ngoại", days_ago=20 + n, visit=n == 0,
                                  code="05-CT/TU" if n == 1 else None)
            article.published_has_time = True  # these show a time of day; the others a date alone
        add_article(session, "evil", "Ký tự\x07 điều khiển", "Nội dung", days_ago=40)
        session.scalar(select(Directive).where(Directive.code == "05-CT/TU")).issuer = "TU"

    seeded(db_factory, build)
    return db_factory


def download(factory, *paths: str) -> list[tuple[int, bytes, dict]]:
    return fetch(factory, *paths, raw=True)


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8")[1:])))


def sheet_of(body: bytes):
    book = load_workbook(io.BytesIO(body))
    return book.worksheets[0]


def query_of(url: str) -> dict:
    return parse_qs(urlsplit(url).query)


def links(page: str, path: str) -> list[dict]:
    """The query strings of the page's "Tải CSV" and "Tải Excel" links to ``path``.csv / .xlsx."""
    found = [unescape(h) for h in re.findall(r'href="(' + re.escape(path) + r'\.(?:csv|xlsx)[^"]*)"', page)]
    assert len(found) == 2 and found[0].startswith(path + ".csv") and found[1].startswith(path + ".xlsx")
    return [query_of(h) for h in found]


def stored_articles(factory) -> list[Article]:
    """Every stored article, newest first, read directly."""
    with transaction(factory) as session:
        articles = list(session.scalars(select(Article)))
    return sorted(articles, key=lambda a: (a.published_at or a.first_seen_at, a.id), reverse=True)


def vietnam(moment: datetime) -> datetime:
    return moment.astimezone(VIETNAM).replace(tzinfo=None)


def test_search_csv_and_excel_have_every_stored_article(factory):
    articles = stored_articles(factory)
    (status, body, headers), (xstatus, xbody, xheaders) = download(factory, "/tim-kiem.csv", "/tim-kiem.xlsx")
    assert status == 200 and headers["Content-Type"] == "text/csv; charset=utf-8"
    assert headers["X-Content-Type-Options"] == "nosniff"
    table = csv_rows(body)
    assert table[0] == ["Ngày", "Tiêu đề", "Cổng", "Tỉnh, thành phố", "Loại cổng", "Chủ đề", "Văn bản nêu", "Đoàn (đối tác)", "Đường dẫn"]
    assert len(table) - 1 == len(articles) == 10
    assert [r[8] for r in table[1:]] == [a.url for a in articles]
    assert [r[0] for r in table[1:]] == [vietnam(a.published_at).strftime("%d/%m/%Y %H:%M" if a.published_has_time else "%d/%m/%Y")
                                         for a in articles]

    assert xstatus == 200 and xheaders["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert int(xheaders["Content-Length"]) == len(xbody)
    sheet = sheet_of(xbody)
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == table[0] and all(c.font.b for c in rows[0])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == 60 and sheet.column_dimensions["I"].width == 50
    assert len(rows) - 1 == len(articles)
    for row, article in zip(rows[1:], articles):
        if article.published_has_time:
            assert row[0].is_date and row[0].value == vietnam(article.published_at) and row[0].number_format == "dd/mm/yyyy hh:mm"
        else:
            day = vietnam(article.published_at).replace(hour=0, minute=0, second=0, microsecond=0)
            assert row[0].is_date and row[0].value == day and row[0].number_format == "dd/mm/yyyy"
        assert row[8].value == f'=HYPERLINK("{article.url}")'  # a link we make, to the stored URL
        expected = article.title.replace("\x07", "")
        assert row[1].value == expected and row[1].data_type == "s"


def test_stored_formulas_and_markup_stay_text(factory):
    [(_, body, _), (_, xbody, _)] = download(factory, "/tim-kiem.csv?portal=evil", "/tim-kiem.xlsx?portal=evil")
    titles = [r[1] for r in csv_rows(body)[1:]]
    portals = {r[2] for r in csv_rows(body)[1:]}
    assert titles[:5] == ["'" + HOSTILE[0], "'" + HOSTILE[1], "'" + HOSTILE[2], "'" + HOSTILE[3], HOSTILE[4]]
    assert portals == {"'=HYPERLINK(\"http://x\") Cổng <i>lạ</i>"}
    sheet = sheet_of(xbody)
    cells = list(sheet.iter_rows(min_row=2))
    assert [row[1].value for row in cells[:5]] == HOSTILE  # as stored, exactly, and never a formula
    assert all(row[c].data_type != "f" for row in cells for c in range(8))
    assert {row[2].value for row in cells} == {"=HYPERLINK(\"http://x\") Cổng <i>lạ</i>"}
    assert cells[5][1].value == "Ký tự điều khiển"  # a control character XML cannot carry is dropped


def test_search_filters_are_the_pages(factory):
    query = "?q=" + quote("đối ngoại") + "&sort=date&province=" + quote("Lào Cai") + "&from=01/11/2026"
    (_, page, _), (_, body, _), (_, xbody, _) = download(factory, "/" + query, "/tim-kiem.csv" + query, "/tim-kiem.xlsx" + query)
    page = page.decode("utf-8")
    on_page = [unescape(re.sub("<[^>]+>", "", t)) for t in re.findall(r'<h3><a href="/bai-viet/\d+[^"]*">(.*?)</a></h3>', page)]
    titles = [r[1] for r in csv_rows(body)[1:]]
    assert titles == on_page == ["Hội nghị nhân dân các xã biên giới", "Phát huy vai trò đối ngoại nhân dân trong tình hình mới"]
    assert [r[1].value for r in sheet_of(xbody).iter_rows(min_row=2)] == titles
    # The page's links carry its filters to both downloads.
    assert links(page, "/tim-kiem") == [query_of(query)] * 2
    # A query the page refuses exports the header alone.
    [(status, body, _)] = download(factory, "/tim-kiem.csv?q=" + quote('"đối'))
    assert status == 200 and len(csv_rows(body)) == 1
    [(status, body, _)] = download(factory, "/tim-kiem.csv?from=31/02/2026")
    assert status == 200 and len(csv_rows(body)) == 1


@pytest.mark.parametrize("batch", [2, 3])
def test_batches_give_every_row_once(factory, batch, monkeypatch):
    import web.exports

    monkeypatch.setattr(web.exports, "BATCH", batch)
    [(_, body, _), (_, xbody, _)] = download(factory, "/tim-kiem.csv", "/tim-kiem.xlsx")
    urls = [r[8] for r in csv_rows(body)[1:]]
    assert urls == [a.url for a in stored_articles(factory)]
    assert len(list(sheet_of(xbody).iter_rows(min_row=2))) == len(urls)


def test_documents_export(factory):
    with transaction(factory) as session:
        directives = list(session.scalars(select(Directive).order_by(Directive.first_seen_at.desc())))
        first = {d.code: session.get(Article, d.first_article_id) for d in directives}
    (_, page, _), (_, body, headers), (_, xbody, _) = download(factory, "/van-ban/", "/van-ban.csv", "/van-ban.xlsx")
    table = csv_rows(body)
    assert table[0][:4] == ["Số, ký hiệu", "Loại văn bản", "Cơ quan ban hành", "Ngày ban hành"]
    assert [r[0] for r in table[1:]] == [d.code for d in directives] == ["12-CT/TW", "05-CT/TU"]
    assert [r[10] for r in table[1:]] == [first[d.code].url for d in directives]
    assert [r[5] for r in table[1:]] == [vietnam(d.first_seen_at).strftime("%d/%m/%Y %H:%M") for d in directives]
    assert table[2][6] == "'=HYPERLINK(\"http://x\") Cổng <i>lạ</i>" and table[2][7] == "'" + HOSTILE[1]
    sheet = sheet_of(xbody)
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [d.code for d in directives]
    assert rows[1][5] == vietnam(directives[1].first_seen_at) and rows[1][7] == HOSTILE[1] and rows[1][8] == 1
    assert 'href="/van-ban.csv"' in page.decode() and 'href="/van-ban.xlsx"' in page.decode()
    disposition = headers["Content-Disposition"]
    ascii_name = re.search(r'filename="([^"]+)"', disposition).group(1)
    utf8_name = unquote(re.search(r"filename\*=UTF-8''(\S+)", disposition).group(1))
    assert ascii_name.isascii() and ascii_name.startswith("portalwatch-van-ban-chi-dao-") and ascii_name.endswith(".csv")
    assert utf8_name.startswith("portalwatch-văn-bản-chỉ-đạo-") and utf8_name.endswith(".csv")


def test_documents_filters(factory):
    [(_, page, _), (_, body, _)] = download(factory, "/van-ban/?issuer=TU", "/van-ban.csv?issuer=TU")
    assert [r[0] for r in csv_rows(body)[1:]] == ["05-CT/TU"]
    assert 'href="/van-ban.csv?issuer=TU"' in page.decode()
    [(_, body, _)] = download(factory, "/van-ban.csv?year=1990")
    assert len(csv_rows(body)) == 1


def test_visits_export_and_filters(factory):
    with transaction(factory) as session:
        visits = session.execute(select(Match, Article).join(Article, Article.id == Match.article_id)
                                 .where(Match.kind == "visit")).all()
    by_date = sorted(visits, key=lambda mv: mv[1].published_at, reverse=True)
    (_, body, _), (_, xbody, _) = download(factory, "/doan.csv", "/doan.xlsx")
    table = csv_rows(body)
    assert table[0] == ["Ngày", "Tỉnh, thành phố", "Cổng", "Hướng", "Đối tác", "Tiêu đề", "Trích đoạn", "Đường dẫn"]
    assert [r[7] for r in table[1:]] == [a.url for _, a in by_date] and len(by_date) == 2
    assert table[2][5] == "'" + HOSTILE[0] and table[2][4] == "Lào"
    rows = list(sheet_of(xbody).iter_rows(min_row=2))
    assert [r[5].value for r in rows] == [a.title for _, a in by_date] and rows[1][5].data_type == "s"
    query = "?partner=" + quote("Lào") + "&province=" + quote("Hà Giang")
    (_, page, _), (_, body, _) = download(factory, "/doan/" + query, "/doan.csv" + query)
    assert [r[1] for r in csv_rows(body)[1:]] == ["Hà Giang"]
    assert links(page.decode(), "/doan") == [query_of(query)] * 2
    [(_, body, _)] = download(factory, "/doan.csv?partner=" + quote("Nhật Bản"))
    assert len(csv_rows(body)) == 1


@pytest.mark.parametrize("client_does", ["stalls", "leaves"])
def test_a_client_that_stalls_or_leaves_ends_the_export(db_factory, monkeypatch, caplog, client_does):
    """The CSV is written from a read transaction: a client that stops reading (or hangs up) must end
    it, not hold it open. Long titles fill the socket buffers so the server has to wait on the client."""
    import logging
    import socket

    import web.exports

    def build(session):
        add_portal(session, "laocai", "Cổng TTĐT tỉnh Lào Cai", "Lào Cai")
        for n in range(300):
            add_article(session, "laocai", f"Bài {n} " + "đối ngoại " * 2500, "Nội dung", days_ago=n / 10)

    seeded(db_factory, build)
    monkeypatch.setattr(web.exports, "BATCH", 1)
    monkeypatch.setattr(web.exports, "STALL_SECONDS", 2.0)
    engine = db_factory.kw["bind"]

    def reader_open() -> bool | None:
        """SQLite: whether some read transaction still holds the WAL (a TRUNCATE checkpoint is busy)."""
        if engine.dialect.name != "sqlite":
            return None
        import sqlite3

        with transaction(db_factory) as session:  # a write after the export's snapshot, for a reader to hold back
            repo.set_paused(session, "laocai", not repo.paused_portal_ids(session))
        with sqlite3.connect(engine.url.database, timeout=0) as raw:
            return raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 1
    caplog.set_level(logging.INFO, logger="portalwatch.web")
    from web.app import build_app

    async def go():
        server = TestServer(build_app(PageDaemon(db_factory)), host="127.0.0.1")
        await server.start_server()
        try:
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a small window: the server must wait on us
            sock.connect(("127.0.0.1", server.port))
            sock.setblocking(False)
            reader, writer = await asyncio.open_connection(sock=sock)
            writer.write(b"GET /tim-kiem.csv HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200")
            await asyncio.sleep(0.5)
            during = reader_open()
            if client_does == "leaves":
                await reader.read(65536)
                writer.close()
            for _ in range(100):  # up to 10 s for the server to notice
                if any("export tim-kiem.csv stopped" in r.getMessage() for r in caplog.records):
                    break
                await asyncio.sleep(0.1)
            for _ in range(50):  # and for its read transaction to end
                if not reader_open():
                    break
                await asyncio.sleep(0.1)
            after = reader_open()
            writer.close()
            assert (during, after) in ((True, False), (None, None))
            # The server still answers, and the whole export still works for a client that reads.
            async with TestClient(server) as client:
                answer = await client.get("/tim-kiem.csv")
                body = await answer.read()
            return body
        finally:
            await server.close()

    body = asyncio.run(go())
    stopped = [r.getMessage() for r in caplog.records if "export tim-kiem.csv stopped" in r.getMessage()]
    assert len(stopped) == 1, [r.getMessage()[:200] for r in caplog.records]
    assert len(csv_rows(body)) == 301


def test_excel_cells_read_back_as_written(db_factory, tmp_path):
    """The hand-written SpreadsheetML: every part is well-formed XML, and openpyxl reads each kind of
    value back as written (text kept exactly, dates real dates, numbers numbers, our links formulas)."""
    import zipfile
    from datetime import date, timezone

    from lxml import etree

    from web.exports import Column, ListExport, write_xlsx

    moment = datetime(2026, 3, 4, 5, 6, 7, 891000, tzinfo=timezone.utc)  # Excel keeps milliseconds
    long_url = "https://example.vn/" + "x" * 300
    rows = [
        (moment, date(2026, 2, 28), 7, "  lề hai bên  ", "dòng\r\nmới & <b>đậm</b> > \"ngoặc\"", 'http://a.vn/?q="1"&b=2'),
        (None, "31/02/2026", 0, "=SUM(A1:A2)", "Ký tự\x07 điều\uffff khiển", long_url),
        (moment, None, 2.5, True, "", "javascript:alert(1)"),
    ]
    spec = ListExport("thu", "thử", "Thử <&>", (
        Column("Lúc", 17, "when"), Column("Ngày", 13, "when"), Column("Số", 9, "number"), Column("Chữ", 20),
        Column("Đoạn", 40), Column("Đường dẫn", 50, "url")), lambda session, query: iter([rows[:2], rows[2:]]))
    path = tmp_path / "out.xlsx"
    assert write_xlsx(spec, db_factory, {}, str(path)) == 3
    with zipfile.ZipFile(path) as package:
        assert package.testzip() is None
        for name in package.namelist():
            etree.fromstring(package.read(name))
    book = load_workbook(path)
    assert book.sheetnames == ["Thử <&>"]
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["E"].width == 40
    header, first, second, third = list(sheet.iter_rows())
    assert [c.value for c in header] == [c.title for c in spec.columns] and all(c.font.b for c in header)
    assert first[0].is_date and first[0].value == vietnam(moment) and first[0].number_format == "dd/mm/yyyy hh:mm"
    assert first[1].is_date and first[1].value == datetime(2026, 2, 28) and first[1].number_format == "dd/mm/yyyy"
    assert first[2].value == 7 and first[2].data_type == "n"
    assert first[3].value == "  lề hai bên  " and first[4].value == "dòng\r\nmới & <b>đậm</b> > \"ngoặc\""
    assert first[5].value == '=HYPERLINK("http://a.vn/?q=""1""&b=2")' and first[5].font.u == "single"
    assert second[0].value is None and second[1].value == "31/02/2026" and second[2].value == 0
    assert second[3].value == "=SUM(A1:A2)" and second[3].data_type == "s"  # stored text, never a formula
    assert second[4].value == "Ký tự điều khiển"
    assert second[5].value == long_url and second[5].data_type == "s"  # too long for a formula: text
    assert third[2].value == 2.5 and third[3].value == "True" and third[4].value is None
    assert third[5].value == "javascript:alert(1)" and third[5].data_type == "s"


@pytest.mark.parametrize("batch", [1, 2, 500])
def test_visits_export_keeps_the_pages_order_through_equal_dates(db_factory, batch, monkeypatch):
    """Visits of articles published at the same moment, and several visits of one article: the export
    lists each once, in the register page's order (newest, then the article, then the visit)."""
    import web.exports
    from storage.registers import visits

    def build(session):
        add_portal(session, "p", "Cổng P", "Hà Giang", "government")
        for n in range(4):
            article = add_article(session, "p", f"Bài {n}", "Nội dung", days_ago=3 if n < 3 else 1)
            for k in range(1 if n % 2 else 3):
                session.add(Match(article_id=article.id, kind="visit", terms=["Lào" if k else "Cu Ba"], data={},
                                  snippet=f"đoạn {n}.{k}"))

    seeded(db_factory, build)
    monkeypatch.setattr(web.exports, "BATCH", batch)
    with transaction(db_factory) as session:
        page, _ = visits(session, limit=100)
        page_laos, _ = visits(session, partner="Lào", limit=100)
    (_, body, _), (_, laos, _) = download(db_factory, "/doan.csv", "/doan.csv?partner=" + quote("Lào"))
    exported = [r[6] for r in csv_rows(body)[1:]]
    assert len(exported) == 8 == len(set(exported))
    assert exported == [r.match.snippet for r in page]
    assert [r[6] for r in csv_rows(laos)[1:]] == [r.match.snippet for r in page_laos] and len(page_laos) == 4


@pytest.mark.parametrize("batch", [1, 500])
def test_search_export_documents_and_partners_are_the_pages(factory, batch, monkeypatch):
    """Each row's documents and visit partners, read a batch of ids at a time, are what the page's
    hits hold (several documents sorted, partners of several visits in order, each once)."""
    import web.exports
    from storage.search import SearchRequest, search

    with transaction(factory) as session:
        # An article with a document already and no visit: its partners are the two visits added here.
        article = session.scalars(select(Article).where(Article.id.in_(select(DirectiveMention.article_id)),
                                                        Article.id.not_in(select(Match.article_id))).order_by(Article.id)).first()
        for partners in (["Nhật Bản", "Lào"], ["Lào", "Cu Ba"]):
            session.add(Match(article_id=article.id, kind="visit", terms=partners, data={}, snippet="đoàn"))
        directive = Directive(code="01-CT/TW", kind="Chỉ thị", first_article_id=article.id,
                              first_seen_at=article.first_seen_at, mentions=1)
        session.add(directive)
        session.flush()
        session.add(DirectiveMention(directive_id=directive.id, article_id=article.id, sentence="x"))
    with transaction(factory) as session:
        hits = search(session, SearchRequest(per_page=1000)).hits
        expected = {h.article.url: ["; ".join(h.codes), ", ".join(h.partners)] for h in hits}
    monkeypatch.setattr(web.exports, "BATCH", batch)
    [(_, body, _)] = download(factory, "/tim-kiem.csv")
    exported = {r[8]: [r[6], r[7]] for r in csv_rows(body)[1:]}
    assert exported == expected and len(exported) == 10
    codes, partners = exported[article.url][0].split("; "), exported[article.url][1].split(", ")
    assert "01-CT/TW" in codes and len(codes) >= 2 and codes == sorted(codes)
    assert partners == ["Nhật Bản", "Lào", "Cu Ba"]
