"""CSV export of search results: UTF-8 with BOM for Excel, every matching row, streamed in batches."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

import pytest

from tests.web.support import add_article, add_portal, fetch, seeded
from tests.web.test_search import archive


@pytest.fixture
def factory(db_factory):
    def build(session):
        archive(session)
        add_portal(session, "evil", "=HYPERLINK(\"http://x\") Cổng", "Lào Cai")
        add_article(session, "evil", "=1+2 đối ngoại", "Nội dung đối ngoại", days_ago=30)

    seeded(db_factory, build)
    return db_factory


def rows(body: str) -> list[list[str]]:
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


@pytest.mark.parametrize("batch", [500, 2])
def test_export_has_every_result_in_order(factory, batch, monkeypatch):
    import web.exports

    monkeypatch.setattr(web.exports, "BATCH", batch)
    (status, page, _), (csv_status, body, headers) = fetch(
        factory, "/?sort=date&q=" + quote("đối ngoại"), "/tim-kiem.csv?sort=date&q=" + quote("đối ngoại"))
    assert csv_status == 200 and headers["Content-Type"].startswith("text/csv") and "attachment" in headers["Content-Disposition"]
    table = rows(body)
    assert table[0][:3] == ["Ngày", "Tiêu đề", "Cổng"]
    titles = [r[1] for r in table[1:]]
    assert len(titles) == 4 and len(set(titles)) == 4 and titles == [
        "Hội nghị nhân dân các xã biên giới", "Phát huy vai trò đối ngoại nhân dân trong tình hình mới",
        "Tăng cường đối ngoại nhân dân với Trung Quốc", "'=1+2 đối ngoại"]  # newest first
    assert 'href="/tim-kiem.csv?sort=date&amp;q=' in page
    phat_huy = table[2]
    assert phat_huy[3] == "Lào Cai" and phat_huy[6] == "12-CT/TW" and phat_huy[0] == "17/11/2026"  # a date without a time of day


def test_formulas_are_kept_as_text(factory):
    [(_, body, _)] = fetch(factory, "/tim-kiem.csv?portal=evil")
    [row] = rows(body)[1:]
    assert row[1] == "'=1+2 đối ngoại" and row[2].startswith("'=HYPERLINK")


def test_bad_query_exports_only_the_header(factory):
    [(status, body, _)] = fetch(factory, "/tim-kiem.csv?q=" + quote('"đối'))
    assert status == 200 and len(rows(body)) == 1
