"""Drains the outbox to Telegram (or to the console when no bot token is set).

Each alert is marked ``sending`` before the request and ``sent`` after it, in separate commits:
a crash in between leaves it ``sending``, and ``reset_in_flight`` makes it pending again at the next
start. That one message may then arrive twice; every other alert is delivered exactly once.
A chat's alerts go out in order, one at a time; chats are served concurrently under the pacer.
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
from monitor.alerting.pacing import Pacer, backoff_delay
from monitor.alerting.telegram_errors import Action, classify
from storage import outbox, subscribers
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
        Reason(r.get("kind", "keyword"), r.get("snippet", ""), tuple(tuple(s) for s in r.get("spans", ())), r.get("detail", ""))
        for r in view.reasons
    ]
    return replace(Message(view.title, reasons, [Source(name, url) for name, url in view.sources], view.published_at),
                   documents=documents)


class TelegramDelivery:
    """HTML messages through python-telegram-bot; a long alert goes out as several messages."""

    def __init__(self, bot, pacer: Pacer | None = None):
        self.bot = bot
        self.pacer = pacer or Pacer()

    async def send(self, chat_id: int, view: outbox.AlertView) -> int | None:
        message_id = None
        for part in render_parts(message_of(view)):
            await self.pacer.acquire(chat_id)
            sent = await self.bot.send_message(chat_id, part, parse_mode="HTML", disable_web_page_preview=True)
            message_id = message_id or sent.message_id
        return message_id

    async def send_notice(self, chat_id: int, text: str) -> int | None:
        await self.pacer.acquire(chat_id)
        return (await self.bot.send_message(chat_id, text[:4000], disable_web_page_preview=True)).message_id

    async def send_digest(self, chat_id: int, html_text: str, plain: str) -> int | None:
        message_id = None
        for part in split_message(html_text):
            await self.pacer.acquire(chat_id)
            sent = await self.bot.send_message(chat_id, part, parse_mode="HTML", disable_web_page_preview=True)
            message_id = message_id or sent.message_id
        return message_id


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


class Sender:
    def __init__(self, factory, delivery: Delivery, workers: int = 48):
        self.factory = factory
        self.delivery = delivery
        # The delivery paces its own requests; RetryAfter answers pause the same pacer.
        self.pacer: Pacer | None = getattr(delivery, "pacer", None)
        self.workers = asyncio.Semaphore(workers)
        self.halted: str | None = None
        self.stats = SendStats()

    def recover(self) -> int:
        with transaction(self.factory) as session:
            return outbox.reset_in_flight(session)

    async def drain(self, stop: asyncio.Event | None = None) -> SendStats:
        """Send every alert that is due now; return when none is left (or on ``stop``)."""
        while not self.halted and not (stop and stop.is_set()):
            with transaction(self.factory) as session:
                due = outbox.due_alerts(session, utcnow(), limit=500)
                chats: OrderedDict[int, list[int]] = OrderedDict()
                for alert in due:
                    chats.setdefault(alert.subscriber_id, []).append(alert.id)
            if not chats:
                break
            await asyncio.gather(*(self._serve_chat(ids, stop) for ids in chats.values()))
        return self.stats

    async def send_notices(self) -> int:
        """Admin notices (portal health changes): retried like alerts, never dropped for a transient error."""
        from storage.models import Notice

        now, sent = utcnow(), 0
        with transaction(self.factory) as session:
            due = [
                (n.id, n.chat_id, n.text)
                for n in session.query(Notice).filter(Notice.status == "pending").order_by(Notice.id)
                if n.next_attempt_at is None or n.next_attempt_at <= now
            ]
        for notice_id, chat_id, text in due:
            try:
                await self.delivery.send_notice(chat_id, text)
            except Exception as exc:
                decision = classify(exc)
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
        """Send each subscriber whose digest time has come one message with everything queued for it."""
        from monitor.alerting.digest import is_due, render_digest

        now, sent = utcnow(), 0
        with transaction(self.factory) as session:
            due = [s.id for s in subscribers.all_subscribers(session) if is_due(s, now)]
        for subscriber_id in due:
            with transaction(self.factory) as session:
                subscriber = session.get(outbox.Subscriber, subscriber_id)
                alerts = outbox.digest_alerts(session, subscriber_id)
                views = [outbox.view(session, alert) for alert in alerts]
                chat_id = subscriber.chat_id
            if views:
                html_text, plain = render_digest(views, now)
                try:
                    message_id = await self.delivery.send_digest(chat_id, html_text, plain)
                except Exception as exc:
                    self.stats.errors.append(f"digest for {chat_id}: {classify(exc).reason}")
                    log.warning("digest for chat %s not sent: %s", chat_id, exc)
                    continue
                with transaction(self.factory) as session:
                    outbox.mark_sent(session, [a.id for a in alerts], message_id, now)
                sent += 1
            with transaction(self.factory) as session:
                session.get(outbox.Subscriber, subscriber_id).last_digest_at = now
        return sent

    async def _serve_chat(self, alert_ids: list[int], stop: asyncio.Event | None) -> None:
        async with self.workers:
            for alert_id in alert_ids:
                if self.halted or (stop and stop.is_set()):
                    return
                if not await self._send_one(alert_id):
                    return  # this chat waits (retry later, deactivated, or halted)

    async def _send_one(self, alert_id: int) -> bool:
        with transaction(self.factory) as session:
            alert = session.get(outbox.Alert, alert_id)
            if alert is None or alert.status != "pending":
                return True
            view = outbox.view(session, alert)
            outbox.mark_sending(session, alert_id)
        try:
            message_id = await self.delivery.send(view.chat_id, view)
        except Exception as exc:  # every failure is classified; none loses the alert
            return self._failed(alert_id, view.chat_id, exc)
        with transaction(self.factory) as session:
            outbox.mark_sent(session, [alert_id], message_id)
        self.stats.sent += 1
        return True

    def _failed(self, alert_id: int, chat_id: int, exc: Exception) -> bool:
        decision = classify(exc)
        now = utcnow()
        with transaction(self.factory) as session:
            alert = session.get(outbox.Alert, alert_id)
            if decision.action == Action.RETRY_AFTER:
                seconds = decision.seconds or 1.0
                if self.pacer is not None:
                    self.pacer.pause(seconds, chat_id)
                outbox.mark_retry(session, alert_id, now + timedelta(seconds=seconds), decision.reason)
                self.stats.retried += 1
                return False
            if decision.action == Action.MIGRATE:
                subscribers.migrate_chat(session, chat_id, decision.new_chat_id)
                outbox.mark_retry(session, alert_id, now, decision.reason)
                self.stats.retried += 1
                return True
            if decision.action == Action.DEACTIVATE:
                subscribers.deactivate(session, chat_id, decision.reason)
                outbox.mark_failed(session, alert_id, decision.reason, status="dropped")
                outbox.drop_pending(session, alert.subscriber_id, decision.reason)
                self.stats.deactivated += 1
                log.warning("chat %s deactivated: %s", chat_id, decision.reason)
                return False
            if decision.action == Action.BACKOFF:
                delay = backoff_delay(alert.attempts)
                outbox.mark_retry(session, alert_id, now + timedelta(seconds=delay), decision.reason)
                self.stats.retried += 1
                return False
            if decision.action == Action.HALT:
                outbox.mark_retry(session, alert_id, now + timedelta(seconds=60), decision.reason)
                self.halted = decision.reason
                log.error("sender halted: %s", decision.reason)
                return False
            outbox.mark_failed(session, alert_id, decision.reason)
            self.stats.failed += 1
            self.stats.errors.append(decision.reason)
            log.error("alert %s given up: %s", alert_id, decision.reason)
            return True
