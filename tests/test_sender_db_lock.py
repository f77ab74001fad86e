"""The sender's database work runs off the event loop: while another connection holds SQLite's write
lock, a drain that has work waits on its own thread and the loop keeps running (the bot, /healthz and
/metrics share it); once the lock is gone every alert goes out once."""

from __future__ import annotations

import asyncio
import sqlite3
import time

from monitor.alerting.pacing import Pacer
from monitor.alerting.sender import Sender, TelegramDelivery
from storage.db import make_engine, session_factory
from storage.migrate import upgrade
from tests.support.channels import seed, statuses

HELD = 3.0  # seconds the lock is held; far below SQLite's 30 s busy wait
# Far above any healthy tick (10 ms), far below the time the lock is held: a bound, not a timing assertion.
STALL = 1.5


def test_a_locked_database_does_not_stall_the_loop_and_nothing_is_lost(sqlite_url, unlimited_telegram):
    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    factory = session_factory(engine)
    chats = [7001 + n for n in range(12)]
    seed(factory, [[("telegram", str(chat))] for chat in chats], count=2)

    async def scenario() -> float:
        sender = Sender(factory, TelegramDelivery(unlimited_telegram.bot(pool_size=8), Pacer()))
        lock = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), timeout=1, isolation_level=None)
        longest = 0.0
        try:
            lock.execute("BEGIN IMMEDIATE")
            lock.execute("INSERT INTO state (key, value) VALUES ('test-lock', 'held')")
            drain = asyncio.create_task(sender.drain())
            last = started = time.monotonic()
            while time.monotonic() - started < HELD:
                await asyncio.sleep(0.01)
                now = time.monotonic()
                longest, last = max(longest, now - last), now
            assert not drain.done() and unlimited_telegram.sent == []  # it had work and waited for the lock
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        await asyncio.wait_for(drain, 30)
        await sender.delivery.bot.shutdown()
        sender.close()
        return longest

    longest = asyncio.run(scenario())
    assert longest < STALL
    assert sorted(m.chat_id for m in unlimited_telegram.sent) == sorted(chats * 2)
    assert statuses(factory) == {"sent": 24}
    engine.dispose()
