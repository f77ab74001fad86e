"""The fake Bot API server, driven by python-telegram-bot's real Bot and Application."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request

import pytest
from telegram import Update
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from monitor.alerting.telegram_errors import retry_after_seconds
from tests.fakes.telegram_api import FakeTelegramServer, Limits


def test_send_message_is_recorded_and_answered_with_a_message(unlimited_telegram):
    async def scenario():
        async with unlimited_telegram.bot() as bot:
            first = await bot.send_message(111, "<b>Chỉ thị</b> số 5 &amp; 6", parse_mode="HTML")
            second = await bot.send_message(-222, "nhóm")
            return bot.username, first, second

    username, first, second = asyncio.run(scenario())
    assert username == "portalwatch_test_bot"
    assert first.text == "Chỉ thị số 5 & 6" and first.chat.id == 111
    assert second.message_id > first.message_id and second.chat.type == "group"
    sent = unlimited_telegram.sent
    assert [(m.chat_id, m.text, m.parse_mode) for m in sent] == [
        (111, "<b>Chỉ thị</b> số 5 &amp; 6", "HTML"), (-222, "nhóm", None)]


def test_wrong_token_is_refused(unlimited_telegram):
    async def scenario():
        async with unlimited_telegram.bot():
            pass
        from telegram import Bot
        async with Bot("999:wrong", base_url=unlimited_telegram.base_url):
            pass

    with pytest.raises(InvalidToken):
        asyncio.run(scenario())


def test_json_body_is_accepted_like_a_form():
    with FakeTelegramServer(limits=Limits(enabled=False)) as server:
        body = json.dumps({"chat_id": 5, "text": "xin chào"}).encode()
        request = urllib.request.Request(f"{server.base_url}{server.token}/sendMessage", body,
                                         {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert json.load(answer)["result"]["text"] == "xin chào"
        assert server.sent[0].chat_id == 5


@pytest.fixture
def frozen_telegram():
    """Every request arrives at the same instant, however slow the machine: limit checks are exact."""
    with FakeTelegramServer(clock=lambda: 1000.0) as server:
        yield server


def test_same_chat_twice_in_a_second_gets_retry_after(frozen_telegram):
    async def scenario():
        async with frozen_telegram.bot() as bot:
            await bot.send_message(1, "một")
            await bot.send_message(1, "hai")

    with pytest.raises(RetryAfter) as caught:
        asyncio.run(scenario())
    assert retry_after_seconds(caught.value) == 1 and frozen_telegram.count_429 == 1
    assert len(frozen_telegram.sent) == 1


def test_more_than_thirty_chats_in_a_second_gets_retry_after(frozen_telegram):
    async def scenario():
        async with frozen_telegram.bot(pool_size=31) as bot:
            return await asyncio.gather(*(bot.send_message(c, "x") for c in range(1, 32)), return_exceptions=True)

    results = asyncio.run(scenario())
    assert sum(isinstance(r, RetryAfter) for r in results) == 1
    assert frozen_telegram.count_429 == 1 and len(frozen_telegram.sent) == 30
    assert [a.status for a in frozen_telegram.attempts].count(429) == 1


def test_limiter_counts_arrivals_strictly_in_any_sliding_window():
    from tests.fakes.telegram_limits import RateLimiter

    limiter = RateLimiter(Limits())
    assert all(limiter.check(chat, chat * 0.032) == 0 for chat in range(30))  # 30 within 0.93 s
    assert limiter.check(100, 0.97) > 0  # the 31st within one second of the first: refused
    assert limiter.check(100, 1.0) == 0  # a full second after the first: the window has moved on
    # Arrivals may be checked out of order: a window that holds an earlier arrival counts too.
    late = RateLimiter(Limits())
    assert late.check(1, 5.0) == 0 and late.check(1, 4.2) > 0  # 0.8 s apart, same chat
    assert late.check(2, 4.2) == 0


def test_group_limit_per_minute():
    with FakeTelegramServer(limits=Limits(per_chat_interval=0.0, group_per_minute=3), clock=lambda: 1000.0) as server:
        async def scenario():
            async with server.bot() as bot:
                for _ in range(3):
                    await bot.send_message(-100, "nhóm")
                await bot.send_message(-100, "quá giới hạn")

        with pytest.raises(RetryAfter):
            asyncio.run(scenario())
        assert server.count_429 == 1 and len(server.sent_to(-100)) == 3


def test_blocked_chat_is_forbidden_and_migrated_group_moves(unlimited_telegram):
    unlimited_telegram.block(7)
    unlimited_telegram.migrate(-8, -1008)

    async def scenario():
        async with unlimited_telegram.bot() as bot:
            with pytest.raises(Forbidden, match="bot was blocked by the user"):
                await bot.send_message(7, "x")
            with pytest.raises(ChatMigrated) as migrated:
                await bot.send_message(-8, "x")
            await bot.send_message(migrated.value.new_chat_id, "x")

    asyncio.run(scenario())
    assert unlimited_telegram.count_403 == 1
    assert [m.chat_id for m in unlimited_telegram.sent] == [-1008]


@pytest.mark.parametrize(("text", "error"), [
    ("<b>mở mà không đóng", "can't parse entities"),
    ("<b><i>chéo</b></i>", "can't parse entities"),
    ("<br>không hỗ trợ", "Unsupported start tag"),
    ("a & b", "can't parse entities"),
    ("&nbsp;", "Unsupported HTML entity"),
    ("x" * 4097, "message is too long"),
    ("<b> </b>", "message text is empty"),
])
def test_invalid_html_or_length_is_a_bad_request(unlimited_telegram, text, error):
    async def scenario():
        async with unlimited_telegram.bot() as bot:
            await bot.send_message(1, text, parse_mode="HTML")

    with pytest.raises(BadRequest, match=f"(?i){error}"):
        asyncio.run(scenario())
    assert unlimited_telegram.sent == []


def test_length_is_counted_after_parsing_in_utf16(unlimited_telegram):
    async def scenario():
        async with unlimited_telegram.bot() as bot:
            await bot.send_message(1, "<b>" + "ệ" * 4096 + "</b>", parse_mode="HTML")
            with pytest.raises(BadRequest, match="too long"):
                await bot.send_message(2, "😀" * 2049)

    asyncio.run(scenario())
    assert len(unlimited_telegram.sent) == 1


def test_injected_failures_and_delays(unlimited_telegram):
    unlimited_telegram.fail_next(1, status=502)

    async def scenario():
        async with unlimited_telegram.bot(read_timeout=0.3) as bot:
            with pytest.raises(NetworkError, match="Bad Gateway"):
                await bot.send_message(1, "mất")
            unlimited_telegram.delay_next(1, seconds=1.0)
            with pytest.raises(TimedOut):
                await bot.send_message(1, "chậm")
            await bot.send_message(2, "bình thường")

    asyncio.run(scenario())
    # The late answer still delivers, as Telegram may: a sender must expect a duplicate here.
    assert sorted(m.text for m in unlimited_telegram.wait_for_messages(2)) == ["bình thường", "chậm"]


def test_get_updates_long_polls_and_confirms_with_offset(unlimited_telegram):
    async def scenario():
        async with unlimited_telegram.bot() as bot:
            started = time.monotonic()
            assert await bot.get_updates(timeout=0.5) == ()
            waited = time.monotonic() - started
            asyncio.get_running_loop().call_later(0.2, unlimited_telegram.push_message, 42, "/start")
            updates = await bot.get_updates(timeout=5)
            again = await bot.get_updates(timeout=0)
            after = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
            return waited, updates, again, after

    waited, updates, again, after = asyncio.run(scenario())
    assert waited >= 0.45
    assert updates[0].message.text == "/start" and updates[0].message.chat.id == 42
    assert updates[0].message.entities[0].type == "bot_command"
    assert again == updates and after == ()


def test_application_answers_a_pushed_start_command(unlimited_telegram):
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(f"Xin chào {update.effective_user.first_name}")

    async def scenario():
        app = ApplicationBuilder().token(unlimited_telegram.token).base_url(unlimited_telegram.base_url).build()
        app.add_handler(CommandHandler("start", start))
        await app.initialize()
        await app.start()
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            unlimited_telegram.push_message(77, "/start", first_name="Lan")
            await unlimited_telegram.wait_for_messages_async(1)
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()

    asyncio.run(scenario())
    assert [(m.chat_id, m.text) for m in unlimited_telegram.sent] == [(77, "Xin chào Lan")]
    methods = {method for method, _ in unlimited_telegram.calls}
    assert {"getme", "deletewebhook", "getupdates", "sendmessage"} <= methods
