"""Subscribers' keywords: checked at the door with the matcher's own rules, capped per chat, and a bad
stored rule (written past the door) disables itself alone: everyone else is still alerted."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from crawler import cli
from monitor.alerting.sender import Sender, TelegramDelivery
from monitor.keywords import KeywordError, check_keyword
from monitor.processing import MonitorCache, match_pending
from storage import repositories as repo, subscribers
from storage.db import transaction
from storage.models import Alert, Notice, Rule
from tests.test_bot import factory, replies, run_updates  # noqa: F401 - the bot tests' database fixture

ADMIN = 9001
HOSTILE = ["!!!", " ".join(["từ"] * 31), "~" * 300, "x" * 101, "~ - ~"]


@pytest.mark.parametrize("keyword", HOSTILE)
def test_the_door_refuses_what_the_matcher_cannot_use_in_vietnamese(keyword):
    with pytest.raises(KeywordError) as refused:
        check_keyword(keyword)
    assert refused.value.vi and all(ord(ch) < 0x2000 for ch in refused.value.vi)
    assert check_keyword('~Việt -  Lào') == ("Việt - Lào", True)


def test_bot_subscribe_refuses_hostile_keywords_and_stores_the_good_ones(factory, unlimited_telegram):
    server = unlimited_telegram
    server.push_message(61, "/start")
    server.push_message(61, '/subscribe "!!!" Lào ' + "~" * 300 + ' "' + " ".join(["từ"] * 31) + '"')
    run_updates(server, factory)
    reply = replies(server, 61)[1]
    assert "Đã theo dõi: <b>Lào</b>" in reply
    assert "Không nhận «!!!»: không có chữ cái hay chữ số nào." in reply
    assert "dài quá 30 từ" in reply and "trống" in reply
    with transaction(factory) as session:
        names = [r.name for r in subscribers.rules_of(session, subscribers.get_subscriber(session, 61))]
    assert names == ["Lào"]


def test_keywords_per_chat_are_capped_and_long_replies_are_split(factory, unlimited_telegram):
    from monitor.bot import build_application, process_pending_updates

    server = unlimited_telegram
    many = [f"từ khóa số {n} " + "dài " * 20 for n in range(12)]
    server.push_message(62, "/start")
    server.push_message(62, "/subscribe " + " ".join(f'"{k.strip()}"' for k in many))
    server.push_message(62, "/subscribe " + "a" * 120)
    server.push_message(62, "/list")

    async def go():
        app = build_application(server.token, server.url, factory, [ADMIN], max_keywords=10, max_keyword_chars=100)
        await app.initialize()
        try:
            await process_pending_updates(app, factory)
        finally:
            await app.shutdown()

    asyncio.run(go())
    texts = replies(server, 62)
    assert "Chưa thêm 2 từ khóa: mỗi cuộc trò chuyện theo dõi tối đa 10 từ khóa" in texts[1]
    assert "dài quá 100 ký tự" in texts[2] and "đã có" not in texts[2].lower()
    with transaction(factory) as session:
        assert len(subscribers.rules_of(session, subscribers.get_subscriber(session, 62))) == 10
    assert all(len(t) <= 4096 for t in texts)


def test_a_list_longer_than_one_message_comes_in_parts(factory, unlimited_telegram):
    server = unlimited_telegram
    server.push_message(63, "/start")
    run_updates(server, factory)
    with transaction(factory) as session:
        subscriber = subscribers.get_subscriber(session, 63)
        for n in range(200):
            subscribers.add_rule(session, subscriber, f"cụm từ theo dõi số {n:03d} " + "rất dài " * 9, any_terms=[f"cụm {n}"])
    server.push_message(63, "/list")
    run_updates(server, factory)
    parts = replies(server, 63)[1:]
    assert len(parts) > 1 and all(len(p) <= 4096 for p in parts)
    assert "số 000" in parts[0] and "số 199" in parts[-1]


def test_cli_add_refuses_a_bad_keyword_with_one_line_and_keeps_the_good(monkeypatch, sqlite_url, capsys):
    monkeypatch.setenv("PORTALWATCH_DATABASE_URL", sqlite_url)
    assert cli.main(["subscribers", "add", "777", "-k", "!!!", "-k", "Lào"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["portalwatch: keyword '!!!': term '!!!' has no letters or digits"]
    assert cli.main(["subscribers"]) == 0
    assert "Lào" in capsys.readouterr().out


def test_a_punctuation_keyword_stored_past_the_door_does_not_stop_another_chats_alert(factory, unlimited_telegram):
    with transaction(factory) as session:
        first, _ = subscribers.register(session, 71, "private", None)
        first.follows_defaults = False
        subscribers.add_rule(session, first, "Lào", any_terms=["Lào"])
        second, _ = subscribers.register(session, 72, "private", None)
        subscribers.add_rule(session, second, "!!!", any_terms=["!!!"])  # straight into the database
        repo.add_article(
            session, portal_id="caobang", url="https://x.vn/lao", canonical_url="https://x.vn/lao",
            title="Đoàn đại biểu tỉnh Hủaphăn (Lào) thăm Cao Bằng", text="Đoàn công tác của tỉnh Hủaphăn, Lào.",
            content_hash="1" * 64, published_at=datetime.now(timezone.utc), first_seen_at=datetime.now(timezone.utc),
        )
    cache = MonitorCache(None, [ADMIN])
    stats = match_pending(factory, cache)
    assert stats.articles == 1 and stats.alerts >= 1
    with transaction(factory) as session:
        bad = session.scalar(select(Rule).where(Rule.name == "!!!"))
        assert list(cache.disabled) == [bad.id] and "no letters or digits" in cache.disabled[bad.id]
        [notice] = session.scalars(select(Notice)).all()
        assert notice.chat_id == ADMIN and "«!!!»" in notice.text
        assert session.scalar(select(Alert).where(Alert.subscriber_id == first.id)) is not None
    match_pending(factory, cache)  # a second pass: no second notice for the same rule
    with transaction(factory) as session:
        assert len(session.scalars(select(Notice)).all()) == 1

    async def send():
        sender = Sender(factory, TelegramDelivery(unlimited_telegram.bot()))
        await sender.drain()
        await sender.send_notices()
        await sender.delivery.bot.shutdown()

    asyncio.run(send())
    [alert] = replies(unlimited_telegram, 71)
    assert "Lào" in alert
    assert "«!!!»" in replies(unlimited_telegram, ADMIN)[0]
