"""Item pipelines: extract the article, drop duplicates, store it — each article in its own transaction.

An article is written whole or not at all, so a crawl killed at any moment leaves no half-written row.
Pages that are not articles, and copies of stored articles, are remembered as skipped so they are
not fetched again.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from scrapy.exceptions import DropItem, NotConfigured
from sqlalchemy.exc import IntegrityError

from crawler.extract import Extraction, extract, limits
from crawler.state import CrawlState
from spiders.items import FetchedPage
from storage import repositories as repo
from storage.db import transaction
from storage.types import utcnow

log = logging.getLogger("portalwatch.pipeline")
_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")
# Articles published this recently still alert during a portal's first (baseline) crawl.
BASELINE_FRESH = timedelta(hours=24)


@dataclass
class ProcessedPage:
    page: FetchedPage
    extraction: Extraction | None = None
    reject: str | None = None
    content_hash: str | None = None
    duplicate_of: int | None = None


def nfc(text: str | None) -> str | None:
    return unicodedata.normalize("NFC", text) if text else text


def content_hash(text: str) -> str:
    """Same words, same hash: whitespace and Unicode form do not make a new article."""
    flat = " ".join(unicodedata.normalize("NFC", text).split()).casefold()
    return hashlib.sha256(flat.encode("utf-8")).hexdigest()


def crawl_context(hints: dict) -> str | None:
    """What the spider knew of the URL, for the extractor's verdict (``verdict.CONTEXTS``)."""
    if hints.get("sitemap_news"):
        return "sitemap-news"
    if "feed_title" in hints or hints.get("feed_published"):
        return "feed-item"
    if "listing_title" in hints:
        return "listing-link"
    return None


class ExtractionPipeline:
    """Runs in the reactor's (main) thread, so each page's CPU budget is enforced by a timer wherever it is stuck."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.budget = crawler.settings.getfloat("PORTALWATCH_EXTRACT_TIME_BUDGET", limits.TIME_BUDGET)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if not isinstance(item, FetchedPage):
            return item
        media = item.content_type.split(";")[0].strip().lower()
        if media not in _HTML_TYPES:
            return ProcessedPage(item, reject=f"not an article: not HTML ({media})")
        portal = getattr(self.crawler.spider, "portal", None)
        hints = item.hints
        result = extract(item.body, url=item.url, portal=portal, encoding=item.encoding, budget=self.budget,
                         context=crawl_context(hints))
        if result.rejected and _stub_with_attachment(result, item):
            # "Toàn văn … xem tại văn bản đính kèm": kept; the file's text becomes its body (crawler/document_pipeline.py).
            result.rejected, result.text = None, result.title
        if result.rejected:
            return ProcessedPage(item, extraction=result, reject=f"not an article: {result.rejected}")
        if not result.title:
            result.title = nfc(hints.get("listing_title") or hints.get("feed_title"))
        if result.published_at is None and hints.get("feed_published"):
            result.published_at = datetime.fromisoformat(hints["feed_published"])
            result.has_time = True
        if not result.title:
            return ProcessedPage(item, extraction=result, reject="not an article: no title")
        return ProcessedPage(item, extraction=result, content_hash=content_hash(f"{result.lead or ''}\n{result.text}"))


def _stub_with_attachment(result: Extraction, item: FetchedPage) -> bool:
    return result.rejected.startswith("too-short") and bool(item.hints.get("attachments")) and bool(result.title)


class _WithDatabase:
    """Pipelines that read or write the database switch off in a dry run (no database configured)."""

    def __init__(self, state: CrawlState):
        self.state = state

    @classmethod
    def from_crawler(cls, crawler):
        state = CrawlState.of(crawler)
        if state is None:
            raise NotConfigured("no database: dry run")
        return cls(state)


class DeduplicationPipeline(_WithDatabase):
    """Same canonical URL or same text as a stored article: a duplicate, whichever portal had it first."""

    def process_item(self, item):
        if not isinstance(item, ProcessedPage) or item.reject:
            return item
        with transaction(self.state.factory) as session:
            existing = repo.article_id_by_url(session, item.page.canonical_url)
            if existing is None:
                existing = repo.article_id_by_hash(session, item.content_hash)
        if existing is not None:
            item.reject, item.duplicate_of = "duplicate of a stored article", existing
        return item


class StoragePipeline(_WithDatabase):
    def process_item(self, item):
        if not isinstance(item, ProcessedPage):
            return item
        page = item.page
        if item.reject:
            self._skip(page, item.reject, item.duplicate_of)
            raise DropItem(f"{page.url}: {item.reject}")
        found = item.extraction
        now = utcnow()
        fresh = found.published_at is not None and now - found.published_at < BASELINE_FRESH
        try:
            with transaction(self.state.factory) as session:
                article = repo.add_article(
                    session,
                    portal_id=page.portal_id,
                    crawl_run_id=self.state.run_id,
                    url=page.link_url,
                    canonical_url=page.canonical_url,
                    title=nfc(found.title),
                    lead=nfc(found.lead),
                    text=nfc(found.text),
                    author=nfc(found.author),
                    published_at=found.published_at,
                    published_has_time=found.has_time,
                    first_seen_at=now,
                    content_hash=item.content_hash,
                    baseline=self.state.first_crawl and not fresh,
                )
        except IntegrityError:
            # Another crawl stored it between our check and our insert: that copy stands. Any other
            # integrity error is a failure to store, reported with the run (and retried next visit).
            with transaction(self.state.factory) as session:
                stored = repo.article_id_by_url(session, page.canonical_url) or repo.article_id_by_hash(session, item.content_hash)
            if stored is None:
                raise
            self._skip(page, "duplicate of a stored article", stored)
            raise DropItem(f"{page.url}: stored concurrently") from None
        self.state.new_articles += 1
        log.debug("stored article %s", article.id, extra={"portal": page.portal_id, "url": page.url})
        return item

    def _skip(self, page: FetchedPage, reason: str, duplicate_of: int | None) -> None:
        self.state.skipped += 1
        with transaction(self.state.factory) as session:
            repo.add_skipped(session, page.portal_id, page.canonical_url, reason, duplicate_of)


