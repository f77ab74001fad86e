"""Wires the bot and the sender to the settings: Telegram when a token is set, the console otherwise."""

from __future__ import annotations

import logging

from crawler.config import Settings

log = logging.getLogger("portalwatch.alerts")


def make_bot(settings: Settings, pool_size: int = 32):
    from telegram import Bot
    from telegram.request import HTTPXRequest

    request = HTTPXRequest(connection_pool_size=pool_size, read_timeout=30.0, pool_timeout=60.0)
    return Bot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=f"{settings.telegram_api_url.rstrip('/')}/bot",
        base_file_url=f"{settings.telegram_api_url.rstrip('/')}/file/bot",
        request=request,
    )


def make_delivery(settings: Settings):
    from monitor.alerting.sender import ConsoleDelivery, TelegramDelivery

    if settings.telegram_bot_token is None:
        return ConsoleDelivery()
    return TelegramDelivery(make_bot(settings))  # paced by the bot's pacer, shared with its replies


def sync_console(settings: Settings, factory) -> None:
    """No token, no channel: the console is the one subscriber the user did not have to add."""
    from storage import subscribers
    from storage.db import transaction

    with transaction(factory) as session:
        subscribers.set_console(session, active=settings.telegram_bot_token is None)


async def apply_bot_updates(settings: Settings, factory) -> int:
    """Commands sent to the bot since the last run take effect before this run matches anything."""
    if settings.telegram_bot_token is None:
        return 0
    from monitor.bot import build_application, process_pending_updates

    application = build_application(
        settings.telegram_bot_token.get_secret_value(), settings.telegram_api_url, factory, settings.telegram_admin_chat_ids,
        max_keywords=settings.max_keywords_per_chat, max_keyword_chars=settings.max_keyword_chars,
    )
    await application.initialize()
    try:
        return await process_pending_updates(application, factory)
    finally:
        await application.shutdown()


async def send_alerts(settings: Settings, factory):
    from monitor.alerting.sender import Sender

    delivery = make_delivery(settings)
    sender = Sender(factory, delivery)
    sender.recover()
    try:
        await sender.drain()
        await sender.send_digests()
        await sender.send_notices()
    finally:
        bot = getattr(delivery, "bot", None)
        if bot is not None:
            await bot.shutdown()
    return sender.stats
