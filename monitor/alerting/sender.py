"""Drains the outbox to every channel of each subscriber: Telegram (or the console when no bot
token is set), e-mail, Apprise.

Each delivery (an alert on one channel) is marked ``sending`` before the request and ``sent`` after
it, in separate commits: a crash in between leaves it ``sending``, and ``reset_in_flight`` makes it
pending again at the next start. That one message may then arrive twice; every other is delivered
exactly once. A channel's alerts go out in order, one at a time; channels are served concurrently
under their transport's pacer, and one channel's failure never holds back another.

Every database call runs on the sender's one database thread (``Sender._db``), never on the event
loop the bot, /healthz and /metrics share; the claims and "sent" records of channels served at the
same time share a transaction (``_Batcher``). A server that refuses the sender as a whole (``HALT``:
a refused SMTP login, an unreachable SMTP server, a revoked bot token) halts that kind of channel:
its work waits, queued, one probe goes through per step of bounded backoff, the admins are told once
per outage and again when it answers, and sending resumes by itself.

A transport is the object that speaks one kind of channel (``TelegramDelivery``, ``ConsoleDelivery``,
``monitor.alerting.email.EmailChannel``, ``monitor.alerting.apprise_channel.AppriseChannel``); its
``classify`` (Telegram's when it has none) maps its errors onto the same ``Action`` table.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Protocol

from monitor.alerting.format import Alert as Message
from monitor.alerting.format import DocumentFacts, EventKind, Reason, Source, render_parts, render_text, split_message
from monitor.alerting.pacing import Pacer, backoff_delay, pacer_for
from monitor.alerting.telegram_errors import Action, SendAction, classify
from storage import notices, outbox, subscribers
from storage.db import transaction
from storage.types import utcnow

log = logging.getLogger("portalwatch.sender")
# A transport whose server refuses the sender as a whole is probed again after this many seconds,
# doubling (with jitter) up to the cap.
PAUSE_BASE = 30.0
PAUSE_CAP = 600.0


class Delivery(Protocol):
    async def send(self, chat_id: int, view: outbox.AlertView) -> int | None: ...

    async def send_digest(self, chat_id: int, html_text: str, plain: str) -> int | None: ...

    async def send_notice(self, chat_id: int, text: str) -> int | None: ...


def message_of(view: outbox.AlertView) -> Message:
    # A new document's facts are a block of the message (DocumentFacts), not a matched reason.
    documents = [DocumentFacts.from_reason(r) for r in view.reasons if r.get("kind") == EventKind.DOCUMENT]
    view = replace(view, reasons=[r for r in view.reasons if r.get("kind") != EventKind.DOCUMENT])
    reasons = [
        Reason(r.get("kind", "keyword"), r.get("snippet", ""), tuple(tuple(s) for s in r.get("spans", ())), r.get("detail", ""),
               tuple(r.get("doc_kinds", ())), r.get("new", True))
        for r in view.reasons
    ]
    return replace(Message(view.title, reasons, [Source(name, url) for name, url in view.sources], view.published_at,
                           view.first_seen_at), documents=documents)


class TelegramDelivery:
    """HTML messages through python-telegram-bot; a long alert goes out as several messages.
    Paced by the bot's own pacer (shared with its command replies) unless given one."""

    def __init__(self, bot, pacer: Pacer | None = None):
        self.bot = bot
        self.pacer = pacer or pacer_for(bot.token)

    async def send(self, chat_id: int, view: outbox.AlertView) -> int | None:
        message_id = None
        for part in render_parts(message_of(view)):
            sent = await self._send(chat_id, part, parse_mode="HTML")
            message_id = message_id or sent.message_id
        return message_id

    async def send_notice(self, chat_id: int, text: str) -> int | None:
        return (await self._send(chat_id, text[:4000])).message_id

    async def send_digest(self, chat_id: int, html_text: str, plain: str) -> int | None:
        message_id = None
        for part in split_message(html_text):
            sent = await self._send(chat_id, part, parse_mode="HTML")
            message_id = message_id or sent.message_id
        return message_id

    async def _send(self, chat_id: int, text: str, **options):
        return await self.pacer.send(
            chat_id, lambda: self.bot.send_message(chat_id, text, disable_web_page_preview=True, **options)
        )


class ConsoleDelivery:
    """No bot token: print what would be sent, so the embedded default still shows its alerts."""

    pacer = None

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    async def send(self, chat_id: int, view: outbox.AlertView) -> int | None:
        whom = "" if chat_id == subscribers.CONSOLE_CHAT_ID else f" for chat {chat_id}"
        print(f"--- alert{whom} ---\n{render_text(message_of(view))}\n", file=self.stream, flush=True)
        return None

    async def send_notice(self, chat_id: int, text: str) -> int | None:
        print(f"--- notice for admin chat {chat_id} ---\n{text}\n", file=self.stream, flush=True)
        return None

    async def send_digest(self, chat_id: int, html_text: str, plain: str) -> int | None:
        print(f"--- digest for chat {chat_id} ---\n{plain}\n", file=self.stream, flush=True)
        return None


@dataclass
class SendStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    deactivated: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Target:
    """A non-Telegram channel as its transport sees it (the id makes Message-IDs and unsubscribe links)."""

    channel_id: int
    address: str


# Kinds whose address is a Telegram chat id, sent through the Telegram (or console) delivery.
CHAT_KINDS = ("telegram", "console")


def classify_for(transport, exc: Exception) -> SendAction:
    """What a failed send means: the transport's own reading (SMTP, Apprise) if it has one, else Telegram's."""
    own = getattr(transport, "classify", None)
    return own(exc) if own is not None else classify(exc)


class _Batcher:
    """Group commit: items submitted while a batch is on the database thread go together in the next
    one, ``work(session, items) -> results`` in one transaction. Alone, an item goes at once; under a
    fan-out, 48 channels' claims cost one commit instead of 48. Each caller gets its own result only
    once the transaction holding it has committed."""

    def __init__(self, sender: "Sender", work):
        self.sender, self.work = sender, work
        self.pending: list[tuple[object, asyncio.Future]] = []
        self.flushing: asyncio.Task | None = None

    async def submit(self, item):
        future = asyncio.get_running_loop().create_future()
        self.pending.append((item, future))
        if self.flushing is None or self.flushing.done():
            self.flushing = asyncio.ensure_future(self._flush())
        return await future

    async def _flush(self) -> None:
        while self.pending:
            batch, self.pending = self.pending[:BATCH_LIMIT], self.pending[BATCH_LIMIT:]
            try:
                results = await self.sender._db(self.work, [item for item, _ in batch])
            except BaseException as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc if isinstance(exc, Exception) else asyncio.CancelledError())
                if not isinstance(exc, Exception):
                    raise
                continue
            for (_, future), result in zip(batch, results):
                if not future.done():
                    future.set_result(result)


BATCH_LIMIT = 100


class Sender:
    """``pause_base``/``pause_cap``: the bounded backoff (seconds) between probes of a transport whose
    server refuses the sender as a whole (a refused SMTP login, an unreachable server, a revoked bot
    token); ``clock`` gives the time those probes are planned by (tests inject one)."""

    def __init__(self, factory, delivery: Delivery, workers: int = 48, transports: dict | None = None,
                 admin_chat_ids=(), admin_emails=(), pause_base: float = PAUSE_BASE, pause_cap: float = PAUSE_CAP,
                 clock=time.monotonic):
        self.factory = factory
        self.delivery = delivery
        console = delivery if isinstance(delivery, ConsoleDelivery) else ConsoleDelivery()
        self.transports = {"telegram": delivery, "console": console, **(transports or {})}
        # The delivery paces its own requests; RetryAfter answers pause the same pacer.
        self.pacer: Pacer | None = getattr(delivery, "pacer", None)
        self.workers = asyncio.Semaphore(workers)
        self.halted: str | None = None
        # Kinds whose server refuses us (kind → reason): their work waits, queued, and one probe is
        # let through every backoff step; any answer but another refusal resumes the kind.
        self.halted_kinds: dict[str, str] = {}
        self.pause_base, self.pause_cap, self.clock = pause_base, pause_cap, clock
        self._halt_failures: dict[str, int] = {}
        self._resume_at: dict[str, float] = {}
        self._probing: set[str] = set()
        self.admin_chat_ids, self.admin_emails = list(admin_chat_ids), list(admin_emails)
        self.stats = SendStats()
        # The sender's database work runs on this one thread, in order: a slow or locked database
        # (SQLite waits up to 30 s) never stalls the event loop the bot, /healthz and /metrics share,
        # and SQLite sees one writer from here rather than one per channel.
        self._db_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sender-db")
        # Claims and "sent" records of concurrent channels share a transaction (group commit).
        self._claims = _Batcher(self, self._claim)
        self._deliveries = _Batcher(self, self._delivered)

    async def _db(self, work, *args):
        """``work(session, *args)`` in one transaction on the sender's database thread. Shielded: once
        submitted it commits even if the caller is cancelled (a stop), so a message that went out is
        recorded as sent rather than resent after the restart."""

        def run():
            with transaction(self.factory) as session:
                return work(session, *args)

        return await asyncio.shield(asyncio.get_running_loop().run_in_executor(self._db_thread, run))

    def close(self) -> None:
        """Let the database thread end once the work handed to it is done."""
        self._db_thread.shutdown(wait=False)

    def recover(self) -> int:
        with transaction(self.factory) as session:
            return outbox.reset_in_flight(session)

    def _skipped_kinds(self) -> list[str]:
        """Channels whose transport is missing (e.g. no SMTP settings) or halted wait, queued."""
        missing = [k for k in ("telegram", "console", "email", "apprise") if k not in self.transports]
        return missing + [k for k in self.halted_kinds if self._waiting(k)]

    # -- transports whose server refuses us -----------------------------------------------------

    def _waiting(self, kind: str) -> bool:
        """True while ``kind`` is halted and its next probe is not due (or one is out already)."""
        return kind in self.halted_kinds and (kind in self._probing or self.clock() < self._resume_at.get(kind, 0.0))

    def _held(self, kind: str) -> bool:
        """Whether work on ``kind`` must wait now; when a probe is due, the caller's send is the probe."""
        if kind not in self.halted_kinds:
            return False
        if self._waiting(kind):
            return True
        self._probing.add(kind)
        allow = getattr(self._transport(kind), "allow_retry", None)
        if allow is not None:
            allow()  # a transport that stopped dialling a refusing server may try it once more
        return False

    async def _halt(self, kind: str, reason: str) -> None:
        """``kind``'s server refused the sender: everything on it waits for the next probe, planned with
        bounded backoff; the admins are told once per outage (on their other channels)."""
        if self._waiting(kind) and kind not in self._probing:
            return  # another channel's send has just found the same refusal: one step of backoff each time
        failures = self._halt_failures.get(kind, 0)
        self._halt_failures[kind] = failures + 1
        delay = backoff_delay(failures, base=self.pause_base, cap=self.pause_cap)
        self._resume_at[kind] = self.clock() + delay
        self._probing.discard(kind)
        first = kind not in self.halted_kinds
        self.halted_kinds[kind] = reason
        self.halted = self.halted or reason
        if first:
            log.error("%s sending halted: %s (trying again in %.0f s)", kind, reason, delay)
        else:
            log.warning("%s still refused: %s (trying again in %.0f s)", kind, reason, delay)
        await self._db(self._record_down, kind, reason)

    def _record_down(self, session, kind: str, reason: str) -> None:
        if notices.transport_down(session, kind) is None:
            text = (f"⚠️ Kênh {kind} ngừng gửi: máy chủ từ chối ({reason}). Cảnh báo được giữ lại và tự gửi "
                    f"khi máy chủ nhận lại (thử lại tối đa mỗi {self.pause_cap / 60:g} phút).")
            notices.queue_admin_notice(session, text, self.admin_chat_ids, self.admin_emails, utcnow(), skip_kinds=(kind,))
        notices.set_transport_down(session, kind, reason)

    async def _resumed(self, kind: str) -> None:
        """``kind``'s server answered again (a probe got through, or was refused for its own reasons)."""
        if kind in self.halted_kinds:
            log.warning("%s sending resumed after: %s", kind, self.halted_kinds.pop(kind))
            self._halt_failures.pop(kind, None)
            self._resume_at.pop(kind, None)
            self._probing.discard(kind)
            if not self.halted_kinds:
                self.halted = None
            await self._db(self._record_up, kind)

    def _record_up(self, session, kind: str) -> None:
        reason = notices.transport_down(session, kind)
        if reason is not None:
            text = f"✅ Kênh {kind} gửi được trở lại (trước đó máy chủ từ chối: {reason}); các cảnh báo chờ đang được gửi."
            notices.queue_admin_notice(session, text, self.admin_chat_ids, self.admin_emails, utcnow())
            notices.set_transport_down(session, kind, None)

    async def _outcome(self, kind: str, decision: SendAction | None) -> None:
        """After a send on ``kind`` (``decision`` None: it went through): halt it or note it answers."""
        if decision is not None and decision.action == Action.HALT:
            await self._halt(kind, decision.reason)
        elif kind in self.halted_kinds:
            await self._resumed(kind)

    # -- the outbox -----------------------------------------------------------------------------

    @staticmethod
    def _due(session, skip_kinds: list[str]) -> list[outbox.Job]:
        outbox.prepare_deliveries(session)
        return outbox.due_deliveries(session, utcnow(), limit=500, skip_kinds=skip_kinds)

    async def drain(self, stop: asyncio.Event | None = None) -> SendStats:
        """Send every delivery that is due now; return when none is left (or on ``stop``)."""
        while not (stop and stop.is_set()):
            due = await self._db(self._due, self._skipped_kinds())
            channels: OrderedDict[int, list[outbox.Job]] = OrderedDict()
            for job in due:
                channels.setdefault(job.channel_id, []).append(job)
            if not channels:
                break
            await asyncio.gather(*(self._serve_channel(jobs, stop) for jobs in channels.values()))
        return self.stats

    def _transport(self, kind: str):
        return self.transports.get(kind)

    @staticmethod
    def _target(kind: str, channel_id: int, address: str):
        return int(address) if kind in CHAT_KINDS else Target(channel_id, address)

    async def send_notices(self) -> int:
        """Admin notices (portal health, bounced addresses): retried like alerts, never dropped for a transient error."""
        sent = 0
        due = await self._db(notices.due_notices, utcnow())
        for notice_id, kind, address, text in due:
            transport = self._transport(kind)
            if transport is None or self._held(kind):
                continue  # stays pending until that channel is configured (or its server answers)
            try:
                await transport.send_notice(address, text)
            except Exception as exc:
                decision = classify_for(transport, exc)

                def retry_at(attempts: int, decision=decision):
                    if decision.action in (Action.GIVE_UP, Action.DEACTIVATE):
                        return None
                    if decision.action == Action.HALT:
                        return utcnow()  # the server's fault, not this notice's: it goes with the next probe
                    return utcnow() + timedelta(seconds=decision.seconds or backoff_delay(attempts))

                await self._db(notices.mark_notice_failed, notice_id, decision.reason, retry_at)
                await self._outcome(kind, decision)
                continue
            await self._db(notices.mark_notice_sent, notice_id, utcnow())
            await self._outcome(kind, None)
            sent += 1
        return sent

    @staticmethod
    def _digest_batch(session, subscriber_id: int):
        alerts = outbox.digest_alerts(session, subscriber_id)
        alert_ids = [a.id for a in alerts]
        views = [outbox.view(session, alert) for alert in alerts]
        done = outbox.digest_channels_done(session, alert_ids)
        channels = [(c.id, c.kind, c.address) for c in subscribers.channels_of(session, subscriber_id) if c.id not in done]
        return alert_ids, views, channels

    @staticmethod
    def _digest_failed(session, alert_ids: list[int], channel_id: int, decision: SendAction) -> bool:
        """Record a digest that did not go out on one channel; True if that channel is to be tried again."""
        if decision.action == Action.DEACTIVATE:
            subscribers.deactivate_channel(session, channel_id, decision.reason)
        elif decision.action == Action.GIVE_UP:
            outbox.record_digest(session, alert_ids, channel_id, "failed", error=decision.reason)
        else:
            return True  # transient: this channel is tried again at the next pass
        return False

    @staticmethod
    def _digest_settle(session, alert_ids: list[int], waiting: bool) -> bool:
        """The day's alerts count as sent once no channel is left to try; True if they were settled."""
        if waiting or not outbox.deliveries_of(session, alert_ids[0]):
            return False  # a channel to retry, or none of its channels can be served yet
        outbox.settle(session, alert_ids)
        return True

    @staticmethod
    def _digest_done(session, subscriber_id: int, now) -> None:
        session.get(outbox.Subscriber, subscriber_id).last_digest_at = now

    async def send_digests(self) -> int:
        """Send each subscriber whose digest time has come one message per channel with everything queued.
        A channel that took it is recorded, so a transient failure on another retries only that one;
        the day's alerts count as sent once no channel is left to try."""
        from monitor.alerting.digest import is_due, render_digest

        now, sent = utcnow(), 0
        due = await self._db(lambda session: [s.id for s in subscribers.all_subscribers(session) if is_due(s, now)])
        for subscriber_id in due:
            alert_ids, views, channels = await self._db(self._digest_batch, subscriber_id)
            if views:
                html_text, plain = render_digest(views, now)
                waiting = False
                for channel_id, kind, address in channels:
                    transport = self._transport(kind)
                    if transport is None or self._held(kind):
                        waiting = waiting or transport is not None
                        continue
                    try:
                        result = await transport.send_digest(self._target(kind, channel_id, address), html_text, plain)
                    except Exception as exc:
                        decision = classify_for(transport, exc)
                        self.stats.errors.append(f"digest on channel {channel_id}: {decision.reason}")
                        log.warning("digest on %s channel %s not sent: %s", kind, channel_id, decision.reason)
                        waiting = await self._db(self._digest_failed, alert_ids, channel_id, decision) or waiting
                        await self._outcome(kind, decision)
                        continue
                    await self._db(outbox.record_digest, alert_ids, channel_id, "sent", None if result is None else str(result))
                    await self._outcome(kind, None)
                if not await self._db(self._digest_settle, alert_ids, waiting):
                    continue
                sent += 1
            await self._db(self._digest_done, subscriber_id, now)
        return sent

    async def _serve_channel(self, jobs: list[outbox.Job], stop: asyncio.Event | None) -> None:
        async with self.workers:
            for job in jobs:
                if (stop and stop.is_set()) or self._held(job.kind):
                    return
                if not await self._send_one(job, probe=job.kind in self.halted_kinds):
                    return  # this channel waits (retry later, deactivated, or halted)

    @staticmethod
    def _claim(session, jobs: list[outbox.Job]) -> list[outbox.AlertView | None]:
        """Each job's view with its delivery marked ``sending`` (committed before the request), or None
        if it is no longer to be sent."""
        views = outbox.claim_deliveries(session, [job.delivery_id for job in jobs])
        return [replace(views[job.delivery_id], channel_id=job.channel_id) if job.delivery_id in views else None for job in jobs]

    @staticmethod
    def _delivered(session, sent: list[tuple[outbox.Job, object]]) -> list[None]:
        outbox.mark_deliveries_sent(session, [(job.delivery_id, job.alert_id, None if m is None else str(m)) for job, m in sent])
        return [None] * len(sent)

    @staticmethod
    def _unclaim(session, job: outbox.Job) -> None:
        outbox.mark_delivery(session, job.delivery_id, "pending", at=utcnow(), error="waiting for its server")

    async def _send_one(self, job: outbox.Job, probe: bool = False) -> bool:
        view = await self._claims.submit(job)
        if view is None:
            self._probing.discard(job.kind)  # nothing was sent: a probe this was to be is still to make
            return True
        if not probe and job.kind in self.halted_kinds:
            await self._db(self._unclaim, job)  # its server refused another send meanwhile: it waits, unsent
            return False
        transport = self._transport(job.kind)
        try:
            message_id = await transport.send(self._target(job.kind, job.channel_id, job.address), view)
        except Exception as exc:  # every failure is classified; none loses the alert
            return await self._failed(job, transport, exc)
        await self._deliveries.submit((job, message_id))
        self.stats.sent += 1
        await self._outcome(job.kind, None)
        return True

    async def _failed(self, job: outbox.Job, transport, exc: Exception) -> bool:
        decision = classify_for(transport, exc)
        if decision.action == Action.RETRY_AFTER:
            pacer = getattr(transport, "pacer", None)
            if pacer is not None:
                target = self._target(job.kind, job.channel_id, job.address) if job.kind in CHAT_KINDS else None
                pacer.pause(decision.seconds or 1.0, target)
        if decision.action == Action.HALT:
            await self._outcome(job.kind, decision)  # halted in memory at once: channels about to send wait
        go_on = await self._db(self._record_failure, job, decision)
        if decision.action in (Action.RETRY_AFTER, Action.MIGRATE, Action.BACKOFF):
            self.stats.retried += 1
        elif decision.action == Action.DEACTIVATE:
            self.stats.deactivated += 1
            log.warning("%s channel %s deactivated: %s", job.kind, job.channel_id, decision.reason)
        elif decision.action == Action.GIVE_UP:
            self.stats.failed += 1
            self.stats.errors.append(decision.reason)
            log.error("alert %s on %s channel %s given up: %s", job.alert_id, job.kind, job.channel_id, decision.reason)
        if decision.action != Action.HALT:
            await self._outcome(job.kind, decision)
        return go_on

    def _record_failure(self, session, job: outbox.Job, decision: SendAction) -> bool:
        """Store what a failed delivery means (on the database thread); True if the channel goes on."""
        now = utcnow()
        delivery = session.get(outbox.AlertDelivery, job.delivery_id)
        if decision.action == Action.RETRY_AFTER:
            seconds = decision.seconds or 1.0
            outbox.mark_delivery(session, job.delivery_id, "pending", at=now + timedelta(seconds=seconds), error=decision.reason)
            return False
        if decision.action == Action.MIGRATE:
            subscribers.migrate_chat(session, int(job.address), decision.new_chat_id)
            outbox.mark_delivery(session, job.delivery_id, "pending", at=now, error=decision.reason)
            return True
        if decision.action == Action.DEACTIVATE:
            touched = subscribers.deactivate_channel(session, job.channel_id, decision.reason)
            outbox.settle(session, touched + [job.alert_id])
            if job.kind not in CHAT_KINDS:
                from monitor.alerting.apprise_channel import redact

                who = job.address if job.kind == "email" else redact(job.address)  # Apprise URLs hold secrets
                text = f"⚠️ Đã tắt kênh {job.kind} {who} (#{job.channel_id}) của người nhận: {decision.reason}"
                notices.queue_admin_notice(session, text, self.admin_chat_ids, self.admin_emails, now)
            return False
        if decision.action == Action.BACKOFF:
            delay = backoff_delay(delivery.attempts)
            outbox.mark_delivery(session, job.delivery_id, "pending", at=now + timedelta(seconds=delay), error=decision.reason)
            return False
        if decision.action == Action.HALT:
            # The server's fault, not this delivery's: pending again at once, it goes with the next probe.
            outbox.mark_delivery(session, job.delivery_id, "pending", at=now, error=decision.reason)
            return False
        outbox.mark_delivery(session, job.delivery_id, "failed", error=decision.reason)
        outbox.settle(session, [job.alert_id])
        return True
