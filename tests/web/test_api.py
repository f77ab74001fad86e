"""The JSON API under /api/ over a real migrated database (SQLite, and PostgreSQL when configured),
served by aiohttp's test server on 127.0.0.1: every endpoint, its filters, paging and bad input."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from storage.db import transaction
from storage.models import Article, CrawlRun, Directive, DirectiveMention, Match, Portal
from storage.types import utcnow
from tests.web.support import NOW, add_article, add_portal, fetch, four_articles, seed_real_articles, seeded


def archive(session):
    four_articles(session, first_lead="Lào Cai phát huy đối ngoại nhân dân.")


@pytest.fixture
def factory(db_factory):
    seeded(db_factory, archive)
    return db_factory


def get_json(factory, *paths, **kwargs):
    out = []
    for status, body, headers in fetch(factory, *paths, **kwargs):
        assert headers["Content-Type"] == "application/json; charset=utf-8", (status, body[:200])
        out.append((status, json.loads(body)))
    return out


def titles(body) -> list[str]:
    return [item["title"] for item in body["items"]]


def test_articles_list_newest_first_with_times_in_vietnam_and_utc(factory):
    [(status, body)] = get_json(factory, "/api/articles")
    assert status == 200 and body["total"] == 4 and body["page"] == 1 and body["pages"] == 1 and body["message"] is None
    first = body["items"][0]
    assert first["title"].startswith("Đoàn đại biểu") and titles(body)[-1].startswith("Tăng cường")
    assert first["portal"] == {"id": "snv-hg", "name": "Sở Ngoại vụ Hà Giang", "province": "Hà Giang", "kind": "foreign-affairs"}
    assert first["visit"] is True and first["partners"] == ["Lào"] and first["link"] == f"/bai-viet/{first['id']}"
    when = NOW - timedelta(days=1)
    assert first["published_at"] == when.astimezone(timezone(timedelta(hours=7))).isoformat()
    assert first["published_at"].endswith("+07:00") and first["published_at_utc"] == "2026-11-19T03:00:00Z"
    assert datetime.fromisoformat(first["first_seen_at"]) == when
    assert "text" not in first


def test_articles_search_uses_the_archive_syntax_and_filters(factory):
    answers = get_json(
        factory,
        "/api/articles?q=" + quote('"đối ngoại nhân dân"'),
        "/api/articles?q=" + quote("đối ngoại nhân dân"),
        "/api/articles?q=" + quote('"doi ngoai nhan dan"') + "&accents=1",
        "/api/articles?q=" + quote('"doi ngoai nhan dan"'),
        "/api/articles?province=" + quote("Hà Giang"),
        "/api/articles?kind=government&directive=true",
        "/api/articles?visit=1",
        "/api/articles?from=17/11/2026&to=2026-11-18",
        "/api/articles?q=" + quote("biên giới") + "&sort=date",
        "/api/articles?q=" + quote("biên giới"),
        "/api/articles?portal=snv-hg&q=" + quote("đối ngoại"),
    )
    assert all(status == 200 for status, _ in answers)
    bodies = [b for _, b in answers]
    assert sorted(titles(bodies[0])) == ["Phát huy vai trò đối ngoại nhân dân trong tình hình mới",
                                         "Tăng cường đối ngoại nhân dân với Trung Quốc"]
    assert bodies[1]["total"] == 3 and bodies[2]["total"] == 2 and bodies[3]["total"] == 0
    assert bodies[3]["message"].startswith("Không tìm thấy")
    assert bodies[4]["total"] == 2
    assert titles(bodies[5]) == ["Phát huy vai trò đối ngoại nhân dân trong tình hình mới"]
    assert bodies[5]["items"][0]["directives"] == ["12-CT/TW"] and bodies[5]["items"][0]["topic"] == "doi-ngoai"
    assert titles(bodies[6]) == ["Đoàn đại biểu tỉnh Hà Giang sang thăm và làm việc tại Lào"]
    assert bodies[7]["total"] == 2
    assert titles(bodies[8])[0].startswith("Đoàn đại biểu") and titles(bodies[9])[0] == "Hội nghị nhân dân các xã biên giới"
    assert titles(bodies[10]) == ["Tăng cường đối ngoại nhân dân với Trung Quốc"]


def test_articles_paging(factory):
    (_, one), (_, two), (_, beyond) = get_json(factory, "/api/articles?per_page=3", "/api/articles?per_page=3&page=2",
                                               "/api/articles?per_page=3&page=99")
    assert one["pages"] == 2 and len(one["items"]) == 3 and len(two["items"]) == 1
    assert not set(titles(one)) & set(titles(two))
    assert beyond["items"] == [] and beyond["total"] == 4 and "Trang 99" in beyond["message"]


@pytest.mark.parametrize("query, needle", [
    ("page=abc", "page phải là số nguyên"),
    ("page=0", "page phải từ 1"),
    ("per_page=101", "per_page phải từ 1 đến 100"),
    ("per_page=1.5", "số nguyên"),
    ("from=31/02/2026", "Ngày bắt đầu không hợp lệ"),
    ("to=hôm qua", "Ngày kết thúc không hợp lệ"),
    ("from=20/11/2026&to=01/11/2026", "sau ngày kết thúc"),
    ("accents=có", "true hoặc false"),
    ("sort=random", "relevance, date"),
    ("kind=ministry", "government"),
    ("q=" + "x" * 10_000, "quá dài"),
    ("q=" + quote('"đối ngoại nhân dân'), "ngoặc kép"),
    ("q=" + quote("đối ngoại OR Lào"), "toán tử"),
    ("q=%25", "không có chữ"),
    ("q=_", "không có chữ"),
    ("portal=a%00b", "NUL"),
])
def test_bad_parameters_are_a_400_with_a_message(factory, query, needle):
    [(status, body)] = get_json(factory, "/api/articles?" + query)
    assert status == 400 and needle in body["error"] and set(body) == {"error"}


@pytest.mark.parametrize("text, words", [
    ("'; DROP TABLE articles; --", "DROP TABLE articles"), ("Lào* NEAR(biên giới)", 'Lào "NEAR biên" giới'),
    ("title:Lào", "title Lào"), ("%Lào%", "Lào"), ("a' OR '1'='1", None), ("{title body}: Lào", "title body Lào"),
    ("-Lào", "Lào"), ("^Lào", "Lào"),
])
def test_sql_and_fts_syntax_is_only_text(factory, text, words):
    """Punctuation separates words, as in the index: the query finds what its bare words find."""
    [(status, body)] = get_json(factory, "/api/articles?q=" + quote(text))
    if words is None:  # a bare OR is refused as an operator
        assert status == 400 and "toán tử" in body["error"]
    else:
        [(_, plain)] = get_json(factory, "/api/articles?q=" + quote(words))
        assert status == 200 and titles(body) == titles(plain)
    [(_, everything)] = get_json(factory, "/api/articles")
    assert everything["total"] == 4


def test_one_article_in_full_and_unknown_ids(factory):
    with transaction(factory) as session:
        article_id = session.scalar(select(Article.id).where(Article.title.like("Phát huy%")))
    answers = get_json(factory, f"/api/articles/{article_id}", "/api/articles/999999", "/api/articles/abc",
                       "/api/articles/99999999999999999999", "/api/articles/0")
    (status, body), (missing, error), *bad = answers
    assert status == 200 and body["id"] == article_id and body["text"].startswith("Công tác đối ngoại")
    assert body["lead"] == "Lào Cai phát huy đối ngoại nhân dân." and body["directives"] == ["12-CT/TW"] and body["author"] is None
    assert missing == 404 and "999999" in error["error"]
    assert [s for s, _ in bad] == [400, 400, 400] and all("số nguyên" in b["error"] for _, b in bad)


def test_unknown_api_path_and_method_answer_json(factory):
    import asyncio

    from aiohttp.test_utils import TestClient, TestServer

    from tests.web.support import PageDaemon
    from web.app import build_app

    [(status, body)] = get_json(factory, "/api/khong-co")
    assert status == 404 and body["error"] == "Không có địa chỉ này trong API."

    async def post():
        async with TestClient(TestServer(build_app(PageDaemon(factory)), host="127.0.0.1")) as client:
            answer = await client.post("/api/articles", data="q=x")
            return answer.status, answer.headers, await answer.json()

    status, headers, body = asyncio.run(post())
    assert status == 405 and headers["Allow"] and body["error"]


def registers(session):
    """Two documents with the same local code in two provinces, one seen this week, and visits."""
    add_portal(session, "laocai", "Cổng TTĐT tỉnh Lào Cai", "Lào Cai", "government")
    add_portal(session, "sonla", "Cổng TTĐT tỉnh Sơn La", "Sơn La", "government")
    now = utcnow()
    a1 = add_article(session, "laocai", "Lào Cai triển khai Chỉ thị 05-CT/TU", "Theo Chỉ thị 05-CT/TU của Tỉnh ủy.", days_ago=30)
    a2 = add_article(session, "sonla", "Sơn La quán triệt Chỉ thị 05-CT/TU", "Chỉ thị 05-CT/TU của Tỉnh ủy Sơn La.", days_ago=29)
    a3 = add_article(session, "sonla", "Đoàn Sơn La thăm Lào", "Đoàn công tác tỉnh Sơn La sang thăm Lào.", days_ago=28)
    for article, scope, seen in ((a1, "Lào Cai", now - timedelta(days=40)), (a2, "Sơn La", now)):
        directive = Directive(code="05-CT/TU", scope=scope, kind="Chỉ thị", number="05", year=2026, issuer="TU",
                              first_article_id=article.id, first_seen_at=seen, mentions=1, summary=f"Chỉ thị của Tỉnh ủy {scope}")
        session.add(directive)
        session.flush()
        session.add(DirectiveMention(directive_id=directive.id, article_id=article.id, sentence=article.title))
    session.add(Directive(code="12-CT/TW", scope="VN", kind="Chỉ thị", number="12", year=2011, issuer="TW",
                          first_seen_at=now - timedelta(days=60), mentions=0))
    session.add(Match(article_id=a3.id, kind="visit", terms=["Lào"], snippet="Đoàn sang thăm [[Lào]]",
                      data={"reasons": ["đoàn ra: sang thăm"]}))
    session.add(Match(article_id=a1.id, kind="visit", terms=["Trung Quốc", "Lào"], snippet="<b>x</b>", data={}))


@pytest.fixture
def register_factory(db_factory):
    seeded(db_factory, registers)
    return db_factory


def test_documents_list_filters_and_new_this_week(register_factory):
    answers = get_json(register_factory, "/api/documents", "/api/documents?issuer=TU", "/api/documents?year=2011",
                       "/api/documents?new=1", "/api/documents?scope=" + quote("Lào Cai"), "/api/documents?kind=" + quote("Chỉ thị") + "&per_page=1&page=3",
                       "/api/documents?year=abc", "/api/documents?year=99999", "/api/documents?new=maybe")
    (s0, every), (_, tu), (_, old), (_, new), (_, laocai), (_, third), *bad = answers
    assert s0 == 200 and every["total"] == 3 and [i["scope"] for i in every["items"]] == ["Sơn La", "Lào Cai", "VN"]
    assert {i["code"] for i in tu["items"]} == {"05-CT/TU"} and tu["total"] == 2
    assert [i["code"] for i in old["items"]] == ["12-CT/TW"] and old["items"][0]["first_article"] is None
    assert [(i["code"], i["scope"]) for i in new["items"]] == [("05-CT/TU", "Sơn La")]
    item = laocai["items"][0]
    assert laocai["total"] == 1 and item["first_article"]["portal"]["id"] == "laocai" and item["portals"] == 1
    assert item["link"] == "/van-ban/05-CT/TU" and item["first_seen_at"].endswith("+07:00")
    assert third["total"] == 3 and third["pages"] == 3 and [i["code"] for i in third["items"]] == ["12-CT/TW"]
    assert [s for s, _ in bad] == [400, 400, 400]


def test_document_by_code_returns_every_scope(register_factory):
    answers = get_json(register_factory, "/api/documents/05-CT/TU", "/api/documents/05-CT%2FTU?scope=" + quote("Sơn La"),
                       "/api/documents/99-CT/TW", "/api/documents/05-CT/TU?scope=VN", "/api/documents/" + "9" * 500)
    (status, both), (_, sonla), (missing, error), (wrong_scope, _), (long_code, _) = answers
    assert status == 200 and both["code"] == "05-CT/TU"
    assert sorted(d["scope"] for d in both["documents"]) == ["Lào Cai", "Sơn La"]
    [doc] = sonla["documents"]
    assert doc["scope"] == "Sơn La" and doc["summary"] == "Chỉ thị của Tỉnh ủy Sơn La" and doc["portals"][0]["id"] == "sonla"
    assert [m["article"]["title"] for m in doc["timeline"]] == ["Sơn La quán triệt Chỉ thị 05-CT/TU"]
    assert doc["first_article"]["title"] == "Sơn La quán triệt Chỉ thị 05-CT/TU"
    assert missing == 404 and "99-CT/TW" in error["error"] and wrong_scope == 404 and long_code == 404


def test_visits_with_counts_by_partner(register_factory):
    answers = get_json(register_factory, "/api/visits", "/api/visits?partner=" + quote("Trung Quốc"),
                       "/api/visits?province=" + quote("Sơn La"), "/api/visits?per_page=1&page=2", "/api/visits?page=x")
    (status, every), (_, china), (_, sonla), (_, second), (bad, _) = answers
    assert status == 200 and every["total"] == 2
    assert every["counts"] == [{"partner": "Lào", "count": 2}, {"partner": "Trung Quốc", "count": 1}]
    assert [v["article"]["title"] for v in china["items"]] == ["Lào Cai triển khai Chỉ thị 05-CT/TU"]
    assert china["items"][0]["partners"] == ["Trung Quốc", "Lào"] and china["items"][0]["snippet"] == "<b>x</b>"
    assert sonla["total"] == 1 and sonla["counts"] == [{"partner": "Lào", "count": 1}]
    assert sonla["items"][0]["directions"] == ["đoàn ra"]
    assert second["pages"] == 2 and len(second["items"]) == 1 and second["items"][0]["match_id"] != every["items"][0]["match_id"]
    assert bad == 400


def test_portals_with_health_and_last_crawl(register_factory):
    with transaction(register_factory) as session:
        portal = session.get(Portal, "sonla")
        portal.health, portal.health_reason = "unhealthy", "3 lần thu thập lỗi liên tiếp"
        session.add(CrawlRun(portal_id="sonla", started_at=NOW, finished_at=NOW + timedelta(minutes=1), status="failed",
                             reason="HTTP 503", new_articles=0, requests=4, errors=1))
        totals = dict(session.execute(select(Article.portal_id, func.count()).group_by(Article.portal_id)).all())
    [(status, body)] = get_json(register_factory, "/api/portals")
    assert status == 200 and body["total"] == 2
    by_id = {p["id"]: p for p in body["items"]}
    sonla = by_id["sonla"]
    assert sonla["name"] == "Cổng TTĐT tỉnh Sơn La" and sonla["province"] == "Sơn La" and sonla["kind"] == "government"
    assert sonla["health"] == "unhealthy" and sonla["health_reason"] == "3 lần thu thập lỗi liên tiếp"
    assert sonla["last_crawl"] == {"status": "failed", "started_at": "2026-11-20T10:00:00+07:00",
                                   "finished_at": "2026-11-20T10:01:00+07:00", "reason": "HTTP 503", "new_articles": 0,
                                   "requests": 4, "errors": 1}
    assert sonla["articles_total"] == totals["sonla"] and by_id["laocai"]["last_crawl"] is None


def test_real_seed_articles_through_the_api(db_factory):
    seed_real_articles(db_factory)
    [(status, body), (_, doc)] = get_json(db_factory, "/api/documents?issuer=TW&per_page=100", "/api/documents/04-CT/TW")
    with transaction(db_factory) as session:
        party = session.scalar(select(func.count(Directive.id)).where(Directive.issuer == "TW"))
    assert status == 200 and body["total"] == party > 0
    [document] = doc["documents"]
    assert document["scope"] == "VN" and document["issued_on"] == "2011-07-06" and len(document["timeline"]) > 1


def test_openapi_document_lists_every_route(factory):
    from web.api import ENDPOINTS

    [(status, spec)] = get_json(factory, "/api/openapi.json")
    assert status == 200 and spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == {e.path for e in ENDPOINTS} | {"/feeds/tim-kiem.atom", "/feeds/van-ban.atom", "/feeds/doan.atom"}
    articles = spec["paths"]["/api/articles"]["get"]
    assert {p["name"] for p in articles["parameters"]} == {"q", "accents", "portal", "province", "kind", "from", "to",
                                                          "directive", "visit", "sort", "page", "per_page"}
    assert articles["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ArticleList"}
    schema = spec["components"]["schemas"]["ArticleSummary"]
    assert schema["properties"]["published_at"]["anyOf"][0] == {"format": "date-time", "type": "string"}
    for path in spec["paths"].values():
        for response in path["get"]["responses"].values():
            for content in response["content"].values():
                ref = content["schema"].get("$ref")
                assert ref is None or ref.rsplit("/", 1)[1] in spec["components"]["schemas"]


def test_api_and_feeds_need_the_password(db_factory, monkeypatch):
    import base64

    from crawler.config import Settings

    monkeypatch.setenv("PORTALWATCH_WEB_PASSWORD", "mật khẩu 2026")
    settings = Settings()
    paths = ("/api/articles", "/api/articles/1", "/api/documents", "/api/documents/04-CT/TW", "/api/visits", "/api/portals",
             "/api/openapi.json", "/api/khong-co", "/feeds/tim-kiem.atom?q=L%C3%A0o", "/feeds/van-ban.atom", "/feeds/doan.atom")
    right = {"Authorization": "Basic " + base64.b64encode("analyst:mật khẩu 2026".encode()).decode()}
    wrong = {"Authorization": "Basic " + base64.b64encode(b"analyst:sai").decode()}
    for headers in (None, wrong):
        for path, (status, body, answer) in zip(paths, fetch(db_factory, *paths, settings=settings, headers=headers)):
            assert status == 401 and answer["WWW-Authenticate"].startswith("Basic"), path
            if path.startswith("/api/"):
                assert answer["Content-Type"] == "application/json; charset=utf-8" and "mật khẩu" in json.loads(body)["error"]
    answers = fetch(db_factory, *paths, settings=settings, headers=right)
    assert [a[0] for a in answers] == [200, 404, 200, 404, 200, 200, 200, 404, 200, 200, 200]


@pytest.mark.parametrize("path", [
    "/api/articles?q=%00", "/api/articles?q=%ED%A0%80", "/api/articles?portal=%FF%FE", "/api/articles?province=%00",
    "/api/articles?q=" + quote("\U0001F600 \u200b \ufeff"), "/api/articles?from=%00", "/api/articles?page=-1",
    "/api/articles?page=1e3", "/api/articles?per_page=" + "9" * 40, "/api/articles/%00", "/api/articles/-1",
    "/api/documents/%00", "/api/documents/%ED%A0%80", "/api/documents/%FF", "/api/documents?kind=%00",
    "/api/documents?issuer=%ED%A0%80", "/api/documents?scope=" + quote("' OR 1=1 --"), "/api/documents/x?scope=%00",
    "/api/visits?partner=%00", "/api/visits?province=%FF", "/api/visits?per_page=0",
])
def test_odd_bytes_are_a_4xx_or_nothing_found_never_a_500(factory, path):
    [(status, body, headers)] = fetch(factory, path)
    assert status in (200, 400, 404) and headers["Content-Type"] == "application/json; charset=utf-8", (status, body[:300])
    answer = json.loads(body)
    assert answer.get("error") or answer["total"] == 0 or "items" in answer


def test_week_counts_in_vietnam_time(factory):
    # NOW is Friday 20/11/2026 10:00 +07:00, ISO week 2026-W47; the articles are 1, 2, 3 and 10 days before.
    (status, week), (_, before), (_, empty) = get_json(factory, "/api/week/2026-W47", "/api/week/2026-W46", "/api/week/2020-W53")
    assert status == 200 and week["week"] == "2026-W47"
    assert week["start"] == "2026-11-16T00:00:00+07:00" and week["end"] == "2026-11-23T00:00:00+07:00"
    assert week["articles"] == 3 and week["per_province"] == [{"name": "Lào Cai", "count": 2}, {"name": "Hà Giang", "count": 1}]
    assert [d["code"] for d in week["documents"]] == ["12-CT/TW"] and week["documents"][0]["first_article"]["portal"]["id"] == "laocai"
    assert [d["count"] for d in week["documents_per_day"]] == [0, 1, 0, 0, 0, 0, 0]
    assert week["documents_per_day"][1]["day"] == "2026-11-17"
    assert week["visits"] == 1 and week["partners"] == [{"name": "Lào", "count": 1}]
    assert before["articles"] == 1 and before["documents"] == [] and before["visits"] == 0
    assert empty["articles"] == 0 and len(empty["documents_per_day"]) == 7


@pytest.mark.parametrize("raw", ["2026-W54", "2026-W00", "2021-W53", "2026W47", "2026-47", "tuần này", "99999-W01", "2026-W4"])
def test_bad_week_is_a_400(factory, raw):
    [(status, body)] = get_json(factory, "/api/week/" + quote(raw))
    assert status == 400 and "Tuần không hợp lệ" in body["error"]
