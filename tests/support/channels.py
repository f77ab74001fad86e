"""Seeding and draining for the channel tests: articles, subscribers with channels, a sender loop."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

from monitor.alerting.email import EmailChannel, MailPacer, Unsubscribe, parse_smtp_url
from storage import outbox, repositories as repo, subscribers
from storage.db import transaction
from storage.models import Alert

VN = timezone(timedelta(hours=7))
# An hour before the articles are found: news, not a late discovery (those are headed "phát hiện muộn").
PUBLISHED = (datetime.now(VN) - timedelta(hours=1)).replace(second=0, microsecond=0)
SHOWN = f"{PUBLISHED:%d/%m/%Y %H:%M}"
KEY = b"test-secret-key"
PUBLIC_URL = "https://pw.example.vn"
MAIL_FROM = "canhbao@pw.example.vn"
REASON = {"kind": "foreign_visit", "snippet": "Chủ tịch tỉnh tiếp Đại sứ Nhật Bản", "spans": [[14, 31]], "detail": "Nhật Bản"}


def articles(session, count: int) -> list[int]:
    for pid in ("songoaivu", "baoquocte"):
        repo.sync_portal(session, repo.PortalFields(pid, f"Cổng {pid} <&>", None, None, None, True))
    return [
        repo.add_article(
            session,
            portal_id="songoaivu" if n % 2 == 0 else "baoquocte",
            url=f"https://x.vn/a{n}",
            canonical_url=f"https://x.vn/a{n}",
            title=f"Bài {n}: tiếp Đại sứ <Nhật Bản>",
            text="…",
            content_hash=f"{n:064d}",
            published_at=PUBLISHED,
            first_seen_at=datetime.now(timezone.utc),
        ).id
        for n in range(count)
    ]


def subscriber_with(session, channels: list[tuple[str, str]]):
    """A subscriber reached on each (kind, address): the first registers (a Telegram chat) or subscribes,
    the others are added to it."""
    kind, address = channels[0]
    if kind == "telegram":
        subscriber, _ = subscribers.register(session, int(address), "private")
    else:
        subscriber, _ = subscribers.subscribe_channel(session, kind, address)
    for kind, address in channels[1:]:
        subscribers.add_channel(session, subscriber, kind, address)
    return subscriber


def seed(factory, people: list[list[tuple[str, str]]], count: int = 2) -> list[int]:
    """Each person is a list of (kind, address) channels; every person gets an alert per article."""
    ids = []
    with transaction(factory) as session:
        article_ids = articles(session, count)
        for channels in people:
            subscriber = subscriber_with(session, channels)
            ids.append(subscriber.id)
            for article_id in article_ids:
                outbox.queue_alert(session, subscriber, article_id, [REASON])
    return ids


def email_channel(smtp_url: str, per_minute: float = 6000.0) -> EmailChannel:
    return EmailChannel(parse_smtp_url(smtp_url), MAIL_FROM, per_minute=per_minute, timeout=5,
                        unsubscribe=Unsubscribe(KEY, PUBLIC_URL, MAIL_FROM), pacer=MailPacer(per_minute))


async def close_transports(sender) -> None:
    """Close each of ``sender``'s transports that can be closed and shut its Telegram bot down, if any."""
    for transport in sender.transports.values():
        if hasattr(transport, "close"):
            await transport.close()
    bot = getattr(sender.delivery, "bot", None)
    if bot is not None:
        await bot.shutdown()


def run_sender(sender, factory, deadline: float = 30.0, until=None) -> None:
    """Drain (and send notices) until nothing is pending or ``until()`` holds, within ``deadline`` seconds."""

    async def go():
        sender.recover()
        loop = asyncio.get_running_loop()
        end = loop.time() + deadline
        try:
            while loop.time() < end:
                await sender.drain()
                await sender.send_notices()
                if until is not None:
                    if until():
                        break
                else:
                    with transaction(factory) as session:
                        if not session.scalars(select(Alert).where(Alert.status.in_(("pending", "sending")))).first():
                            break
                await asyncio.sleep(0.2)
        finally:
            await close_transports(sender)

    asyncio.run(go())


async def timed_on_loop(work) -> tuple[float, float]:
    """Await ``work`` while a ticker wakes every 10 ms: how long it took, and the longest the event loop
    went without running the ticker (large if the work blocked the loop)."""
    longest, done = 0.0, asyncio.Event()

    async def ticker():
        nonlocal longest
        last = time.monotonic()
        while not done.is_set():
            await asyncio.sleep(0.01)
            now = time.monotonic()
            longest, last = max(longest, now - last), now

    tick = asyncio.create_task(ticker())
    started = time.monotonic()
    try:
        await work
    finally:
        took = time.monotonic() - started
        done.set()
        await tick
    return took, longest


def kill_9_mid_way(child: str, db_url: str, smtp, after: int = 10, seconds: float = 60.0) -> int:
    """Run the Python source ``child`` (argv: ``db_url``, the SMTP server's URL) from the repository root,
    SIGKILL it once ``smtp`` has received ``after`` e-mails (or ``seconds`` have passed, or it has ended by
    itself); returns how many e-mails had arrived then."""
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen([sys.executable, "-c", child, db_url, smtp.url], cwd=root, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + seconds
        while len(smtp.received) < after and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(10)
    return len(smtp.received)


def statuses(factory) -> dict[str, int]:
    with transaction(factory) as session:
        return outbox.counts_by_status(session)
