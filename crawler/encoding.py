"""Which codec a Vietnamese page really uses: the one charset decision of the whole crawl path.

The download middleware (what Scrapy's response and the spiders see) and the extractor (what is stored)
both ask ``choose_codec``, so they never disagree: before, the middleware kept a UTF-8 page with one
stray byte as UTF-8 and the extractor re-decoded it as windows-1258 and rejected it as broken.

The evidence, strongest first:
1. a byte-order mark;
2. the body itself: bytes that decode as UTF-8 (all of them, or all but a few stray bytes) are UTF-8
   whatever the label says — legacy Vietnamese text almost never forms valid UTF-8 sequences by accident;
3. the labels: the portal's registry ``encoding``, then the Content-Type charset, then ``<meta>``;
4. windows-1258, the Vietnamese legacy default, for a page labelled UTF-8 or Latin-1 (or not at all)
   that is not UTF-8: Latin-1 is kept only when the page shows no letter only Vietnamese has.

The decision is stable: asked again with its own answer as the label, it gives the same answer.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_LATIN = {"latin-1", "iso8859-1", "cp1252", "windows-1252", "ascii"}
_VIETNAMESE_ONLY = re.compile("[ăđơưĂĐƠƯ]")
# A page is UTF-8 with stray bytes when its well-formed multi-byte characters outnumber the bad bytes 20 to 1.
_STRAY_RATIO = 20


def canonical(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        return None


def header_charset(content_type: str | bytes | None) -> str | None:
    """The charset of a Content-Type header value, canonical, or None."""
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    found = _HEADER_CHARSET.search(content_type or "")
    return canonical(found.group(1)) if found else None


def meta_charset(body: bytes) -> str | None:
    found = _META_CHARSET.search(body[:8192])
    return canonical(found.group(1).decode("ascii", "replace")) if found else None


def bom_codec(body: bytes) -> str | None:
    return next((codec for bom, codec in BOMS if body.startswith(bom)), None)


def stray_bytes(body: bytes) -> int | None:
    """How many bytes of a mostly-UTF-8 body are not UTF-8 (0 for clean UTF-8); None when it is not UTF-8."""
    try:
        body.decode("utf-8")
        return 0
    except UnicodeDecodeError:
        pass
    text = body.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - body.count(b"\xef\xbf\xbd")
    good = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    return bad if bad * _STRAY_RATIO < good else None


def choose_codec(body: bytes, header: str | None = None, forced: str | None = None) -> str:
    """The codec to decode ``body`` with. ``header``: the Content-Type charset (or an earlier decision);
    ``forced``: the portal's registry ``encoding``."""
    if codec := bom_codec(body):
        return codec
    label = canonical(forced) or canonical(header) or meta_charset(body)
    if body.isascii():
        return label or "utf-8"
    if stray_bytes(body) is not None:
        return "utf-8"
    if label is None or label == "utf-8" or label in _LATIN:
        legacy = body.decode("cp1258", errors="replace")
        if label in (None, "utf-8") or _VIETNAMESE_ONLY.search(unicodedata.normalize("NFC", legacy)):
            return "cp1258"
    return label
