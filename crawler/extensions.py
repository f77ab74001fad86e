"""Opens and closes the CrawlRun of each portal crawl."""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.state import CrawlState

log = logging.getLogger("portalwatch.crawl")


class CrawlRunRecorder:
    def __init__(self, state: CrawlState):
        self.state = state

    @classmethod
    def from_crawler(cls, crawler):
        state = CrawlState.of(crawler)
        if state is None:
            raise NotConfigured("no database: dry run")
        extension = cls(state)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider):
        self.state.open(spider)

    def spider_closed(self, spider, reason):
        status, why = self.state.close(spider, reason)
        log.info(
            "portal %s: %s, %d new articles, %d requests%s",
            spider.portal.id,
            status,
            self.state.new_articles,
            spider.outcome.requests,
            f" ({why})" if why else "",
            extra={"portal": spider.portal.id, "run_id": self.state.run_id, "status": status, "reason": why},
        )
