"""Atom 1.0 feeds of any search, of the document register and of the visits register.

``/feeds/tim-kiem.atom?q=…&<the archive's filters>`` is the archive page's search as a feed (newest
first), so a feed reader subscribes to a query; ``/feeds/van-ban.atom`` and ``/feeds/doan.atom`` take
the API's filters of /api/documents and /api/visits. Query strings are read by web/api.py (the same
checks, a bad value is a 400 line of text); the XML is written by feedgen (escaped by lxml), and text
a stored page carried that XML cannot hold (control characters) is dropped first.

Entry ids are tag URIs built from database ids (``tag:portalwatch,2026:bai-viet/12``), so a reader
never sees an entry twice; ``updated`` is when portalwatch first saw the entry.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from datetime import timezone
from urllib.parse import quote, urlencode

from aiohttp import web
from feedgen.feed import FeedGenerator

from storage.db import transaction
from storage.types import utcnow
from web.api import (DOCUMENT_PARAMS, EXTRA_OPERATIONS, PAGE, SEARCH_PARAMS, VISIT_PARAMS, ApiError, Param, document_link,
                     read_params, search_request, week_start)

ENTRIES = 50
TAG = "tag:portalwatch,2026:"
ATOM = "application/atom+xml"
# Characters XML 1.0 cannot carry (lxml refuses them): C0 controls but tab/LF/CR, surrogates, U+FFFE/F.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
SUMMARY_CHARS = 600


def xml_text(value) -> str:
    return _NOT_XML.sub("", "" if value is None else str(value))


def base_url(request: web.Request, daemon) -> str:
    public = getattr(getattr(daemon, "settings", None), "public_url", None)
    return (public or str(request.url.origin())).rstrip("/")


def canonical_query(values: dict) -> str:
    """The checked parameters as a stable query string (for the feed's id and its links)."""
    def text(v):
        return "1" if v is True else str(v)

    return urlencode(sorted((k, text(v)) for k, v in values.items() if v not in (None, "", False) and k != "page"))


def new_feed(feed_id: str, title: str, subtitle: str, self_url: str, page_url: str) -> FeedGenerator:
    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(xml_text(title))
    feed.subtitle(xml_text(subtitle))
    feed.author({"name": "portalwatch"})
    feed.link(href=self_url, rel="self", type=ATOM)
    feed.link(href=page_url, rel="alternate", type="text/html")
    feed.language("vi")
    feed.generator("portalwatch")
    return feed


def finish(feed: FeedGenerator, newest) -> web.Response:
    feed.updated(newest or utcnow())
    return web.Response(body=feed.atom_str(pretty=True), content_type=ATOM, charset="utf-8")


def summary_of(article) -> str:
    text = xml_text(article.lead or article.text or "").strip()
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS].rsplit(" ", 1)[0] + "…"


def add_article_entry(feed: FeedGenerator, base: str, article, portal, title_prefix: str = "", entry_id: str | None = None,
                      updated=None, categories=(), article_query: str = "") -> None:
    entry = feed.add_entry(order="append")
    entry.id(entry_id or f"{TAG}bai-viet/{article.id}")
    entry.title(xml_text(title_prefix + article.title))
    entry.link(href=f"{base}/bai-viet/{article.id}{'?' + article_query if article_query else ''}", rel="alternate",
               type="text/html")
    entry.link(href=xml_text(article.url), rel="related", title=xml_text(portal.name))
    entry.author({"name": xml_text(portal.name)})
    entry.published(article.published_at or article.first_seen_at)
    entry.updated(updated or article.first_seen_at)
    entry.summary(summary_of(article), type="text")
    for term in (portal.province, *categories):
        if term:
            entry.category(term=xml_text(term))


def search_feed(daemon, request: web.Request) -> web.Response:
    from storage.search import search

    query = request.query
    values = read_params(SEARCH_PARAMS, query)
    search_req = replace(search_request(query, sort="date"), page=1, per_page=ENTRIES)
    base = base_url(request, daemon)
    canonical = canonical_query({k: v for k, v in values.items() if k != "sort"})
    text = (values["q"] or "").strip()
    title = f"portalwatch — tìm “{text}”" if text else "portalwatch — bài viết mới"
    feed = new_feed(f"{TAG}tim-kiem?{canonical}", title,
                    "Bài viết mới nhất khớp với câu tìm kiếm và bộ lọc trên trang tra cứu.",
                    f"{base}/feeds/tim-kiem.atom" + (f"?{canonical}" if canonical else ""),
                    f"{base}/" + (f"?{canonical}" if canonical else ""))
    article_query = urlencode({"q": text, **({"accents": "1"} if values["accents"] else {})}) if text else ""
    with transaction(factory_of(daemon)) as session:
        result = search(session, search_req)
        if result.query.error:
            raise ApiError(400, result.query.error)
        newest = None
        for hit in result.hits:
            categories = [*hit.codes, *(["Đoàn: " + ", ".join(hit.partners)] if hit.visit and hit.partners else [])]
            add_article_entry(feed, base, hit.article, hit.portal, categories=categories, article_query=article_query)
            newest = max(filter(None, [newest, hit.article.first_seen_at]))
    return finish(feed, newest)


def documents_feed(daemon, request: web.Request) -> web.Response:
    from storage.registers import directive_list

    values = read_params(DOCUMENT_PARAMS, request.query)
    since = week_start(utcnow()) if values["new"] else None
    base = base_url(request, daemon)
    canonical = canonical_query(values)
    feed = new_feed(f"{TAG}van-ban?{canonical}", "portalwatch — văn bản mới được nêu",
                    "Văn bản chỉ đạo xuất hiện lần đầu trên các cổng theo dõi, mới nhất trước.",
                    f"{base}/feeds/van-ban.atom" + (f"?{canonical}" if canonical else ""), f"{base}/van-ban/")
    newest = None
    with transaction(factory_of(daemon)) as session:
        rows, _ = directive_list(session, values["kind"], values["issuer"], values["year"], ENTRIES, 0, since=since,
                                 scope=values["scope"])
        for row in rows:
            d = row.directive
            entry = feed.add_entry(order="append")
            entry.id(f"{TAG}van-ban/{quote(d.scope, safe='')}/{quote(d.code, safe='/')}")
            entry.title(xml_text(" ".join(filter(None, [d.kind, d.code]))))
            entry.link(href=base + document_link(d.code), rel="alternate", type="text/html")
            if d.register_url:
                entry.link(href=xml_text(d.register_url), rel="related")
            facts = [d.summary, f"Phạm vi: {d.scope}", f"Cơ quan ban hành: {d.issuer_name or d.issuer}" if (d.issuer_name or d.issuer) else None,
                     f"Ngày ban hành: {d.issued_on}" if d.issued_on else None,
                     f"Xuất hiện lần đầu: {row.first_article.title} ({row.first_portal.name})" if row.first_article and row.first_portal else None,
                     f"Số bài nêu: {d.mentions or 0}, trên {row.portals} cổng"]
            entry.summary(xml_text(". ".join(f for f in facts if f)), type="text")
            entry.author({"name": xml_text(row.first_portal.name if row.first_portal else "portalwatch")})
            entry.updated(d.first_seen_at)
            entry.published(d.first_seen_at)
            for term in (d.kind, d.issuer, d.scope):
                if term:
                    entry.category(term=xml_text(term))
            newest = max(filter(None, [newest, d.first_seen_at]))
    return finish(feed, newest)


def visits_feed(daemon, request: web.Request) -> web.Response:
    from storage.registers import visits

    values = read_params(VISIT_PARAMS, request.query)
    base = base_url(request, daemon)
    canonical = canonical_query(values)
    page_query = canonical_query(values)
    feed = new_feed(f"{TAG}doan?{canonical}", "portalwatch — đoàn ra, đoàn vào",
                    "Các đoàn ra, đoàn vào nhận ra trong bài viết của các cổng theo dõi, mới nhất trước.",
                    f"{base}/feeds/doan.atom" + (f"?{canonical}" if canonical else ""),
                    f"{base}/doan/" + (f"?{page_query}" if page_query else ""))
    newest = None
    with transaction(factory_of(daemon)) as session:
        rows, _ = visits(session, values["partner"], values["province"], limit=ENTRIES)
        for row in rows:
            partners = list(dict.fromkeys(row.match.terms or []))
            prefix = ("Đoàn" + (f" ({', '.join(row.directions)})" if row.directions else "")
                      + (f" — {', '.join(partners)}" if partners else "") + ": ")
            updated = row.match.created_at or row.article.first_seen_at
            add_article_entry(feed, base, row.article, row.portal, title_prefix=prefix, entry_id=f"{TAG}doan/{row.match.id}",
                              updated=updated, categories=partners)
            newest = max(filter(None, [newest, updated]))
    return finish(feed, newest)


def factory_of(daemon):
    return daemon.prepared.factory


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
