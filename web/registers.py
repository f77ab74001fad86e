"""The document register (/van-ban/, /van-ban/<code>) and the visits register (/doan/)."""

from __future__ import annotations

from urllib.parse import urlencode

from markupsafe import Markup, escape

from crawler.timefmt import short_vn
from storage.db import transaction
from storage.registers import directive_choices, directives_by_code, directive_list, visits
from storage.search import facets
from web.archive import shown_date
from web.templating import render

PER_PAGE = 50


def marked_snippet(snippet: str | None) -> Markup:
    """A stored match snippet with its [[marks]] as <mark>, everything else escaped."""
    text = str(escape(snippet or ""))
    return Markup(text.replace("[[", "<mark>").replace("]]", "</mark>"))


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def directive_filters(query) -> dict:
    """The document register's filters from a query string (the page's and its exports')."""
    return {"kind": query.get("kind") or None, "issuer": query.get("issuer") or None, "year": _int(query.get("year"))}


def visit_filters(query) -> dict:
    """The visits register's filters from a query string (the page's and its exports')."""
    return {"partner": query.get("partner") or None, "province": query.get("province") or None}


def _export_query(filters: dict) -> str:
    params = {k: v for k, v in filters.items() if v}
    return "?" + urlencode(params) if params else ""


def render_directives(factory, query) -> str:
    page = max(1, _int(query.get("page"), 1))
    filters = directive_filters(query)
    kind, issuer, year = filters["kind"], filters["issuer"], filters["year"]
    with transaction(factory) as session:
        rows, total = directive_list(session, kind, issuer, year, PER_PAGE, (page - 1) * PER_PAGE)
        kinds, issuers, years = directive_choices(session)
    return render(
        "directives.html", rows=rows, total=total, page=page, pages=max(1, -(-total // PER_PAGE)),
        kinds=kinds, issuers=issuers, years=years, form={"kind": kind or "", "issuer": issuer or "", "year": year},
        short_vn=short_vn, shown_date=shown_date, export_query=_export_query(filters),
    )


def render_directive(factory, code: str, scope: str | None = None) -> str | None:
    """Every document with this code — one per scope, since a local code such as 481/QĐ-UBND exists in
    several provinces — or only ``scope``'s; None when there is none."""
    with transaction(factory) as session:
        found = directives_by_code(session, code, scope[:80] if scope else None)
    if not found:
        return None
    documents = [
        {
            "directive": directive, "mentions": mentions,
            "portals": list(dict.fromkeys(m.portal.name for m in mentions)),
            "first": next((m for m in mentions if m.article.id == directive.first_article_id), None),
        }
        for directive, mentions in found
    ]
    return render(
        "directive.html", code=code, documents=documents, scoped=bool(scope),
        short_vn=short_vn, shown_date=shown_date, marked=marked_snippet,
    )


def render_visits(factory, query) -> str:
    filters = visit_filters(query)
    partner, province = filters["partner"], filters["province"]
    with transaction(factory) as session:
        rows, counts = visits(session, partner, province)
        provinces = facets(session).provinces
    return render(
        "visits.html", rows=rows, counts=counts.most_common(), provinces=provinces,
        form={"partner": partner or "", "province": province or ""}, shown_date=shown_date, marked=marked_snippet,
        export_query=_export_query(filters),
    )
