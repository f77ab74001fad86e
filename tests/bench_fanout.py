"""Fan-out bench: one alert to 1,000 Telegram subscribers through the pacer, a real PTB Bot and the fake server.

The fake Bot API counts *arrival* times in sliding windows with no tolerance (≤ 30 in any 1 s,
≤ 1 per chat in any 1 s, ≤ 20 per group in any 60 s), as Telegram does. The same run sends the
same fan-out twice: with the pacer's margin at 0 and not adapting (pacing at exactly the limits: the
baseline, the pacer before issue 10.12, which draws 429s because releases are not arrivals) and
with the default margin, widened by the round-trip spread it measures. Each run reports the
rate reached, the 429 answers drawn, the alerts lost, and the spread of release-to-arrival delays
(the jitter the margin must cover).

The issue's full case (200 alerts × 1,000 subscribers) is projected from the measured rate. A third run
sends the fan-out through the daemon's own path (a SQLite outbox drained by ``Sender``) and reports the
longest event-loop stall beside its rate.

Run: ``.venv/bin/python -m tests.bench_fanout`` (``… bench_fanout sender``: the sender path alone).
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import time

from monitor.alerting.format import Alert, EventKind, Reason, Source, render_html
from monitor.alerting.pacing import DEFAULT_MARGIN, MAX_MARGIN, Pacer, backoff_delay
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


async def _send_all(server: FakeTelegramServer, outbox: collections.deque[tuple[int, str]],
                    pacer: Pacer, released: dict[tuple[int, str], float]) -> int:
    """Send everything in ``outbox``; returns how many were given up."""
    given_up = 0
    async with server.bot(pool_size=WORKERS) as bot:
        async def worker() -> None:
            nonlocal given_up
            attempts = 0
            while outbox:
                chat_id, text = outbox.popleft()
                async def request(chat_id=chat_id, text=text):
                    released[(chat_id, text)] = time.monotonic()
                    return await bot.send_message(chat_id, text, parse_mode="HTML")

                try:
                    await pacer.send(chat_id, request)
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


def fan_out(margin: float, subscribers: int = 1000, alerts: int = 1, adaptive: bool = True) -> dict:
    chats = _subscribers(subscribers)
    texts = [_alert_html(n) for n in range(1, alerts + 1)]
    expected = [(chat, text) for text in texts for chat in chats]
    outbox = collections.deque(expected)
    released: dict[tuple[int, str], float] = {}
    with FakeTelegramServer() as server:
        started = time.monotonic()
        try:
            asyncio.run(asyncio.wait_for(_send_all(server, outbox, Pacer(margin=margin, max_margin=MAX_MARGIN if adaptive else None), released),
                                         timeout=len(expected) / 20 + 15))
        except TimeoutError:
            pass  # whatever was not delivered by then counts as lost
        elapsed = time.monotonic() - started
        delivered = collections.Counter((m.chat_id, m.text) for m in server.sent)
        delays = sorted(m.at - released[(m.chat_id, m.text)] for m in server.sent if (m.chat_id, m.text) in released)
        count_429 = server.count_429
    return {
        "rate": sum(delivered.values()) / elapsed,
        "429": count_429,
        "lost": sum(1 for pair in expected if delivered[pair] == 0),
        "duplicates": sum(n - 1 for n in delivered.values() if n > 1),
        "jitter_ms": (delays[-1] - delays[0]) * 1000 if delays else 0.0,
        "p99_jitter_ms": (delays[int(len(delays) * 0.99)] - delays[0]) * 1000 if delays else 0.0,
    }


def fan_out_sender(subscribers: int = 1000) -> dict:
    """The same fan-out through the daemon's own path: one alert per subscriber queued in a real
    SQLite outbox, drained by ``Sender`` (its database work included) over the same fake server.
    A ticker measures the longest the event loop went without running (the bot, /healthz and
    /metrics share that loop), so database work on the loop shows as a stall."""
    import tempfile
    from pathlib import Path

    from monitor.alerting.sender import Sender, TelegramDelivery
    from storage import outbox as store, repositories as repo, subscribers as subs
    from storage.db import make_engine, session_factory, transaction
    from storage.migrate import upgrade

    chats = _subscribers(subscribers)
    with tempfile.TemporaryDirectory() as folder, FakeTelegramServer() as server:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        engine = make_engine(url)
        factory = session_factory(engine)
        with transaction(factory) as session:
            repo.sync_portal(session, repo.PortalFields("quangninh", "Cổng TTĐT tỉnh Quảng Ninh", None, None, None, True))
            article = repo.add_article(
                session, portal_id="quangninh", url="https://quangninh.gov.vn/tin/1", canonical_url="https://quangninh.gov.vn/tin/1",
                title="Chỉ thị số 1/CT-UBND của UBND tỉnh", text="…", content_hash="0" * 64,
                published_at=dt.datetime.now(dt.timezone.utc), first_seen_at=dt.datetime.now(dt.timezone.utc))
            reason = {"kind": "directive", "snippet": "UBND tỉnh ban hành Chỉ thị số 1/CT-UBND", "spans": [[19, 41]],
                      "detail": 'số hiệu "1/CT-UBND"'}
            for chat in chats:
                subscriber, _ = subs.register(session, chat, "group" if chat < 0 else "private", None)
                store.queue_alert(session, subscriber, article.id, [reason])

        async def go() -> tuple[float, float]:
            stall, done = 0.0, asyncio.Event()

            async def ticker() -> None:
                nonlocal stall
                last = time.monotonic()
                while not done.is_set():
                    await asyncio.sleep(0.01)
                    now = time.monotonic()
                    stall, last = max(stall, now - last - 0.01), now

            tick = asyncio.create_task(ticker())
            sender = Sender(factory, TelegramDelivery(server.bot(pool_size=WORKERS), Pacer()), workers=WORKERS)
            started = time.monotonic()
            end = started + subscribers / 20 + 15
            while time.monotonic() < end:
                await sender.drain()
                with transaction(factory) as session:
                    if not store.counts_by_status(session).get("pending"):
                        break
                await asyncio.sleep(0.2)
            elapsed = time.monotonic() - started
            done.set()
            await tick
            await sender.delivery.bot.shutdown()
            return elapsed, stall

        elapsed, stall = asyncio.run(go())
        engine.dispose()
        delivered = collections.Counter(m.chat_id for m in server.sent)
        count_429 = server.count_429
    return {
        "rate": sum(delivered.values()) / elapsed,
        "429": count_429,
        "lost": sum(1 for chat in chats if delivered[chat] == 0),
        "duplicates": sum(n - 1 for n in delivered.values() if n > 1),
        "stall_ms": stall * 1000,
    }


def run(subscribers: int = 1000, full_alerts: int = 200) -> list[tuple[str, str, str]]:
    base = fan_out(0.0, subscribers, adaptive=False)
    ours = fan_out(DEFAULT_MARGIN, subscribers)
    path = fan_out_sender(subscribers)
    label = f"fan-out 1 alert × {subscribers} chats"
    sender_label = f"sender fan-out (SQLite outbox) 1 alert × {subscribers} chats"
    full = full_alerts * subscribers / ours["rate"]
    return [
        (f"{label}: msgs/s (margin {DEFAULT_MARGIN * 1000:.0f} ms)", f"{ours['rate']:.1f}",
         f"≥ 27; baseline (margin 0) {base['rate']:.1f}"),
        (f"{label}: 429 answers", str(ours["429"]), f"0; baseline {base['429']}"),
        (f"{label}: lost alerts", str(ours["lost"]), f"0; baseline {base['lost']}"),
        (f"{label}: duplicate deliveries", str(ours["duplicates"]), f"0; baseline {base['duplicates']}"),
        (f"{label}: release→arrival jitter max / p99", f"{ours['jitter_ms']:.0f} / {ours['p99_jitter_ms']:.0f} ms",
         f"margin {DEFAULT_MARGIN * 1000:.0f} ms"),
        (f"projected full fan-out {full_alerts}×{subscribers}", f"{full / 3600:.2f} h",
         f"≤ {full_alerts * subscribers / 27 / 3600:.2f} h"),
        (f"{sender_label}: msgs/s", f"{path['rate']:.1f}", f"≥ 27; pacer alone {ours['rate']:.1f}"),
        (f"{sender_label}: 429 / lost / duplicates", f"{path['429']} / {path['lost']} / {path['duplicates']}", "0 / 0 / 0"),
        (f"{sender_label}: longest event-loop stall", f"{path['stall_ms']:.0f} ms", "≤ 1000 ms (bot, /healthz share the loop; database work on it shows as seconds)"),
    ]


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["sender"]:  # the sender path alone
        print(fan_out_sender())
        sys.exit(0)
    for metric, measured, target in run():
        print(f"{metric:<60} {measured:>16}   target {target}")
