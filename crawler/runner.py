"""Runs crawl batches in a child process with a hard timeout.

Scrapy's reactor cannot restart inside one process, and a hung site or a leak must never reach the
caller (the CLI, or the daemon holding the bot and scheduler): each batch gets a fresh child.
"""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from crawler.config import Settings
from storage import repositories as repo
from storage.db import transaction
from storage.types import utcnow

log = logging.getLogger("portalwatch.runner")
GRACE_SECONDS = 15


@dataclass
class RunSummary:
    portal_id: str
    status: str
    reason: str | None
    new_articles: int
    requests: int


@dataclass
class BatchResult:
    batch_id: str
    returncode: int | None
    timed_out: bool
    runs: list[RunSummary] = field(default_factory=list)

    @property
    def new_articles(self) -> int:
        return sum(run.new_articles for run in self.runs)


def run_batch(settings: Settings, factory, portal_ids: list[str], timeout: float | None = None) -> BatchResult:
    batch_id = uuid.uuid4().hex[:16]
    timeout = timeout if timeout is not None else settings.crawl_timeout
    payload = json.dumps({"settings": settings.to_json(), "portals": portal_ids, "batch_id": batch_id})
    child = subprocess.Popen([sys.executable, "-m", "crawler.batch"], stdin=subprocess.PIPE)
    timed_out = False
    try:
        child.stdin.write(payload.encode("utf-8"))
        child.stdin.close()
        child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        log.warning("crawl batch %s exceeded %.0f s: stopping it", batch_id, timeout, extra={"batch": batch_id})
        stop_child(child)
    except BaseException:
        stop_child(child)
        raise
    reason = (
        f"crawl timed out after {timeout:.0f} s"
        if timed_out
        else f"crawl process ended abnormally (exit code {child.returncode})"
    )
    with transaction(factory) as session:
        repo.close_interrupted_runs(session, reason, batch_id=batch_id)
        runs = {run.portal_id: run for run in repo.runs_of_batch(session, batch_id)}
        for portal_id in portal_ids:
            if portal_id not in runs:
                # The child never opened this portal (it died first, or the spider could not be built).
                run = repo.start_run(session, portal_id, batch_id)
                runs[portal_id] = repo.finish_run(session, run.id, "failed", reason, {})
        summaries = [
            RunSummary(r.portal_id, r.status, r.reason, r.new_articles or 0, r.requests or 0) for r in runs.values()
        ]
    return BatchResult(batch_id, child.returncode, timed_out, summaries)


def stop_child(child: subprocess.Popen) -> None:
    """SIGTERM lets Scrapy close its spiders (runs end as 'interrupted'); SIGKILL if it will not go."""
    if child.poll() is not None:
        return
    child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout=GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def close_stale_runs(settings: Settings, factory) -> int:
    """Runs left 'running' by a process that died (kill -9, power loss) are closed as interrupted."""
    cutoff = utcnow() - timedelta(seconds=settings.crawl_timeout + 2 * GRACE_SECONDS)
    with transaction(factory) as session:
        return len(repo.close_interrupted_runs(session, "crawl process died", started_before=cutoff))
