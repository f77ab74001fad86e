"""Downloader middlewares: conditional GET for listings and feeds, and Vietnamese charset repair."""

from __future__ import annotations

import hashlib

from scrapy.http import TextResponse

from crawler.encoding import canonical_codec, choose_encoding
from crawler.state import CrawlState, Validators

_CONDITIONAL = ("listing", "feed", "register")


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
    """Decode pages with the codec they really use; a portal's ``encoding`` in the registry wins."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        if not isinstance(response, TextResponse):
            return response
        portal = getattr(self.crawler.spider, "portal", None)
        forced = canonical_codec(portal.encoding) if portal is not None and portal.encoding else None
        wanted = forced or choose_encoding(response.body, response.encoding)
        if wanted and wanted != canonical_codec(response.encoding):
            return response.replace(encoding=wanted)
        return response
