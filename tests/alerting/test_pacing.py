"""The pacer: exact slots on a virtual clock, then a short real run against the fake server."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
import time

from monitor.alerting.pacing import Pacer, backoff_delay


class VirtualClock:
    """Virtual time for asyncio: when every task is asleep, jump to the earliest wake-up."""

    def __init__(self, lateness=lambda: 0.0) -> None:
        self.now = 0.0
        self.lateness = lateness
        self._sleepers: list[tuple[float, int, asyncio.Future]] = []
        self._seq = itertools.count()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        future = asyncio.get_running_loop().create_future()
        wake = self.now + max(0.0, delay) + self.lateness()
        heapq.heappush(self._sleepers, (wake, next(self._seq), future))
        await future

    async def run(self, *coros):
        tasks = [asyncio.ensure_future(c) for c in coros]
        while not all(t.done() for t in tasks):
            for _ in range(10):
                await asyncio.sleep(0)
            if self._sleepers:
                self.now, _, future = heapq.heappop(self._sleepers)
                future.set_result(None)
        return [t.result() for t in tasks]


def test_distinct_chats_get_evenly_spaced_global_slots():
    pacer = Pacer(clock=lambda: 0.0)
    slots = [pacer.reserve(chat) for chat in range(1, 91)]
    assert slots == [i / 30 for i in range(90)]


def test_one_chat_waits_a_second_and_a_group_three():
    pacer = Pacer(clock=lambda: 0.0)
    assert [pacer.reserve(7) for _ in range(3)] == [0.0, 1.0, 2.0]
    assert [pacer.reserve(-7) for _ in range(3)] == [1 / 30, 3 + 1 / 30, 6 + 1 / 30]


def test_slots_left_free_by_a_waiting_chat_go_to_others():
    pacer = Pacer(clock=lambda: 0.0)
    assert pacer.reserve(1) == 0.0 and pacer.reserve(1) == 1.0
    assert pacer.reserve(2) == 1 / 30
    assert pacer.ready_in(1) == 2.0 and pacer.ready_in(3) == 0.0


def test_pause_for_one_chat_or_for_all():
    clock = VirtualClock()
    pacer = Pacer(clock=clock)
    pacer.pause(5, chat_id=1)
    assert pacer.reserve(1) == 5.0 and pacer.reserve(2) == 0.0
    pacer.pause(10)
    assert pacer.reserve(3) == 10.0 and pacer.ready_in(4) == 10.0


def test_pause_arriving_during_a_wait_moves_the_send():
    clock = VirtualClock()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    sent: list[tuple[str, float]] = []

    async def send(name: str, chat: int) -> None:
        await pacer.acquire(chat)
        sent.append((name, clock.now))

    async def retry_after_arrives() -> None:
        await clock.sleep(0.5)
        pacer.pause(2.0, chat_id=1)

    asyncio.run(clock.run(send("a", 1), send("b", 1), send("c", 2), retry_after_arrives()))
    assert sent == [("a", 0.0), ("c", 1 / 30), ("b", 2.5)]


def _check_limits(sends: list[tuple[int, float]]) -> None:
    times = sorted(t for _, t in sends)
    for i in range(len(times) - 30):
        assert times[i + 30] - times[i] >= 1.0 - 1e-9
    last: dict[int, float] = {}
    for chat, t in sorted(sends, key=lambda s: s[1]):
        if chat in last:
            assert t - last[chat] >= (3.0 if chat < 0 else 1.0) - 1e-9
        last[chat] = t


def _fan_out(clock: VirtualClock) -> list[tuple[int, float]]:
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    rng = random.Random(5)
    chats = list(range(1, 271)) + list(range(-30, 0))
    queue = [rng.choice(chats) for _ in range(2000)]
    sends: list[tuple[int, float]] = []

    async def worker() -> None:
        while queue:
            chat = queue.pop()
            await pacer.acquire(chat)
            sends.append((chat, clock.now))

    asyncio.run(clock.run(*(worker() for _ in range(60))))
    assert len(sends) == 2000
    return sends


def test_simulated_fan_out_keeps_every_limit_at_full_speed():
    clock = VirtualClock()
    _check_limits(_fan_out(clock))
    assert 2000 / clock.now > 29.5


def test_late_wake_ups_do_not_bunch_sends():
    rng = random.Random(7)
    clock = VirtualClock(lateness=lambda: rng.choice([0.0, 0.0, 0.0, rng.uniform(0, 0.3)]))
    _check_limits(_fan_out(clock))
    assert 2000 / clock.now > 25


def test_pruning_forgets_only_the_past():
    clock = VirtualClock()
    pacer = Pacer(clock=clock)
    for i in range(3000):
        clock.now = i / 30
        assert pacer.reserve(i % 60 + 1) == clock.now
    assert pacer.reserve(60) == clock.now + 1.0  # its previous send was 1/30 s ago
    assert len(pacer._chat_ready) <= 60 and len(pacer._taken) <= 1024  # pruned every 1024 bookings


def test_backoff_grows_with_jitter_and_stops_at_the_cap():
    assert backoff_delay(0, rand=lambda: 0.0) == 0.5 and backoff_delay(0, rand=lambda: 1.0) == 1.0
    assert backoff_delay(3, rand=lambda: 1.0) == 8.0
    assert backoff_delay(1000, cap=300, rand=lambda: 1.0) == 300.0


def _paced_run(server, chats: list[int]) -> float:
    async def scenario() -> float:
        pacer = Pacer()
        queue = list(reversed(chats))
        async with server.bot(pool_size=30) as bot:
            async def worker() -> None:
                while queue:
                    chat = queue.pop()
                    await pacer.acquire(chat)
                    await bot.send_message(chat, f"tin cho {chat}")

            started = time.monotonic()
            await asyncio.gather(*(worker() for _ in range(30)))
            return time.monotonic() - started

    return asyncio.run(scenario())


def test_sixty_chats_at_thirty_per_second_without_429(fake_telegram):
    elapsed = _paced_run(fake_telegram, list(range(1, 61)))
    assert fake_telegram.count_429 == 0 and len(fake_telegram.sent) == 60
    assert 1.8 < elapsed < 3.0


def test_three_messages_each_to_twenty_chats_respect_one_per_second(fake_telegram):
    elapsed = _paced_run(fake_telegram, [chat for _ in range(3) for chat in range(1, 21)])
    assert fake_telegram.count_429 == 0 and len(fake_telegram.sent) == 60
    for chat in range(1, 21):
        times = [m.at for m in fake_telegram.sent_to(chat)]
        assert all(b - a >= 0.95 for a, b in zip(times, times[1:]))
    assert 2.0 < elapsed < 3.5
