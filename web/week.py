"""The weekly picture (/tuan/): one ISO week in Vietnam time as charts, tables and an editable DOCX report.

``/tuan/`` is the current week, ``/tuan/2026-W48`` a given one; ``/tuan/2026-W48/doan.png`` (or
``.svg``) one chart, ``/tuan/2026-W48/tong-hop.png`` the four on one picture, ``/tuan/2026-W48.docx``
the report. ``week_picture`` gives the composite picture with a caption for the Monday message.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from datetime import date, datetime, timezone
from urllib.parse import quote

from aiohttp import web
from sqlalchemy.orm import Session

from crawler.timefmt import short_vn
from storage.db import transaction
from storage.week import Week, WeekData, make_week, parse_week, week_data, week_of
from web.archive import shown_date
from web.templating import ISSUERS, render

CAPTION_LIMIT = 1024  # Telegram's limit for a photo caption
CHART_NAMES = {"doan": "Đoàn ra, đoàn vào theo đối tác", "van-ban": "Văn bản mới theo ngày",
               "tinh": "Bài viết theo tỉnh, thành phố", "tu-khoa": "Từ khóa, quy tắc được kích hoạt"}
COMPOSITE = "tong-hop"
WEEKDAYS = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def week_label(week: Week) -> str:
    """"Tuần 48/2026 (23/11/2026 – 29/11/2026)"."""
    return f"Tuần {week.week}/{week.year} ({day(week.monday)} – {day(week.sunday)})"


def report_title(week: Week) -> str:
    """"Báo cáo tuần 48/2026 (23/11/2026 – 29/11/2026)"."""
    return "Báo cáo t" + week_label(week)[1:]


def chart_of(data: WeekData, name: str) -> "charts.Chart":
    from web import charts  # matplotlib loads with the first chart, not with the app

    if name == "doan":
        return charts.Chart(CHART_NAMES[name], data.partners, unit="số bài nêu đoàn")
    if name == "van-ban":
        bars = [(f"{WEEKDAYS[d.weekday()]}\n{d.strftime('%d/%m')}", n) for d, n in data.documents_per_day]
        return charts.Chart(CHART_NAMES[name], bars if data.documents else [], horizontal=False, unit="văn bản")
    if name == "tinh":
        return charts.Chart(CHART_NAMES[name], data.per_province[:15], unit="bài viết")
    if name == "tu-khoa":
        return charts.Chart(CHART_NAMES[name], data.rules, unit="bài viết")
    raise KeyError(name)


def caption(data: WeekData, link: str) -> str:
    """Plain text for the Monday photo: the week, its counts, the busiest partners and provinces, the link."""
    lines = [report_title(data.week),
             f"• {data.articles} bài viết mới", f"• {len(data.documents)} văn bản mới",
             f"• {len(data.visits)} bài về đoàn ra, đoàn vào"]
    if data.partners:
        lines.append("Đối tác: " + ", ".join(f"{name} ({n})" for name, n in data.partners[:5]))
    if data.per_province:
        lines.append("Nhiều bài nhất: " + ", ".join(f"{name} ({n})" for name, n in data.per_province[:3]))
    tail = "Chi tiết: " + link
    text = "\n".join(lines)
    room = CAPTION_LIMIT - len(tail) - 1
    if len(text) > room:
        text = text[: room - 1] + "…"
    return text + "\n" + tail


@dataclass
class WeekPicture:
    png: bytes  # the four charts on one 1280 px picture
    caption: str  # plain text, at most 1024 characters
    link: str  # base_url + "/tuan/YYYY-Www"


def composite_png(data: WeekData) -> bytes:
    from web import charts

    return charts.composite(report_title(data.week),
                            f"{data.articles} bài viết · {len(data.documents)} văn bản mới · {len(data.visits)} bài về đoàn",
                            [chart_of(data, name) for name in CHART_NAMES])


def week_picture(session: Session, year: int, week: int, base_url: str) -> WeekPicture:
    """The week as one PNG (≤ 1280 px wide) with a Vietnamese caption and the page's link.

    ValueError when the week does not exist (week 53 of a 52-week year)."""
    data = week_data(session, make_week(year, week))
    link = base_url.rstrip("/") + "/tuan/" + data.week.name
    return WeekPicture(composite_png(data), caption(data, link), link)


def current_week(now: datetime | None = None) -> Week:
    return week_of(now or datetime.now(timezone.utc))


def render_week(factory, week: Week, today: Week) -> str:
    with transaction(factory) as session:
        data = week_data(session, week)
    return render(
        "week.html", data=data, label=week_label(data.week), previous=week.shifted(-1),
        following=week.shifted(1) if week.shifted(1).monday <= today.monday else None,
        current=today, charts=CHART_NAMES, shown_date=shown_date, short_vn=short_vn, day=day,
    )


def chart_bytes(factory, week: Week, name: str, fmt: str) -> bytes:
    with transaction(factory) as session:
        data = week_data(session, week)
    from web import charts

    if name == COMPOSITE:
        return composite_png(data) if fmt == "png" else charts.composite(
            week_label(week), "", [chart_of(data, n) for n in CHART_NAMES], fmt)
    return charts.render(chart_of(data, name), fmt)


# --- the DOCX report ---------------------------------------------------------------------------------


def _hyperlink(paragraph, url: str, text: str) -> None:
    """A clickable link in a python-docx paragraph (python-docx has no API for it)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "0B4F8A")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.extend([style, color, underline])
    run.append(props)
    node = OxmlElement("w:t")
    node.text = text
    node.set(qn("xml:space"), "preserve")
    run.append(node)
    link.append(run)
    paragraph._p.append(link)


def _table(document, header: list[str], rows: list[list], widths_cm: list[float]):
    from docx.shared import Cm, Pt

    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            paragraph = cell.paragraphs[0]
            if isinstance(value, tuple):  # (text, url)
                _hyperlink(paragraph, value[1], value[0])
            else:
                paragraph.add_run("" if value is None else str(value))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(10)
    return table


def document_title(d) -> str:
    return " ".join(part for part in (d.kind, d.code) if part)


def report_docx(factory, week: Week, base_url: str) -> bytes:
    """The week as a Word document an official can edit: title, counts, the charts, the two tables, links."""
    from docx import Document
    from docx.shared import Cm, Pt

    from web import charts

    with transaction(factory) as session:
        data = week_data(session, week)
    base = base_url.rstrip("/")
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"  # the administrative documents' font; Word has it, with Vietnamese
    style.font.size = Pt(12)
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2)
    document.add_heading(report_title(week), level=0)
    intro = document.add_paragraph(
        f"Tổng hợp thông tin đối ngoại trên cổng thông tin các tỉnh từ ngày {day(week.monday)} đến ngày {day(week.sunday)} "
        f"(giờ Việt Nam): {data.articles} bài viết mới, {len(data.documents)} văn bản mới, "
        f"{len(data.visits)} bài về đoàn ra, đoàn vào. Trang trực tuyến: ")
    _hyperlink(intro, f"{base}/tuan/{week.name}", f"{base}/tuan/{week.name}")

    document.add_heading("Biểu đồ", level=1)
    for name, title in CHART_NAMES.items():
        document.add_heading(title, level=2)
        document.add_picture(io.BytesIO(charts.render(chart_of(data, name), "png")), width=Cm(16))

    document.add_heading("Văn bản mới trong tuần", level=1)
    if data.documents:
        _table(document, ["STT", "Văn bản", "Cơ quan ban hành", "Trích yếu", "Thấy lần đầu", "Bài viết đầu tiên"], [
            [n, (document_title(r.directive), f"{base}/van-ban/{quote(r.directive.code, safe='/')}"),
             r.directive.issuer_name or ISSUERS.get(r.directive.issuer or "", r.directive.issuer or ""),
             r.directive.summary or "", short_vn(r.directive.first_seen_at),
             (r.first_article.title, f"{base}/bai-viet/{r.first_article.id}") if r.first_article else ""]
            for n, r in enumerate(data.documents, 1)
        ], [1.0, 3.2, 3.0, 4.0, 2.6, 4.2])
    else:
        document.add_paragraph("Không có văn bản mới trong tuần.")

    document.add_heading("Đoàn ra, đoàn vào trong tuần", level=1)
    if data.visits:
        _table(document, ["STT", "Ngày", "Tỉnh, thành phố", "Hướng", "Đối tác", "Bài viết"], [
            [n, shown_date(r.article), r.portal.province or "", ", ".join(r.directions) or "chưa rõ",
             ", ".join(dict.fromkeys(r.match.terms or [])), (r.article.title, f"{base}/bai-viet/{r.article.id}")]
            for n, r in enumerate(data.visits, 1)
        ], [1.0, 2.6, 3.0, 2.0, 3.0, 6.4])
    else:
        document.add_paragraph("Không có đoàn ra, đoàn vào trong tuần.")
    footer = document.add_paragraph(f"Lập tự động bởi portalwatch lúc {short_vn(datetime.now(timezone.utc))} (giờ Việt Nam).")
    footer.runs[0].italic = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def attachment(filename: str, fallback: str) -> str:
    """Content-Disposition with an ASCII name and the Vietnamese one (RFC 5987 ``filename*``)."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- routes ------------------------------------------------------------------------------------------


def add_routes(app: web.Application, daemon) -> None:
    from web.app import html, not_found

    def factory():
        return daemon.prepared.factory

    def gone(text: str = "") -> web.Response:
        return not_found(f"Không có tuần “{text[:40]}”: ghi theo dạng năm-Wsố tuần, ví dụ /tuan/2026-W48."
                         if text else "Không có tuần này.")

    async def this_week(request: web.Request) -> web.Response:
        today = current_week()
        return html(await asyncio.to_thread(render_week, factory(), today, today))

    async def one_week(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if name.endswith(".docx"):
            week = parse_week(name[:-5])
            if week is None:
                return gone(name)
            body = await asyncio.to_thread(report_docx, factory(), week, str(request.url.origin()))
            return web.Response(body=body, headers={
                "Content-Type": DOCX_TYPE,
                "Content-Disposition": attachment(f"Báo cáo tuần {week.week}-{week.year}.docx", f"bao-cao-tuan-{week.name}.docx"),
            })
        week = parse_week(name)
        if week is None:
            return gone(name)
        return html(await asyncio.to_thread(render_week, factory(), week, current_week()))

    async def chart(request: web.Request) -> web.Response:
        week = parse_week(request.match_info["name"])
        stem, _, fmt = request.match_info["chart"].rpartition(".")
        if week is None:
            return gone(request.match_info["name"])
        if fmt not in ("png", "svg") or (stem not in CHART_NAMES and stem != COMPOSITE):
            return not_found("Không có biểu đồ này.")
        body = await asyncio.to_thread(chart_bytes, factory(), week, stem, fmt)
        return web.Response(body=body, headers={
            "Content-Type": "image/png" if fmt == "png" else "image/svg+xml; charset=utf-8",
            "Cache-Control": "no-cache",
        })

    app.router.add_get("/tuan/", this_week)
    app.router.add_get("/tuan", this_week)
    app.router.add_get("/tuan/{name}", one_week)
    app.router.add_get("/tuan/{name}/{chart}", chart)
