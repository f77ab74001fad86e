"""The weekly picture (/tuan/): page, charts (PNG, SVG), DOCX report and the Monday picture, over a real database."""

from __future__ import annotations

import io
import re
import warnings
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import pytest

from storage import repositories as repo
from storage.db import transaction
from storage.models import Article, Directive, DirectiveMention, Match
from storage.week import make_week, week_data, week_of
from tests.web.support import add_portal, fetch, seeded

VN = timezone(timedelta(hours=7))
PNG = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"


def store(session, portal_id: str, title: str, when: datetime, text: str = "Nội dung bài viết.") -> Article:
    key = f"{portal_id}/{title}/{when.isoformat()}"
    return repo.add_article(
        session, portal_id=portal_id, url=f"http://127.0.0.1/{abs(hash(key))}", canonical_url=f"http://127.0.0.1/{abs(hash(key))}",
        title=title, lead=None, text=text, published_at=when.astimezone(timezone.utc), first_seen_at=when.astimezone(timezone.utc),
        content_hash=f"{abs(hash(key)):x}", published_has_time=True,
    )


def document(session, article: Article, code: str, kind: str, when: datetime, summary: str | None = None) -> Directive:
    found = Directive(code=code, kind=kind, issuer=code.rsplit("/", 1)[-1].split("-")[-1], first_article_id=article.id,
                      first_seen_at=when.astimezone(timezone.utc), mentions=1, summary=summary,
                      issuer_name="UBND tỉnh Lào Cai" if "UBND" in code else None)
    session.add(found)
    session.flush()
    session.add(DirectiveMention(directive_id=found.id, article_id=article.id, sentence=article.title))
    return found


def visit(session, article: Article, partners: list[str], direction: str = "đoàn vào") -> None:
    session.add(Match(article_id=article.id, kind="visit", terms=partners, snippet=article.title,
                      data={"reasons": [f"{direction}: {partners[0]}"]}))


def keyword(session, article: Article, name: str) -> None:
    session.add(Match(article_id=article.id, kind="keyword", rule_name=name, terms=[name], snippet=article.title, data={}))


def raw(factory, *paths: str) -> list[tuple[int, bytes, dict]]:
    """GET each path; the body as bytes (PNG, DOCX)."""
    return fetch(factory, *paths, raw=True)


def week48(session) -> dict:
    """Week 48 of 2026 (23–29/11/2026, Vietnam time) with articles, documents, visits and keyword matches,
    and one of each just outside it on either side."""
    add_portal(session, "laocai", "Cổng TTĐT tỉnh Lào Cai", "Lào Cai")
    add_portal(session, "dienbien", "Sở Ngoại vụ Điện Biên", "Điện Biên", "foreign-affairs")
    add_portal(session, "tg", "Báo Thế giới và Việt Nam", None, "newspaper")
    a1 = store(session, "laocai", "Tiếp đoàn Tổng lãnh sự Trung Quốc tại Côn Minh", datetime(2026, 11, 23, 0, 5, tzinfo=VN))
    a2 = store(session, "laocai", "Triển khai Chỉ thị 45-CT/TU về công tác đối ngoại", datetime(2026, 11, 24, 9, 0, tzinfo=VN))
    a3 = store(session, "dienbien", "Đoàn công tác tỉnh thăm và làm việc tại Lào", datetime(2026, 11, 26, 14, 0, tzinfo=VN))
    a4 = store(session, "dienbien", "Hội nghị <b>đối ngoại</b> & hợp tác Việt – Lào", datetime(2026, 11, 29, 23, 30, tzinfo=VN))
    a5 = store(session, "tg", "Quyết định 1234/QĐ-UBND về đón khách quốc tế", datetime(2026, 11, 27, 8, 0, tzinfo=VN))
    before = store(session, "laocai", "Bài tuần trước", datetime(2026, 11, 22, 23, 50, tzinfo=VN))
    after = store(session, "dienbien", "Bài tuần sau, đoàn Nhật Bản", datetime(2026, 11, 30, 0, 10, tzinfo=VN))
    session.flush()
    d1 = document(session, a2, "45-CT/TU", "Chỉ thị", datetime(2026, 11, 24, 9, 5, tzinfo=VN), "Về tăng cường công tác đối ngoại")
    d2 = document(session, a5, "1234/QĐ-UBND", "Quyết định", datetime(2026, 11, 27, 8, 10, tzinfo=VN), "Về việc đón <i>khách</i>")
    document(session, after, "99-CT/TW", "Chỉ thị", datetime(2026, 11, 30, 0, 15, tzinfo=VN))
    visit(session, a1, ["Trung Quốc"])
    visit(session, a3, ["Lào"], "đoàn ra")
    visit(session, a4, ["Lào", "Lào"])
    visit(session, after, ["Nhật Bản"])
    keyword(session, a1, "Biên giới")
    keyword(session, a4, "Biên giới")
    keyword(session, a3, "Hợp tác Lào")
    keyword(session, before, "Tuần trước")
    session.flush()
    return {"articles": [a1, a2, a3, a4, a5], "documents": [d1, d2], "visits": [a1, a3, a4]}


@pytest.fixture
def factory(db_factory):
    stored = {}
    seeded(db_factory, lambda session: stored.update(week48(session)))
    db_factory.stored = stored
    return db_factory


def test_iso_week_in_vietnam_time():
    assert week_of(datetime(2026, 11, 29, 23, 30, tzinfo=VN)) == make_week(2026, 48)
    assert week_of(datetime(2026, 11, 30, 0, 10, tzinfo=VN)) == make_week(2026, 49)
    # 23:30 on Sunday in Vietnam is 16:30 UTC: still week 48; Monday 00:10 in Vietnam is Sunday 17:10 UTC.
    assert week_of(datetime(2026, 11, 29, 17, 10, tzinfo=timezone.utc)) == make_week(2026, 49)
    week = make_week(2026, 48)
    assert week.start == datetime(2026, 11, 22, 17, 0, tzinfo=timezone.utc) and week.end - week.start == timedelta(days=7)
    assert make_week(2026, 53).shifted(1) == make_week(2027, 1) and make_week(2027, 1).shifted(-1).name == "2026-W53"
    with pytest.raises(ValueError):
        make_week(2025, 53)


def test_week_data_counts_what_was_stored(factory):
    with transaction(factory) as session:
        data = week_data(session, make_week(2026, 48))
        next_week = week_data(session, make_week(2026, 49))
    assert data.articles == 5  # the Sunday 23:30 article is in, the Monday 00:10 one is not
    assert dict(data.per_province) == {"Lào Cai": 2, "Điện Biên": 2, "Trung ương, không rõ tỉnh": 1}
    assert [d.directive.code for d in data.documents] == ["45-CT/TU", "1234/QĐ-UBND"]
    assert [n for _, n in data.documents_per_day] == [0, 1, 0, 0, 1, 0, 0]
    assert dict(data.partners) == {"Lào": 2, "Trung Quốc": 1}
    assert dict(data.rules) == {"Biên giới": 2, "Hợp tác Lào": 1}
    assert next_week.articles == 1 and dict(next_week.partners) == {"Nhật Bản": 1} and len(next_week.documents) == 1


def test_week_page_lists_the_weeks_documents_and_visits(factory):
    ids = [a.id for a in factory.stored["articles"]]
    [(status, page, headers)] = fetch(factory, "/tuan/2026-W48")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "Tuần 48/2026 (23/11/2026 – 29/11/2026)" in page
    assert 'href="/tuan/2026-W47"' in page and 'href="/tuan/2026-W49"' in page
    assert 'href="/tuan/2026-W48.docx"' in page and 'class="active">Tuần</a>' in page
    documents = page[page.index('id="week-documents"'):page.index('id="week-visits"')]
    assert documents.count("<tr><td") == 2
    assert 'href="/van-ban/45-CT/TU"' in documents and 'href="/van-ban/1234/Q%C4%90-UBND"' in documents
    assert f'href="/bai-viet/{ids[1]}"' in documents and "UBND tỉnh Lào Cai" in documents and "99-CT/TW" not in page
    visits = page[page.index('id="week-visits"'):]
    assert visits.count("<tr><td") == 3 and "Nhật Bản" not in visits and "đoàn ra" in visits
    assert all(f'href="/bai-viet/{ids[n]}"' in visits for n in (0, 2, 3))
    for name in ("doan", "van-ban", "tinh", "tu-khoa"):
        assert f'src="/tuan/2026-W48/{name}.svg"' in page
    assert re.search(r'<div class="n">5</div><div class="l">bài viết mới', page)


def test_stored_markup_is_escaped(factory):
    [(status, page, _)] = fetch(factory, "/tuan/2026-W48")
    assert status == 200
    assert "<b>đối ngoại</b>" not in page and "Hội nghị &lt;b&gt;đối ngoại&lt;/b&gt; &amp; hợp tác" in page
    assert "<i>khách</i>" not in page and "Về việc đón &lt;i&gt;khách&lt;/i&gt;" in page


def test_current_week_and_bad_weeks(factory):
    from web.week import current_week, week_label

    today = current_week()
    pages = fetch(factory, "/tuan/", "/tuan", "/tuan/2026-W99", "/tuan/2025-W53", "/tuan/khong-phai-tuan",
                  "/tuan/%3Cscript%3E", "/tuan/2026-W48/khong.png", "/tuan/2026-W48/doan.gif", "/tuan/2026-W00.docx",
                  "/tuan/x/doan.png", "/tuan/" + "9" * 3000)
    assert pages[0][0] == 200 and week_label(today) in pages[0][1] and 'id="next"' not in pages[0][1]
    assert pages[1][0] == 200 and week_label(today) in pages[1][1]
    for status, page, _ in pages[2:]:
        assert status == 404 and "<script>" not in page and "Không có" in page, (status, page[:200])


def test_png_and_svg_charts(factory):
    answers = raw(factory, *(f"/tuan/2026-W48/{name}.{fmt}" for name in ("doan", "van-ban", "tinh", "tu-khoa", "tong-hop")
                             for fmt in ("png", "svg")))
    for n, (status, body, headers) in enumerate(answers):
        assert status == 200, body[:200]
        if n % 2 == 0:
            assert headers["Content-Type"] == "image/png" and body.startswith(PNG) and len(body) > 5000
        else:
            assert headers["Content-Type"].startswith("image/svg+xml")
    texts = []
    for status, body, _ in answers[1::2]:
        root = ET.fromstring(body)
        assert root.tag == SVG + "svg"
        texts.append(" ".join("".join(t.itertext()) for t in root.iter(SVG + "text")))
    assert "Đoàn ra, đoàn vào theo đối tác" in texts[0] and "Trung Quốc" in texts[0] and "Lào" in texts[0]
    assert "Văn bản mới theo ngày" in texts[1] and "T3" in texts[1] and "24/11" in texts[1]
    assert "Điện Biên" in texts[2] and "Lào Cai" in texts[2]
    assert "Biên giới" in texts[3] and "Hợp tác Lào" in texts[3]
    assert all(title in texts[4] for title in ("Đoàn ra, đoàn vào theo đối tác", "Bài viết theo tỉnh, thành phố"))


def test_empty_week_is_an_honest_empty_chart(db_factory):
    answers = raw(db_factory, "/tuan/2020-W10", "/tuan/2020-W10/doan.svg", "/tuan/2020-W10/van-ban.svg",
                  "/tuan/2020-W10/tong-hop.png", "/tuan/2020-W10.docx")
    assert [a[0] for a in answers] == [200] * 5
    page = answers[0][1].decode("utf-8")
    assert "Không có văn bản mới trong tuần." in page and "Không có đoàn ra, đoàn vào trong tuần." in page
    for _, body, _ in answers[1:3]:
        assert "Không có dữ liệu" in body.decode("utf-8")
    assert answers[3][1].startswith(PNG)
    from docx import Document

    report = Document(io.BytesIO(answers[4][1]))
    assert not report.tables and "Không có văn bản mới trong tuần." in [p.text for p in report.paragraphs]


def test_vietnamese_labels_have_every_glyph():
    from web import charts

    assert charts.FONT_FILE is not None and charts.FONT_FILE.is_file(), "make fonts installs fonts-dejavu-core"
    label = "Đắk Lắk, Quảng Ngãi: ắ ễ ộ ự Đ ữ ỹ"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = charts.render(charts.Chart(label, [(label, 3), ("Hà Nội – Đồng Tháp", 1)]), "png")
        empty = charts.render(charts.Chart(label, []), "png")
    assert png.startswith(PNG) and empty.startswith(PNG)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    assert not missing, missing


def test_missing_glyph_warning_is_what_we_check_for():
    """The check above can fail: a font without Vietnamese letters (matplotlib's STIX) warns as expected."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with warnings.catch_warnings(record=True) as caught, matplotlib.rc_context({"font.family": ["cmr10"]}):
        warnings.simplefilter("always")
        figure = Figure()
        FigureCanvasAgg(figure)
        figure.add_subplot().set_title("ắ ễ ộ ự Đ")
        figure.savefig(io.BytesIO(), format="png")
    assert any("missing from" in str(w.message) for w in caught)


def test_docx_report(factory):
    from docx import Document

    ids = [a.id for a in factory.stored["articles"]]
    [(status, body, headers)] = raw(factory, "/tuan/2026-W48.docx")
    assert status == 200
    assert headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    disposition = headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="bao-cao-tuan-2026-W48.docx"')
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20tu%E1%BA%A7n%2048-2026.docx" in disposition
    report = Document(io.BytesIO(body))
    headings = [p.text for p in report.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == "Báo cáo tuần 48/2026 (23/11/2026 – 29/11/2026)"
    assert "Văn bản mới trong tuần" in headings and "Đoàn ra, đoàn vào trong tuần" in headings
    assert "Đoàn ra, đoàn vào theo đối tác" in headings
    assert len(report.inline_shapes) == 4
    documents, visits = report.tables
    rows = [[c.text for c in r.cells] for r in documents.rows]
    assert rows[0][:2] == ["STT", "Văn bản"] and len(rows) == 3
    assert rows[1][1] == "Chỉ thị 45-CT/TU" and rows[2][1] == "Quyết định 1234/QĐ-UBND"
    assert rows[2][3] == "Về việc đón <i>khách</i>" and rows[1][4] == "24/11/2026 09:05"
    visit_rows = [[c.text for c in r.cells] for r in visits.rows]
    assert len(visit_rows) == 4 and visit_rows[3][5] == "Hội nghị <b>đối ngoại</b> & hợp tác Việt – Lào"
    assert [r[4] for r in visit_rows[1:]] == ["Trung Quốc", "Lào", "Lào"]
    links = [r.target_ref for r in report.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert any(link.endswith("/van-ban/1234/Q%C4%90-UBND") for link in links)
    assert all(any(link.endswith(f"/bai-viet/{i}") for link in links) for i in (ids[0], ids[2], ids[3]))
    assert any(link.endswith("/tuan/2026-W48") and link.startswith("http://127.0.0.1:") for link in links)


def test_week_picture_for_the_monday_message(factory):
    from PIL import Image

    from web.week import week_picture

    with transaction(factory) as session:
        picture = week_picture(session, 2026, 48, "https://pw.example.vn/")
    assert picture.link == "https://pw.example.vn/tuan/2026-W48"
    assert picture.png.startswith(PNG) and len(picture.png) < 10 * 1024 * 1024
    with Image.open(io.BytesIO(picture.png)) as image:
        assert image.width <= 1280 and image.height <= 1280
    assert len(picture.caption) <= 1024 and "<" not in picture.caption.replace("<b>", "")
    assert picture.caption.startswith("Báo cáo tuần 48/2026 (23/11/2026 – 29/11/2026)")
    assert "5 bài viết mới" in picture.caption and "2 văn bản mới" in picture.caption
    assert "3 bài về đoàn ra, đoàn vào" in picture.caption and "Lào (2)" in picture.caption
    assert picture.caption.endswith(picture.link)
    with transaction(factory) as session, pytest.raises(ValueError):
        week_picture(session, 2025, 53, "https://pw.example.vn")
