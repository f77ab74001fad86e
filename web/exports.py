"""Downloads of every list: search results, the document register and the visits register, as CSV or Excel.

``/tim-kiem.csv|.xlsx``, ``/van-ban.csv|.xlsx``, ``/doan.csv|.xlsx`` take the same query string as
their page (``/``, ``/van-ban/``, ``/doan/``), read by the page's own parser, and run the page's own
query and order without its page limit (``storage.exports.search_batches``, ``directive_batches``,
``visit_batches``; the search and visits as plain columns, no ORM object per row).

- CSV: UTF-8 with a BOM (Excel then reads Vietnamese), written out batch by batch from one read of
  the database in a worker thread, so an export of the whole archive holds one batch, not the archive.
- Excel: SpreadsheetML written here, one string per batch, into the zip stream of a temporary file in
  a worker thread (the parts and styles openpyxl's write-only mode wrote, without its cell object per
  value), then the file is streamed and deleted. Dates are real Excel dates in Vietnam time, headers
  Vietnamese, the header row frozen, columns sized, article links clickable.

Nothing stored can run as a formula: a CSV cell starting with = + - @ or a control character gets a
leading apostrophe; an Excel cell is always written as text (never as a formula), except the links we
make ourselves (``HYPERLINK`` over an http(s) URL with its quotes doubled).
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from urllib.parse import quote

from aiohttp import web

from crawler.timefmt import VIETNAM, short_vn
from monitor.normalise import strip_accents
from storage.db import transaction
from storage.registers import directive_batches, visit_batches
from storage.exports import search_batches
from storage.types import utcnow
from web.archive import KIND_LABELS, TOPIC_LABELS, read_request, shown_moment
from web.registers import directive_filters, visit_filters
from web.templating import ISSUERS

log = logging.getLogger("portalwatch.web")

BATCH = 500
# Exports at once; more wait their turn (each one is a worker thread and, for Excel, a CPU's worth).
CONCURRENT = 2
# A client that takes no data for this long is dropped (the read transaction must not stay open).
STALL_SECONDS = 60.0
CHUNK = 256 * 1024
_FORMULA = frozenset("=+-@\t\r\n")
# Characters XML 1.0 cannot carry: control characters but tab and newlines, and the non-characters U+FFFE, U+FFFF.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
EXCEL_MAX_CHARS = 32767
# Excel refuses string arguments longer than this inside a formula: longer URLs stay plain text.
EXCEL_FORMULA_STRING = 255


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    kind: str = "text"  # text | when (a datetime, or a Vietnam date) | number | url


@dataclass(frozen=True)
class ListExport:
    slug: str  # the path: /<slug>.csv
    label: str  # for the file name, Vietnamese
    sheet: str
    columns: tuple[Column, ...]
    # (session factory, query string) -> batches of row tuples, one value per column
    batches: Callable[[object, object], Iterator[list[tuple]]]


# --- the three lists ---------------------------------------------------------------------------------

def _search_rows(session, query) -> Iterator[list[tuple]]:
    request, message = read_request(query)
    if message:
        return
    for hits in search_batches(session, replace(request, page=1), BATCH):
        yield [
            (shown_moment(h), h.title, h.portal_name, h.province, KIND_LABELS.get(h.kind, h.kind),
             TOPIC_LABELS.get(h.topic, h.topic), "; ".join(h.codes), ", ".join(h.partners), h.url)
            for h in hits
        ]


def _issued(value: str | None) -> date | str | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return value


def _directive_rows(session, query) -> Iterator[list[tuple]]:
    for rows in directive_batches(session, **directive_filters(query), batch=BATCH):
        yield [
            (r.directive.code, r.directive.kind, ISSUERS.get(r.directive.issuer, r.directive.issuer) if r.directive.issuer else None,
             _issued(r.directive.issued_on), r.directive.summary, r.directive.first_seen_at,
             r.first_portal.name if r.first_portal else None, r.first_article.title if r.first_article else None,
             r.directive.mentions, r.portals, r.first_article.url if r.first_article else None)
            for r in rows
        ]


def _visit_rows(session, query) -> Iterator[list[tuple]]:
    for rows in visit_batches(session, **visit_filters(query), batch=BATCH):
        yield [
            (shown_moment(r), r.province, r.portal_name, ", ".join(r.directions) or "chưa rõ", ", ".join(r.partners), r.title,
             (r.snippet or "").replace("[[", "").replace("]]", ""), r.url)
            for r in rows
        ]


LISTS = {
    "tim-kiem": ListExport("tim-kiem", "tìm-kiếm", "Bài viết", (
        Column("Ngày", 17, "when"), Column("Tiêu đề", 60), Column("Cổng", 28), Column("Tỉnh, thành phố", 18),
        Column("Loại cổng", 17), Column("Chủ đề", 11), Column("Văn bản nêu", 24), Column("Đoàn (đối tác)", 20),
        Column("Đường dẫn", 50, "url"),
    ), _search_rows),
    "van-ban": ListExport("van-ban", "văn-bản-chỉ-đạo", "Văn bản", (
        Column("Số, ký hiệu", 20), Column("Loại văn bản", 14), Column("Cơ quan ban hành", 22), Column("Ngày ban hành", 13, "when"),
        Column("Trích yếu", 50), Column("Xuất hiện lần đầu", 17, "when"), Column("Cổng nêu đầu tiên", 28),
        Column("Bài viết đầu tiên", 50), Column("Số bài nêu", 10, "number"), Column("Số cổng", 9, "number"),
        Column("Đường dẫn bài đầu tiên", 50, "url"),
    ), _directive_rows),
    "doan": ListExport("doan", "đoàn-ra-đoàn-vào", "Đoàn ra, đoàn vào", (
        Column("Ngày", 17, "when"), Column("Tỉnh, thành phố", 18), Column("Cổng", 28), Column("Hướng", 12),
        Column("Đối tác", 20), Column("Tiêu đề", 60), Column("Trích đoạn", 60), Column("Đường dẫn", 50, "url"),
    ), _visit_rows),
}


# --- CSV ---------------------------------------------------------------------------------------------

def csv_cell(value) -> str:
    """A CSV cell that cannot run as a formula (a title starting with "=" stays text)."""
    if value.__class__ is str:
        return "'" + value if value[:1] in _FORMULA else value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return short_vn(value)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    return "'" + text if text[:1] in _FORMULA else text


def csv_lines(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([[v if v.__class__ is str and v[:1] not in _FORMULA else csv_cell(v) for v in row] for row in rows])
    return out.getvalue().encode("utf-8")


def csv_header(spec: ListExport) -> bytes:
    return "\ufeff".encode("utf-8") + csv_lines([[c.title for c in spec.columns]])


def csv_chunks(spec: ListExport, factory, query) -> Iterator[bytes]:
    """The CSV file after its header, one chunk per batch, from one read transaction."""
    with transaction(factory) as session:
        for rows in spec.batches(session, query):
            yield csv_lines(rows)


# --- Excel -------------------------------------------------------------------------------------------

def _text(value) -> str:
    return _ILLEGAL_XML.sub("", str(value))[:EXCEL_MAX_CHARS]


def _link_formula(url: str) -> str | None:
    if not re.match(r"https?://", url, re.IGNORECASE) or len(url) > EXCEL_FORMULA_STRING or _ILLEGAL_XML.search(url):
        return None
    return '=HYPERLINK("' + url.replace('"', '""') + '")'


class ExcelCells:
    """Cells for one write-only sheet, their styles made once."""

    def __init__(self, sheet):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill

        self.sheet, self.make = sheet, WriteOnlyCell
        self.bold = Font(bold=True)
        self.fill = PatternFill("solid", fgColor="DDE6F0")
        self.link = Font(color="0563C1", underline="single")
        self.wrap = Alignment(vertical="top")

    def header(self, title: str):
        cell = self.make(self.sheet, value=title)
        cell.font, cell.fill = self.bold, self.fill
        return cell

    def cell(self, column: Column, value):
        if value is None:
            return None
        if isinstance(value, datetime):
            cell = self.make(self.sheet, value=value.astimezone(VIETNAM).replace(tzinfo=None))
            cell.number_format = "dd/mm/yyyy hh:mm"
            return cell
        if isinstance(value, date):
            cell = self.make(self.sheet, value=value)
            cell.number_format = "dd/mm/yyyy"
            return cell
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        text = _text(value)
        if column.kind == "url" and (formula := _link_formula(text)):
            cell = self.make(self.sheet, value=formula)
            cell.font = self.link
            return cell
        if not text.startswith("="):
            return text  # openpyxl stores a plain string as text (inline), the cheap path
        cell = self.make(self.sheet, value=text)
        cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell


def write_xlsx(spec: ListExport, factory, query, path: str) -> int:
    """The whole list as an Excel file at ``path``; returns the number of rows."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(spec.sheet)
    sheet.freeze_panes = "A2"
    for number, column in enumerate(spec.columns, 1):
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    cells = ExcelCells(sheet)
    sheet.append([cells.header(c.title) for c in spec.columns])
    count = 0
    with transaction(factory) as session:
        for rows in spec.batches(session, query):
            for row in rows:
                sheet.append([cells.cell(c, v) for c, v in zip(spec.columns, row)])
            count += len(rows)
    book.save(path)
    return count


# --- HTTP ---------------------------------------------------------------------------------------------

def disposition(spec: ListExport, extension: str, now: datetime | None = None) -> str:
    """attachment with a Vietnamese file name (RFC 6266 filename*) and its unaccented ASCII twin."""
    stamp = (now or utcnow()).astimezone(VIETNAM).strftime("%d-%m-%Y-%Hh%M")
    name = f"portalwatch-{spec.label}-{stamp}.{extension}"
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "-", strip_accents(name))
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def add_routes(app: web.Application, daemon) -> None:
    turns = asyncio.Semaphore(CONCURRENT)

    def factory():
        return daemon.prepared.factory

    def csv_handler(spec: ListExport):
        async def handle(request: web.Request) -> web.StreamResponse:
            query = request.query
            async with turns:
                response = web.StreamResponse(headers={
                    "Content-Type": CSV_TYPE, "Content-Disposition": disposition(spec, "csv"),
                    "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
                })
                await response.prepare(request)
                await response.write(csv_header(spec))
                loop = asyncio.get_running_loop()

                gone = threading.Event()

                def produce() -> None:
                    for chunk in csv_chunks(spec, factory(), query):
                        if gone.is_set():
                            raise ConnectionAbortedError("the client left")
                        future = asyncio.run_coroutine_threadsafe(response.write(chunk), loop)
                        try:
                            future.result(STALL_SECONDS)
                        except TimeoutError:
                            future.cancel()
                            raise ConnectionAbortedError("the client took no data for a minute") from None

                try:
                    await asyncio.to_thread(produce)
                except asyncio.CancelledError:  # aiohttp cancels the handler of a client that hung up
                    gone.set()
                    log.info("export %s.csv stopped: the client left", spec.slug)
                    raise
                except Exception as error:  # noqa: BLE001 - the client left or stalled, or the read failed
                    # Headers are gone: cut the connection, so the download shows as broken, not complete.
                    level = logging.INFO if isinstance(error, ConnectionError) else logging.ERROR
                    log.log(level, "export %s.csv stopped: %s: %s", spec.slug, error.__class__.__name__, error)
                    if request.transport is not None:
                        request.transport.close()
                    return response
                await response.write_eof()
                return response

        return handle

    def xlsx_handler(spec: ListExport):
        async def handle(request: web.Request) -> web.StreamResponse:
            query = request.query
            descriptor, path = tempfile.mkstemp(prefix="portalwatch-export-", suffix=".xlsx")
            os.close(descriptor)
            try:
                async with turns:
                    try:
                        await asyncio.to_thread(write_xlsx, spec, factory(), query, path)
                    except Exception as error:  # noqa: BLE001 - one line in the log, a page for the reader
                        log.error("export %s.xlsx failed: %s: %s", spec.slug, error.__class__.__name__, error)
                        from web.templating import html, render

                        return html(render("not_found.html", heading="Chưa xuất được tệp Excel",
                                           message="Không đọc được danh sách lúc này; hãy thử lại sau ít phút."), status=503)
                response = web.StreamResponse(headers={
                    "Content-Type": XLSX_TYPE, "Content-Disposition": disposition(spec, "xlsx"),
                    "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
                })
                response.content_length = os.path.getsize(path)
                await response.prepare(request)
                try:
                    with open(path, "rb") as stream:
                        while chunk := await asyncio.to_thread(stream.read, CHUNK):
                            await response.write(chunk)
                except ConnectionError as error:
                    log.info("export %s.xlsx stopped: %s", spec.slug, error)
                    return response
                await response.write_eof()
                return response
            finally:
                os.unlink(path)

        return handle

    for spec in LISTS.values():
        app.router.add_get(f"/{spec.slug}.csv", csv_handler(spec))
        app.router.add_get(f"/{spec.slug}.xlsx", xlsx_handler(spec))
