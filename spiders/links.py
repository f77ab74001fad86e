"""Finds article links on a listing page without per-portal configuration.

Portals differ in markup but agree on two habits: article links carry a headline as their text, and
all article URLs of a site share one shape (same depth, a slug or an id in the same place). Links are
grouped by shape; the shapes where headlines concentrate are the article shapes. Menus, categories,
tags and pagination fail one test or the other.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from spiders import safe_regex
from spiders.urls import canonicalize, host_of

_SKIP_EXT = re.compile(
    r"\.(pdf|docx?|xlsx?|pptx?|zip|rar|7z|jpe?g|png|gif|webp|svg|mp3|mp4|avi|wmv|flv|css|js|xml|rss|ico|exe)$",
    re.IGNORECASE,
)
_NAV_WORDS = re.compile(
    r"^(trang chủ|giới thiệu|liên hệ|đăng nhập|đăng ký|tìm kiếm|sơ đồ( cổng| trang)?|xem thêm|xem tiếp|"
    r"chi tiết|đọc tiếp|tin tức|tin khác|các tin khác|tin liên quan|về đầu trang|in bài|in trang|gửi email|"
    r"chia sẻ|bình luận|trang sau|trang trước|tiếp|sau|trước|english|tiếng việt|rss|home|next|prev|more)$",
    re.IGNORECASE,
)
_NEXT_TEXT = re.compile(r"^(»|›|>|>>|→|trang sau|trang tiếp|tiếp|tiếp theo|sau|next|next page|xem tiếp)$", re.IGNORECASE)
_PAGE_PARAM = re.compile(r"(?:[?&](?:page|p|trang|pageindex|pg|paged|start)=(\d+))|(?:/(?:page|trang|p)[-/](\d+))", re.IGNORECASE)
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Link:
    url: str
    canonical: str
    text: str


def _clean_text(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def is_headline(text: str) -> bool:
    """Vietnamese headlines run to many syllables; menu entries to one to three."""
    if _NAV_WORDS.match(text):
        return False
    words = _WORD.findall(text)
    return len(words) >= 5 and len(text) >= 20 and not text.isdigit()


def url_shape(url: str) -> tuple:
    """Depth and kind of each path segment, plus which query keys are present."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    shape = []
    for seg in segments:
        stem, _, ext = seg.rpartition(".") if "." in seg else (seg, "", "")
        if stem.isdigit():
            kind = "num"
        elif re.search(r"\d{3,}", stem) and "-" in stem:
            kind = "slug-id"
        elif stem.count("-") >= 3 or stem.count("_") >= 3:
            kind = "slug"
        elif re.search(r"\d{3,}", stem):
            kind = "id"
        else:
            kind = "word:" + stem.lower() if len(segments) > 1 and seg is not segments[-1] else "word"
        shape.append(kind + (f".{ext.lower()}" if ext else ""))
    keys = tuple(sorted({k.split("=")[0].lower() for k in parts.query.split("&") if k}))
    return (tuple(shape), keys)


def page_links(selector: Selector, base_url: str) -> list[Link]:
    host = host_of(base_url)
    links: dict[str, Link] = {}
    for anchor in selector.css("a[href]"):
        href = (anchor.attrib.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        try:  # one malformed href (a broken IPv6 literal, port 99999) is skipped alone
            url = urljoin(base_url, href)
            if urlsplit(url).scheme not in ("http", "https") or host_of(url) != host:
                continue
            canonical = canonicalize(url)
        except ValueError:
            continue
        if _SKIP_EXT.search(urlsplit(url).path):
            continue
        text = _clean_text(" ".join(anchor.css("::text").getall())) or _clean_text(anchor.attrib.get("title", ""))
        previous = links.get(canonical)
        # The same article is often linked twice (image and headline): keep the headline.
        if previous is None or (is_headline(text) and not is_headline(previous.text)):
            links[canonical] = Link(url=url, canonical=canonical, text=text)
    return list(links.values())


def article_links(selector: Selector, base_url: str, pattern: str | None = None) -> list[Link]:
    """Article links of a listing page, in page order."""
    links = page_links(selector, base_url)
    listing = canonicalize(base_url)
    links = [link for link in links if link.canonical != listing]
    if pattern:
        regex = safe_regex.compile(pattern)  # the registry's, so on the linear-time engine
        return [link for link in links if regex.search(link.url)]
    headline_by_shape: Counter = Counter()
    for link in links:
        if is_headline(link.text):
            headline_by_shape[url_shape(link.url)] += 1
    if not headline_by_shape:
        return []
    top = headline_by_shape.most_common(1)[0][1]
    shapes = {shape for shape, count in headline_by_shape.items() if count >= max(2, top // 3) or count == top}
    return [
        link
        for link in links
        if url_shape(link.url) in shapes and is_headline(link.text) and not _PAGE_PARAM.search(link.url)
    ]


def next_page(selector: Selector, base_url: str, current_page: int) -> str | None:
    """The next listing page: rel=next, a "Trang sau"/"»" link, or the link labelled with the next number."""
    host = host_of(base_url)
    here = canonicalize(base_url)

    def usable(href: str | None) -> str | None:
        if not href or href.startswith(("#", "javascript:")):
            return None
        try:
            url = urljoin(base_url, href.strip())
            if host_of(url) != host or canonicalize(url) == here:
                return None
        except ValueError:  # a malformed href is no next page
            return None
        return url

    for href in selector.css("link[rel=next]::attr(href), a[rel~=next]::attr(href)").getall():
        if url := usable(href):
            return url
    numbered = None
    for anchor in selector.css("a[href]"):
        text = _clean_text(" ".join(anchor.css("::text").getall())) or _clean_text(
            anchor.attrib.get("title", "") or anchor.attrib.get("aria-label", "")
        )
        if _NEXT_TEXT.match(text):
            if url := usable(anchor.attrib.get("href")):
                return url
        if numbered is None and text == str(current_page + 1):
            numbered = usable(anchor.attrib.get("href"))
    return numbered
