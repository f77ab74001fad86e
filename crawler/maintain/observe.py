"""A portal's own spider, watched: what each listing page gave, which requests failed and why.

``observed(cls)`` puts a mixin in front of the portal's spider class (the generic one or its custom
subclass), so a check runs exactly the hooks a crawl runs. It only records and caps: at most
``pw_pages`` listing pages per entry and ``pw_articles`` articles, no database (a dry run).
"""

from __future__ import annotations

import base64

from crawler.maintain.diagnose import failure_code
from crawler.maintain.probe import SAMPLE, diagnose_into, page_record
from spiders.feeds import parse_feed
from spiders.portal import describe_failure


def b64(body: bytes) -> str:
    return base64.b64encode(body).decode("ascii")


class Observed:
    pw_pages = 2
    pw_articles = 5
    pw_keep_bodies = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.report: dict = {"listings": [], "feeds": [], "failures": [], "order": []}
        self._listing_of: dict[int, dict] = {}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_pages = min(spider.max_pages, cls.pw_pages)
        return spider

    # -- listings and feeds ----------------------------------------------------------------------

    def parse_listing(self, response):
        record = page_record(response, diagnose=False)
        record.update(entry=response.meta.get("pw_entry"), page=response.meta.get("pw_page"), links=None, next_page=None)
        record["method"] = response.request.method if response.request is not None else "GET"
        if self.pw_keep_bodies:
            record["body"] = b64(response.body)
        self.report["listings"].append(record)
        self._listing_of[id(response)] = record
        try:
            yield from super().parse_listing(response)
            if record["links"] and record["next_page"] is None:
                record["next_page"] = super().next_page(response, record["page"] or 1)
        finally:
            self._listing_of.pop(id(response), None)
        if not record["links"]:
            diagnose_into(record, response)

    def article_links(self, response):
        found = super().article_links(response)
        if (record := self._listing_of.get(id(response))) is not None:
            record["links"] = len(found)
            record["link_urls"] = [link.url for link in found]
            record["sample"] = [{"url": link.url, "text": link.text} for link in found[:SAMPLE]]
        return found

    def next_page(self, response, page):
        following = super().next_page(response, page)
        if (record := self._listing_of.get(id(response))) is not None:
            record["next_page"] = following
        return following

    def parse_feed(self, response):
        feed = parse_feed(response.body) if response.status == 200 else None
        record = page_record(response, diagnose=False)
        record.update(entry=response.meta.get("pw_entry"), entries=len(feed.entries) if feed is not None else 0)
        if self.pw_keep_bodies:
            record["body"] = b64(response.body)
        self.report["feeds"].append(record)
        yield from super().parse_feed(response)

    # -- articles and failures -------------------------------------------------------------------

    def article_request(self, url, canonical, hints):
        if len(self.report["order"]) >= self.pw_articles:
            return None
        request = super().article_request(url, canonical, hints)
        if request is not None:
            self.report["order"].append(url)
        return request

    def _failed(self, failure) -> None:
        self.report["failures"].append(
            {
                "url": failure.request.url,
                "kind": failure.request.meta.get("pw_kind"),
                "code": failure_code(failure),
                "detail": describe_failure(failure),
            }
        )

    def entry_error(self, failure):
        self._failed(failure)
        return super().entry_error(failure)

    def page_error(self, failure):
        self._failed(failure)
        return super().page_error(failure)

    def article_error(self, failure):
        self._failed(failure)
        return super().article_error(failure)


def observed(spider_cls: type, pages: int, articles: int, keep_bodies: bool) -> type:
    attrs = {"pw_pages": pages, "pw_articles": articles, "pw_keep_bodies": keep_bodies}
    return type(f"Checked{spider_cls.__name__}", (Observed, spider_cls), attrs)
