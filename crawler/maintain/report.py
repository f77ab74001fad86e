"""Check and discovery reports as a maintainer reads them in a terminal."""

from __future__ import annotations

from crawler.maintain.check import CheckReport

LEAD_CHARS = 140


def _short(text: str | None, limit: int = LEAD_CHARS) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_check(report: CheckReport, articles: int | None = None) -> str:
    lines = [f"portal {report.portal.id} ({report.portal.name})"]
    for listing in report.listings:
        links = listing.get("links")
        found = f"{links} article links" if links is not None else "not read"
        nxt = f", next page {listing['next_page']}" if listing.get("next_page") else ""
        method = "" if listing.get("method", "GET") == "GET" else f" ({listing['method']})"
        lines.append(f"listing {listing['url']}{method}  HTTP {listing['status']}  {found}{nxt}")
        for sample in listing.get("sample", [])[:3]:
            lines.append(f"    · {_short(sample['text'], 90)}")
    for feed in report.feeds:
        lines.append(f"feed {feed['url']}  HTTP {feed['status']}  {feed['entries']} entries")
    shown = report.articles if articles is None else report.articles[:articles]
    if shown:
        lines.append(f"articles (first {len(shown)}):")
    for n, article in enumerate(shown, start=1):
        lines.extend(_article_lines(n, article))
    if report.warnings:
        lines.append("warnings:")
        lines.extend(f"  - {warning}" for warning in report.warnings)
    good = len(report.good_articles)
    if report.usable:
        lines.append(f"usable: yes ({good} of {len(report.articles)} articles extracted)")
    else:
        lines.append(f"usable: no — {report.reason}")
    return "\n".join(lines)


def _article_lines(n: int, article: dict) -> list[str]:
    if article["reject"]:
        return [f"  {n}. {article['url']}", f"     skipped: {article['reject']}"]
    found = article["extraction"]
    text = found.get("text") or ""
    return [
        f"  {n}. {found['title']}",
        f"     {article['url']}",
        f"     date {found['published_at'] or 'NOT FOUND'} · author {found['author'] or '-'} · text {len(text)} chars",
        f"     lead: {_short(found['lead']) or '-'}",
    ]


def render_discovery(found: dict) -> str:
    page = found["page"]
    lines = [f"page {page['url']}  HTTP {page['status']}  {page.get('title') or ''}".rstrip()]
    if page.get("links") is not None:
        lines.append(f"  {page['links']} article links on the page itself")
    for section in found["sections"]:
        links = f"{section['links']} article links" if section.get("links") is not None else "not fetched"
        lines.append(f"section {section['url']}  “{section['text']}”  {links}")
    for feed in found["feeds"]:
        lines.append(f"feed {feed['url']}  {feed['entries']} entries")
    for sitemap in found["sitemaps"]:
        lines.append(f"sitemap {sitemap}")
    for register in found.get("registers", []):
        rows = f"{register['rows']} document rows (e.g. {register['example']})" if register.get("rows") else "no document rows"
        lines.append(f"register {register['url']}  “{register['text']}”  {rows}")
    if not (found["sections"] or found["feeds"] or found["sitemaps"]):
        lines.append("no sections, feeds or sitemaps found")
    return "\n".join(lines)
