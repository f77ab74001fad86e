"""RSS/Atom from bytes Scrapy fetched. feedparser never fetches: its own fetching has no timeout."""

from __future__ import annotations

import re
from calendar import timegm
from datetime import datetime, timezone

import feedparser

_XML_DECL_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9_.-]+)[\"']", re.IGNORECASE)


def repair_utf8(body: bytes) -> bytes:
    """Replace the odd invalid byte in a UTF-8 feed.

    feedparser re-decodes a whole feed as windows-1252 when one byte is not UTF-8, turning every
    Vietnamese letter into mojibake; one replaced character is the smaller harm.
    """
    match = _XML_DECL_ENCODING.match(body)
    declared = match.group(1).decode("ascii").lower().replace("_", "-") if match else "utf-8"
    if declared not in ("utf-8", "utf8"):
        return body
    try:
        body.decode("utf-8")
        return body
    except UnicodeDecodeError:
        return body.decode("utf-8", errors="replace").encode("utf-8")


def parse_feed(body: bytes):
    return feedparser.parse(repair_utf8(body))


def entry_published(entry) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime.fromtimestamp(timegm(parsed), timezone.utc)


def entry_link(entry) -> str | None:
    link = (entry.get("link") or "").strip()
    if not link:
        for candidate in entry.get("links") or []:
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                return candidate["href"].strip()
    return link or None
