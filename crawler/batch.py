"""A crawl batch: many portals in one Scrapy process. Run as a child (``python -m crawler.batch``).

The child gets its settings and portal ids as JSON on stdin (so the bot token never shows in ``ps``)
and writes everything it learns to the database; the parent only waits, and cuts it off at a timeout.
"""

from __future__ import annotations

import json
import logging
import sys

from scrapy.crawler import CrawlerProcess

from crawler.config import Settings
from crawler.logs import configure_logging
from crawler.settings import scrapy_settings
from crawler.spiderloader import spider_class
from spiders.registry_loader import load_registry

log = logging.getLogger("portalwatch.batch")


def crawl_portals(settings: Settings, portal_ids: list[str], batch_id: str) -> None:
    registry = load_registry(settings.portals)
    portals = [registry.get(pid) for pid in portal_ids]
    portals = [p for p in portals if p is not None]
    process = CrawlerProcess(scrapy_settings(settings, batch_id))
    configure_logging(settings)  # Scrapy just reset its loggers to DEBUG
    for portal in portals:
        try:
            process.crawl(spider_class(portal))
        except Exception:  # a portal whose spider cannot even be built fails alone
            log.exception("portal %s: cannot start its spider", portal.id, extra={"portal": portal.id})
    process.start()


def main() -> int:
    payload = json.loads(sys.stdin.read())
    settings = Settings.from_json(payload["settings"])
    configure_logging(settings)
    crawl_portals(settings, payload["portals"], payload["batch_id"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
