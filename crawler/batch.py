"""A crawl batch: many portals in one Scrapy process. Run as a child (``python -m crawler.batch``).

The child gets its settings and portal ids as JSON on stdin (so the bot token never shows in ``ps``)
and writes everything it learns to the database; the parent only waits, and cuts it off at a timeout.
It dies with its parent, and a fatal error goes to the parent's status file (``crawler.batch_child``).
Portals whose listings and feeds answer unchanged are settled by the pre-flight (``crawler.preflight``)
without a spider; when none is left, Scrapy and Twisted are not even imported.
"""

from __future__ import annotations

import json
import logging
import sys

from crawler import batch_child
from crawler.config import Settings
from crawler.logs import configure_logging
from spiders.registry_loader import load_registry

log = logging.getLogger("portalwatch.batch")


def crawl_portals(settings: Settings, portal_ids: list[str], batch_id: str, status_file: str | None = None) -> None:
    registry = load_registry(settings.portals)
    portals = [registry.get(pid) for pid in portal_ids]
    portals = [p for p in portals if p is not None]
    if settings.preflight and portals:
        portals = _preflight(settings, portals, batch_id)
    if not portals:
        return
    from scrapy.crawler import CrawlerProcess

    from crawler.settings import scrapy_settings
    from crawler.spiderloader import spider_class

    values = scrapy_settings(settings, batch_id)
    values["PORTALWATCH_STATUS_FILE"] = status_file
    process = CrawlerProcess(values)
    configure_logging(settings)  # Scrapy just reset its loggers to DEBUG
    for portal in portals:
        try:
            started = process.crawl(spider_class(portal))
            # A crawler that fails while starting (its database refuses to open) never opens its run.
            started.addErrback(_failed_to_start, portal.id, status_file)
        except Exception as exc:  # a portal whose spider cannot even be built fails alone
            log.exception("portal %s: cannot start its spider", portal.id, extra={"portal": portal.id})
            batch_child.report_fatal(status_file, portal.id, exc)
    process.start()


def _preflight(settings: Settings, portals: list, batch_id: str) -> list:
    """The portals left for Scrapy; a pre-flight that cannot run at all leaves them all (Scrapy then
    records each portal's own failure, as it always did)."""
    from storage.db import make_engine, session_factory

    # The parent migrated the schema before it started this child; skipping Alembic here saves a
    # quarter of the pre-flight. A schema still behind fails a query, and Scrapy's path migrates.
    engine = None
    try:
        from crawler.preflight import split_batch

        engine = make_engine(settings.database_url)
        return split_batch(settings, session_factory(engine), portals, batch_id)
    except Exception:
        log.warning("pre-flight failed: crawling every portal of the batch", exc_info=True)
        return portals
    finally:
        if engine is not None:
            engine.dispose()


def _failed_to_start(failure, portal_id: str, status_file: str | None) -> None:
    log.error("portal %s: crawl failed to start: %s", portal_id, failure.getErrorMessage(), extra={"portal": portal_id})
    batch_child.report_fatal(status_file, portal_id, failure.value)


def main() -> int:
    batch_child.die_with_parent()
    payload = json.loads(sys.stdin.read())
    if batch_child.parent_gone(payload.get("parent")):
        return 1
    status_file = payload.get("status_file")
    try:
        settings = Settings.from_json(payload["settings"])
        configure_logging(settings)
        crawl_portals(settings, payload["portals"], payload["batch_id"], status_file)
    except Exception as exc:
        log.exception("crawl batch failed")
        batch_child.report_fatal(status_file, None, exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
