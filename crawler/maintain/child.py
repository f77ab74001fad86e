"""Both ends of the maintainer tools' crawl child (``python -m crawler.maintain.child``).

Scrapy's reactor runs once per process, and a portal that hangs must not hang the maintainer's
shell: each discovery or check runs in a fresh child with a hard timeout. The request goes in as
JSON on stdin (settings included, as for the crawl batch); the child writes its findings to a JSON
file and the parent reads that, so nothing Scrapy prints can corrupt the answer. A child stopped at
the timeout still writes what it had found: SIGTERM lets Scrapy close the spider.
"""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from crawler.config import Settings
from crawler.errors import UserError
from crawler.settings import scrapy_settings

GRACE_SECONDS = 10


def dry_run_settings(settings: Settings) -> dict:
    """The crawl's settings (robots.txt, User-Agent, timeouts, charset repair) without a database."""
    values = scrapy_settings(settings)
    values.update(
        PORTALWATCH_DATABASE_URL=None,
        ITEM_PIPELINES={"crawler.pipelines.ExtractionPipeline": 100},
        EXTENSIONS={"crawler.extensions.CrawlRunRecorder": None},
        RETRY_TIMES=1,
        LOG_LEVEL="ERROR",
    )
    return values


# -- parent side ---------------------------------------------------------------------------------


def run_child(mode: str, request: dict, settings: Settings, timeout: float) -> dict:
    """Runs one discovery or check in a child; the findings, with ``timed_out`` set if it was cut off."""
    with tempfile.TemporaryDirectory(prefix="portalwatch-") as folder:
        result = Path(folder) / "result.json"
        # The child imports what this process can: a spider module written to a package outside the project.
        payload = {"mode": mode, "settings": settings.to_json(), "result": str(result), "sys_path": sys.path, **request}
        child = subprocess.Popen(
            [sys.executable, "-m", "crawler.maintain.child"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        timed_out = False
        try:
            _, errors = child.communicate(json.dumps(payload).encode("utf-8"), timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            child.send_signal(signal.SIGTERM)
            try:
                _, errors = child.communicate(timeout=GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                child.kill()
                _, errors = child.communicate()
        except BaseException:
            child.kill()
            child.wait()
            raise
        if not result.is_file():
            if timed_out:
                raise UserError(f"gave up after {timeout:.0f} s: the portal did not answer in time", exit_code=1)
            raise UserError(f"the {mode} process failed: {_last_line(errors)}", exit_code=1)
        found = json.loads(result.read_text(encoding="utf-8"))
    found["timed_out"] = timed_out
    found["timeout"] = timeout
    return found


def _last_line(errors: bytes | None) -> str:
    lines = [line for line in (errors or b"").decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1].strip() if lines else "no output"


# -- child side ----------------------------------------------------------------------------------


def _spider_for(payload: dict) -> tuple[type, dict]:
    if payload["mode"] == "discover":
        from crawler.maintain.probe import DiscoverSpider

        return DiscoverSpider, {"url": payload["url"], "sections": payload.get("sections", 4)}
    from crawler.maintain.observe import observed
    from crawler.spiderloader import spider_class
    from spiders.schema import PortalConfig

    portal = PortalConfig.model_validate(payload["portal"])
    spider = observed(spider_class(portal), payload["pages"], payload["articles"], payload.get("keep_bodies", False))
    return spider, {}


def _collect(crawler, payload: dict) -> None:
    from scrapy import signals

    from crawler.maintain.observe import b64
    from crawler.pipelines import ProcessedPage

    articles: list[dict] = []
    keep = payload.get("keep_bodies", False)

    def scraped(item, response, spider):
        if not isinstance(item, ProcessedPage):
            return
        page = item.page
        record = {
            "link_url": page.link_url,
            "url": page.url,
            "status": page.status,
            "content_type": page.content_type,
            "encoding": page.encoding,
            "reject": item.reject,
            "extraction": item.extraction.as_json() if item.extraction else None,
        }
        if keep:
            record["body"] = b64(page.body)
        articles.append(record)

    def closed(spider, reason):
        found = dict(getattr(spider, "report", None) or getattr(spider, "result", {}))
        outcome = getattr(spider, "outcome", None)
        if outcome is not None:
            found.update(entries=outcome.entries, warnings=outcome.warnings, article_errors=outcome.article_errors)
            order = {url: n for n, url in enumerate(found.get("order", []))}
            articles.sort(key=lambda a: order.get(a["link_url"], len(order)))
            found["articles"] = articles
        found["finish_reason"] = reason
        Path(payload["result"]).write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")

    crawler.signals.connect(scraped, signal=signals.item_scraped, weak=False)
    crawler.signals.connect(closed, signal=signals.spider_closed, weak=False)


def main() -> int:
    from scrapy.crawler import CrawlerProcess

    payload = json.loads(sys.stdin.read())
    sys.path[:0] = [p for p in payload.get("sys_path", []) if p not in sys.path]
    settings = Settings.from_json(payload["settings"])
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    spider, arguments = _spider_for(payload)
    process = CrawlerProcess(dry_run_settings(settings), install_root_handler=False)
    crawler = process.create_crawler(spider)
    _collect(crawler, payload)
    process.crawl(crawler, **arguments)
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
