"""What a portal's page offers a crawl: feeds, sitemaps, the sections worth watching, document registers.

Pure functions over fetched text; the fetching happens in the probe spider. Section links are
ranked by the words Vietnamese portals use for foreign-affairs and news categories, in the link's
text or in its URL slug (slugs drop the tone marks, so both forms are looked for).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from spiders.links import is_headline
from spiders.urls import canonicalize, host_of

FEED_PATHS = ("/rss", "/rss.xml", "/feed", "/feed/", "/atom.xml")
SITEMAP_PATHS = ("/sitemap.xml",)
_FEED_HREF = re.compile(r"(\.rss|\.atom|/rss(/|$)|/feed(/|$)|rss\.xml|atom\.xml|feed\.xml)", re.I)
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/feed+json")
# (pattern over folded text or slug, weight). Folded: lower case, no tone marks, đ as d.
SECTION_WORDS = (
    (r"doi ngoai|doi-ngoai|doingoai", 6),
    (r"hop tac quoc te|hop-tac-quoc-te|hoptacquocte", 6),
    (r"ngoai vu|ngoai-vu|ngoaivu", 5),
    (r"quoc te|quoc-te|quocte", 3),
    (r"tin hoat dong|tin-hoat-dong|hoat dong", 3),
    (r"tin tuc|tin-tuc|tintuc", 2),
    (r"su kien|su-kien", 1),
    (r"thoi su|thoi-su", 1),
)
_SECTION_RES = tuple((re.compile(p), w) for p, w in SECTION_WORDS)
_INSTITUTION = re.compile(r"(?i)^(cổng|trang thông tin|sở|báo|ủy ban|ubnd|mặt trận|ban|hội|tạp chí)")
_PROVINCE = re.compile(r"\b(?:[Tt]ỉnh|[Tt]hành phố|TP\.?)\s+((?:[A-ZĐ][\wÀ-ỹ]*)(?:\s+[A-ZĐ][\wÀ-ỹ]*){0,3})")


def fold(text: str) -> str:
    """Lower case without tone marks: 'Đối ngoại' and the slug 'doi-ngoai' meet here."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def section_score(text: str, url: str) -> int:
    folded = f"{fold(text)} {fold(urlsplit(url).path)}"
    return sum(weight for regex, weight in _SECTION_RES if regex.search(folded))


def section_links(selector: Selector, base_url: str, limit: int = 6) -> list[dict]:
    """Same-site links whose label or slug names a news or foreign-affairs section, best first."""
    host, here = host_of(base_url), canonicalize(base_url)
    found: dict[str, dict] = {}
    for order, anchor in enumerate(selector.css("a[href]")):
        href = (anchor.attrib.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        url = urljoin(base_url, href)
        if host_of(url) != host or canonicalize(url) in (here, canonicalize(urljoin(base_url, "/"))):
            continue
        text = " ".join(" ".join(anchor.css("::text").getall()).split()) or anchor.attrib.get("title", "")
        text = unicodedata.normalize("NFC", text)
        if not text or is_headline(text) and len(text.split()) > 6:
            continue  # a headline, not a section label
        score = section_score(text, url)
        key = canonicalize(url)
        if score and (key not in found or found[key]["score"] < score):
            found[key] = {"url": url, "text": text, "score": score, "order": order}
    ranked = sorted(found.values(), key=lambda s: (-s["score"], s["order"]))
    return [{k: v for k, v in s.items() if k != "order"} for s in ranked[:limit]]


# Labels of document registers on Vietnamese portals (folded: no tone marks), and their usual slugs.
_REGISTER_LABEL = re.compile(r"^(he thong |co so du lieu |tra cuu )?(van ban|cong bao)\b")
_REGISTER_SLUG = re.compile(r"(van-ban|vanban|congbao|cong-bao)")


def register_links(selector: Selector, base_url: str, limit: int = 3) -> list[dict]:
    """Same-site links named like a document register ("Văn bản", "Văn bản chỉ đạo điều hành", "Công báo"),
    in page order. The probe then fetches them and keeps those that show document rows."""
    host = host_of(base_url)
    found: dict[str, dict] = {}
    for anchor in selector.css("a[href]"):
        href = (anchor.attrib.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        url = urljoin(base_url, href)
        if host_of(url) != host:
            continue
        text = unicodedata.normalize("NFC", " ".join(" ".join(anchor.css("::text").getall()).split()))
        if len(text.split()) > 8:
            continue  # a headline mentioning a document, not a register
        if _REGISTER_LABEL.match(fold(text)) or (not text and _REGISTER_SLUG.search(urlsplit(url).path.lower())):
            found.setdefault(canonicalize(url), {"url": url, "text": text})
    return list(found.values())[:limit]


def advertised_feeds(selector: Selector, base_url: str) -> list[str]:
    """Feeds the page names: <link rel=alternate> first, then links that look like feeds."""
    urls = []
    for link in selector.css("link[href]"):
        rel = (link.attrib.get("rel") or "").lower()
        kind = (link.attrib.get("type") or "").lower()
        if "alternate" in rel and kind in _FEED_TYPES:
            urls.append(urljoin(base_url, link.attrib["href"].strip()))
    for anchor in selector.css("a[href]"):
        href = anchor.attrib["href"].strip()
        if looks_like_feed(href):
            urls.append(urljoin(base_url, href))
    return list(dict.fromkeys(u for u in urls if urlsplit(u).scheme in ("http", "https")))


def looks_like_feed(url: str) -> bool:
    return bool(_FEED_HREF.search(urlsplit(url).path or ""))


def feed_candidates(selector: Selector, base_url: str, limit: int = 8) -> list[str]:
    root = urljoin(base_url, "/")
    common = [urljoin(root, path) for path in FEED_PATHS]
    return list(dict.fromkeys([*advertised_feeds(selector, base_url), *common]))[:limit]


def sitemaps_in_robots(text: str, base_url: str) -> list[str]:
    found = []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            found.append(urljoin(base_url, value.strip()))
    return found


def is_sitemap(body: bytes) -> bool:
    head = body[:4096].lower()
    return b"<urlset" in head or b"<sitemapindex" in head


def site_name(selector: Selector) -> str | None:
    """og:site_name, else the part of <title> that reads like an institution's name."""
    named = selector.css("meta[property='og:site_name']::attr(content)").get()
    if named and named.strip():
        return unicodedata.normalize("NFC", " ".join(named.split()))
    title = " ".join((selector.css("title::text").get() or "").split())
    if not title:
        return None
    parts = [p.strip() for p in re.split(r"\s+[-|–—:]\s+", title) if p.strip()]
    institutional = [p for p in parts if _INSTITUTION.search(p)]
    return unicodedata.normalize("NFC", (institutional or parts[-1:])[0])


def province_of(name: str | None) -> str | None:
    match = _PROVINCE.search(name or "")
    return match.group(1) if match else None


def kind_of(name: str | None, url: str) -> str | None:
    folded = f"{fold(name or '')} {fold(urlsplit(url).hostname or '')}"
    if re.search(r"ngoai vu|songoaivu|doi ngoai|ngoai giao", folded):
        return "foreign-affairs"
    if re.search(r"mat tran|mattran", folded):
        return "front"
    if re.search(r"^bao |\bbao\w*\.|tap chi", folded):
        return "newspaper"
    if ".gov.vn" in folded or re.search(r"\bcong thong tin|ubnd|uy ban nhan dan", folded):
        return "government"
    return None


_SUFFIXES = ("gov.vn", "org.vn", "com.vn", "net.vn", "edu.vn", "vn", "com", "org", "net")


def propose_id(url: str, taken: set[str]) -> str:
    """From the host, most general label first: songoaivu.caobang.gov.vn -> caobang-songoaivu."""
    host = (urlsplit(url).hostname or "portal").lower().removeprefix("www.")
    for suffix in _SUFFIXES:
        if host.endswith("." + suffix):
            host = host[: -len(suffix) - 1]
            break
    labels = [re.sub(r"[^a-z0-9]+", "-", label).strip("-") for label in host.split(".")]
    if not re.fullmatch(r"[\d.]+", host):  # an address reads left to right; a name right to left
        labels.reverse()
    base = "-".join(label for label in labels if label) or "portal"
    base = base if re.match(r"^[a-z0-9]", base) else f"p-{base}"
    candidate, n = base[:70], 2
    while candidate in taken:
        candidate, n = f"{base[:66]}-{n}", n + 1
    return candidate
