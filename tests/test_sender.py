"""The outbox sender against a fake Bot API over real HTTP: once each, grouped, blocked and migrated chats."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from monitor.alerting.pacing import Pacer
from monitor.alerting.sender import ConsoleDelivery, Sender, TelegramDelivery
from storage import outbox, repositories as repo, subscribers
from storage.db import transaction
from storage.models import Alert, Subscriber

VN = timezone(timedelta(hours=7))


@pytest.fixture
def factory(db_factory):
    return db_factory


def seed(factory, chats: list[int], articles: int = 2, event_key=lambda n: None) -> None:
    with transaction(factory) as session:
        for pid in ("songoaivu", "baoquocte"):
            repo.sync_portal(session, repo.PortalFields(pid, f"Cổng {pid} <&>", None, None, None, True))
        ids = []
        for n in range(articles):
            ids.append(
                repo.add_article(
                    session,
                    portal_id="songoaivu" if n % 2 == 0 else "baoquocte",
                    url=f"https://x.vn/a{n}",
                    canonical_url=f"https://x.vn/a{n}",
                    title=f"Bài {n}: tiếp Đại sứ <Nhật Bản>",
                    text="…",
                    content_hash=f"{n:064d}",
                    published_at=datetime(2026, 3, 7, 9, 40, tzinfo=VN),
                    first_seen_at=datetime.now(timezone.utc),
                ).id
            )
        for chat in chats:
            subscriber, _ = subscribers.register(session, chat, "private" if chat > 0 else "group", None)
            for n, article_id in enumerate(ids):
                reason = {"kind": "foreign_visit", "snippet": "Chủ tịch tỉnh tiếp Đại sứ Nhật Bản", "spans": [[14, 31]], "detail": "Nhật Bản"}
                outbox.queue_alert(session, subscriber, article_id, [reason], event_key(n))


def drain(factory, server, deadline: float = 20.0) -> Sender:
    async def go():
        sender = Sender(factory, TelegramDelivery(server.bot(pool_size=16), Pacer()))
        sender.recover()
        loop = asyncio.get_running_loop()
        end = loop.time() + deadline
        while loop.time() < end:
            await sender.drain()
            with transaction(factory) as session:
                if not session.scalars(select(Alert).where(Alert.status.in_(("pending", "sending")))).first():
                    break
            await asyncio.sleep(0.2)
        await sender.delivery.bot.shutdown()
        return sender

    return asyncio.run(go())


def statuses(factory) -> dict[str, int]:
    with transaction(factory) as session:
        return outbox.counts_by_status(session)


def test_each_alert_delivered_once_in_html_with_reason_and_link(factory, fake_telegram):
    seed(factory, [101, 102], articles=3)
    first = drain(factory, fake_telegram)
    for chat in (101, 102):
        messages = fake_telegram.sent_to(chat)
        assert len(messages) == 3
        assert messages[0].parse_mode == "HTML"
        assert "Đoàn nước ngoài" in messages[0].text
        assert "&lt;Nhật Bản&gt;" in messages[0].text  # escaped title
        assert 'href="https://x.vn/a0"' in messages[0].text
        assert "07/03/2026 09:40" in messages[0].text
    assert statuses(factory) == {"sent": 6}
    again = drain(factory, fake_telegram)
    assert len(fake_telegram.sent) == 6
    # No 429 unless the machine was so busy that round trips spread wider than the pacer's margin.
    assert fake_telegram.count_429 == 0 or max(first.pacer.worst_jitter, again.pacer.worst_jitter) > first.pacer.margin


def test_same_event_from_two_portals_is_one_message_naming_both(factory, unlimited_telegram):
    seed(factory, [201], articles=2, event_key=lambda n: "visit:nhat-ban:2026-03-07")
    drain(factory, unlimited_telegram)
    [message] = unlimited_telegram.sent_to(201)
    assert "songoaivu" in message.text and "baoquocte" in message.text
    assert 'href="https://x.vn/a0"' in message.text and 'href="https://x.vn/a1"' in message.text
    assert statuses(factory) == {"sent": 1, "merged": 1}


def test_blocked_chat_is_deactivated_and_others_go_on(factory, unlimited_telegram):
    seed(factory, [301, 302], articles=2)
    unlimited_telegram.block(301)
    drain(factory, unlimited_telegram)
    assert len(unlimited_telegram.sent_to(302)) == 2
    assert unlimited_telegram.sent_to(301) == []
    with transaction(factory) as session:
        blocked = subscribers.get_subscriber(session, 301)
        assert not blocked.active and "blocked" in blocked.deactivated_reason
        assert len(outbox.due_alerts(session, datetime.now(timezone.utc) + timedelta(days=1))) == 0


def test_migrated_group_is_followed_to_its_new_id(factory, unlimited_telegram):
    seed(factory, [-401], articles=2)
    unlimited_telegram.migrate(-401, -100401)
    drain(factory, unlimited_telegram)
    assert len(unlimited_telegram.sent_to(-100401)) == 2
    with transaction(factory) as session:
        assert session.scalar(select(Subscriber.chat_id)) == -100401


def test_network_errors_are_retried_without_losing_alerts(factory, unlimited_telegram):
    seed(factory, [501], articles=2)
    unlimited_telegram.fail_next(2, 502, "Bad Gateway")
    sender = drain(factory, unlimited_telegram)
    assert len(unlimited_telegram.sent_to(501)) == 2
    assert sender.stats.retried >= 1
    assert statuses(factory) == {"sent": 2}


def test_crash_while_sending_resends_only_the_in_flight_alert(factory, unlimited_telegram):
    seed(factory, [601], articles=3)
    with transaction(factory) as session:
        first = session.scalars(select(Alert).order_by(Alert.id)).first()
        outbox.mark_sending(session, first.id)  # the process died right after this
    drain(factory, unlimited_telegram)
    assert len(unlimited_telegram.sent_to(601)) == 3
    assert statuses(factory) == {"sent": 3}


def test_console_delivery_without_a_token(factory, capsys):
    seed(factory, [701], articles=1)
    asyncio.run(Sender(factory, ConsoleDelivery()).drain())
    out = capsys.readouterr().out
    assert "Đoàn nước ngoài" in out and "https://x.vn/a0" in out and "«" in out
    assert statuses(factory) == {"sent": 1}
