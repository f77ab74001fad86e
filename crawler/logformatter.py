"""Scrapy's log lines for items, without the items: a dropped page is already recorded with its
reason in the database, and its repr would put a whole HTML body into the log."""

from __future__ import annotations

import logging

from scrapy.logformatter import LogFormatter


class QuietLogFormatter(LogFormatter):
    def dropped(self, item, exception, response, spider=None):
        return {"level": logging.DEBUG, "msg": "Dropped: %(exception)s", "args": {"exception": exception}}

    def scraped(self, item, response, spider=None):
        url = getattr(response, "url", "")
        return {"level": logging.DEBUG, "msg": "Scraped from %(url)s", "args": {"url": url}}

    def item_error(self, item, exception, response, spider=None):
        url = getattr(response, "url", "")
        return {"level": logging.ERROR, "msg": "Error processing the page from %(url)s", "args": {"url": url}}
