"""The generic portal spider: listing pages and feeds of one registry entry.

It follows only links it has not seen (``self.seen`` is filled by the crawler from the database) and
stops paginating at the first page holding nothing new. Portals that need code subclass it and
override ``article_links``, ``next_page`` or the callbacks; they stay declarations plus a hook.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import scrapy
from scrapy.http import TextResponse

from spiders import links as linklib
from spiders.feeds import entry_link, entry_published, parse_feed
from spiders.fetch_policy import RefusedRequest
from spiders.items import FetchedPage
from spiders.outcome import CrawlOutcome
from spiders.schema import PortalConfig
from spiders.urls import canonicalize

LISTING, FEED, ARTICLE = "listing", "feed", "article"
_TEXTUAL = re.compile(r"^(text/|application/(xhtml\+xml|xml|rss\+xml|atom\+xml)$)")


def describe_failure(failure) -> str:
    """One readable line for a maintainer, e.g. 'HTTP 503' or 'timeout after 30s'."""
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError as TwistedTimeout

    exc = failure.value
    if isinstance(exc, HttpError):
        return f"HTTP {exc.response.status}"
    if isinstance(exc, RefusedRequest):
        return str(exc)
    if isinstance(exc, DNSLookupError) or "Resolve" in type(exc).__name__:
        return "DNS lookup failed"
    name = type(exc).__name__
    if isinstance(exc, (TwistedTimeout, TCPTimedOutError)) or "Timeout" in name:
        return f"timeout ({exc})"[:300] if str(exc) else "timeout"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{name}: {text}"[:300] if text else name


class PortalSpider(scrapy.Spider):
    name = "portal"
    portal: PortalConfig | None = None
    max_pages: int = 5
    # New article links taken from one listing page or feed, and in all on one visit: a listing of
    # 100,000 links must not queue 100,000 requests. The rest waits for the next visit.
    max_links_per_page: int = 200
    max_articles_per_visit: int = 500

    def __init__(self, *args, portal: PortalConfig | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if portal is not None:
            self.portal = portal
            self.name = portal.id
        if self.portal is None:
            raise ValueError("PortalSpider needs a portal (registry entry)")
        self.seen: set[str] = set()
        # After an interrupted or failed visit, older pages may hold articles never fetched: page on
        # through seen pages (up to max_pages) instead of stopping at the first one.
        self.resume: bool = False
        self.outcome = CrawlOutcome()
        self._requested: set[str] = set()
        self.articles_taken = 0

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_pages = spider.portal.max_pages or crawler.settings.getint("PORTALWATCH_MAX_LISTING_PAGES", 5)
        spider.max_links_per_page = crawler.settings.getint("PORTALWATCH_MAX_LINKS_PER_PAGE", cls.max_links_per_page)
        spider.max_articles_per_visit = crawler.settings.getint("PORTALWATCH_MAX_ARTICLES_PER_VISIT", cls.max_articles_per_visit)
        return spider

    async def start(self):
        for url in self.portal.start_urls:
            self.outcome.entries.setdefault(url, None)
            yield self.listing_request(url, entry=url, page=1)
        for url in self.portal.feeds:
            self.outcome.entries.setdefault(url, None)
            self.outcome.requests += 1
            yield scrapy.Request(
                url,
                callback=self.parse_feed,
                errback=self.entry_error,
                dont_filter=True,
                meta={"pw_kind": FEED, "pw_entry": url, "handle_httpstatus_list": [304]},
            )

    def listing_request(self, url: str, entry: str, page: int) -> scrapy.Request:
        self.outcome.requests += 1
        return scrapy.Request(
            url,
            callback=self.parse_listing,
            errback=self.entry_error if page == 1 else self.page_error,
            dont_filter=page == 1,
            meta={"pw_kind": LISTING, "pw_entry": entry, "pw_page": page, "handle_httpstatus_list": [304]},
        )

    # -- listing pages ---------------------------------------------------------------------------

    def parse_listing(self, response):
        entry, page = response.meta["pw_entry"], response.meta["pw_page"]
        self.outcome.listing_pages += 1
        if response.status == 304 or response.meta.get("pw_unchanged"):
            self.outcome.not_modified += 1
            self.outcome.entry_ok(entry)
            return
        if problem := self.unusable(response):
            self._listing_problem(entry, page, f"{problem} at {response.url}", response.url)
            return
        found = self.article_links(response)
        if not found:
            self._listing_problem(entry, page, f"no article links found on {response.url}", response.url)
            return
        self.outcome.entry_ok(entry)
        fresh = [link for link in found if link.canonical not in self.seen]
        yield from self.take([(link.url, link.canonical, {"listing_title": link.text}) for link in fresh], response.url)
        if (fresh or self.resume) and page < self.max_pages and self.articles_taken < self.max_articles_per_visit:
            following = self.next_page(response, page)
            if following:
                request = self.listing_request(following, entry=entry, page=page + 1)
                request.meta["pw_source"] = response.url  # this page waits for the next one to be read
                yield request

    def article_links(self, response) -> list[linklib.Link]:
        return linklib.article_links(response.selector, response.url, self.portal.article_url_pattern)

    def next_page(self, response, page: int) -> str | None:
        return linklib.next_page(response.selector, response.url, page)

    def _listing_problem(self, entry: str, page: int, reason: str, url: str | None = None) -> None:
        self.outcome.listing_incomplete(url, reason)
        if page == 1:
            self.outcome.entry_failed(entry, reason)
        else:
            self.outcome.warnings.append(reason)

    # -- feeds -----------------------------------------------------------------------------------

    def parse_feed(self, response):
        entry = response.meta["pw_entry"]
        self.outcome.listing_pages += 1
        if response.status == 304 or response.meta.get("pw_unchanged"):
            self.outcome.not_modified += 1
            self.outcome.entry_ok(entry)
            return
        if not response.body.strip():
            self._feed_problem(entry, f"empty feed at {response.url}", response.url)
            return
        feed = parse_feed(response.body)
        if not feed.entries:
            why = f": {feed.bozo_exception}" if feed.get("bozo") else ""
            self._feed_problem(entry, f"no entries in feed {response.url}{why}"[:300], response.url)
            return
        self.outcome.entry_ok(entry)
        fresh = []
        for item in feed.entries:
            link = entry_link(item)
            if not link:
                continue
            try:  # one malformed link (a broken IPv6 literal, port 99999) is skipped alone
                url = urljoin(response.url, link)
                canonical = canonicalize(url)
            except ValueError:
                continue
            if canonical in self.seen:
                continue
            published = entry_published(item)
            hints = {"feed_title": " ".join((item.get("title") or "").split()) or None,
                     "feed_published": published.isoformat() if published else None}
            fresh.append((url, canonical, hints))
        yield from self.take(fresh, response.url)

    def _feed_problem(self, entry: str, reason: str, url: str) -> None:
        self.outcome.listing_incomplete(url, reason)
        self.outcome.entry_failed(entry, reason)

    # -- articles --------------------------------------------------------------------------------

    def take(self, candidates: list[tuple[str, str, dict]], source: str):
        """Requests for the new links (url, canonical, hints) of one listing page or feed, within the
        per-page and per-visit caps; a capped source is left incomplete, so the next visit reads it again."""
        candidates = [c for c in candidates if c[1] not in self._requested]
        room = max(0, min(self.max_links_per_page, self.max_articles_per_visit - self.articles_taken))
        if len(candidates) > room:
            why = f"capped: {room} of {len(candidates)} new links taken from {source}"
            self.outcome.warnings.append(why)
            self.outcome.listing_incomplete(source, why)
            candidates = candidates[:room]
        for url, canonical, hints in candidates:
            if request := self.article_request(url, canonical, hints):
                request.meta["pw_source"] = source
                self.articles_taken += 1
                yield request

    def article_request(self, url: str, canonical: str, hints: dict) -> scrapy.Request | None:
        if canonical in self._requested:
            return None
        self._requested.add(canonical)
        self.outcome.requests += 1
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.article_error,
            meta={"pw_kind": ARTICLE, "pw_link": url, "pw_canonical": canonical, "pw_hints": hints},
        )

    def parse_article(self, response):
        self.outcome.article_pages += 1
        is_text = isinstance(response, TextResponse)
        yield FetchedPage(
            portal_id=self.portal.id,
            link_url=response.meta["pw_link"],
            canonical_url=response.meta["pw_canonical"],
            url=response.url,
            status=response.status,
            content_type=(response.headers.get(b"Content-Type") or b"").decode("latin-1"),
            body=response.body,
            encoding=response.encoding if is_text else None,
            hints=response.meta.get("pw_hints") or {},
            source=response.meta.get("pw_source"),
        )

    # -- errors ----------------------------------------------------------------------------------

    def unusable(self, response) -> str | None:
        media = (response.headers.get(b"Content-Type") or b"").decode("latin-1").split(";")[0].strip().lower()
        if not isinstance(response, TextResponse) or (media and not _TEXTUAL.match(media)):
            return f"not HTML ({media or 'unknown type'})"
        if not response.body.strip():
            return "empty body"
        return None

    def entry_error(self, failure):
        entry = failure.request.meta.get("pw_entry", failure.request.url)
        self.outcome.entry_failed(entry, f"{describe_failure(failure)} at {failure.request.url}")

    def page_error(self, failure):
        why = f"{describe_failure(failure)} at {failure.request.url}"
        self.outcome.warnings.append(why)
        self.outcome.listing_incomplete(failure.request.meta.get("pw_source"), why)

    def article_error(self, failure):
        why = f"{describe_failure(failure)} at {failure.request.url}"
        if failure.check(RefusedRequest):
            # Refused by the fetch policy: the link will never be fetched, so nothing waits for it.
            self.outcome.warnings.append(why)
            return
        self.outcome.article_errors.append(why)
        self.outcome.listing_incomplete(failure.request.meta.get("pw_source"), why)

    def callback_error(self, failure, response) -> None:
        """An exception in a callback (the crawler's recorder calls this): the run says so, and the
        page it came from is read again next visit."""
        request = getattr(response, "request", None)
        url = getattr(response, "url", None) or (request.url if request is not None else "?")
        exc = failure.value
        why = f"error reading {url}: {type(exc).__name__}: {str(exc).strip()[:200]}"
        self.outcome.errors.append(why)
        meta = request.meta if request is not None else {}
        self.outcome.listing_incomplete(url if meta.get("pw_kind") in (LISTING, FEED) else meta.get("pw_source"), why)

