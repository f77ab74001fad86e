"""Both ends of the maintainer tools' crawl child (``python -m crawler.maintain.child``).

Scrapy's reactor runs once per process, and a portal that hangs must not hang the maintainer's
shell: each discovery or check runs in a fresh child with a hard timeout. The request goes in as
JSON on stdin (settings included, as for the crawl batch); the child writes its findings to a JSON
file and the parent reads that, so nothing Scrapy prints can corrupt the answer. The file is
rewritten as findings come in, so a child cut off at the timeout (stuck on a download that never
ends) still leaves what it had found.
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

GRACE_SECONDS = 3


def dry_run_settings(settings: Settings) -> dict:
    """The crawl's settings (robots.txt, User-Agent, timeouts, charset repair) without a database."""
    values = scrapy_settings(settings)
    values.update(
        PORTALWATCH_DATABASE_URL=None,
        ITEM_PIPELINES={"crawler.pipelines.ExtractionPipeline": 100},
        EXTENSIONS={"crawler.extensions.CrawlRunRecorder": None},
        RETRY_TIMES=1,
        LOG_LEVEL="ERROR",
        LOG_INSTALL_ROOT_HANDLER=False,
        STATS_DUMP=False,
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
    if payload["mode"] == "extract":
        from crawler.maintain.pages import PageSpider

        return PageSpider, {"urls": payload["urls"], "portal": payload.get("portal")}
    from crawler.maintain.observe import observed
    from crawler.spiderloader import spider_class
    from spiders.schema import PortalConfig

    portal = PortalConfig.model_validate(payload["portal"])
    spider = observed(spider_class(portal), payload["pages"], payload["articles"], payload.get("keep_bodies", False))
    return spider, {}


class _Findings:
    """What the child learns, written to the result file as it goes (twice a second at most), so a
    child killed at the parent's timeout, even one stuck on a hanging download, leaves its findings."""

    def __init__(self, crawler, payload: dict):
        from scrapy import signals

        self.crawler, self.path, self.keep = crawler, Path(payload["result"]), payload.get("keep_bodies", False)
        self.articles: list[dict] = []
        self._written: tuple | None = None
        crawler.signals.connect(self.scraped, signal=signals.item_scraped, weak=False)
        crawler.signals.connect(self.opened, signal=signals.spider_opened, weak=False)
        crawler.signals.connect(self.closed, signal=signals.spider_closed, weak=False)

    def opened(self, spider):
        from twisted.internet import task

        self._loop = task.LoopingCall(self.write, spider, None)
        self._loop.start(0.5, now=False)

    def scraped(self, item, response, spider):
        from crawler.maintain.observe import b64
        from crawler.pipelines import ProcessedPage

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
        if self.keep:
            record["body"] = b64(page.body)
        self.articles.append(record)

    def closed(self, spider, reason):
        if self._loop.running:
            self._loop.stop()
        self.write(spider, reason)

    def write(self, spider, reason: str | None) -> None:
        found = dict(getattr(spider, "report", None) or getattr(spider, "result", {}))
        outcome = getattr(spider, "outcome", None)
        if outcome is not None:
            found.update(entries=outcome.entries, warnings=outcome.warnings, article_errors=outcome.article_errors)
        order = {url: n for n, url in enumerate(found.get("order", []))}
        found["articles"] = sorted(self.articles, key=lambda a: order.get(a["link_url"], len(order)))
        found["finish_reason"] = reason
        text = json.dumps(found, ensure_ascii=False)
        if reason is None and (len(text), hash(text)) == self._written:
            return
        self._written = (len(text), hash(text))
        partial = self.path.with_suffix(".part")
        partial.write_text(text, encoding="utf-8")
        partial.replace(self.path)  # never a half-written file for the parent to read


def main() -> int:
    from scrapy.crawler import CrawlerProcess

    from crawler.batch_child import die_with_parent

    die_with_parent()  # the parent enforces the timeout: without it, nothing would
    payload = json.loads(sys.stdin.read())
    sys.path[:0] = [p for p in payload.get("sys_path", []) if p not in sys.path]
    settings = Settings.from_json(payload["settings"])
    # Errors only, checked at the handler: Scrapy raises its own loggers to DEBUG when a crawler starts,
    # and its "Scraped from" line would format every page body for nobody to read.
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.ERROR)
    logging.basicConfig(level=logging.ERROR, handlers=[handler])
    spider, arguments = _spider_for(payload)
    process = CrawlerProcess(dry_run_settings(settings))
    crawler = process.create_crawler(spider)
    _Findings(crawler, payload)
    process.crawl(crawler, **arguments)
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
