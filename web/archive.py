"""The archive at ``/``: every stored article, newest first, with full-text search and filters.

The page is a plain GET form, so it works without JavaScript and every result page has a link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from crawler.timefmt import VIETNAM, short_vn
from monitor.normalise import canonical
from storage.db import transaction
from storage.search import SearchRequest, facets, get_article, search
from web.highlight import mark, pattern, snippet
from web.templating import render

KIND_LABELS = {"government": "Cổng TTĐT tỉnh", "foreign-affairs": "Sở Ngoại vụ", "front": "Mặt trận Tổ quốc",
               "newspaper": "Báo tỉnh", "other": "Khác"}
TOPIC_LABELS = {"doi-ngoai": "Đối ngoại"}
PER_PAGE = 20
_DAY_FIRST = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


class BadInput(ValueError):
    """A form value that cannot be read; its message is shown on the page."""


def parse_day(value: str, label: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        day_first = _DAY_FIRST.fullmatch(value)
        if day_first:
            day, month, year = map(int, day_first.groups())
            return date(year, month, day)
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{label} không hợp lệ: “{value[:40]}” (ghi theo dạng ngày/tháng/năm).") from None


def parse_page(value: str) -> int:
    try:
        return min(max(1, int(value or 1)), 1_000_000)
    except ValueError:
        return 1


def read_request(query) -> tuple[SearchRequest, str | None]:
    """The search request a query string asks for, and a message if part of it cannot be read."""
    request = SearchRequest(
        text=query.get("q", ""), accent_insensitive=bool(query.get("accents")), portal=query.get("portal") or None,
        province=query.get("province") or None, kind=query.get("kind") or None,
        has_directive=bool(query.get("directive")), has_visit=bool(query.get("visit")),
        partner=canonical(query.get("partner", "")).strip()[:100] or None,
        sort="date" if query.get("sort") == "date" else "relevance", page=parse_page(query.get("page")), per_page=PER_PAGE,
    )
    try:
        request.date_from = parse_day(query.get("from", ""), "Ngày bắt đầu")
        request.date_to = parse_day(query.get("to", ""), "Ngày kết thúc")
    except BadInput as error:
        return request, str(error)
    if request.date_from and request.date_to and request.date_from > request.date_to:
        return request, "Ngày bắt đầu ở sau ngày kết thúc."
    return request, None


def shown_moment(article) -> date | datetime:
    """When an article is listed: its publication (a Vietnam date when the portal gave no time of day),
    else when it was first seen (UTC)."""
    moment = article.published_at or article.first_seen_at
    if article.published_at and not article.published_has_time:
        return moment.astimezone(VIETNAM).date()
    return moment


def shown_date(article) -> str:
    moment = shown_moment(article)
    return short_vn(moment) if isinstance(moment, datetime) else moment.strftime("%d/%m/%Y")


def shown_total(result) -> str:
    """"4", "1.000", or "hơn 1.000" when counting stopped at the cap (day-first, dot-grouped like the dates)."""
    number = f"{result.total:,}".replace(",", ".")
    return f"hơn {number}" if result.more else number


@dataclass
class Row:
    hit: object
    title: object
    snippet: object
    date: str
    kind: str
    topic: str | None


def _rows(hits, compiled, folded) -> list[Row]:
    return [
        Row(hit, mark(hit.article.title, compiled, folded),
            snippet(" ".join(filter(None, [hit.article.lead, hit.article.text])), compiled, folded),
            shown_date(hit.article), KIND_LABELS.get(hit.portal.kind, hit.portal.kind or ""),
            TOPIC_LABELS.get(hit.article.topic, hit.article.topic))
        for hit in hits
    ]


def _link(query, **changes) -> str:
    params = {k: v for k, v in query.items() if v and k != "page"}
    params.update({k: v for k, v in changes.items() if v})
    return "/?" + urlencode(params) if params else "/"


def render_archive(factory, query) -> str:
    request, message = read_request(query)
    with transaction(factory) as session:
        options = facets(session)
        result = None if message else search(session, request)
    if result is not None:
        message = result.message
        compiled = pattern(result.query.groups, request.accent_insensitive)
        rows = _rows(result.hits, compiled, request.accent_insensitive)
    else:
        rows = []
    form = {k: query.get(k, "") for k in ("q", "accents", "portal", "province", "kind", "from", "to", "directive", "visit", "partner", "sort")}
    for key in ("from", "to"):
        day = getattr(request, f"date_{key}", None)
        form[key] = day.strftime("%d/%m/%Y") if day else form[key]
    pages = result.pages if result else 1
    page = request.page
    return render(
        "archive.html", form=form, options=options, kind_labels=KIND_LABELS, result=result, rows=rows, message=message,
        searching=bool(request.text.strip()), page=page, pages=pages, total=shown_total(result) if result else "",
        export_query=_link(query)[1:], feed="/feeds/tim-kiem.atom" + _link(query)[1:],
        previous=_link(query, page=str(page - 1)) if result and 1 < page <= pages + 1 else None,
        next=_link(query, page=str(page + 1)) if result and page < pages else None,
        article_query=urlencode({"q": request.text, **({"accents": "1"} if request.accent_insensitive else {})})
        if request.text.strip() and result and not result.query.error else "",
    )


def render_article(factory, article_id: int, query) -> str | None:
    """One stored article with the search's words marked; None when there is no such article."""
    from storage.search import parse_query

    with transaction(factory) as session:
        hit = get_article(session, article_id)
    if hit is None:
        return None
    folded = bool(query.get("accents"))
    parsed = parse_query(query.get("q", ""))
    compiled = pattern(parsed.groups, folded) if not parsed.error else None
    return render(
        "article.html", hit=hit, title=mark(hit.article.title, compiled, folded),
        lead=mark(hit.article.lead or "", compiled, folded), body=mark(hit.article.text, compiled, folded),
        date=shown_date(hit.article), kind=KIND_LABELS.get(hit.portal.kind, hit.portal.kind or ""),
        topic=TOPIC_LABELS.get(hit.article.topic, hit.article.topic), back=_link({k: v for k, v in query.items()}),
        first_seen=short_vn(hit.article.first_seen_at),
    )
