"""Downloader middlewares: what a crawl may fetch, conditional GET for listings and feeds, and Vietnamese
charset repair."""

from __future__ import annotations

import hashlib

from scrapy.http import TextResponse

from crawler.encoding import canonical, choose_codec, header_charset
from crawler.state import CrawlState, Validators
from spiders.fetch_policy import FetchPolicy, RefusedRequest, address_kind, literal_kind

_CONDITIONAL = ("listing", "feed", "register")


class FetchPolicyMiddleware:
    """Refuses every request ``spiders.fetch_policy`` forbids: other schemes, other hosts, internal addresses.

    It sits before robots.txt handling (so not even robots.txt of a refused host is fetched) and sees
    each redirect again, since Scrapy re-schedules the redirected request through the whole chain.
    A host name is resolved through Scrapy's own caching resolver, so the address judged is the one
    the download then connects to.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self._policy: FetchPolicy | None = None
        self._own_kinds: set[str] | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def policy(self) -> FetchPolicy:
        if self._policy is None:
            spider = self.crawler.spider
            portal = getattr(spider, "portal", None)
            if getattr(spider, "fetch_policy", None) is not None:
                self._policy = spider.fetch_policy
            elif portal is not None:
                self._policy = FetchPolicy.for_portal([*portal.start_urls, *portal.feeds, *(getattr(portal, "documents", None) or [])],
                                                     portal.allowed_hosts)
            else:
                self._policy = FetchPolicy.for_pages([])
        return self._policy

    async def process_request(self, request, spider=None):
        policy = self.policy()
        if why := policy.refusal(request.url):
            self._refuse(request, why)
        kind = await self._kind(request.url)
        if kind is not None:
            if self._own_kinds is None:
                self._own_kinds = {k for host in policy.own if (k := await self._kind(f"http://{host}/"))}
            if why := policy.internal_refusal(request.url, kind, self._own_kinds):
                self._refuse(request, why)
        return None

    def _refuse(self, request, why: str):
        origin = (request.meta.get("redirect_urls") or [None])[0]
        if origin:
            why = f"{why} (redirected from {origin[:120]})"
        self.crawler.stats.inc_value("portalwatch/refused")
        raise RefusedRequest(f"refused: {why}")

    async def _kind(self, url: str) -> str | None:
        from urllib.parse import urlsplit

        host = (urlsplit(url).hostname or "").lower()
        known, kind = literal_kind(host)
        if known or not host or host.startswith("*."):
            return kind
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet import reactor

        try:
            address = await maybe_deferred_to_future(reactor.resolve(host))
        except Exception:  # the download reports the DNS failure in its own words
            return None
        return address_kind(address)


class ListingValidatorsMiddleware:
    """Sends If-None-Match / If-Modified-Since for listings and marks an unchanged body, so a listing
    that did not change costs one request and no parsing."""

    def __init__(self, state: CrawlState | None):
        self.state = state

    @classmethod
    def from_crawler(cls, crawler):
        return cls(CrawlState.of(crawler))

    def process_request(self, request, spider=None):
        if self.state is None or request.meta.get("pw_kind") not in _CONDITIONAL:
            return None
        known = self.state.validators.get(request.url)
        if known:
            if known.etag:
                request.headers.setdefault(b"If-None-Match", known.etag.encode("latin-1"))
            if known.last_modified:
                request.headers.setdefault(b"If-Modified-Since", known.last_modified.encode("latin-1"))
        return None

    def process_response(self, request, response, spider=None):
        if self.state is None or request.meta.get("pw_kind") not in _CONDITIONAL or response.status != 200:
            return response
        digest = hashlib.sha256(response.body).hexdigest()
        known = self.state.validators.get(request.url)
        if known and known.body_hash == digest:
            request.meta["pw_unchanged"] = True
        header = response.headers.get
        self.state.pending[request.url] = Validators(
            (header(b"ETag") or b"").decode("latin-1") or None,
            (header(b"Last-Modified") or b"").decode("latin-1") or None,
            digest,
        )
        return response


class VietnameseEncodingMiddleware:
    """Decode pages with the codec they really use (``crawler.encoding.choose_codec``, the decision the extractor
    makes too); a portal's ``encoding`` in the registry is the strongest label."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        if not isinstance(response, TextResponse):
            return response
        portal = getattr(self.crawler.spider, "portal", None)
        forced = portal.encoding if portal is not None and portal.encoding else None
        wanted = choose_codec(response.body, header_charset(response.headers.get(b"Content-Type")), forced)
        if wanted != canonical(response.encoding):
            return response.replace(encoding=wanted)
        return response
