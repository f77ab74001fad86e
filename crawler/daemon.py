"""`portalwatch run`: one asyncio control process for months of unattended work.

It holds the scheduler (one job per portal, rebuilt from the registry at every start), the bot
(polling), the outbox sender and the HTTP server. Crawls run in a child process per batch of due
portals with a hard timeout, so a hung site or a leak never reaches the bot or the scheduler.
Matching runs in a worker thread for the same reason. Everything durable is in the database:
killing the process at any point loses nothing that a restart does not pick up.
"""

from __future__ import annotations

import asyncio
import logging
import random
import signal
import time
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawler.config import Settings
from crawler.cycle import Prepared, prepare, select_portals
from crawler.metrics import Metrics
from crawler.polling import Pacer
from crawler.portal_health import update_health
from crawler.runner import run_batch_async
from storage import outbox, repositories as repo, schedules
from storage.db import transaction
from storage.models import Portal
from storage.types import utcnow

log = logging.getLogger("portalwatch.daemon")
TIMEZONE = "Asia/Ho_Chi_Minh"
# Due portals are gathered this long before a batch starts, so portals due together share a child.
GATHER_SECONDS = 2.0
SENDER_IDLE_SECONDS = 5.0
# Stored articles are matched this often even while a slow batch is still crawling other portals.
MATCH_EVERY_SECONDS = 10.0
SHUTDOWN_SECONDS = 15.0
# /healthz waits this long for the portal table before answering from what it read last.
HEALTH_DB_SECONDS = 3.0
# A bot that could not start (Telegram unreachable) is tried again after about this long, doubling to the cap.
BOT_RETRY_SECONDS = 5.0
BOT_RETRY_CAP = 300.0


class Daemon:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.metrics = Metrics()
        self.started_at = utcnow()
        self.last_cycle_at: datetime | None = None
        self.last_cycle: dict | None = None
        self.prepared: Prepared | None = None
        self.scheduler: AsyncIOScheduler | None = None
        self.sender = None
        self.weekly = None
        self.bot_app = None
        self._due: set[str] = set()
        self._sent_before = 0
        self._failed_before = 0
        self._health_read: asyncio.Future | None = None
        self._portals_seen: dict = {}

    # -- lifecycle ----------------------------------------------------------------------------

    async def run(self) -> int:
        self.stop_event = asyncio.Event()
        self.due_event = asyncio.Event()
        self.send_event = asyncio.Event()
        self.match_event = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.request_stop, sig)
        self.prepared = await asyncio.to_thread(prepare, self.settings)
        self.pacer = Pacer(self.prepared.factory, self.settings)
        from monitor.processing import MonitorCache

        self.monitor_cache = MonitorCache(self.settings.rules, self.settings.telegram_admin_chat_ids)
        from web.app import start_server

        http = await start_server(self, self.settings.http_host, self.settings.http_port)
        log.info("HTTP on %s:%s", self.settings.http_host, self.settings.http_port)
        await self._start_bot()
        await asyncio.to_thread(self._start_sender)  # reads the signing key and resets in-flight rows
        tasks = [
            asyncio.create_task(self._batch_loop(), name="batches"),
            asyncio.create_task(self._match_loop(), name="matching"),
            asyncio.create_task(self._sender_loop(), name="sender"),
        ]
        self.scheduler = self._build_scheduler()
        self.scheduler.start()
        await self.enqueue_weekly()  # down at Monday 08:00: the week is still queued, once
        log.info("daemon started: %d portals scheduled", len(self.scheduler.get_jobs()))
        await self.stop_event.wait()
        started = time.monotonic()
        self.scheduler.shutdown(wait=False)
        await self._stop_bot()
        budget = max(1.0, SHUTDOWN_SECONDS - 2 - (time.monotonic() - started))
        done, pending = await asyncio.wait(tasks, timeout=budget)
        for task in pending:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._close_delivery()
        await http.cleanup()
        log.info("daemon stopped in %.1f s", time.monotonic() - started)
        return 0

    def request_stop(self, sig=None) -> None:
        if not self.stop_event.is_set():
            log.info("received %s: stopping", signal.Signals(sig).name if sig else "stop")
            self.stop_event.set()

    # -- scheduling ---------------------------------------------------------------------------

    def _build_scheduler(self) -> AsyncIOScheduler:
        """Jobs are rebuilt from the registry at every start, never persisted: the registry is the truth."""
        scheduler = AsyncIOScheduler(
            timezone=TIMEZONE,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 600},
        )
        now = datetime.now(scheduler.timezone)
        portals = self.prepared.registry.enabled()
        planned = self.pacer.stored_next([p.id for p in portals if self.pacer.paces(p)])
        for portal in portals:
            first = planned.get(portal.id) or now + timedelta(seconds=random.uniform(0, self.settings.first_crawl_within))
            if self.pacer.paces(portal):
                # Paced portals get one date job at a time, re-planned after each crawl (crawler/polling.py).
                scheduler.add_job(self.mark_due, DateTrigger(first), args=[portal.id], id=f"crawl:{portal.id}",
                                  name=f"crawl {portal.id}", replace_existing=True)
                continue
            seconds = 60 * portal.interval_minutes * self.settings.interval_scale
            scheduler.add_job(
                self.mark_due,
                IntervalTrigger(seconds=seconds, jitter=min(60, seconds / 10)),
                args=[portal.id],
                id=f"crawl:{portal.id}",
                name=f"crawl {portal.id}",
                replace_existing=True,
                next_run_time=first,
            )
        from monitor.alerting.weekly import add_weekly_job

        add_weekly_job(scheduler, self.enqueue_weekly)  # Monday 08:00 Vietnam time
        return scheduler

    async def enqueue_weekly(self) -> int:
        """Queue last week's picture for every opted-in subscriber (once per week, whoever calls)."""
        from monitor.alerting.weekly import enqueue_due

        try:
            queued = await asyncio.to_thread(enqueue_due, self.prepared.factory)
        except Exception:
            log.exception("weekly picture not queued; the next start or Monday will try again")
            return 0
        if queued:
            self.send_event.set()
        return queued

    def _replan(self, runs) -> list[tuple[str, datetime]]:
        """After a batch: each paced portal's next poll by its rhythm, its budget and what the crawl found."""
        planned = []
        for run in runs:
            portal = self.prepared.registry.get(run.portal_id)
            if portal is None or not self.pacer.paces(portal):
                continue
            when = self.pacer.after_crawl(portal, found_new=run.new_articles > 0)
            now = utcnow()
            planned.append((portal.id, now + (when - now) * self.settings.interval_scale))
        return planned

    def _schedule_next(self, planned: list[tuple[str, datetime]]) -> None:
        if self.stop_event.is_set():
            return
        for portal_id, when in planned:
            self.scheduler.add_job(self.mark_due, DateTrigger(when), args=[portal_id], id=f"crawl:{portal_id}",
                                   name=f"crawl {portal_id}", replace_existing=True)

    def mark_due(self, portal_id: str) -> None:
        self._due.add(portal_id)
        self.due_event.set()

    async def _batch_loop(self) -> None:
        while not self.stop_event.is_set():
            await _wait_any(self.due_event, self.stop_event)
            if self.stop_event.is_set():
                return
            await _wait_any(self.stop_event, timeout=GATHER_SECONDS)
            if self.stop_event.is_set():
                return
            ids, self._due = sorted(self._due), set()
            self.due_event.clear()
            try:
                await self.run_cycle(ids)
            except Exception:
                log.exception("crawl cycle failed; the next one will try again")

    async def run_cycle(self, portal_ids: list[str]) -> dict:
        """One batch: crawl the due portals in a child; the match loop picks up what it stores."""
        ids = [pid for pid in await asyncio.to_thread(select_portals, self.prepared, None) if pid in set(portal_ids)]
        summary: dict = {"portals": len(ids)}
        if ids:
            started = time.monotonic()
            result = await run_batch_async(self.settings, self.prepared.factory, ids, stop=self.stop_event)
            seconds = time.monotonic() - started
            self.metrics.record_batch(result, seconds, await asyncio.to_thread(self._success_times))
            summary.update(
                new_articles=result.new_articles,
                failed=sum(r.status in ("failed", "interrupted") for r in result.runs),
                seconds=round(seconds, 2),
            )
            self._schedule_next(await asyncio.to_thread(self._replan, result.runs))
            self.metrics.record_delays(await asyncio.to_thread(self._delays, result.batch_id))
            changes = await asyncio.to_thread(
                update_health, self.prepared.factory, self.settings.telegram_admin_chat_ids, ids, self.settings.admin_emails
            )
            for portal_id, state, reason in changes:
                log.warning("portal %s is now %s%s", portal_id, state, f": {reason}" if reason else "", extra={"portal": portal_id})
            if changes:
                self.send_event.set()
        self.last_cycle_at, self.last_cycle = utcnow(), summary
        log.info("cycle done: %s", summary)
        self.match_event.set()
        return summary

    async def _match_loop(self) -> None:
        """Matching reads only the database, so it need not wait for a batch stuck on one slow portal."""
        from monitor.processing import match_pending

        while not self.stop_event.is_set():
            try:
                matched = await asyncio.to_thread(match_pending, self.prepared.factory, self.monitor_cache)
                self.metrics.matches.inc(matched.matches)
                self.metrics.new_directives.inc(matched.new_directives)
                if matched.articles:
                    log.info("matched %d articles: %d new directives, %d alerts queued", matched.articles, matched.new_directives, matched.alerts)
                if matched.alerts:
                    self.send_event.set()
            except Exception:
                log.exception("matching failed; the articles stay pending")
            await _wait_any(self.match_event, self.stop_event, timeout=MATCH_EVERY_SECONDS)
            self.match_event.clear()

    def _delays(self, batch_id: str) -> list[tuple[str, float]]:
        with transaction(self.prepared.factory) as session:
            return schedules.detection_delays(session, batch_id)

    def _success_times(self) -> dict[str, float]:
        with transaction(self.prepared.factory) as session:
            return {
                p.id: p.last_success_at.timestamp()
                for p in session.query(Portal).filter(Portal.last_success_at.isnot(None))
            }

    # -- bot and sender -----------------------------------------------------------------------

    async def _start_bot(self) -> None:
        token = self.settings.telegram_bot_token
        if token is None:
            log.info("no TELEGRAM_BOT_TOKEN: alerts go to the console, no bot")
            return
        if not await self._try_bot():
            # Telegram unreachable at boot must not stop crawling, nor leave the bot off until a restart.
            self._bot_retry = asyncio.create_task(self._retry_bot(), name="bot start")

    async def _try_bot(self) -> bool:
        from crawler.alerts import public_base, week_picture
        from monitor.bot import build_application, publish_commands

        token = self.settings.telegram_bot_token
        app = build_application(
            token.get_secret_value(), self.settings.telegram_api_url, self.prepared.factory,
            self.settings.telegram_admin_chat_ids, polling=True,
            max_keywords=self.settings.max_keywords_per_chat, max_keyword_chars=self.settings.max_keyword_chars,
            week_picture=week_picture, base_url=public_base(self.settings),
        )
        try:
            await app.initialize()
            await publish_commands(app)
            await app.updater.start_polling(poll_interval=0.5, timeout=10, allowed_updates=["message"])
            await app.start()
        except Exception as exc:
            log.warning("bot could not start (%s: %s); crawling and queueing go on, trying again", type(exc).__name__, exc)
            try:
                if app.updater and app.updater.running:
                    await app.updater.stop()
                await app.shutdown()
            except Exception:
                pass
            return False
        self.bot_app = app
        return True

    async def _retry_bot(self) -> None:
        """Start the bot again with bounded backoff until it answers (or the daemon stops)."""
        from monitor.alerting.pacing import backoff_delay

        attempt = 0
        while not self.stop_event.is_set():
            await _wait_any(self.stop_event, timeout=backoff_delay(attempt, base=BOT_RETRY_SECONDS, cap=BOT_RETRY_CAP))
            if self.stop_event.is_set() or await self._try_bot():
                if self.bot_app is not None:
                    log.info("bot started after %d retries", attempt + 1)
                return
            attempt += 1

    async def _stop_bot(self) -> None:
        retry = getattr(self, "_bot_retry", None)
        if retry is not None and not retry.done():
            retry.cancel()
            await asyncio.gather(retry, return_exceptions=True)
        app, self.bot_app = self.bot_app, None
        if app is None:
            return
        try:
            if app.updater and app.updater.running:
                await asyncio.wait_for(app.updater.stop(), 5)
            if app.running:
                await asyncio.wait_for(app.stop(), 3)
            await asyncio.wait_for(app.shutdown(), 3)
        except Exception:
            log.exception("bot did not stop cleanly")

    def _start_sender(self) -> None:
        from crawler.alerts import make_sender, make_weekly

        self.sender = make_sender(self.settings, self.prepared.factory)
        self.weekly = make_weekly(self.settings, self.prepared.factory, self.sender)
        recovered = self.sender.recover() + self.weekly.recover()
        if recovered:
            log.warning("%d alerts were in flight when the last process died: sending them again", recovered)

    async def _sender_loop(self) -> None:
        while not self.stop_event.is_set():
            try:
                await self.sender.drain(self.stop_event)
                if not self.stop_event.is_set():
                    await self.sender.send_digests()
                    await self.sender.send_notices()
                    await self.weekly.send_due(self.stop_event)
            except Exception:
                log.exception("sender pass failed; alerts stay queued")
            stats = self.sender.stats
            self.metrics.alerts_sent.inc(stats.sent - self._sent_before)
            self.metrics.alerts_failed.inc(stats.failed + stats.deactivated - self._failed_before)
            self._sent_before, self._failed_before = stats.sent, stats.failed + stats.deactivated
            await _wait_any(self.send_event, self.stop_event, timeout=SENDER_IDLE_SECONDS)
            self.send_event.clear()

    async def _close_delivery(self) -> None:
        from crawler.alerts import close_sender

        if self.sender is not None:
            try:
                await asyncio.wait_for(close_sender(self.sender), 3)
            except Exception:
                log.exception("alert transports did not close cleanly")

    # -- health -------------------------------------------------------------------------------

    def refresh_gauges(self) -> None:
        with transaction(self.prepared.factory) as session:
            counts = outbox.counts_by_status(session)
        self.metrics.alerts_queued.set(counts.get("pending", 0) + counts.get("sending", 0) + counts.get("digest", 0))

    async def refresh_gauges_async(self) -> None:
        await asyncio.to_thread(self.refresh_gauges)

    def _portal_health(self) -> dict:
        with transaction(self.prepared.factory) as session:
            runs = repo.last_runs(session)
            return {
                p.id: {
                    "name": p.name,
                    "paused": p.paused,
                    "last_success_at": _iso(p.last_success_at),
                    "last_failure_at": _iso(p.last_failure_at),
                    "consecutive_failures": p.consecutive_failures,
                    "health": p.health,
                    "health_reason": p.health_reason,
                    "last_status": runs[p.id].status if p.id in runs else None,
                    "last_reason": runs[p.id].reason if p.id in runs else None,
                }
                for p in session.query(Portal).order_by(Portal.id)
            }

    async def health(self) -> tuple[bool, dict]:
        """The verdict comes from the scheduler and the last cycle, held in memory; the portal table is
        read on a worker thread and waited for a few seconds only, so a locked database (SQLite's busy
        wait is 30 s) never freezes the event loop or makes Docker think the daemon is dead."""
        if self._health_read is None or self._health_read.done():
            self._health_read = asyncio.ensure_future(asyncio.to_thread(self._portal_health))
        database = "ok"
        try:
            self._portals_seen = await asyncio.wait_for(asyncio.shield(self._health_read), HEALTH_DB_SECONDS)
        except asyncio.TimeoutError:
            database = f"busy: no answer within {HEALTH_DB_SECONDS:g} s (portals as last read)"
        except Exception as exc:
            database = f"error: {type(exc).__name__}: {exc}"[:300]
        now = utcnow()
        running = bool(self.scheduler and self.scheduler.running) and not self.stop_event.is_set()
        # A paced portal may rest up to the policy's ceiling at night: that is no stale cycle.
        intervals = [p.interval_minutes or self.settings.poll_ceiling_minutes for p in self.prepared.registry.enabled()]
        shortest = min(intervals) if intervals else self.settings.poll_ceiling_minutes
        window = timedelta(minutes=3 * shortest * self.settings.interval_scale) + timedelta(seconds=self.settings.first_crawl_within)
        reference = self.last_cycle_at or self.started_at
        stale = now - reference > window
        portals = self._portals_seen
        healthy = running and not stale
        return healthy, {
            "status": "ok" if healthy else "unhealthy",
            "scheduler_running": running,
            "started_at": _iso(self.started_at),
            "last_cycle_at": _iso(self.last_cycle_at),
            "last_cycle": self.last_cycle,
            "stale": stale,
            "database": database,
            "unhealthy_portals": sorted(pid for pid, p in portals.items() if p["health"] == "unhealthy"),
            "registry_errors": [str(error) for error in self.prepared.registry.errors],
            "portals": portals,
        }


def _iso(value: datetime | None) -> str | None:
    from crawler.timefmt import iso_vn

    return iso_vn(value)


async def _wait_any(*events: asyncio.Event, timeout: float | None = None) -> None:
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
