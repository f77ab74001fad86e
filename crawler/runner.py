"""Runs crawl batches in a child process with a hard timeout.

Scrapy's reactor cannot restart inside one process, and a hung site or a leak must never reach the
caller (the CLI, or the daemon holding the bot and scheduler): each batch gets a fresh child.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import subprocess
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from crawler.batch_child import BatchFiles, child_command, end_stale_children, run_dir
from crawler.config import Settings
from storage import repositories as repo
from storage.db import transaction
from storage.types import utcnow

log = logging.getLogger("portalwatch.runner")
GRACE_SECONDS = 15
SHUTDOWN_GRACE = 5


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


def _payload(settings: Settings, portal_ids: list[str], batch_id: str, files: BatchFiles) -> bytes:
    return json.dumps(
        {"settings": settings.to_json(), "portals": portal_ids, "batch_id": batch_id, "parent": os.getpid(),
         "status_file": files.status_path}
    ).encode("utf-8")


def _close_batch(factory, batch_id: str, portal_ids: list[str], reason: str, fatal: dict | None = None) -> list[RunSummary]:
    """Runs the child left open are closed as interrupted; portals it never opened get a failed run.
    An error the child reported (its database turned read-only…) is the reason, not the exit code."""
    fatal = fatal or {}
    with transaction(factory) as session:
        for run in repo.running_runs(session, batch_id):
            why = fatal.get(run.portal_id) or fatal.get(None)
            repo.finish_run(session, run.id, "interrupted", f"crawl process failed: {why}" if why else reason, {})
        runs = {run.portal_id: run for run in repo.runs_of_batch(session, batch_id)}
        for portal_id in portal_ids:
            if portal_id not in runs:
                why = fatal.get(portal_id) or fatal.get(None)
                run = repo.start_run(session, portal_id, batch_id)
                runs[portal_id] = repo.finish_run(session, run.id, "failed", f"crawl process failed: {why}" if why else reason, {})
        return [RunSummary(r.portal_id, r.status, r.reason, r.new_articles or 0, r.requests or 0) for r in runs.values()]


def _end_reason(timed_out: bool, timeout: float, returncode: int | None) -> str:
    if timed_out:
        return f"crawl timed out after {timeout:.0f} s"
    return f"crawl process ended abnormally (exit code {returncode})"


def _batch_files(settings: Settings, batch_id: str) -> BatchFiles:
    files = BatchFiles(run_dir(settings), batch_id)
    files.prepare()
    return files


def run_batch(settings: Settings, factory, portal_ids: list[str], timeout: float | None = None) -> BatchResult:
    batch_id = uuid.uuid4().hex[:16]
    timeout = timeout if timeout is not None else settings.crawl_timeout
    files = _batch_files(settings, batch_id)
    child = subprocess.Popen(child_command(batch_id), stdin=subprocess.PIPE)
    files.started(child.pid)
    timed_out = False
    try:
        child.stdin.write(_payload(settings, portal_ids, batch_id, files))
        child.stdin.close()
        child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        log.warning("crawl batch %s exceeded %.0f s: stopping it", batch_id, timeout, extra={"batch": batch_id})
        stop_child(child)
    except BaseException:
        stop_child(child)
        files.remove()
        raise
    fatal = files.fatal_errors()
    files.remove()
    runs = _close_batch(factory, batch_id, portal_ids, _end_reason(timed_out, timeout, child.returncode), fatal)
    return BatchResult(batch_id, child.returncode, timed_out, runs)


async def run_batch_async(
    settings: Settings, factory, portal_ids: list[str], timeout: float | None = None, stop: asyncio.Event | None = None
) -> BatchResult:
    """The daemon's variant: the control loop keeps serving the bot and the sender while the child crawls."""
    batch_id = uuid.uuid4().hex[:16]
    timeout = timeout if timeout is not None else settings.crawl_timeout
    files = _batch_files(settings, batch_id)
    child = await asyncio.create_subprocess_exec(*child_command(batch_id), stdin=asyncio.subprocess.PIPE)
    files.started(child.pid)
    child.stdin.write(_payload(settings, portal_ids, batch_id, files))
    await child.stdin.drain()
    child.stdin.close()
    timed_out = stopped = False
    waiter = asyncio.ensure_future(child.wait())
    stopper = asyncio.ensure_future(stop.wait()) if stop is not None else None
    try:
        done, _ = await asyncio.wait([w for w in (waiter, stopper) if w], timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if waiter not in done:
            timed_out = stopper not in done if stopper else True
            stopped = not timed_out
            log.warning("crawl batch %s %s: stopping it", batch_id, "timed out" if timed_out else "cancelled by shutdown")
            # A child past its deadline, or one the daemon must stop within its 15 s, gets a few seconds
            # to close its spiders; a download hung on a dead server would keep it much longer.
            await stop_child_async(child, grace=SHUTDOWN_GRACE)
    finally:
        if stopper is not None:
            stopper.cancel()
        if child.returncode is None:
            await stop_child_async(child)
        fatal = files.fatal_errors()
        files.remove()
    reason = "crawl stopped by shutdown" if stopped else _end_reason(timed_out, timeout, child.returncode)
    runs = await asyncio.to_thread(_close_batch, factory, batch_id, portal_ids, reason, fatal)
    return BatchResult(batch_id, child.returncode, timed_out, runs)


async def stop_child_async(child, grace: float = GRACE_SECONDS) -> None:
    if child.returncode is not None:
        return
    child.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(child.wait(), grace)
    except asyncio.TimeoutError:
        child.kill()
        await child.wait()


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
    """Runs left 'running' by a process that died (kill -9, power loss) are closed as interrupted.

    A crawl child that outlived its daemon is ended first and its runs closed at once; other runs
    are closed once they are older than any batch could still be running."""
    orphaned = end_stale_children(run_dir(settings))
    cutoff = utcnow() - timedelta(seconds=settings.crawl_timeout + 2 * GRACE_SECONDS)
    with transaction(factory) as session:
        closed = [r for b in orphaned for r in repo.close_interrupted_runs(session, "crawl process orphaned: its parent died", batch_id=b)]
        return len(closed) + len(repo.close_interrupted_runs(session, "crawl process died", started_before=cutoff))
