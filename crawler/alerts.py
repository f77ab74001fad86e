"""Wires the bot and the sender to the settings: Telegram when a token is set, the console otherwise;
e-mail when an SMTP server is set; Apprise URLs always (they carry their own configuration)."""

from __future__ import annotations

import asyncio
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


def secret_key(settings: Settings, factory) -> bytes:
    """The key that signs e-mail links: the setting, else one generated once and kept in the database
    (so links stay valid across restarts and the web workspace can check them)."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value().encode("utf-8")
    import secrets

    from storage import repositories
    from storage.db import transaction

    with transaction(factory) as session:
        key = repositories.get_state(session, "secret_key")
        if key is None:
            key = secrets.token_urlsafe(32)
            repositories.set_state(session, "secret_key", key)
    return key.encode("utf-8")


def make_transports(settings: Settings, factory) -> dict:
    """Transports for the channels beyond Telegram: e-mail when PORTALWATCH_SMTP_URL is set, Apprise."""
    from monitor.alerting.apprise_channel import AppriseChannel

    transports: dict = {"apprise": AppriseChannel()}
    if settings.smtp_url is not None:
        transports["email"] = make_email_channel(settings, factory)
    return transports


def make_email_channel(settings: Settings, factory):
    """The e-mail channel of PORTALWATCH_SMTP_URL (the sender's, and the web sign-up's when no sender runs)."""
    from monitor.alerting.email import EmailChannel, Unsubscribe, parse_smtp_url

    config = parse_smtp_url(settings.smtp_url.get_secret_value())
    mail_from = settings.mail_from or f"portalwatch@{config.host}"
    unsubscribe = Unsubscribe(secret_key(settings, factory), settings.public_url, mail_from)
    return EmailChannel(config, mail_from, per_minute=settings.smtp_rate, timeout=settings.smtp_timeout, unsubscribe=unsubscribe)
def public_base(settings: Settings) -> str:
    """The web workspace's address for links in messages: PORTALWATCH_PUBLIC_URL, else this host's port."""
    return (settings.public_url or f"http://localhost:{settings.http_port}").rstrip("/")


def week_picture(session, iso_year: int, iso_week: int, base_url: str):
    """The weekly picture (PNG, caption, link) as the web's /tuan/ page draws it."""
    from web.week import week_picture as draw

    return draw(session, iso_year, iso_week, base_url)


def make_weekly(settings: Settings, factory, sender):
    from monitor.alerting.weekly import WeeklySender

    return WeeklySender(factory, sender, week_picture, public_base(settings))


def make_sender(settings: Settings, factory):
    from monitor.alerting.sender import Sender

    return Sender(
        factory, make_delivery(settings), transports=make_transports(settings, factory),
        admin_chat_ids=settings.telegram_admin_chat_ids, admin_emails=settings.admin_emails,
    )


async def close_sender(sender) -> None:
    bot = getattr(sender.delivery, "bot", None)
    if bot is not None:
        await bot.shutdown()
    for transport in sender.transports.values():
        close = getattr(transport, "close", None)
        if close is not None:
            await close()
    sender.close()  # its database thread ends after the writes already handed to it


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
        week_picture=week_picture, base_url=public_base(settings),
    )
    await application.initialize()
    try:
        return await process_pending_updates(application, factory)
    finally:
        await application.shutdown()


async def send_alerts(settings: Settings, factory):
    from monitor.alerting.weekly import enqueue_due

    sender = make_sender(settings, factory)
    sender.recover()
    weekly = make_weekly(settings, factory, sender)
    weekly.recover()
    try:
        await sender.drain()
        await sender.send_digests()
        await sender.send_notices()
        await asyncio.to_thread(enqueue_due, factory)  # a run after Monday 08:00 queues the week once
        await weekly.send_due()
    finally:
        await close_sender(sender)
    return sender.stats
