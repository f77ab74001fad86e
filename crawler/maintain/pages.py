"""The spider behind ``portalwatch extract URL``: named pages fetched exactly as the crawl fetches an
article (robots.txt, User-Agent, TLS settings, timeouts, size limit, fetch policy, charset repair)
and handed to the crawl's own extraction pipeline, so what the command shows is what would be stored.
"""

from __future__ import annotations

import scrapy
from scrapy.http import TextResponse

from crawler.maintain.diagnose import failure_code
from spiders.fetch_policy import FetchPolicy
from spiders.items import FetchedPage
from spiders.portal import describe_failure
from spiders.schema import PortalConfig
from spiders.urls import canonicalize


class PageSpider(scrapy.Spider):
    name = "portalwatch-extract"

    def __init__(self, *args, urls: list[str], portal: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.urls = urls
        # The pipeline and the charset repair read the registry entry's selectors and encoding from here.
        self.portal = PortalConfig.model_validate(portal) if portal else None
        self.fetch_policy = FetchPolicy.for_pages(urls)
        self.result: dict = {"failures": []}

    async def start(self):
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse_page, errback=self.failed, dont_filter=True, meta={"pw_input": url})

    def parse_page(self, response):
        yield FetchedPage(
            portal_id=self.portal.id if self.portal else "",
            link_url=response.meta["pw_input"],
            canonical_url=canonicalize(response.meta["pw_input"]),
            url=response.url,
            status=response.status,
            content_type=(response.headers.get(b"Content-Type") or b"").decode("latin-1"),
            body=response.body,
            encoding=response.encoding if isinstance(response, TextResponse) else None,
        )

    def failed(self, failure):
        self.result["failures"].append(
            {"url": failure.request.meta.get("pw_input", failure.request.url), "kind": "article",
             "code": failure_code(failure), "detail": describe_failure(failure)}
        )
