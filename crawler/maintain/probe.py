"""The discovery spider: one page of an unknown portal, and what it points to.

Fetches the page, robots.txt (for its Sitemap lines), the feeds the page advertises plus the usual
feed paths, sitemaps, and the best-ranked section pages, which are counted for article links with
the crawl's own link finder. Candidates that 404 are simply not found; only the page itself can fail.
"""

from __future__ import annotations

from urllib.parse import urljoin

import scrapy
from scrapy.http import TextResponse

from crawler.maintain import discover
from crawler.maintain.diagnose import failure_code, page_problem
from spiders import links as linklib
from spiders.feeds import parse_feed
from spiders.fetch_policy import FetchPolicy
from spiders.portal import describe_failure
from spiders.register_rows import parse_register

SAMPLE = 5


def listing_summary(response) -> dict:
    """Article links and pagination of a page, as the generic spider would see them."""
    found = linklib.article_links(response.selector, response.url)
    return {
        "links": len(found),
        "sample": [{"url": link.url, "text": link.text} for link in found[:SAMPLE]],
        "next_page": linklib.next_page(response.selector, response.url, 1),
    }


def page_record(response, diagnose: bool = True) -> dict:
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    is_text = isinstance(response, TextResponse)
    record = {
        "url": response.url,
        "status": response.status,
        "content_type": content_type,
        "encoding": response.encoding if is_text else None,
        "problem": None,
    }
    if diagnose:
        diagnose_into(record, response)
    return record


def diagnose_into(record: dict, response) -> None:
    content_type = record["content_type"]
    is_text = isinstance(response, TextResponse)
    problem = page_problem(response.body, response.encoding if is_text else None, content_type)
    if problem is None and not is_text:
        problem = ("not-html", f"served as {content_type or 'an unknown type'}")
    if problem:
        record["problem"] = {"code": problem[0], "detail": problem[1]}


class DiscoverSpider(scrapy.Spider):
    name = "portalwatch-discover"

    def __init__(self, *args, url: str, sections: int = 4, **kwargs):
        super().__init__(*args, **kwargs)
        self.url, self.max_sections = url, sections
        # Any public host (feeds and sitemaps may live elsewhere); an internal address only for this page's own host.
        self.fetch_policy = FetchPolicy.for_pages([url])
        self.result: dict = {"page": None, "feeds": [], "sitemaps": [], "sections": [], "registers": []}
        self._asked: set[str] = set()
        self._advertised: set[str] = set()

    async def start(self):
        yield scrapy.Request(self.url, callback=self.parse_page, errback=self.page_failed, dont_filter=True)

    def _once(self, url: str, **kwargs) -> scrapy.Request | None:
        if url in self._asked:
            return None
        self._asked.add(url)
        return scrapy.Request(url, errback=self.ignore, **kwargs)

    def page_failed(self, failure):
        self.result["page"] = {
            "url": failure.request.url,
            "error": {"code": failure_code(failure), "detail": describe_failure(failure)},
        }

    def ignore(self, failure):
        """A candidate that is not there is not a finding."""

    def parse_page(self, response):
        record = page_record(response)
        self.result["page"] = record
        if record["problem"]:
            return
        selector = response.selector
        record.update(listing_summary(response))
        record["title"] = " ".join((selector.css("title::text").get() or "").split()) or None
        record["site_name"] = discover.site_name(selector)
        record["viewstate"] = bool(selector.css("input[name=__VIEWSTATE]"))
        record["postback_pager"] = any("__doPostBack" in href for href in selector.css("a::attr(href)").getall())
        self.result["sections"] = discover.section_links(selector, response.url)
        self._advertised = set(discover.advertised_feeds(selector, response.url))
        robots = urljoin(response.url, "/robots.txt")
        requests = [self._once(robots, callback=self.parse_robots, meta={"dont_obey_robotstxt": True})]
        for url in discover.feed_candidates(selector, response.url):
            requests.append(self._once(url, callback=self.parse_feed_candidate, meta={"pw_depth": 0}))
        for path in discover.SITEMAP_PATHS:
            requests.append(self._once(urljoin(response.url, path), callback=self.parse_sitemap))
        for section in self.result["sections"][: self.max_sections]:
            requests.append(self._once(section["url"], callback=self.parse_section, meta={"section": section}))
        self.result["registers"] = discover.register_links(selector, response.url)
        for register in self.result["registers"]:
            requests.append(self._once(register["url"], callback=self.parse_register_candidate, meta={"register": register}))
        yield from (r for r in requests if r is not None)

    def parse_robots(self, response):
        text = response.text if isinstance(response, TextResponse) else response.body.decode("utf-8", "replace")
        for url in discover.sitemaps_in_robots(text, response.url)[:3]:
            if request := self._once(url, callback=self.parse_sitemap):
                yield request

    def parse_sitemap(self, response):
        if discover.is_sitemap(response.body) and response.url not in self.result["sitemaps"]:
            self.result["sitemaps"].append(response.url)

    def parse_feed_candidate(self, response):
        feed = parse_feed(response.body)
        if feed.entries:
            if response.url not in {f["url"] for f in self.result["feeds"]}:
                title = " ".join((feed.feed.get("title") or "").split()) or None
                origin = (response.meta.get("redirect_urls") or [response.url])[0]
                advertised = origin in self._advertised
                self.result["feeds"].append(
                    {"url": response.url, "entries": len(feed.entries), "title": title, "advertised": advertised}
                )
            return
        # An HTML "RSS" page listing the site's feeds: one level down.
        if isinstance(response, TextResponse) and response.meta["pw_depth"] == 0:
            for url in discover.advertised_feeds(response.selector, response.url)[:6]:
                if request := self._once(url, callback=self.parse_feed_candidate, meta={"pw_depth": 1}):
                    yield request

    def parse_register_candidate(self, response):
        """A register link is proposed only when its page shows document rows (spiders/register_rows.py)."""
        rows = parse_register(response.text, response.url) if isinstance(response, TextResponse) else []
        for known in self.result["registers"]:
            if known["url"] == response.meta["register"]["url"]:
                known.update({"rows": len(rows), "example": rows[0].code if rows else None})

    def parse_section(self, response):
        section = dict(response.meta["section"])
        record = page_record(response)
        if not record["problem"]:
            record.update(listing_summary(response))
        section.update(record)
        for known in self.result["sections"]:
            if known["url"] == response.meta["section"]["url"]:
                known.update(section)
