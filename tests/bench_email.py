"""E-mail fan-out bench: 1,000 e-mail subscribers and one new directive, through the real outbox
(SQLite), the sender and ``smtplib`` to an aiosmtpd server on 127.0.0.1.

Reports: every subscriber delivered once (zero duplicate Message-IDs), the rate reached beside the
configured messages/minute (pacing must keep under it), the memory of the process after the first
10% and after all deliveries (flat: no per-message growth), and, as the baseline from the same
run, what one unpaced smtplib connection sustains — the reason the stdlib client is enough.

Run: ``.venv/bin/python -m tests.bench_email``.
"""

from __future__ import annotations

import asyncio
import collections
import tempfile
import time
from pathlib import Path

from monitor.alerting.sender import ConsoleDelivery, Sender
from storage import outbox, subscribers
from storage.db import make_engine, session_factory, transaction
from storage.migrate import upgrade
from tests.fakes.smtp_server import SmtpServer
from tests.support.channels import REASON, articles, email_channel

RATE = 1200.0  # messages/minute configured for the bench's server (real providers allow 30–600)


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 1e6


def _seed(factory, count: int) -> None:
    with transaction(factory) as session:
        [article_id] = articles(session, 1)
        for n in range(count):
            subscriber, _ = subscribers.subscribe_channel(session, "email", f"nguoi{n:04d}@example.vn")
            outbox.queue_alert(session, subscriber, article_id, [dict(REASON, kind="directive", detail="45-CT/TW")])


def _deliver(count: int, rate: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp, SmtpServer(keep_bodies=False) as smtp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        engine = make_engine(url)
        factory = session_factory(engine)
        _seed(factory, count)
        samples: dict[str, float] = {}

        async def go():
            sender = Sender(factory, ConsoleDelivery(), transports={"email": email_channel(smtp.url, per_minute=rate)})

            async def watch():
                while True:
                    done = len(smtp.handler.received)
                    if done >= count // 10 and "first" not in samples:
                        samples["first_rss"] = _rss_mb()
                    await asyncio.sleep(0.05)

            watcher = asyncio.create_task(watch())
            start = time.perf_counter()
            while len(smtp.handler.received) < count and time.perf_counter() - start < 600:
                await sender.drain()
                await asyncio.sleep(0.05)
            elapsed = time.perf_counter() - start
            watcher.cancel()
            await sender.transports["email"].close()
            return elapsed, sender.stats

        elapsed, stats = asyncio.run(go())
        samples["last_rss"] = _rss_mb()
        received = smtp.received
        ids = collections.Counter(r.message["Message-ID"] for r in received)
        rcpts = collections.Counter(r.rcpt_tos[0] for r in received)
        with transaction(factory) as session:
            statuses = outbox.counts_by_status(session)
        engine.dispose()
    # The rate over the paced interval: n messages need (n - 1) intervals.
    reached = (len(received) - 1) / elapsed * 60 if elapsed else float("inf")
    return {
        "elapsed": elapsed, "received": len(received), "distinct": len(rcpts), "dup_ids": sum(c - 1 for c in ids.values()),
        "dup_rcpts": sum(c - 1 for c in rcpts.values()), "rate": reached, "statuses": statuses, "retried": stats.retried, **samples,
    }


def _raw_smtplib(count: int = 300) -> float:
    """Messages/minute one smtplib connection takes to the same server, nothing else: the client's share."""
    import smtplib

    with SmtpServer(keep_bodies=False) as smtp:
        channel = email_channel(smtp.url)
        from monitor.alerting.sender import Target
        from storage.outbox import AlertView

        view = AlertView(1, None, "Chỉ thị 45-CT/TW", None, [REASON], [("Cổng TTĐT", "https://x.vn/a")])
        message = channel.alert_message(Target(1, "a@example.vn"), view)
        conn = smtplib.SMTP("127.0.0.1", smtp.port)
        start = time.perf_counter()
        for _ in range(count):
            conn.send_message(message, "canhbao@pw.example.vn", ["a@example.vn"])
        elapsed = time.perf_counter() - start
        conn.quit()
    return count / elapsed * 60


def run(subscribers_count: int = 1000) -> list[tuple[str, str, str]]:
    paced = _deliver(subscribers_count, RATE)
    unpaced = _deliver(300, 1e9)
    raw = _raw_smtplib()
    return [
        (f"e-mail: {subscribers_count} subscribers × 1 directive delivered", f"{paced['received']} ({paced['distinct']} distinct)", f"= {subscribers_count}"),
        ("e-mail: duplicate Message-IDs / recipients", f"{paced['dup_ids']} / {paced['dup_rcpts']}", "0 / 0"),
        ("e-mail: outbox after the run", str(paced["statuses"]), f"{{'sent': {subscribers_count}}}"),
        ("e-mail: paced rate (msgs/min)", f"{paced['rate']:.0f} in {paced['elapsed']:.1f} s", f"≤ {RATE:.0f} configured"),
        ("e-mail: process RSS after 10% → 100% (MB)", f"{paced.get('first_rss', 0):.0f} → {paced['last_rss']:.0f}", "flat (± 5 MB)"),
        ("e-mail baseline: whole pipeline unpaced (DB + compose + SMTP)", f"{unpaced['rate']:.0f} msgs/min", f"≥ {RATE:.0f}: pacing, not the pipeline, sets the pace"),
        ("e-mail baseline: one smtplib connection alone", f"{raw:.0f} msgs/min", "≫ any provider's limit (30–600): why stdlib smtplib is enough"),
    ]


if __name__ == "__main__":
    for row in run():
        print("  ".join(row))
