"""An analyst in Chromium: searches a phrase over real articles, reads the highlighted results, opens one,
follows its document, downloads the search as CSV, then opens the weekly picture and downloads its DOCX."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

from tests.support.browser import launch_chromium
from tests.web.support import REAL_PORTALS, SEEDS, LiveServer, seed_real_articles

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def seed_text(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def phrase_in(text: str, phrase: str) -> bool:
    return phrase in " ".join(unicodedata.normalize("NFC", text).lower().split())


def test_search_a_phrase_and_open_a_result(sqlite_url):
    from playwright.sync_api import sync_playwright

    from storage.db import make_engine, session_factory
    from storage.migrate import upgrade

    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    factory = session_factory(engine)
    seed_real_articles(factory)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        with LiveServer(factory) as server, sync_playwright() as p:
            browser = launch_chromium(p)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(server.url + "/", wait_until="load", timeout=30000)
                assert page.title() == "portalwatch — Tra cứu bài viết"
                assert page.locator("li.result").count() == 5  # the archive, newest first
                page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)
                page.fill("input[name=q]", '"đối ngoại nhân dân"')
                page.select_option("select[name=kind]", "government")
                page.select_option("select[name=kind]", "")
                page.click("button[type=submit]")
                page.wait_for_url("**/?q=*")
                summary = page.locator("#summary").inner_text()
                expected = [row[5] for row in REAL_PORTALS if phrase_in(seed_text(row[0]), "đối ngoại nhân dân")]
                assert summary.startswith(f"Tìm thấy {len(expected)} bài viết"), summary
                titles = page.locator("li.result h3").all_inner_texts()
                assert sorted(titles) == sorted(expected)
                # Ranked: the headlines with the phrase come before those without it.
                in_title = {t for t in expected if phrase_in(t, "đối ngoại nhân dân")}
                assert in_title and set(titles[:len(in_title)]) == in_title
                marks = page.locator("li.result mark").all_inner_texts()
                assert marks and all(m.lower() == "đối ngoại nhân dân" for m in marks)
                page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)

                first = page.locator("li.result h3 a").first
                title = first.inner_text()
                first.click()
                page.wait_for_url("**/bai-viet/*")
                assert page.locator("#article h1").inner_text() == title
                assert page.locator("#article .body mark").count() >= 1
                assert "Xem bài gốc trên cổng" in page.locator("#article").inner_text()
                page.screenshot(path=str(ARTIFACTS / "article.png"), full_page=True)
                # Follow the article's first directive to its register page.
                code = page.locator("#article a.tag.directive").first.inner_text()
                page.locator("#article a.tag.directive").first.click()
                page.wait_for_url("**/van-ban/**")
                assert code in page.locator("#code").inner_text()
                assert title in page.locator("#timeline").inner_text()
                page.screenshot(path=str(ARTIFACTS / "directive.png"), full_page=True)
                page.go_back()
                page.click("text=← Quay lại kết quả tra cứu")
                assert page.locator("input[name=q]").input_value() == '"đối ngoại nhân dân"'
                # The same search as a CSV file (UTF-8 with a BOM, for Excel).
                with page.expect_download() as download:
                    page.click("#export")
                with open(download.value.path(), encoding="utf-8-sig", newline="") as handle:
                    rows = list(csv.reader(handle))
                assert rows[0][:2] == ["Ngày", "Tiêu đề"] and sorted(r[1] for r in rows[1:]) == sorted(expected)
                assert all(r[8].startswith("http://127.0.0.1/") for r in rows[1:])

                check_the_week(page, factory)
            finally:
                browser.close()
    finally:
        engine.dispose()
    for name in ("home", "search", "directive", "week"):
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 20_000


def check_the_week(page, factory) -> None:
    """This week's page (the documents the monitor just found), its DOCX, then the week of the seed articles."""
    from docx import Document

    from storage.db import transaction
    from storage.week import make_week, week_data
    from web.week import current_week, report_title, week_label

    today = current_week()
    with transaction(factory) as session:
        now, seeds = week_data(session, today), week_data(session, make_week(2026, 47))
    page.click("header nav >> text=Tuần")
    page.wait_for_url("**/tuan/")
    assert page.locator("#week-title").inner_text() == week_label(today)
    codes = [d.directive.code for d in now.documents]
    assert len(codes) > 5  # the monitor saw them all today
    assert page.locator("#week-documents tbody tr").count() == len(codes)
    assert all(code in page.locator("#week-documents").inner_text() for code in codes)
    with page.expect_download() as download:
        page.click("#docx")
    assert download.value.suggested_filename == f"Báo cáo tuần {today.week}-{today.year}.docx"
    report = Document(download.value.path())
    assert report.paragraphs[0].text == report_title(today)
    table = [[c.text for c in row.cells] for row in report.tables[0].rows]
    assert [row[1].split()[-1] for row in table[1:]] == codes
    assert len(report.inline_shapes) == 4

    page.goto(page.url.rstrip("/") + "/2026-W48", wait_until="load")
    page.click("#previous")
    page.wait_for_url("**/tuan/2026-W47")
    assert page.locator("#week-title").inner_text() == "Tuần 47/2026 (16/11/2026 – 22/11/2026)"
    assert seeds.articles == 3 and seeds.visits
    assert page.locator("#counts .card .n").first.inner_text() == "3"
    visits = page.locator("#week-visits tbody tr")
    assert visits.count() == len(seeds.visits)
    assert visits.first.locator("a").inner_text() == seeds.visits[0].article.title
    page.wait_for_function("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    assert page.locator(".chart img").count() == 4
    page.screenshot(path=str(ARTIFACTS / "week.png"), full_page=True)
