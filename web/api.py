"""The JSON API under ``/api/`` and its OpenAPI 3.1 document (``/api/openapi.json``).

Read-only GET endpoints over the same queries as the pages: the archive search (storage/search.py,
query strings read by web/archive.py's ``read_request``), the registers (storage/registers.py), the
portals' state (storage/status.py). Every endpoint is declared once in ``ENDPOINTS`` — its query
parameters (which also validate the request) and its pydantic response model — and the OpenAPI
document is generated from that table, so it describes what the code does.

Bad input is a 400 ``{"error": "..."}`` (Vietnamese), an unknown id or code a 404 of the same shape,
never a 500. Times are ISO 8601 in Vietnam time (+07:00); articles' dates also in UTC (``*_utc``).
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Callable

from aiohttp import web
from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema

from crawler.timefmt import VIETNAM
from storage.db import transaction
from storage.types import utcnow

MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000
MAX_ID = 2**31 - 1
TRUE, FALSE = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off"})
PORTAL_KINDS = ("government", "foreign-affairs", "front", "newspaper", "other")


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def json_response(body: Any, status: int = 200, headers: dict | None = None) -> web.Response:
    return web.Response(text=json.dumps(body, ensure_ascii=False), status=status, content_type="application/json",
                        charset="utf-8", headers=headers)


def error_response(status: int, message: str, headers: dict | None = None) -> web.Response:
    return json_response({"error": message}, status, headers)


# ---------------------------------------------------------------------------------------------
# Query parameters: one declaration validates the request and writes the OpenAPI parameter.


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # string | integer | boolean | date
    description: str
    minimum: int | None = None
    maximum: int | None = None
    default: Any = None
    choices: tuple[str, ...] | None = None
    where: str = "query"  # or "path"
    pattern: str | None = None  # documented only; the handler checks the value itself

    def schema(self) -> dict:
        if self.type == "integer":
            schema = {"type": "integer"}
            if self.minimum is not None:
                schema["minimum"] = self.minimum
            if self.maximum is not None:
                schema["maximum"] = self.maximum
        elif self.type == "boolean":
            schema = {"type": "boolean"}
        else:
            schema = {"type": "string"}
            if self.choices:
                schema["enum"] = list(self.choices)
            if self.pattern:
                schema["pattern"] = self.pattern
        if self.default is not None:
            schema["default"] = self.default
        return schema

    def openapi(self) -> dict:
        return {"name": self.name, "in": self.where, "required": self.where == "path", "description": self.description,
                "schema": self.schema()}

    def read(self, raw: str | None):
        """The parameter's value from its raw text (None or "" is absent), or ApiError(400)."""
        if raw is None or raw == "":
            return self.default
        if "\x00" in raw:
            raise ApiError(400, f"Tham số {self.name} chứa ký tự NUL.")
        try:
            raw.encode("utf-8")
        except UnicodeEncodeError:
            raise ApiError(400, f"Tham số {self.name} không phải văn bản UTF-8 hợp lệ.") from None
        if self.type == "integer":
            text = raw.strip()
            if not re.fullmatch(r"[+-]?\d{1,12}", text):
                raise ApiError(400, f"Tham số {self.name} phải là số nguyên: “{raw[:40]}”.")
            value = int(text)
            if (self.minimum is not None and value < self.minimum) or (self.maximum is not None and value > self.maximum):
                raise ApiError(400, f"Tham số {self.name} phải từ {self.minimum} đến {self.maximum}.")
            return value
        if self.type == "boolean":
            lowered = raw.strip().lower()
            if lowered in TRUE:
                return True
            if lowered in FALSE:
                return False
            raise ApiError(400, f"Tham số {self.name} phải là true hoặc false: “{raw[:40]}”.")
        value = unicodedata.normalize("NFC", raw)
        if self.choices and value not in self.choices:
            raise ApiError(400, f"Tham số {self.name} phải là một trong: {', '.join(self.choices)}.")
        return value


def read_params(params: tuple[Param, ...], query) -> dict:
    return {p.name: p.read(query.get(p.name)) for p in params if p.where == "query"}


PAGE = Param("page", "integer", "Trang kết quả, từ 1.", minimum=1, maximum=MAX_PAGE, default=1)
PER_PAGE = Param("per_page", "integer", f"Số mục mỗi trang (tối đa {MAX_PER_PAGE}).", minimum=1, maximum=MAX_PER_PAGE,
                 default=20)
DATE_HELP = "ngày/tháng/năm (20/11/2026) hoặc năm-tháng-ngày (2026-11-20), theo giờ Việt Nam"
SEARCH_PARAMS = (
    Param("q", "string", "Tìm toàn văn, cú pháp như trang tra cứu: mọi từ đều phải có trong bài, cụm từ đặt trong "
                         'ngoặc kép ("đối ngoại nhân dân"); không có toán tử. Tối đa 500 ký tự.'),
    Param("accents", "boolean", "Không phân biệt dấu (đ = d, á = a…).", default=False),
    Param("portal", "string", "Mã cổng (id trong sổ cổng)."),
    Param("province", "string", "Tỉnh, thành phố của cổng."),
    Param("kind", "string", "Loại cổng.", choices=PORTAL_KINDS),
    Param("from", "date", f"Từ ngày (đăng, hoặc thu thập khi không có ngày đăng): {DATE_HELP}."),
    Param("to", "date", f"Đến ngày, tính cả ngày đó: {DATE_HELP}."),
    Param("directive", "boolean", "Chỉ bài có nêu văn bản chỉ đạo.", default=False),
    Param("visit", "boolean", "Chỉ bài có đoàn ra, đoàn vào.", default=False),
    Param("sort", "string", "relevance: liên quan nhất (khi có q); date: mới nhất trước.", choices=("relevance", "date"),
          default="relevance"),
)


def search_request(query, per_page_param: Param = PER_PAGE, sort: str | None = None):
    """The archive's SearchRequest for an API or feed query string: values checked here (400 on a bad
    one), then read by web/archive.py's ``read_request`` exactly as the archive page reads them."""
    from web.archive import read_request

    values = read_params(SEARCH_PARAMS + (PAGE, per_page_param), query)
    form = {
        "q": values["q"] or "", "portal": values["portal"] or "", "province": values["province"] or "",
        "kind": values["kind"] or "", "from": values["from"] or "", "to": values["to"] or "",
        "accents": "1" if values["accents"] else "", "directive": "1" if values["directive"] else "",
        "visit": "1" if values["visit"] else "", "sort": sort or values["sort"], "page": str(values["page"]),
    }
    request, message = read_request(form)
    if message:
        raise ApiError(400, message)
    return replace(request, page=values["page"], per_page=values["per_page"])


# ---------------------------------------------------------------------------------------------
# Response models (the OpenAPI schemas are generated from these).


class ErrorOut(BaseModel):
    error: str = Field(description="Lý do, một dòng tiếng Việt.")


class PortalRef(BaseModel):
    id: str
    name: str
    province: str | None
    kind: str | None


class ArticleSummary(BaseModel):
    id: int
    url: str = Field(description="Địa chỉ bài trên cổng.")
    link: str = Field(description="Trang của bài trong kho lưu trữ (đường dẫn tương đối).")
    title: str
    lead: str | None
    portal: PortalRef
    published_at: datetime | None = Field(description="Ngày đăng, giờ Việt Nam (+07:00).")
    published_at_utc: datetime | None
    published_has_time: bool = Field(description="false: cổng chỉ ghi ngày đăng, không ghi giờ.")
    first_seen_at: datetime = Field(description="Lúc portalwatch thu thập bài, giờ Việt Nam.")
    first_seen_at_utc: datetime
    topic: str | None
    directives: list[str] = Field(description="Số, ký hiệu các văn bản bài nêu.")
    visit: bool = Field(description="Bài có đoàn ra, đoàn vào.")
    partners: list[str] = Field(description="Nước đối tác của đoàn.")


class ArticleOut(ArticleSummary):
    author: str | None
    text: str


class ArticleList(BaseModel):
    total: int
    page: int
    per_page: int
    pages: int
    message: str | None = Field(description="Khi không có kết quả: vì sao.")
    items: list[ArticleSummary]


class ArticleRef(BaseModel):
    id: int
    title: str
    url: str
    link: str
    portal: PortalRef
    published_at: datetime | None
    first_seen_at: datetime


class DocumentSummary(BaseModel):
    code: str = Field(description="Số, ký hiệu (04-CT/TW).")
    scope: str = Field(description="Phạm vi của số: VN cho văn bản Trung ương, tên tỉnh cho văn bản địa phương.")
    link: str
    kind: str | None
    number: str | None
    year: int | None
    issuer: str | None = Field(description="Mã cơ quan ban hành trong ký hiệu (TW, UBND…).")
    issuer_name: str | None
    issued_on: str | None = Field(description="Ngày ban hành, năm-tháng-ngày.")
    effective_on: str | None
    summary: str | None = Field(description="Trích yếu.")
    signer: str | None
    register_url: str | None
    first_seen_at: datetime
    mentions: int = Field(description="Số bài nêu văn bản.")
    first_article: ArticleRef | None


class DocumentListItem(DocumentSummary):
    portals: int = Field(description="Số cổng nêu văn bản.")


class DocumentList(BaseModel):
    total: int
    page: int
    per_page: int
    pages: int
    items: list[DocumentListItem]


class MentionOut(BaseModel):
    article: ArticleRef
    sentence: str | None


class DocumentOut(DocumentSummary):
    portals: list[PortalRef] = Field(description="Các cổng nêu văn bản, theo thứ tự xuất hiện.")
    timeline: list[MentionOut] = Field(description="Các bài nêu văn bản, theo ngày đăng.")


class DocumentsByCode(BaseModel):
    code: str
    documents: list[DocumentOut] = Field(description="Một mục cho mỗi phạm vi (scope) có số này.")


class VisitOut(BaseModel):
    match_id: int
    article: ArticleRef
    partners: list[str]
    directions: list[str] = Field(description="đoàn ra / đoàn vào, khi nhận ra được.")
    snippet: str | None = Field(description="Câu nêu đoàn; [[…]] bao các từ nhận ra.")


class PartnerCount(BaseModel):
    partner: str
    count: int


class VisitList(BaseModel):
    total: int
    page: int
    per_page: int
    pages: int
    counts: list[PartnerCount] = Field(description="Số đoàn theo nước đối tác (trong bộ lọc tỉnh), nhiều nhất trước.")
    items: list[VisitOut]


class CrawlOut(BaseModel):
    status: str
    started_at: datetime
    finished_at: datetime | None
    reason: str | None
    new_articles: int
    requests: int
    errors: int


class PortalOut(BaseModel):
    id: str
    name: str
    province: str | None
    kind: str | None
    enabled: bool
    paused: bool
    health: str = Field(description="healthy | unhealthy | unknown.")
    health_reason: str | None
    last_success_at: datetime | None
    last_failure_at: datetime | None
    last_new_article_at: datetime | None
    last_crawl: CrawlOut | None
    articles_total: int
    articles_last_7_days: int


class PortalList(BaseModel):
    total: int
    items: list[PortalOut]


# ---------------------------------------------------------------------------------------------
# Rows to models.


def vn(value: datetime | None) -> datetime | None:
    return value.astimezone(VIETNAM) if value else None


def utc(value: datetime | None) -> datetime | None:
    return value.astimezone(timezone.utc) if value else None


def portal_ref(portal) -> PortalRef:
    return PortalRef(id=portal.id, name=portal.name, province=portal.province, kind=portal.kind)


def article_ref(article, portal) -> ArticleRef:
    return ArticleRef(id=article.id, title=article.title, url=article.url, link=f"/bai-viet/{article.id}",
                      portal=portal_ref(portal), published_at=vn(article.published_at), first_seen_at=vn(article.first_seen_at))


def article_fields(hit) -> dict:
    a = hit.article
    return dict(
        id=a.id, url=a.url, link=f"/bai-viet/{a.id}", title=a.title, lead=a.lead, portal=portal_ref(hit.portal),
        published_at=vn(a.published_at), published_at_utc=utc(a.published_at), published_has_time=bool(a.published_has_time),
        first_seen_at=vn(a.first_seen_at), first_seen_at_utc=utc(a.first_seen_at), topic=a.topic,
        directives=list(hit.codes), visit=hit.visit, partners=list(hit.partners),
    )


def document_link(code: str) -> str:
    from urllib.parse import quote

    return "/van-ban/" + quote(code, safe="/")


def document_fields(d, first_article=None, first_portal=None) -> dict:
    return dict(
        code=d.code, scope=d.scope, link=document_link(d.code), kind=d.kind, number=d.number, year=d.year, issuer=d.issuer,
        issuer_name=d.issuer_name, issued_on=d.issued_on, effective_on=d.effective_on, summary=d.summary, signer=d.signer,
        register_url=d.register_url, first_seen_at=vn(d.first_seen_at), mentions=d.mentions or 0,
        first_article=article_ref(first_article, first_portal) if first_article is not None and first_portal is not None else None,
    )


def pages(total: int, per_page: int) -> int:
    return max(1, math.ceil(total / per_page))


def week_start(now: datetime) -> datetime:
    """Monday 00:00 Vietnam time of the ISO week ``now`` falls in, as UTC (storage/week.py's weeks)."""
    from storage.week import week_of

    return week_of(now).start


# ---------------------------------------------------------------------------------------------
# Endpoints: (factory, path values, query) -> model, run in a worker thread.


def articles(factory, path: dict, query) -> ArticleList:
    from storage.search import search

    request = search_request(query)
    with transaction(factory) as session:
        result = search(session, request)
        if result.query.error:
            raise ApiError(400, result.query.error)
        items = [ArticleSummary(**article_fields(hit)) for hit in result.hits]
    return ArticleList(total=result.total, page=result.page, per_page=result.per_page, pages=result.pages,
                       message=result.message, items=items)


def read_id(raw: str) -> int:
    if not re.fullmatch(r"\d{1,10}", raw) or not 1 <= int(raw) <= MAX_ID:
        raise ApiError(400, f"Mã bài viết phải là số nguyên từ 1 đến {MAX_ID}: “{raw[:40]}”.")
    return int(raw)


def article(factory, path: dict, query) -> ArticleOut:
    from storage.search import get_article

    article_id = read_id(path["id"])
    with transaction(factory) as session:
        hit = get_article(session, article_id)
        if hit is None:
            raise ApiError(404, f"Không có bài viết {article_id} trong kho lưu trữ.")
        return ArticleOut(**article_fields(hit), author=hit.article.author, text=hit.article.text)


DOCUMENT_PARAMS = (
    Param("kind", "string", "Loại văn bản (Chỉ thị, Nghị quyết, Quyết định…)."),
    Param("issuer", "string", "Mã cơ quan ban hành trong ký hiệu (TW, TU, UBND…)."),
    Param("year", "integer", "Năm của số văn bản.", minimum=1900, maximum=2100),
    Param("scope", "string", "Phạm vi: VN, hoặc tên tỉnh cho văn bản địa phương."),
    Param("new", "boolean", "Chỉ văn bản xuất hiện lần đầu trong tuần này (tuần ISO, từ thứ Hai 00:00 giờ Việt Nam).",
          default=False),
)


def documents(factory, path: dict, query) -> DocumentList:
    from storage.registers import directive_list

    values = read_params(DOCUMENT_PARAMS + (PAGE, PER_PAGE), query)
    since = week_start(utcnow()) if values["new"] else None
    per_page, page = values["per_page"], values["page"]
    with transaction(factory) as session:
        rows, total = directive_list(session, values["kind"], values["issuer"], values["year"], per_page,
                                     (page - 1) * per_page, since=since, scope=values["scope"])
        items = [DocumentListItem(**document_fields(r.directive, r.first_article, r.first_portal), portals=r.portals)
                 for r in rows]
    return DocumentList(total=total, page=page, per_page=per_page, pages=pages(total, per_page), items=items)


SCOPE = Param("scope", "string", "Chỉ văn bản của phạm vi này (một số địa phương có thể có ở nhiều tỉnh).")


def document(factory, path: dict, query) -> DocumentsByCode:
    from storage.registers import directives_by_code

    code = unicodedata.normalize("NFC", path["code"])
    scope = SCOPE.read(query.get("scope"))
    if len(code) > 120 or "\x00" in code:
        raise ApiError(404, f"Không có văn bản “{code[:60]}” trong sổ văn bản.")
    with transaction(factory) as session:
        found = directives_by_code(session, code, scope)
        out = []
        for directive, mentions in found:
            first = next((m for m in mentions if m.article.id == directive.first_article_id), None)
            portals = list({m.portal.id: portal_ref(m.portal) for m in mentions}.values())
            out.append(DocumentOut(
                **document_fields(directive, first.article if first else None, first.portal if first else None),
                portals=portals, timeline=[MentionOut(article=article_ref(m.article, m.portal), sentence=m.sentence) for m in mentions],
            ))
    if not out:
        where = f" (phạm vi {scope})" if scope else ""
        raise ApiError(404, f"Không có văn bản “{code[:60]}”{where} trong sổ văn bản.")
    return DocumentsByCode(code=code, documents=out)


VISIT_PARAMS = (
    Param("partner", "string", "Nước đối tác (Lào, Trung Quốc…)."),
    Param("province", "string", "Tỉnh, thành phố của cổng đưa tin."),
)


def visits(factory, path: dict, query) -> VisitList:
    from storage.registers import visits as visit_rows

    values = read_params(VISIT_PARAMS + (PAGE, PER_PAGE), query)
    per_page, page = values["per_page"], values["page"]
    with transaction(factory) as session:
        # The register reads every visit to count partners anyway; the page is cut from its rows.
        rows, counts = visit_rows(session, values["partner"], values["province"], limit=MAX_ID)
        shown = rows[(page - 1) * per_page: page * per_page]
        items = [VisitOut(match_id=r.match.id, article=article_ref(r.article, r.portal), partners=list(dict.fromkeys(r.match.terms or [])),
                          directions=r.directions, snippet=r.match.snippet) for r in shown]
    return VisitList(total=len(rows), page=page, per_page=per_page, pages=pages(len(rows), per_page),
                     counts=[PartnerCount(partner=p, count=n) for p, n in counts.most_common()], items=items)


def portals(factory, path: dict, query) -> PortalList:
    from storage.status import status_overview

    with transaction(factory) as session:
        overview = status_overview(session, utcnow() - timedelta(days=7), alerts=0)
        items = []
        for p in overview.portals:
            run = overview.runs.get(p.id)
            crawl = CrawlOut(status=run.status, started_at=vn(run.started_at), finished_at=vn(run.finished_at), reason=run.reason,
                             new_articles=run.new_articles or 0, requests=run.requests or 0, errors=run.errors or 0) if run else None
            items.append(PortalOut(
                id=p.id, name=p.name, province=p.province, kind=p.kind, enabled=bool(p.enabled), paused=bool(p.paused),
                health=p.health or "unknown", health_reason=p.health_reason, last_success_at=vn(p.last_success_at),
                last_failure_at=vn(p.last_failure_at), last_new_article_at=vn(p.last_new_article_at), last_crawl=crawl,
                articles_total=overview.totals.get(p.id, 0), articles_last_7_days=overview.weekly.get(p.id, 0),
            ))
    return PortalList(total=len(items), items=items)


class CountOut(BaseModel):
    name: str
    count: int


class DayCount(BaseModel):
    day: date
    count: int


class WeekDocument(BaseModel):
    code: str
    scope: str
    kind: str | None
    link: str
    first_seen_at: datetime
    first_article: ArticleRef | None


class WeekOut(BaseModel):
    week: str = Field(description="Tuần ISO, năm-Wtuần (2026-W48).")
    start: datetime = Field(description="Thứ Hai 00:00 giờ Việt Nam.")
    end: datetime = Field(description="Thứ Hai tuần sau 00:00 giờ Việt Nam (không tính).")
    articles: int = Field(description="Số bài trong tuần (theo ngày đăng, hoặc ngày thu thập).")
    per_province: list[CountOut] = Field(description="Số bài theo tỉnh, nhiều nhất trước.")
    documents: list[WeekDocument] = Field(description="Văn bản xuất hiện lần đầu trong tuần, theo thứ tự xuất hiện.")
    documents_per_day: list[DayCount] = Field(description="Số văn bản mới mỗi ngày, thứ Hai đến Chủ nhật.")
    visits: int = Field(description="Số đoàn ra, đoàn vào trong tuần.")
    partners: list[CountOut] = Field(description="Số đoàn theo nước đối tác, nhiều nhất trước (tối đa 15).")
    rules: list[CountOut] = Field(description="Số bài khớp mỗi quy tắc từ khóa, nhiều nhất trước (tối đa 15).")


def week(factory, path: dict, query) -> WeekOut:
    from storage.week import parse_week, week_data

    raw = path["week"]
    found = parse_week(raw) if re.fullmatch(r"\d{4}-W\d{2}", raw) else None
    if found is None:
        raise ApiError(400, f"Tuần không hợp lệ: “{raw[:40]}” (ghi theo dạng năm-Wtuần, ví dụ 2026-W48).")
    with transaction(factory) as session:
        data = week_data(session, found)
        return WeekOut(
            week=found.name, start=vn(found.start), end=vn(found.end), articles=data.articles,
            per_province=[CountOut(name=n, count=c) for n, c in data.per_province],
            documents=[WeekDocument(code=d.directive.code, scope=d.directive.scope, kind=d.directive.kind,
                                    link=document_link(d.directive.code), first_seen_at=vn(d.directive.first_seen_at),
                                    first_article=article_ref(d.first_article, d.first_portal)
                                    if d.first_article is not None and d.first_portal is not None else None)
                       for d in data.documents],
            documents_per_day=[DayCount(day=day, count=n) for day, n in data.documents_per_day],
            visits=len(data.visits), partners=[CountOut(name=n, count=c) for n, c in data.partners],
            rules=[CountOut(name=n, count=c) for n, c in data.rules],
        )


# ---------------------------------------------------------------------------------------------
# The table of endpoints, the routes and the OpenAPI document.


@dataclass(frozen=True)
class Endpoint:
    path: str  # OpenAPI form: /api/articles/{id}
    route: str  # aiohttp form
    handler: Callable
    model: type[BaseModel]
    summary: str
    params: tuple[Param, ...] = ()
    not_found: bool = False
    tag: str = "api"


ID = Param("id", "integer", "Mã bài viết.", minimum=1, maximum=MAX_ID, where="path")
CODE = Param("code", "string", "Số, ký hiệu văn bản, như viết trong văn bản (04-CT/TW; dấu / giữ nguyên hoặc %2F).",
             where="path")

WEEK = Param("week", "string", "Tuần ISO theo giờ Việt Nam: năm-Wtuần (2026-W48).", where="path",
             pattern=r"^\d{4}-W\d{2}$")

ENDPOINTS: list[Endpoint] = [
    Endpoint("/api/articles", "/api/articles", articles, ArticleList,
             "Tìm bài viết trong kho lưu trữ (như trang tra cứu /)", SEARCH_PARAMS + (PAGE, PER_PAGE)),
    Endpoint("/api/articles/{id}", "/api/articles/{id}", article, ArticleOut, "Một bài viết, cả nội dung", (ID,),
             not_found=True),
    Endpoint("/api/documents", "/api/documents", documents, DocumentList,
             "Sổ văn bản: văn bản được nêu, mới xuất hiện trước", DOCUMENT_PARAMS + (PAGE, PER_PAGE)),
    Endpoint("/api/documents/{code}", "/api/documents/{code:.+}", document, DocumentsByCode,
             "Văn bản theo số, ký hiệu: mỗi phạm vi một mục, với các bài nêu nó", (CODE, SCOPE), not_found=True),
    Endpoint("/api/visits", "/api/visits", visits, VisitList, "Đoàn ra, đoàn vào, và số đoàn theo nước đối tác",
             VISIT_PARAMS + (PAGE, PER_PAGE)),
    Endpoint("/api/portals", "/api/portals", portals, PortalList,
             "Các cổng theo dõi: loại, tỉnh, tình trạng, lần thu thập gần nhất"),
    Endpoint("/api/week/{week}", "/api/week/{week}", week, WeekOut,
             "Số liệu một tuần ISO theo giờ Việt Nam: bài theo tỉnh, văn bản mới, đoàn theo nước, quy tắc từ khóa", (WEEK,),
             not_found=True),
]


def handler_for(endpoint: Endpoint, daemon):
    async def handle(request: web.Request) -> web.Response:
        try:
            model = await asyncio.to_thread(endpoint.handler, daemon.prepared.factory, dict(request.match_info), request.query)
        except ApiError as error:
            return error_response(error.status, error.message)
        return json_response(model.model_dump(mode="json"))

    return handle


# Extra (non-JSON) operations other modules describe in the same document: the Atom feeds.
EXTRA_OPERATIONS: dict[str, dict] = {}


def _response(description: str, model: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model}"}}}}


@lru_cache(maxsize=1)
def openapi_document() -> dict:
    """The OpenAPI 3.1 document of ``ENDPOINTS`` (and the feeds in ``EXTRA_OPERATIONS``)."""
    models = {ErrorOut, *(e.model for e in ENDPOINTS)}
    _, schemas = models_json_schema([(m, "serialization") for m in sorted(models, key=lambda m: m.__name__)],
                                    ref_template="#/components/schemas/{model}")
    paths: dict[str, dict] = {}
    for e in ENDPOINTS:
        responses = {"200": _response("Kết quả.", e.model.__name__)}
        if any(p.where == "query" for p in e.params) or any(p.where == "path" for p in e.params):
            responses["400"] = _response("Tham số không hợp lệ.", "ErrorOut")
        if e.not_found:
            responses["404"] = _response("Không có mục này.", "ErrorOut")
        responses["401"] = _response("Cần mật khẩu (khi PORTALWATCH_WEB_PASSWORD được đặt).", "ErrorOut")
        paths[e.path] = {"get": {
            "summary": e.summary, "operationId": e.handler.__name__, "tags": [e.tag],
            "parameters": [p.openapi() for p in e.params], "responses": responses,
        }}
    for path, operation in EXTRA_OPERATIONS.items():
        paths[path] = {"get": operation}
    return {
        "openapi": "3.1.0",
        "info": {"title": "portalwatch API", "version": "1",
                 "description": "Kho lưu trữ bài viết, sổ văn bản, đoàn ra đoàn vào và tình trạng các cổng của portalwatch; "
                                "chỉ đọc. Giờ theo ISO 8601, giờ Việt Nam (+07:00)."},
        "paths": paths,
        "components": {
            "schemas": schemas.get("$defs", {}),
            "securitySchemes": {"basic": {"type": "http", "scheme": "basic",
                                          "description": "Khi PORTALWATCH_WEB_PASSWORD được đặt: mọi tên, mật khẩu đó."}},
        },
        "security": [{}, {"basic": []}],
    }


def _json_errors():
    """Outermost middleware for /api/: the login's 401 and every other error page answer as JSON."""

    @web.middleware
    async def middleware(request: web.Request, handler):
        if not request.path.startswith("/api/"):
            return await handler(request)
        try:
            response = await handler(request)
        except web.HTTPException as error:
            if error.status < 400:
                raise
            return error_response(error.status, error.reason or "Lỗi", {k: v for k, v in error.headers.items()
                                                                      if k in ("Allow", "WWW-Authenticate")})
        if response.status >= 400 and response.content_type != "application/json":
            headers = {k: v for k, v in response.headers.items() if k in ("Allow", "WWW-Authenticate")}
            message = {401: "Cần mật khẩu của portalwatch (HTTP Basic).", 404: "Không có địa chỉ này trong API."}
            return error_response(response.status, message.get(response.status, response.reason or "Lỗi"), headers)
        return response

    return middleware


def add_routes(app: web.Application, daemon) -> None:
    """The JSON API: every endpoint of ``ENDPOINTS`` and ``/api/openapi.json``."""

    async def openapi_json(request: web.Request) -> web.Response:
        return json_response(openapi_document())

    app.middlewares.insert(0, _json_errors())
    app.router.add_get("/api/openapi.json", openapi_json)
    for endpoint in ENDPOINTS:
        app.router.add_get(endpoint.route, handler_for(endpoint, daemon))
