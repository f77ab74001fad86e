"""What the page says about itself in machine-readable form: meta tags and JSON-LD.

Read once, before any cleanup (JSON-LD lives in ``<script>`` elements the cleanup removes). These
are hints, not answers: ``<meta name="author">`` is nearly always the site's own name, and
``og:title`` is often a rewritten headline; the visible page decides where the two disagree.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field

from crawler.extract.dates import Stamp, parse_iso
from crawler.extract.text import clean

# Publication-date metas, most trustworthy first; modification times are left out on purpose.
_DATE_KEYS = (
    "article:published_time", "datepublished", "pubdate", "publishdate", "publish-date", "og:published_time",
    "article:published", "dc.date.issued", "dcterms.issued", "dc.date", "date", "sailthru.date", "parsely-pub-date",
)
_ARTICLE_TYPES = ("article", "newsarticle", "blogposting", "reportagenewsarticle", "report", "analysisnewsarticle")


@dataclass
class HeadMeta:
    title: str | None = None  # og:title / twitter:title
    doc_title: str | None = None  # <title>
    description: str | None = None
    site_name: str | None = None
    og_type: str | None = None
    dates: list[Stamp] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)  # JSON-LD Person names, then article/dable authors
    is_article: bool = False  # JSON-LD article type, og:type article or an article:published_time


def read(tree) -> HeadMeta:
    found = HeadMeta()
    values: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = meta.get("content")
        if key and content and key not in values:
            values[key] = content
    title = tree.find(".//title")
    found.doc_title = clean(title.text_content()) if title is not None else None
    found.title = clean(values.get("og:title") or values.get("twitter:title")) or None
    found.description = clean(values.get("og:description") or values.get("description") or values.get("twitter:description")) or None
    found.site_name = clean(values.get("og:site_name") or values.get("application-name") or "") or None
    found.og_type = (values.get("og:type") or "").strip().lower() or None
    for key in _DATE_KEYS:
        if key in values and (stamp := parse_iso(values[key], f"meta {key}")):
            found.dates.append(stamp)
    for el in tree.xpath("//*[@itemprop='datePublished'][@datetime or @content]"):
        if stamp := parse_iso(el.get("datetime") or el.get("content"), "itemprop datePublished"):
            found.dates.append(stamp)
    for item in _json_ld_articles(tree):
        found.is_article = True
        if stamp := parse_iso(str(item.get("datePublished") or ""), "json-ld datePublished"):
            found.dates.append(stamp)
        found.authors.extend(_person_names(item.get("author")))
    for key in ("article:author", "dable:author", "author_name", "sailthru.author", "parsely-author"):
        value = clean(values.get(key))
        if value and "://" not in value:
            found.authors.append(value)
    found.is_article = found.is_article or found.og_type == "article" or "article:published_time" in values
    return found


def _json_ld_articles(tree) -> list[dict]:
    items = []
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                kinds = node.get("@type")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                if any(str(kind).lower() in _ARTICLE_TYPES for kind in kinds):
                    items.append(node)
                if "@graph" in node:
                    stack.append(node["@graph"])
    return items


def _person_names(value) -> list[str]:
    people = value if isinstance(value, list) else [value]
    names = []
    for person in people:
        if isinstance(person, dict) and str(person.get("@type", "Person")).lower() == "person":
            # Some CMSs HTML-escape inside JSON ("NH&#7852;T XUÂN"), some twice.
            name = clean(html.unescape(html.unescape(str(person.get("name") or ""))))
            if name:
                names.append(name)
        elif isinstance(person, str) and person.strip() and "://" not in person:
            names.append(clean(person))
    return names
