"""The weekly picture, delivered: every Monday at 08:00 Vietnam time each opted-in subscriber gets
the picture of the week that just ended on each of its channels.

Queueing and sending are apart, like alerts. ``enqueue_due(factory, now)`` writes, in one
transaction, one ``weekly_messages`` row per opted-in subscriber for the last completed ISO week
(unique per (subscriber, week): a second run, a restart, the cron job and the start-up catch-up
together still make one) and a delivery row per active channel. ``WeeklySender.send_due`` drains
them: each delivery is marked ``sending`` before the request and ``sent`` after it in separate
commits, so a crash (kill -9) in between repeats only that one (``recover`` makes it pending again)
and loses nothing; e-mails carry a ``Message-ID`` stable per (subscriber, week, channel).

What goes out, per channel:
- Telegram: ``sendPhoto`` with the PNG, the caption and the link (paced by the bot's pacer);
- e-mail: multipart/alternative, text + HTML with the PNG inline (``cid:``), Vietnamese subject
  "Tuần 48/2026 (23/11–29/11/2026) …", the alerts' List-Unsubscribe headers;
- Apprise: title, caption + link as the body, the PNG as an attachment.

The picture itself is drawn by a *renderer*, ``renderer(session, iso_year, iso_week, base_url)``
returning an object with ``png`` (bytes), ``caption`` (str) and ``link`` (str) — the web's
``week_picture`` (``/tuan/``), wired by the daemon; monitor never imports the web.
"""

from __future__ import annotations

import asyncio
import html
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from monitor.alerting.format import VN_TZ
from monitor.alerting.pacing import backoff_delay
from monitor.alerting.sender import CHAT_KINDS, SendStats, classify_for
from monitor.alerting.telegram_errors import Action, SendAction
from storage import subscribers, weekly
from storage.db import transaction
from storage.types import utcnow

log = logging.getLogger("portalwatch.weekly")

# Monday 08:00, Vietnam time: the week before is complete and the working week begins.
SEND_WEEKDAY, SEND_TIME = 0, time(8, 0)
# APScheduler's options for the weekly job. A misfire (the loop busy or the machine asleep at 08:00)
# still runs within six days (the default grace of 1 s would skip the week); coalesced, one at a time.
JOB_OPTIONS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 24 * 3600}
CAPTION_LIMIT = 1024  # Telegram's limit on a photo caption (UTF-16 code units)


class Picture(Protocol):
    png: bytes
    caption: str
    link: str


Renderer = Callable[[Any, int, int, str], Picture]


@dataclass(frozen=True)
class DueWeek:
    iso_year: int
    iso_week: int
    slot: datetime  # the Monday 08:00 (Vietnam time) it is sent at


def due_week(now: datetime) -> DueWeek:
    """The last completed ISO week as of ``now``: the one before the latest Monday 08:00 at or before ``now``."""
    local = now.astimezone(VN_TZ)
    monday = local.date() - timedelta(days=(local.weekday() - SEND_WEEKDAY) % 7)
    slot = datetime.combine(monday, SEND_TIME, VN_TZ)
    if slot > local:
        slot -= timedelta(days=7)
    year, week, _ = (slot.date() - timedelta(days=1)).isocalendar()
    return DueWeek(year, week, slot)


def current_week(now: datetime) -> tuple[int, int]:
    """The ISO week (Vietnam time) ``now`` is in: what /tuan shows."""
    year, week, _ = now.astimezone(VN_TZ).isocalendar()
    return year, week


def week_days(iso_year: int, iso_week: int) -> tuple[date, date]:
    monday = date.fromisocalendar(iso_year, iso_week, 1)
    return monday, monday + timedelta(days=6)


def week_title(iso_year: int, iso_week: int) -> str:
    """"Tuần 48/2026 (23/11–29/11/2026)", day-first."""
    monday, sunday = week_days(iso_year, iso_week)
    return f"Tuần {iso_week}/{iso_year} ({monday:%d/%m}–{sunday:%d/%m/%Y})"


def subject(iso_year: int, iso_week: int) -> str:
    return f"{week_title(iso_year, iso_week)}: bức tranh tuần của portalwatch"


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def with_link(picture: Picture) -> str:
    """The caption ending with the link: as it is when it names the link already, else with it added."""
    caption, link = picture.caption.strip(), picture.link.strip()
    return caption if link in caption else f"{caption}\n{link}".strip()


def photo_caption(picture: Picture, limit: int = CAPTION_LIMIT) -> str:
    """The caption with the link, cut (the text before the link, never the link) to fit Telegram's limit."""
    text, link = with_link(picture), picture.link.strip()
    if _utf16(text) <= limit:
        return text
    head, _, tail = text.rpartition(link)
    tail = link + tail
    room = limit - _utf16(tail) - 2  # the "…" and the newline before the link
    head = head.rstrip()[: max(0, room)]
    while head and _utf16(head) > room:
        head = head[:-1]
    return f"{head.rstrip()}…\n{tail}" if head else tail[:limit]


def photo_filename(iso_year: int, iso_week: int) -> str:
    return f"tuan-{iso_week:02d}-{iso_year}.png"


def weekly_trigger():
    """Every Monday at 08:00 in Vietnam."""
    from apscheduler.triggers.cron import CronTrigger

    return CronTrigger(day_of_week="mon", hour=SEND_TIME.hour, minute=SEND_TIME.minute, timezone=VN_TZ)


def add_weekly_job(scheduler, func) -> None:
    """The weekly job on the daemon's scheduler; ``func`` enqueues (it is idempotent per week)."""
    scheduler.add_job(func, weekly_trigger(), id="weekly", name="weekly picture", replace_existing=True, **JOB_OPTIONS)


def enqueue_due(factory, now: datetime | None = None) -> int:
    """Queue the last completed week for every subscriber opted in before its Monday slot who does
    not have it yet, in one transaction; returns how many messages were queued."""
    due = due_week(now or utcnow())
    with transaction(factory) as session:
        made = weekly.enqueue_week(session, due.iso_year, due.iso_week, due.slot, now=now)
    if made:
        log.info("weekly picture of week %d/%d queued for %d subscribers", due.iso_week, due.iso_year, len(made))
    return len(made)


# --- what each kind of channel is sent ---------------------------------------------------------

def email_message(transport, job: weekly.WeeklyJob, picture: Picture):
    """multipart/alternative: text, then HTML + the PNG inline (multipart/related, ``cid:``)."""
    from monitor.alerting.email import _domain, compose

    domain = _domain(transport.mail_from)
    cid = f"tuan-{job.iso_year}W{job.iso_week:02d}@{domain}"
    title = week_title(job.iso_year, job.iso_week)
    caption, link = picture.caption.strip(), picture.link.strip()
    text = f"{title}\n\n{with_link(picture)}"
    anchor = f'<a href="{html.escape(link, quote=True)}">{{}}</a>'
    if link in caption:  # the caption names the link: it becomes the link
        shown = html.escape(caption).replace(html.escape(link), anchor.format(html.escape(link)))
    else:
        shown = html.escape(caption) + "\n" + anchor.format("Xem chi tiết trên portalwatch")
    body = (
        f"<b>{html.escape(title)}</b>\n"
        f'<img src="cid:{cid}" alt="{html.escape(title, quote=True)}" style="max-width:100%;height:auto">\n{shown}'
    )
    message = compose(
        to=job.address, mail_from=transport.mail_from, subject=subject(job.iso_year, job.iso_week), text=text,
        html_body=body, unsubscribe=transport.unsubscribe, channel_id=job.channel_id,
        message_id=f"<weekly-{job.iso_year}W{job.iso_week:02d}.subscriber-{job.subscriber_id}.channel-{job.channel_id}@{domain}>",
    )
    message.get_body(("html",)).add_related(
        picture.png, maintype="image", subtype="png", cid=f"<{cid}>", filename=photo_filename(job.iso_year, job.iso_week),
        disposition="inline",
    )
    return message


async def _send_telegram(transport, job: weekly.WeeklyJob, picture: Picture) -> str | None:
    chat_id = int(job.address)
    if not hasattr(transport, "bot"):  # the console: no bot token
        print(f"--- weekly picture for chat {chat_id} ({len(picture.png)} bytes PNG) ---\n{photo_caption(picture)}\n",
              file=getattr(transport, "stream", None), flush=True)
        return None
    sent = await transport.pacer.send(chat_id, lambda: transport.bot.send_photo(
        chat_id, photo=picture.png, caption=photo_caption(picture), filename=photo_filename(job.iso_year, job.iso_week)))
    return str(sent.message_id)


async def _send_email(transport, job: weekly.WeeklyJob, picture: Picture) -> str:
    message = email_message(transport, job, picture)
    await transport.send_message(message, job.address)
    return message["Message-ID"]


async def _send_apprise(transport, job: weekly.WeeklyJob, picture: Picture) -> None:
    folder = tempfile.mkdtemp(prefix="portalwatch-weekly-")
    path = os.path.join(folder, photo_filename(job.iso_year, job.iso_week))
    try:
        with open(path, "wb") as handle:
            handle.write(picture.png)
        await transport.notify(job.address, subject(job.iso_year, job.iso_week),
                               with_link(picture), attach=path)
    finally:
        os.unlink(path)
        os.rmdir(folder)


SENDERS = {"telegram": _send_telegram, "console": _send_telegram, "email": _send_email, "apprise": _send_apprise}


class WeeklySender:
    """Drains the weekly outbox through the alert sender's transports (its ``transports`` dict and
    ``halted_kinds``), so pacing, SMTP connections and halts are shared with alerts."""

    def __init__(self, factory, sender, renderer: Renderer, base_url: str, workers: int = 16,
                 clock: Callable[[], datetime] = utcnow):
        self.factory, self.sender, self.renderer, self.base_url = factory, sender, renderer, base_url.rstrip("/")
        self.workers = asyncio.Semaphore(workers)
        self.clock = clock
        self.stats = SendStats()  # the alert sender's counters, kept apart

    def recover(self) -> int:
        with transaction(self.factory) as session:
            return weekly.reset_in_flight(session)

    def _run(self, work):
        with transaction(self.factory) as session:
            return work(session)

    async def _db(self, work):
        """Database work off the event loop: a locked SQLite must not freeze the bot or /healthz."""
        return await asyncio.to_thread(self._run, work)

    def _skipped_kinds(self) -> list[str]:
        transports = self.sender.transports
        return [k for k in SENDERS if k not in transports] + list(getattr(self.sender, "halted_kinds", {}))

    async def send_due(self, stop: asyncio.Event | None = None) -> int:
        """Send every weekly delivery due now; returns how many went out."""
        before = self.stats.sent
        jobs = await self._db(lambda s: weekly.due_deliveries(s, self.clock(), skip_kinds=self._skipped_kinds()))
        if not jobs:
            return 0
        pictures: dict[tuple[int, int], asyncio.Future] = {}
        by_channel: dict[int, list[weekly.WeeklyJob]] = {}
        for job in jobs:
            by_channel.setdefault(job.channel_id, []).append(job)
        await asyncio.gather(*(self._serve_channel(channel_jobs, pictures, stop) for channel_jobs in by_channel.values()))
        return self.stats.sent - before

    def _picture(self, pictures: dict, iso_year: int, iso_week: int) -> asyncio.Future:
        """Each week's picture drawn once per pass (on a worker thread), shared by every delivery."""
        key = (iso_year, iso_week)
        if key not in pictures:
            pictures[key] = asyncio.ensure_future(self._db(lambda s: self.renderer(s, iso_year, iso_week, self.base_url)))
        return pictures[key]

    async def _serve_channel(self, jobs, pictures, stop) -> None:
        async with self.workers:
            for job in jobs:
                if (stop and stop.is_set()) or job.kind in getattr(self.sender, "halted_kinds", {}):
                    return
                if not await self._send_one(job, pictures):
                    return

    async def _send_one(self, job: weekly.WeeklyJob, pictures) -> bool:
        try:
            picture = await asyncio.shield(self._picture(pictures, job.iso_year, job.iso_week))
        except Exception as exc:  # a drawing failure is ours: retry later, never lose the week
            log.exception("weekly picture of week %d/%d could not be drawn", job.iso_week, job.iso_year)
            return await self._after_failure(job, None, SendAction(Action.BACKOFF, f"drawing failed: {type(exc).__name__}: {exc}"))
        if not await self._db(lambda s: weekly.mark_sending(s, job.delivery_id)):
            return True  # someone else took it, or it was dropped meanwhile
        transport = self.sender.transports[job.kind]
        try:
            message_id = await SENDERS[job.kind](transport, job, picture)
        except Exception as exc:  # classified like alerts; none loses the week
            return await self._after_failure(job, transport, classify_for(transport, exc))
        await self._db(lambda s: weekly.mark_delivery(s, job.delivery_id, "sent", message_id=message_id))
        self.stats.sent += 1
        return True

    async def _after_failure(self, job: weekly.WeeklyJob, transport, decision: SendAction) -> bool:
        """The alerts' action table, on a weekly delivery; returns whether the channel may go on."""
        self.stats.errors.append(decision.reason)
        if decision.action == Action.RETRY_AFTER:
            pacer = getattr(transport, "pacer", None)
            if pacer is not None:
                pacer.pause(decision.seconds or 1.0, int(job.address) if job.kind in CHAT_KINDS else None)
        if decision.action == Action.HALT:
            halted = getattr(self.sender, "halted_kinds", None)
            if halted is not None:
                halted[job.kind] = decision.reason
            log.error("%s sending halted: %s", job.kind, decision.reason)
        go_on = await self._db(lambda s: self._record_failure(s, job, decision))
        if decision.action == Action.DEACTIVATE:
            self.stats.deactivated += 1
            log.warning("%s channel %s deactivated: %s", job.kind, job.channel_id, decision.reason)
        elif decision.action == Action.GIVE_UP:
            self.stats.failed += 1
            log.error("weekly %s on %s channel %s given up: %s", job.weekly_id, job.kind, job.channel_id, decision.reason)
        else:
            self.stats.retried += 1
        return go_on

    @staticmethod
    def _record_failure(session, job: weekly.WeeklyJob, decision: SendAction) -> bool:
        now = utcnow()
        if decision.action == Action.RETRY_AFTER:
            at = now + timedelta(seconds=decision.seconds or 1.0)
            weekly.mark_delivery(session, job.delivery_id, "pending", at=at, error=decision.reason)
            return False
        if decision.action == Action.MIGRATE:
            subscribers.migrate_chat(session, int(job.address), decision.new_chat_id)
            weekly.mark_delivery(session, job.delivery_id, "pending", at=now, error=decision.reason)
            return True
        if decision.action == Action.DEACTIVATE:
            weekly.mark_delivery(session, job.delivery_id, "dropped", error=decision.reason)
            subscribers.deactivate_channel(session, job.channel_id, decision.reason)
            return False
        if decision.action in (Action.BACKOFF, Action.HALT):
            delay = 60.0 if decision.action == Action.HALT else backoff_delay(weekly.attempts_of(session, job.delivery_id))
            weekly.mark_delivery(session, job.delivery_id, "pending", at=now + timedelta(seconds=delay), error=decision.reason)
            return False
        weekly.mark_delivery(session, job.delivery_id, "failed", error=decision.reason)
        return True
