"""The error policy, fed with exceptions python-telegram-bot raised for real HTTP answers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from telegram import Bot
from telegram.error import TelegramError

from monitor.alerting.telegram_errors import Action, SendAction, classify
from tests.fakes.telegram_api import FakeTelegramServer


def _raised(server: FakeTelegramServer, prepare: Callable[[], None], chat_id: int = 1,
            text: str = "tin", bot: Bot | None = None, sends: int = 1) -> TelegramError:
    prepare()

    async def scenario():
        async with bot or server.bot(read_timeout=0.3) as client:
            for _ in range(sends):
                await client.send_message(chat_id, text, parse_mode="HTML")

    with pytest.raises(TelegramError) as caught:
        asyncio.run(scenario())
    return caught.value


def test_flood_control_means_retry_after_the_given_seconds(fake_telegram):
    exc = _raised(fake_telegram, lambda: None, sends=2)
    assert classify(exc) == SendAction(Action.RETRY_AFTER, str(exc), seconds=1.0)


@pytest.mark.parametrize("chat_id", [5, -5])
def test_blocked_or_kicked_means_deactivate(unlimited_telegram, chat_id):
    exc = _raised(unlimited_telegram, lambda: unlimited_telegram.block(chat_id), chat_id=chat_id)
    assert classify(exc).action is Action.DEACTIVATE


def test_vanished_chat_means_deactivate(unlimited_telegram):
    exc = _raised(unlimited_telegram, lambda: unlimited_telegram.fail_next(1, 400, "Bad Request: chat not found"))
    assert classify(exc) == SendAction(Action.DEACTIVATE, "Chat not found")


def test_upgraded_group_means_migrate(unlimited_telegram):
    exc = _raised(unlimited_telegram, lambda: unlimited_telegram.migrate(-9, -1009), chat_id=-9)
    assert classify(exc).action is Action.MIGRATE and classify(exc).new_chat_id == -1009


@pytest.mark.parametrize("status", [500, 502, 504])
def test_server_errors_mean_backoff(unlimited_telegram, status):
    exc = _raised(unlimited_telegram, lambda: unlimited_telegram.fail_next(1, status, "Internal Server Error"))
    assert classify(exc).action is Action.BACKOFF


def test_timeout_means_backoff(unlimited_telegram):
    exc = _raised(unlimited_telegram, lambda: unlimited_telegram.delay_next(1, 1.0))
    assert type(exc).__name__ == "TimedOut" and classify(exc).action is Action.BACKOFF


def test_unreachable_server_means_backoff():
    with FakeTelegramServer() as server:
        bot = server.bot()
    # The server is gone: the connection is refused.
    exc = _raised(server, lambda: None, bot=bot)
    assert classify(exc).action is Action.BACKOFF


def test_malformed_message_means_give_up(unlimited_telegram):
    exc = _raised(unlimited_telegram, lambda: None, text="<b>không đóng")
    action = classify(exc)
    assert action.action is Action.GIVE_UP and "parse entities" in action.reason


def test_bad_token_halts_instead_of_dropping_alerts(unlimited_telegram):
    bot = Bot("1:revoked", base_url=unlimited_telegram.base_url)
    exc = _raised(unlimited_telegram, lambda: None, bot=bot)
    assert classify(exc).action is Action.HALT


def test_our_own_bugs_are_not_retried_forever():
    assert classify(TypeError("oops")).action is Action.GIVE_UP
    assert classify(TimeoutError()).action is Action.BACKOFF
