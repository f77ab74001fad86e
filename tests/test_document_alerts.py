"""``run --once``: every new register row alerts once, with its facts and links; keywords match attachment text."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

from crawler.cycle import run_once
from crawler.store import open_store
from spiders.documents import post_canonical, row_anchor
from storage import subscribers
from storage.db import transaction
from storage.models import Article, Directive
from tests.support.document_portal import GAZETTE, DocumentPortal, gazette_page1, gazette_row, gazette_rows
from tests.support.documents import DOCX, LAW_PDF, SCAN
from tests.support.server import PortalServer

PAGE1 = GAZETTE.format(start=1, page=1)
# 600+ characters: longer than a stub post's own text, so only a register post's rule can give it its file's text
LONG_SUMMARY = ("ban hành Kế hoạch thực hiện Chương trình hành động của Ban Chấp hành Đảng bộ tỉnh về tăng cường công tác "
                "phổ biến, giáo dục pháp luật, nâng cao ý thức chấp hành pháp luật của cán bộ, đảng viên và Nhân dân " * 4)


def _bare(row: str) -> str:
    """A row with neither a detail page nor a file (the title is plain text, the download cell empty)."""
    row = re.sub(r"<div class='download-links'.*?</div>", "", row, flags=re.S)
    return re.sub(r"<a href='NoiDung[^>]*>", "<a>", row)


def _publish_new_rows(portal: DocumentPortal, rows: list[tuple[str, str, str, str | None, Path | None]]) -> None:
    """New decisions at the top of the gazette's first page: (code, summary, unid, file name, file) each."""
    server, page1 = portal.server, gazette_page1()
    day = datetime.now(timezone(timedelta(hours=7)))
    markup = []
    for code, summary, unid, name, source in rows:
        row = gazette_row(f"{day.day}/{day.month}/{day.year}", "Quyết định của UBND tỉnh", code, summary, unid, name or "x.doc")
        markup.append(row if source else _bare(row))
        if source:
            server.add(f"/congbao.nsf/{unid}/$file/{name}".replace(" ", "%20"), source.read_bytes(), "application/octet-stream")
    first = gazette_rows(page1)[0]
    server.add(PAGE1, page1.replace(first, "".join(markup) + first, 1))


def _alerts_for(tg, chat_id: int, after: int) -> list[str]:
    return [m.text for m in tg.sent[after:] if m.chat_id == chat_id]


def _baseline(tmp_path: Path, server, sqlite_url, make_settings, tg):
    portal = DocumentPortal(server)
    portal.publish()
    registry = tmp_path / "p.yaml"
    registry.write_text(portal.registry_yaml(), encoding="utf-8")
    settings = make_settings(sqlite_url, registry, telegram_bot_token=tg.token, telegram_api_url=tg.url, telegram_admin_chat_ids=[])
    tg.push_message(111, "/start")
    assert run_once(settings).sent.sent == 0  # the portal's first crawl: stored, nobody alerted
    return portal, settings


def test_every_new_document_alerts_once_with_facts_and_both_links(tmp_path: Path, sqlite_url, make_settings, unlimited_telegram):
    tg = unlimited_telegram
    with PortalServer() as server:
        portal, settings = _baseline(tmp_path, server, sqlite_url, make_settings, tg)
        with transaction(open_store(sqlite_url)) as session:
            # every register row of the baseline has a post that reported its document
            assert session.scalar(select(Directive).where(Directive.first_article_id.is_(None), Directive.register_url.is_not(None))) is None
        replies = len(tg.sent)
        _publish_new_rows(portal, [
            ("40/2026/QĐ-UBND", "ban hành Quy chế phối hợp công tác đối ngoại", "C" * 32, "QD so 40.2026.docx", DOCX),
            ("41/2026/QĐ-UBND", "phê duyệt Đề án hỗ trợ phục vụ", "E" * 32, "QD so 41.2026.pdf", SCAN),
            ("42/2026/QĐ-UBND", "về việc thành lập Hội đồng", "F" * 32, None, None),
        ])
        run_once(settings)
        alerts = _alerts_for(tg, 111, replies)
        assert len(alerts) == 3, alerts
        by_code = {code: [a for a in alerts if f"📄 <b>Quyết định {code}</b>" in a] for code in ("40/2026/QĐ-UBND", "41/2026/QĐ-UBND", "42/2026/QĐ-UBND")}
        assert all(len(found) == 1 for found in by_code.values()), by_code
        register = server.url(PAGE1).replace("&", "&amp;")
        today = datetime.now(timezone(timedelta(hours=7))).strftime("%d/%m/%Y")
        for (alert,) in by_code.values():
            assert f'📚 <a href="{register}">Sổ văn bản</a>' in alert and f"Ngày ban hành: {today}" in alert

        (docx,) = by_code["40/2026/QĐ-UBND"]
        # the matched passage (the post's title) and the post's own link, its detail page, are there too
        assert f"Quyết định số <b>40/2026/QĐ-UBND</b> của UBND tỉnh ngày {today}: ban hành Quy chế" in docx
        assert f'🔗 <a href="{server.url("/congbao.nsf/NoiDung?openForm&ParentUNID=" + "C" * 32).replace("&", "&amp;")}">' in docx
        assert "Cơ quan ban hành: UBND tỉnh" in docx and "Trích yếu: ban hành Quy chế phối hợp công tác đối ngoại" in docx
        assert f'📎 <a href="{server.url("/congbao.nsf/" + "C" * 32 + "/$file/QD%20so%2040.2026.docx")}">' in docx and "OCR" not in docx

        (scan,) = by_code["41/2026/QĐ-UBND"]  # the scan's text came from OCR: the alert says so, with its confidence
        assert re.search(r"lấy bằng nhận dạng OCR \(độ tin cậy \d+%\)", scan)
        assert f'📎 <a href="{server.url("/congbao.nsf/" + "E" * 32 + "/$file/QD%20so%2041.2026.pdf")}">' in scan
        assert "(nhận dạng OCR, độ tin cậy" in scan

        (bare,) = by_code["42/2026/QĐ-UBND"]  # no page, no file: still a post (its anchor in the register), still an alert
        assert "📎" not in bare
        anchor = row_anchor(server.url(PAGE1), "42/2026/QĐ-UBND")
        assert anchor.endswith("#so=42/2026/Q%C4%90-UBND") and f'href="{anchor.replace("&", "&amp;")}"' in bare
        with transaction(open_store(sqlite_url)) as session:
            assert session.scalar(select(Article.id).where(Article.canonical_url == post_canonical(anchor))) is not None

        # nothing new: no alert
        sent = len(tg.sent)
        run_once(settings)
        assert len(tg.sent) == sent


def test_a_keyword_only_inside_a_pdf_attachment_alerts_with_a_snippet_from_it(tmp_path: Path, sqlite_url, make_settings, unlimited_telegram):
    tg = unlimited_telegram
    with PortalServer() as server:
        portal, settings = _baseline(tmp_path, server, sqlite_url, make_settings, tg)
        tg.push_message(222, "/start")
        run_once(settings)
        with transaction(open_store(sqlite_url)) as session:
            subscriber = subscribers.get_subscriber(session, 222)
            subscriber.follows_defaults = False  # only its keyword: no "new document" alert of the default rules
            subscribers.add_rule(session, subscriber, "pháp nhân thương mại", any_terms=["pháp nhân thương mại"])
        replies = len(tg.sent)
        # a long summary (a register post longer than a stub) that does not hold the keyword; the PDF's text does
        _publish_new_rows(portal, [("43/2026/QĐ-UBND", LONG_SUMMARY, "9" * 32, "QD so 43.2026.pdf", LAW_PDF)])
        run_once(settings)
        alerts = _alerts_for(tg, 222, replies)
        assert len(alerts) == 1, alerts
        (alert,) = alerts
        assert "pháp nhân thương mại" not in LONG_SUMMARY
        # the snippet is from the attachment's text, the match marked
        assert re.search(r"<blockquote>[^<]*<b>pháp nhân thương mại</b>[^<]*</blockquote>", alert), alert
        assert "📄 <b>Quyết định 43/2026/QĐ-UBND</b>" in alert and "QD%20so%2043.2026.pdf" in alert
        with transaction(open_store(sqlite_url)) as session:
            post = session.scalar(select(Article).where(Article.title.contains("43/2026/QĐ-UBND")))
            assert "[Toàn văn tệp đính kèm]" in post.text and "pháp nhân thương mại" in post.text

        sent = len(tg.sent)
        run_once(settings)
        assert len(tg.sent) == sent


def test_a_portal_with_only_a_register_is_crawled_and_its_plain_rows_get_posts(tmp_path: Path, sqlite_url, make_settings):
    """No news section, no feed: the register's host is the portal's own (it was refused as a foreign host)."""
    with PortalServer() as server:
        server.add("/van-ban", "<table><tr><th>STT</th><th>Số/Ký hiệu</th><th>Ngày ban hành</th><th>Trích yếu</th></tr>"
                   "<tr><td>1</td><td>25/2026/QĐ-UBND</td><td>01/02/2026</td><td>Quyết định ban hành Quy chế làm việc</td></tr>"
                   "<tr><td>2</td><td>26/2026/QĐ-UBND</td><td>02/02/2026</td><td>Quyết định thành lập Ban chỉ đạo</td></tr></table>")
        registry = tmp_path / "p.yaml"
        registry.write_text(f'portals:\n  - id: congbao\n    name: Công báo\n    province: Sơn La\n'
                            f'    documents: ["{server.url("/van-ban")}"]\n', encoding="utf-8")
        report = run_once(make_settings(sqlite_url, registry))
        assert [run.status for run in report.batch.runs] == ["ok"], report.batch.runs
        with transaction(open_store(sqlite_url)) as session:
            documents = {d.code: d for d in session.scalars(select(Directive))}
            assert documents["25/2026/QĐ-UBND"].summary == "Quyết định ban hành Quy chế làm việc"
            posts = {a.canonical_url: a for a in session.scalars(select(Article))}
            for code in documents:
                post = posts[post_canonical(row_anchor(server.url("/van-ban"), code))]
                assert documents[code].first_article_id == post.id  # its post reported it
