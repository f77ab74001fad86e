"""Opens and closes the CrawlRun of each portal crawl, and carries every error of the visit into it.

An exception in a callback or a pipeline (a bug, a locked or read-only database) is part of the
run's outcome, not just a log line: the run says partial or failed with the reason, and the listing
it came from keeps its old validators, so the lost articles are fetched on the next visit. A run
that cannot even be recorded tells the parent through the batch's status file.
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.exceptions import CloseSpider, NotConfigured

from crawler.batch_child import describe_error, report_fatal
from crawler.state import CrawlState

log = logging.getLogger("portalwatch.crawl")


class CrawlRunRecorder:
    def __init__(self, state: CrawlState, status_file: str | None = None):
        self.state = state
        self.status_file = status_file

    @classmethod
    def from_crawler(cls, crawler):
        state = CrawlState.of(crawler)
        if state is None:
            raise NotConfigured("no database: dry run")
        extension = cls(state, crawler.settings.get("PORTALWATCH_STATUS_FILE"))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.spider_error, signal=signals.spider_error)
        crawler.signals.connect(extension.item_error, signal=signals.item_error)
        return extension

    def spider_opened(self, spider):
        try:
            self.state.open(spider)
        except Exception as exc:
            log.exception("portal %s: cannot record its run", spider.portal.id, extra={"portal": spider.portal.id})
            report_fatal(self.status_file, spider.portal.id, exc)
            raise CloseSpider(f"cannot record the run: {describe_error(exc)}") from exc

    def spider_error(self, failure, response, spider):
        handler = getattr(spider, "callback_error", None)
        if handler is not None:
            handler(failure, response)

    def item_error(self, item, response, spider, failure):
        url = getattr(item, "url", None) or getattr(response, "url", "?")
        why = f"storing {url} failed: {describe_error(failure.value)}"
        outcome = getattr(spider, "outcome", None)
        if outcome is not None:
            outcome.errors.append(why)
            outcome.listing_incomplete(getattr(item, "source", None), why)

    def spider_closed(self, spider, reason):
        if self.state.run_id is None:
            return  # never opened: already reported
        try:
            status, why = self.state.close(spider, reason)
        except Exception as exc:
            log.exception("portal %s: cannot record the end of its run", spider.portal.id, extra={"portal": spider.portal.id})
            report_fatal(self.status_file, spider.portal.id, exc)
            return
        log.info(
            "portal %s: %s, %d new articles, %d requests%s",
            spider.portal.id,
            status,
            self.state.new_articles,
            spider.outcome.requests,
            f" ({why})" if why else "",
            extra={"portal": spider.portal.id, "run_id": self.state.run_id, "status": status, "reason": why},
        )
