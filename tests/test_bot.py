"""The subscriber bot through python-telegram-bot against the fake Bot API: commands change the database."""

from __future__ import annotations

import asyncio

import pytest

from monitor.bot import build_application, process_pending_updates
from storage import repositories as repo, subscribers
from storage.db import make_engine, session_factory, transaction
from storage.migrate import upgrade
from storage.models import Portal

ADMIN = 9001


@pytest.fixture
def factory(sqlite_url):
    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    with transaction(session_factory(engine)) as session:
        repo.sync_portal(session, repo.PortalFields("caobang", "Sở Ngoại vụ Cao Bằng", "Cao Bằng", None, None, True))
    yield session_factory(engine)
    engine.dispose()


def run_updates(server, factory, **options) -> int:
    """Build the bot (``options`` go to build_application), answer every pending update, shut it down."""

    async def go():
        app = build_application(server.token, server.url, factory, [ADMIN], **options)
        await app.initialize()
        try:
            return await process_pending_updates(app, factory)
        finally:
            await app.shutdown()

    return asyncio.run(go())


def replies(server, chat: int) -> list[str]:
    return [m.text for m in server.sent_to(chat)]


def test_start_subscribe_list_unsubscribe_stop(factory, unlimited_telegram):
    server = unlimited_telegram
    server.push_message(42, "/start")
    server.push_message(42, '/subscribe Lào "đoàn công tác" ~"hoa binh"')
    server.push_message(42, "/list")
    assert run_updates(server, factory) == 3
    texts = replies(server, 42)
    assert "Chào mừng" in texts[0] and "/help" in texts[0]
    assert "Lào" in texts[1] and "đoàn công tác" in texts[1]
    assert "Chỉ thị" in texts[2] and "đoàn công tác" in texts[2] and "~hoa binh" in texts[2]
    with transaction(factory) as session:
        subscriber = subscribers.get_subscriber(session, 42)
        rules = {r.name: r for r in subscribers.rules_of(session, subscriber)}
        assert set(rules) == {"Lào", "đoàn công tác", "~hoa binh"}
        assert rules["~hoa binh"].accent_insensitive and rules["~hoa binh"].any_terms == ["hoa binh"]
        assert subscriber.follows_defaults and subscriber.active

    # The offset is stored: the same updates are not applied twice.
    assert run_updates(server, factory) == 0
    server.push_message(42, "/unsubscribe Lào")
    server.push_message(42, "/unsubscribe all")
    server.push_message(42, "/stop")
    run_updates(server, factory)
    with transaction(factory) as session:
        subscriber = subscribers.get_subscriber(session, 42)
        assert subscribers.rules_of(session, subscriber) == []
        assert not subscriber.active
    assert "ngừng nhận" in replies(server, 42)[-1]


def test_mute_digest_and_bad_arguments(factory, unlimited_telegram):
    server = unlimited_telegram
    for text in ("/start", "/mute 2", "/digest daily 07:30", "/digest monthly", "/mute abc", "/portals"):
        server.push_message(43, text)
    run_updates(server, factory)
    texts = replies(server, 43)
    assert "Tạm dừng" in texts[1]
    assert "07:30" in texts[2]
    assert "Cú pháp" in texts[3] and "Cú pháp" in texts[4]
    assert "Sở Ngoại vụ Cao Bằng" in texts[5]
    with transaction(factory) as session:
        subscriber = subscribers.get_subscriber(session, 43)
        assert subscriber.muted_until is not None and subscriber.digest_time == "07:30"


def test_admin_commands_are_refused_politely_to_others(factory, unlimited_telegram):
    server = unlimited_telegram
    server.push_message(44, "/pause caobang")
    server.push_message(ADMIN, "/pause caobang")
    server.push_message(ADMIN, "/status")
    server.push_message(ADMIN, "/help")
    run_updates(server, factory)
    assert "chỉ dành cho quản trị viên" in replies(server, 44)[0]
    admin = replies(server, ADMIN)
    assert "tạm dừng" in admin[0] and "caobang" in admin[0]
    assert "caobang" in admin[1] and "tạm dừng" in admin[1]
    assert "/pause" in admin[2]
    with transaction(factory) as session:
        assert session.get(Portal, "caobang").paused


def test_commands_before_start_ask_to_register(factory, unlimited_telegram):
    unlimited_telegram.push_message(45, "/subscribe Lào")
    run_updates(unlimited_telegram, factory)
    assert "/start" in replies(unlimited_telegram, 45)[0]
