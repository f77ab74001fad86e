"""Fan-out bench: alerts to many Telegram subscribers through the pacer, a real PTB Bot and the fake server.

The issue's case is 200 alerts × 1,000 subscribers = 200,000 messages, which takes nearly two
hours at Telegram's 30 messages/s; the bench sends a time-bounded slice of that outbox (its first
``messages`` entries, alert by alert) against a server enforcing Telegram's limits on 127.0.0.1,
and reports the rate reached, the 429 answers drawn and the alerts lost.

Run: ``.venv/bin/python -m tests.bench_fanout``.
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import time

from monitor.alerting.format import Alert, EventKind, Reason, Source, render_html
from monitor.alerting.pacing import Pacer, backoff_delay
from monitor.alerting.telegram_errors import Action, classify
from tests.fakes.telegram_api import FakeTelegramServer

WORKERS = 48


def _subscribers(count: int) -> list[int]:
    """Mostly private chats, one group in twenty (negative ids, 20 messages/min on Telegram)."""
    return [-(100_000 + i) if i % 20 == 19 else 100_000 + i for i in range(count)]


def _alert_html(number: int) -> str:
    snippet = f"UBND tỉnh ban hành Chỉ thị số {number}/CT-UBND về tăng cường công tác phòng, chống thiên tai"
    start = snippet.index("Chỉ thị")
    return render_html(Alert(
        title=f"Chỉ thị số {number}/CT-UBND của UBND tỉnh <Quảng Ninh> & các sở, ngành",
        reasons=[Reason(EventKind.DIRECTIVE, snippet, [(start, start + 22)], f'số hiệu "{number}/CT-UBND"')],
        sources=[Source("Cổng TTĐT tỉnh Quảng Ninh", f"https://quangninh.gov.vn/tin/{number}?a=1&b=2")],
        published_at=dt.datetime(2025, 3, 14, 2, 30, tzinfo=dt.timezone.utc),
    ))


async def _send_all(server: FakeTelegramServer, outbox: collections.deque[tuple[int, str]]) -> int:
    """Send everything in ``outbox``; returns how many were given up."""
    pacer = Pacer()
    given_up = 0
    async with server.bot(pool_size=WORKERS) as bot:
        async def worker() -> None:
            nonlocal given_up
            attempts = 0
            while outbox:
                chat_id, text = outbox.popleft()
                await pacer.acquire(chat_id)
                try:
                    await bot.send_message(chat_id, text, parse_mode="HTML")
                    attempts = 0
                except Exception as exc:  # noqa: BLE001 - the policy decides, as the sender will
                    action = classify(exc)
                    if action.action is Action.RETRY_AFTER:
                        pacer.pause(action.seconds, chat_id)
                    elif action.action is Action.BACKOFF:
                        attempts += 1
                        await asyncio.sleep(backoff_delay(attempts, base=0.2, cap=5))
                    else:
                        given_up += 1
                        continue
                    outbox.appendleft((chat_id, text))

        await asyncio.gather(*(worker() for _ in range(WORKERS)))
    return given_up


def run(messages: int = 600, subscribers: int = 1000, alerts: int = 200) -> list[tuple[str, str, str]]:
    chats = _subscribers(subscribers)
    texts = [_alert_html(n) for n in range(1, alerts + 1)]
    expected = [(chat, text) for text in texts for chat in chats][:messages]
    outbox = collections.deque(expected)
    with FakeTelegramServer() as server:
        started = time.monotonic()
        try:
            asyncio.run(asyncio.wait_for(_send_all(server, outbox), timeout=messages / 20 + 15))
        except TimeoutError:
            pass  # whatever was not delivered by then counts as lost
        elapsed = time.monotonic() - started
        delivered = collections.Counter((m.chat_id, m.text) for m in server.sent)
        count_429 = server.count_429
    lost = sum(1 for pair in expected if delivered[pair] == 0)
    duplicates = sum(n - 1 for n in delivered.values() if n > 1)
    rate = sum(delivered.values()) / elapsed
    full = alerts * subscribers / rate
    return [
        (f"fan-out msgs/s ({messages} of {alerts}×{subscribers} msgs, {subscribers} chats)", f"{rate:.1f}", "≥ 27"),
        ("fan-out 429 answers", str(count_429), "0"),
        ("fan-out lost alerts", str(lost), "0"),
        ("fan-out duplicate deliveries", str(duplicates), "0"),
        (f"projected full fan-out {alerts}×{subscribers}", f"{full / 3600:.2f} h",
         f"≤ {alerts * subscribers / 27 / 3600:.2f} h"),
    ]


if __name__ == "__main__":
    for metric, measured, target in run():
        print(f"{metric:<60} {measured:>10}   target {target}")
