"""Vietnamese charsets: windows-1258, mislabelled UTF-8, NFD pages and UTF-8 with a stray byte are all stored as NFC."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.cycle import run_once
from crawler.store import open_store
from storage.db import transaction
from storage.models import Article
from tests.support.encodings import to_cp1258
from tests.support.server import PortalServer
from tests.support.sites import FAMILIES, make_articles


def _stray_byte(html: str, after: str) -> bytes:
    """The page in UTF-8 with one byte that is not UTF-8 (a truncated sequence) inside ``after``'s text."""
    body, anchor = html.encode("utf-8"), after.encode("utf-8")[:40]
    assert anchor in body
    return body.replace(anchor, anchor + b"\xe1\xbb", 1)


def serve(server: PortalServer, mode: str) -> list:
    fam = FAMILIES["front"]
    articles = make_articles(3)
    listing = fam.listing(articles, 1, False)
    pages = {fam.listing_path: listing}
    for a in articles:
        pages[fam.article_path(a)] = fam.article(a, [])
    if mode.startswith("utf8-stray-byte"):
        label = "iso-8859-1" if mode.endswith("latin1") else "utf-8"
        server.add(fam.listing_path, _stray_byte(listing, articles[0].title), f"text/html; charset={label}")
        for a in articles:
            server.add(fam.article_path(a), _stray_byte(pages[fam.article_path(a)], a.paragraphs[-1]), f"text/html; charset={label}")
        return articles
    for path, html in pages.items():
        if mode == "windows-1258":
            body = to_cp1258(html.replace('charset="utf-8"', 'charset="windows-1258"'))
            server.add(path, body, "text/html; charset=windows-1258")
        elif mode == "utf8-labelled-latin1":
            server.add(path, html.encode("utf-8"), "text/html; charset=iso-8859-1")
        elif mode == "nfd":
            server.add(path, unicodedata.normalize("NFD", html).encode("utf-8"), "text/html; charset=utf-8")
        elif mode == "cp1258-labelled-utf8":
            body = to_cp1258(html.replace('charset="utf-8"', 'charset="windows-1258"'))
            server.add(path, body, "text/html; charset=utf-8")
    return articles


@pytest.mark.parametrize(
    "mode", ["windows-1258", "utf8-labelled-latin1", "nfd", "cp1258-labelled-utf8", "utf8-stray-byte", "utf8-stray-byte-labelled-latin1"]
)
def test_pages_in_vietnamese_encodings_are_stored_as_nfc(mode, tmp_path: Path, sqlite_url, make_settings):
    with PortalServer() as server:
        articles = serve(server, mode)
        registry = tmp_path / "p.yaml"
        registry.write_text(
            f'portals:\n  - id: enc\n    name: Enc\n    start_urls: ["{server.url(FAMILIES["front"].listing_path)}"]\n',
            encoding="utf-8",
        )
        result = run_once(make_settings(sqlite_url, registry))
    assert result.runs[0].status == "ok", result.runs[0].reason
    with transaction(open_store(sqlite_url)) as session:
        stored = {a.title: a for a in session.scalars(select(Article))}
    assert set(stored) == {a.title for a in articles}
    for a in articles:
        text = stored[a.title].text
        assert unicodedata.is_normalized("NFC", text)
        assert a.paragraphs[1] in text
        if mode.startswith("utf8-stray-byte"):  # stays UTF-8: the one bad byte is one U+FFFD, nothing re-decoded
            assert text.count("\ufffd") == 1
