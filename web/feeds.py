"""Atom 1.0 feeds of any search, of the document register and of the visits register.

``/feeds/tim-kiem.atom?q=…&<the archive's filters>`` is the archive page's search as a feed (newest
first), so a feed reader subscribes to a query; ``/feeds/van-ban.atom`` and ``/feeds/doan.atom`` take
the filters of /api/documents and /api/visits. Query strings are read by web/api.py (the same checks;
a bad value is a 400 line of text). The XML is the Jinja2 template ``feed.xml`` (autoescaped), and
text a stored page carried that XML cannot hold (control characters) is dropped first.

Entry ids are tag URIs built from database ids (``tag:portalwatch,2026:bai-viet/12``), so a reader
never sees an entry twice; ``updated`` is when portalwatch first saw the entry.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import quote, urlencode

from aiohttp import web

from crawler.timefmt import iso_vn
from storage.db import transaction
from storage.types import utcnow
from web.api import (DOCUMENT_PARAMS, EXTRA_OPERATIONS, SEARCH_PARAMS, VISIT_PARAMS, ApiError, Param, document_link,
                     read_params, search_request, week_start)
from web.templating import render

ENTRIES = 50
TAG = "tag:portalwatch,2026:"
ATOM = "application/atom+xml"
# Characters XML 1.0 cannot carry: C0 controls but tab/LF/CR, surrogates, U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
SUMMARY_CHARS = 600


def xml_text(value) -> str:
    return _NOT_XML.sub("", "" if value is None else str(value))


@dataclass
class Entry:
    id: str
    title: str
    link: str
    updated: datetime
    published: datetime
    author: str
    summary: str
    related: str | None = None
    related_title: str | None = None
    categories: list[str] = field(default_factory=list)


@dataclass
class Feed:
    id: str
    title: str
    subtitle: str
    self_url: str
    page_url: str
    entries: list[Entry] = field(default_factory=list)


def base_url(request: web.Request, daemon) -> str:
    public = getattr(getattr(daemon, "settings", None), "public_url", None)
    return (public or str(request.url.origin())).rstrip("/")


def canonical_query(values: dict) -> str:
    """The checked parameters as a stable query string (for the feed's id and its links)."""
    def text(v):
        return "1" if v is True else str(v)

    return urlencode(sorted((k, text(v)) for k, v in values.items() if v not in (None, "", False) and k != "page"))


def with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def finish(feed: Feed) -> web.Response:
    """The feed as Atom XML; ``updated`` is its newest entry's (now when it has none)."""
    newest = max((e.updated for e in feed.entries), default=utcnow())
    clean = {k: xml_text(v) for k, v in vars(feed).items() if k != "entries"}
    entries = [
        {**{k: xml_text(v) for k, v in vars(e).items() if k not in ("updated", "published", "categories", "related", "related_title")},
         "updated": iso_vn(e.updated), "published": iso_vn(e.published),
         "related": xml_text(e.related) if e.related else None, "related_title": xml_text(e.related_title) if e.related_title else None,
         "categories": [xml_text(c) for c in e.categories if c]}
        for e in feed.entries
    ]
    body = render("feed.xml", feed={**clean, "updated": iso_vn(newest)}, entries=entries)
    return web.Response(text=body, content_type=ATOM, charset="utf-8")


def summary_of(article) -> str:
    text = xml_text(article.lead or article.text or "").strip()
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS].rsplit(" ", 1)[0] + "…"


def article_entry(base: str, article, portal, title_prefix: str = "", entry_id: str | None = None, updated=None,
                  categories=(), article_query: str = "") -> Entry:
    return Entry(
        id=entry_id or f"{TAG}bai-viet/{article.id}", title=title_prefix + article.title,
        link=with_query(f"{base}/bai-viet/{article.id}", article_query), updated=updated or article.first_seen_at,
        published=article.published_at or article.first_seen_at, author=portal.name, summary=summary_of(article),
        related=article.url, related_title=portal.name, categories=[portal.province, *categories],
    )


def search_feed(daemon, request: web.Request) -> web.Response:
    from storage.search import search

    values = read_params(SEARCH_PARAMS, request.query)
    search_req = replace(search_request(request.query, sort="date"), page=1, per_page=ENTRIES)
    base = base_url(request, daemon)
    canonical = canonical_query({k: v for k, v in values.items() if k != "sort"})
    text = (values["q"] or "").strip()
    feed = Feed(f"{TAG}tim-kiem?{canonical}", f"portalwatch — tìm “{text}”" if text else "portalwatch — bài viết mới",
                "Bài viết mới nhất khớp với câu tìm kiếm và bộ lọc trên trang tra cứu.",
                with_query(f"{base}/feeds/tim-kiem.atom", canonical), with_query(f"{base}/", canonical))
    article_query = urlencode({"q": text, **({"accents": "1"} if values["accents"] else {})}) if text else ""
    with transaction(daemon.prepared.factory) as session:
        result = search(session, search_req)
        if result.query.error:
            raise ApiError(400, result.query.error)
        for hit in result.hits:
            categories = [*hit.codes, *(["Đoàn: " + ", ".join(hit.partners)] if hit.visit and hit.partners else [])]
            feed.entries.append(article_entry(base, hit.article, hit.portal, categories=categories, article_query=article_query))
    return finish(feed)


def documents_feed(daemon, request: web.Request) -> web.Response:
    from storage.registers import directive_list

    values = read_params(DOCUMENT_PARAMS, request.query)
    since = week_start(utcnow()) if values["new"] else None
    base = base_url(request, daemon)
    canonical = canonical_query(values)
    feed = Feed(f"{TAG}van-ban?{canonical}", "portalwatch — văn bản mới được nêu",
                "Văn bản chỉ đạo xuất hiện lần đầu trên các cổng theo dõi, mới nhất trước.",
                with_query(f"{base}/feeds/van-ban.atom", canonical), f"{base}/van-ban/")
    with transaction(daemon.prepared.factory) as session:
        rows, _ = directive_list(session, values["kind"], values["issuer"], values["year"], ENTRIES, 0, since=since,
                                 scope=values["scope"])
        for row in rows:
            d, first, portal = row.directive, row.first_article, row.first_portal
            issuer = d.issuer_name or d.issuer
            facts = [d.summary, f"Phạm vi: {d.scope}", f"Cơ quan ban hành: {issuer}" if issuer else None,
                     f"Ngày ban hành: {d.issued_on}" if d.issued_on else None,
                     f"Xuất hiện lần đầu: {first.title} ({portal.name})" if first and portal else None,
                     f"Số bài nêu: {d.mentions or 0}, trên {row.portals} cổng"]
            feed.entries.append(Entry(
                id=f"{TAG}van-ban/{quote(d.scope, safe='')}/{quote(d.code, safe='/')}",
                title=" ".join(filter(None, [d.kind, d.code])), link=base + document_link(d.code),
                updated=d.first_seen_at, published=d.first_seen_at, author=portal.name if portal else "portalwatch",
                summary=". ".join(f for f in facts if f), related=d.register_url, categories=[d.kind, d.issuer, d.scope],
            ))
    return finish(feed)


def visits_feed(daemon, request: web.Request) -> web.Response:
    from storage.registers import visits

    values = read_params(VISIT_PARAMS, request.query)
    base = base_url(request, daemon)
    canonical = canonical_query(values)
    feed = Feed(f"{TAG}doan?{canonical}", "portalwatch — đoàn ra, đoàn vào",
                "Các đoàn ra, đoàn vào nhận ra trong bài viết của các cổng theo dõi, mới nhất trước.",
                with_query(f"{base}/feeds/doan.atom", canonical), with_query(f"{base}/doan/", canonical))
    with transaction(daemon.prepared.factory) as session:
        rows, _ = visits(session, values["partner"], values["province"], limit=ENTRIES)
        for row in rows:
            partners = list(dict.fromkeys(row.match.terms or []))
            prefix = ("Đoàn" + (f" ({', '.join(row.directions)})" if row.directions else "")
                      + (f" — {', '.join(partners)}" if partners else "") + ": ")
            feed.entries.append(article_entry(base, row.article, row.portal, title_prefix=prefix,
                                              entry_id=f"{TAG}doan/{row.match.id}",
                                              updated=row.match.created_at or row.article.first_seen_at, categories=partners))
    return finish(feed)


FEEDS = {
    "/feeds/tim-kiem.atom": (search_feed, SEARCH_PARAMS, "Tìm kiếm dưới dạng Atom 1.0: 50 bài mới nhất khớp với q và bộ lọc"),
    "/feeds/van-ban.atom": (documents_feed, DOCUMENT_PARAMS, "Văn bản mới được nêu (Atom 1.0), 50 mục mới nhất"),
    "/feeds/doan.atom": (visits_feed, VISIT_PARAMS, "Đoàn ra, đoàn vào (Atom 1.0), 50 mục mới nhất"),
}


def _operation(name: str, params: tuple[Param, ...], summary: str) -> dict:
    return {
        "summary": summary, "operationId": name, "tags": ["feeds"],
        "parameters": [p.openapi() for p in params if p.name != "sort"],
        "responses": {
            "200": {"description": "Nguồn tin Atom 1.0.", "content": {ATOM: {"schema": {"type": "string"}}}},
            "400": {"description": "Tham số không hợp lệ: một dòng văn bản.", "content": {"text/plain": {"schema": {"type": "string"}}}},
            "401": {"description": "Cần mật khẩu (khi PORTALWATCH_WEB_PASSWORD được đặt).",
                    "content": {"text/html": {"schema": {"type": "string"}}}},
        },
    }


def add_routes(app: web.Application, daemon) -> None:
    """The three Atom feeds (described in /api/openapi.json beside the API)."""
    from web.api import openapi_document

    for path, (build, params, summary) in FEEDS.items():
        EXTRA_OPERATIONS[path] = _operation(build.__name__, params, summary)

        async def handle(request: web.Request, build=build) -> web.Response:
            try:
                return await asyncio.to_thread(build, daemon, request)
            except ApiError as error:
                return web.Response(text=error.message, status=error.status, content_type="text/plain", charset="utf-8")

        app.router.add_get(path, handle)
    openapi_document.cache_clear()
