"""Drains the outbox to every channel of each subscriber: Telegram (or the console when no bot
token is set), e-mail, Apprise.

Each delivery (an alert on one channel) is marked ``sending`` before the request and ``sent`` after
it, in separate commits: a crash in between leaves it ``sending``, and ``reset_in_flight`` makes it
pending again at the next start. That one message may then arrive twice; every other is delivered
exactly once. A channel's alerts go out in order, one at a time; channels are served concurrently
under their transport's pacer, and one channel's failure never holds back another.

A transport is the object that speaks one kind of channel (``TelegramDelivery``, ``ConsoleDelivery``,
``monitor.alerting.email.EmailChannel``, ``monitor.alerting.apprise_channel.AppriseChannel``); its
``classify`` (Telegram's when it has none) maps its errors onto the same ``Action`` table.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Protocol

from monitor.alerting.format import Alert as Message
from monitor.alerting.format import DocumentFacts, EventKind, Reason, Source, render_parts, render_text, split_message
from monitor.alerting.pacing import Pacer, backoff_delay, pacer_for
from monitor.alerting.telegram_errors import Action, classify
from storage import notices, outbox, subscribers
from storage.db import transaction
from storage.types import utcnow

log = logging.getLogger("portalwatch.sender")


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


class Sender:
    def __init__(self, factory, delivery: Delivery, workers: int = 48, transports: dict | None = None,
                 admin_chat_ids=(), admin_emails=()):
        self.factory = factory
        self.delivery = delivery
        console = delivery if isinstance(delivery, ConsoleDelivery) else ConsoleDelivery()
        self.transports = {"telegram": delivery, "console": console, **(transports or {})}
        # The delivery paces its own requests; RetryAfter answers pause the same pacer.
        self.pacer: Pacer | None = getattr(delivery, "pacer", None)
        self.workers = asyncio.Semaphore(workers)
        self.halted: str | None = None
        self.halted_kinds: dict[str, str] = {}
        self.admin_chat_ids, self.admin_emails = list(admin_chat_ids), list(admin_emails)
        self.stats = SendStats()

    def recover(self) -> int:
        with transaction(self.factory) as session:
            return outbox.reset_in_flight(session)

    def _skipped_kinds(self) -> list[str]:
        """Channels whose transport is missing (e.g. no SMTP settings) or halted wait, queued."""
        return [k for k in ("telegram", "console", "email", "apprise") if k not in self.transports] + list(self.halted_kinds)

    async def drain(self, stop: asyncio.Event | None = None) -> SendStats:
        """Send every delivery that is due now; return when none is left (or on ``stop``)."""
        while not (stop and stop.is_set()):
            with transaction(self.factory) as session:
                outbox.prepare_deliveries(session)
                due = outbox.due_deliveries(session, utcnow(), limit=500, skip_kinds=self._skipped_kinds())
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

    def _classify(self, transport, exc: Exception):
        own = getattr(transport, "classify", None)
        return own(exc) if own is not None else classify(exc)

    async def send_notices(self) -> int:
        """Admin notices (portal health, bounced addresses): retried like alerts, never dropped for a transient error."""
        from storage.models import Notice

        now, sent = utcnow(), 0
        with transaction(self.factory) as session:
            due = [
                (n.id, n.kind or "telegram", n.chat_id if n.chat_id is not None else n.address, n.text)
                for n in session.query(Notice).filter(Notice.status == "pending").order_by(Notice.id)
                if n.next_attempt_at is None or n.next_attempt_at <= now
            ]
        for notice_id, kind, address, text in due:
            transport = self._transport(kind)
            if transport is None or kind in self.halted_kinds:
                continue  # stays pending until that channel is configured
            try:
                await transport.send_notice(address, text)
            except Exception as exc:
                decision = self._classify(transport, exc)
                with transaction(self.factory) as session:
                    notice = session.get(Notice, notice_id)
                    notice.attempts += 1
                    notice.last_error = decision.reason[:1000]
                    if decision.action in (Action.GIVE_UP, Action.DEACTIVATE):
                        notice.status = "failed"
                    else:
                        notice.next_attempt_at = utcnow() + timedelta(seconds=decision.seconds or backoff_delay(notice.attempts))
                continue
            with transaction(self.factory) as session:
                notice = session.get(Notice, notice_id)
                notice.status, notice.sent_at = "sent", utcnow()
            sent += 1
        return sent

    async def send_digests(self) -> int:
        """Send each subscriber whose digest time has come one message per channel with everything queued.
        A channel that took it is recorded, so a transient failure on another retries only that one;
        the day's alerts count as sent once no channel is left to try."""
        from monitor.alerting.digest import is_due, render_digest

        now, sent = utcnow(), 0
        with transaction(self.factory) as session:
            due = [s.id for s in subscribers.all_subscribers(session) if is_due(s, now)]
        for subscriber_id in due:
            with transaction(self.factory) as session:
                alerts = outbox.digest_alerts(session, subscriber_id)
                alert_ids = [a.id for a in alerts]
                views = [outbox.view(session, alert) for alert in alerts]
                done = outbox.digest_channels_done(session, alert_ids)
                channels = [(c.id, c.kind, c.address) for c in subscribers.channels_of(session, subscriber_id) if c.id not in done]
            if views:
                html_text, plain = render_digest(views, now)
                waiting = False
                for channel_id, kind, address in channels:
                    transport = self._transport(kind)
                    if transport is None or kind in self.halted_kinds:
                        continue
                    try:
                        result = await transport.send_digest(self._target(kind, channel_id, address), html_text, plain)
                    except Exception as exc:
                        decision = self._classify(transport, exc)
                        self.stats.errors.append(f"digest on channel {channel_id}: {decision.reason}")
                        log.warning("digest on %s channel %s not sent: %s", kind, channel_id, decision.reason)
                        with transaction(self.factory) as session:
                            if decision.action == Action.DEACTIVATE:
                                subscribers.deactivate_channel(session, channel_id, decision.reason)
                            elif decision.action == Action.GIVE_UP:
                                outbox.record_digest(session, alert_ids, channel_id, "failed", error=decision.reason)
                            else:
                                waiting = True  # transient: this channel is tried again at the next pass
                        continue
                    with transaction(self.factory) as session:
                        outbox.record_digest(session, alert_ids, channel_id, "sent", None if result is None else str(result))
                with transaction(self.factory) as session:
                    tried = bool(outbox.deliveries_of(session, alert_ids[0]))
                if waiting or not tried:
                    continue  # a channel to retry, or none of its channels can be served yet
                with transaction(self.factory) as session:
                    outbox.settle(session, alert_ids)
                sent += 1
            with transaction(self.factory) as session:
                session.get(outbox.Subscriber, subscriber_id).last_digest_at = now
        return sent

    async def _serve_channel(self, jobs: list[outbox.Job], stop: asyncio.Event | None) -> None:
        async with self.workers:
            for job in jobs:
                if job.kind in self.halted_kinds or (stop and stop.is_set()):
                    return
                if not await self._send_one(job):
                    return  # this channel waits (retry later, deactivated, or halted)

    async def _send_one(self, job: outbox.Job) -> bool:
        with transaction(self.factory) as session:
            alert = session.get(outbox.Alert, job.alert_id)
            delivery = session.get(outbox.AlertDelivery, job.delivery_id)
            if alert is None or alert.status != "pending" or delivery is None or delivery.status != "pending":
                return True
            view = replace(outbox.view(session, alert), channel_id=job.channel_id)
            outbox.mark_delivery_sending(session, job.delivery_id)
        transport = self._transport(job.kind)
        try:
            message_id = await transport.send(self._target(job.kind, job.channel_id, job.address), view)
        except Exception as exc:  # every failure is classified; none loses the alert
            return self._failed(job, transport, exc)
        with transaction(self.factory) as session:
            outbox.mark_delivery(session, job.delivery_id, "sent", message_id=None if message_id is None else str(message_id))
            outbox.settle(session, [job.alert_id])
        self.stats.sent += 1
        return True

    def _failed(self, job: outbox.Job, transport, exc: Exception) -> bool:
        decision = self._classify(transport, exc)
        now = utcnow()
        with transaction(self.factory) as session:
            delivery = session.get(outbox.AlertDelivery, job.delivery_id)
            if decision.action == Action.RETRY_AFTER:
                seconds = decision.seconds or 1.0
                pacer = getattr(transport, "pacer", None)
                if pacer is not None:
                    pacer.pause(seconds, self._target(job.kind, job.channel_id, job.address) if job.kind in CHAT_KINDS else None)
                outbox.mark_delivery(session, job.delivery_id, "pending", at=now + timedelta(seconds=seconds), error=decision.reason)
                self.stats.retried += 1
                return False
            if decision.action == Action.MIGRATE:
                subscribers.migrate_chat(session, int(job.address), decision.new_chat_id)
                outbox.mark_delivery(session, job.delivery_id, "pending", at=now, error=decision.reason)
                self.stats.retried += 1
                return True
            if decision.action == Action.DEACTIVATE:
                touched = subscribers.deactivate_channel(session, job.channel_id, decision.reason)
                outbox.settle(session, touched + [job.alert_id])
                self.stats.deactivated += 1
                log.warning("%s channel %s deactivated: %s", job.kind, job.channel_id, decision.reason)
                if job.kind not in CHAT_KINDS:
                    from monitor.alerting.apprise_channel import redact

                    who = job.address if job.kind == "email" else redact(job.address)  # Apprise URLs hold secrets
                    text = f"⚠️ Đã tắt kênh {job.kind} {who} (#{job.channel_id}) của người nhận: {decision.reason}"
                    notices.queue_admin_notice(session, text, self.admin_chat_ids, self.admin_emails, now)
                return False
            if decision.action == Action.BACKOFF:
                delay = backoff_delay(delivery.attempts)
                outbox.mark_delivery(session, job.delivery_id, "pending", at=now + timedelta(seconds=delay), error=decision.reason)
                self.stats.retried += 1
                return False
            if decision.action == Action.HALT:
                outbox.mark_delivery(session, job.delivery_id, "pending", at=now + timedelta(seconds=60), error=decision.reason)
                self.halted_kinds[job.kind] = decision.reason
                self.halted = self.halted or decision.reason
                log.error("%s sending halted: %s", job.kind, decision.reason)
                return False
            outbox.mark_delivery(session, job.delivery_id, "failed", error=decision.reason)
            outbox.settle(session, [job.alert_id])
            self.stats.failed += 1
            self.stats.errors.append(decision.reason)
            log.error("alert %s on %s channel %s given up: %s", job.alert_id, job.kind, job.channel_id, decision.reason)
            return True
