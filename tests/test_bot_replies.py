"""Bot replies: paced by the bot's own pacer (the alerts' one), and a 403 on a reply deactivates the chat
so that no alert is ever tried on it."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

from sqlalchemy import select

from monitor.alerting.pacing import pacer_for
from monitor.alerting.sender import Sender, TelegramDelivery
from monitor.processing import MonitorCache, match_pending
from storage import outbox, repositories as repo, subscribers
from storage.db import transaction
from storage.models import Alert
from tests.test_bot import factory, replies, run_updates  # noqa: F401 - the bot tests' database fixture

DIRECTIVE = ("Ngày 5/3, Ban Thường vụ Tỉnh ủy ban hành Chỉ thị số 31-CT/TU về tăng cường công tác đối ngoại "
             "nhân dân trong tình hình mới.")


def test_a_blocked_chat_is_deactivated_by_its_first_403_and_never_alerted(factory, unlimited_telegram):
    server = unlimited_telegram
    server.block(81)
    server.push_message(81, "/start")
    server.push_message(82, "/start")
    run_updates(server, factory)
    assert server.count_403 == 1 and replies(server, 82)
    with transaction(factory) as session:
        blocked = subscribers.get_subscriber(session, 81)
        assert not blocked.active and "blocked" in blocked.deactivated_reason
        repo.add_article(
            session, portal_id="caobang", url="https://x.vn/ct31", canonical_url="https://x.vn/ct31",
            title="Tỉnh ủy ban hành Chỉ thị 31-CT/TU", text=DIRECTIVE, content_hash="2" * 64,
            published_at=datetime.now(timezone.utc), first_seen_at=datetime.now(timezone.utc),
        )
    match_pending(factory, MonitorCache(None))

    async def send():
        sender = Sender(factory, TelegramDelivery(server.bot()))
        await sender.drain()
        await sender.delivery.bot.shutdown()
        return sender.stats

    stats = asyncio.run(send())
    assert stats.sent == 1 and stats.deactivated == 0
    assert any("31-CT/TU" in text for text in replies(server, 82))
    with transaction(factory) as session:
        assert session.scalar(select(Alert).where(Alert.subscriber_id == blocked.id)) is None
        assert outbox.counts_by_status(session) == {"sent": 1}
    assert server.count_403 == 1  # one 403 for the blocked chat, in total


def test_replies_wait_for_the_pacer_that_paces_alerts(factory, unlimited_telegram):
    server = unlimited_telegram
    pacer = pacer_for(server.token)
    assert TelegramDelivery(server.bot()).pacer is pacer
    held_from = time.monotonic()
    pacer.pause(1.5, 83)  # e.g. a RetryAfter answered to an alert for this chat
    server.push_message(83, "/start")
    run_updates(server, factory)
    [reply] = server.sent_to(83)
    assert reply.at >= held_from + 1.5
