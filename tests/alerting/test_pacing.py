"""The pacer: exact slots on a virtual clock, then short real runs against the fake server.

The real runs are load-proof: the fake server counts arrivals strictly, and what a run must prove
does not depend on how busy the machine is — every message delivered once, releases within the
margin-widened windows, arrivals within Telegram's, a 429 only when the measured release-to-arrival
jitter exceeded the margin (and then honoured), and no grid slot left idle while a send waited.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
import time

import pytest
from telegram.error import RetryAfter

from monitor.alerting.pacing import DEFAULT_MARGIN, Pacer, backoff_delay
from monitor.alerting.telegram_errors import retry_after_seconds


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
    pacer = Pacer(clock=lambda: 0.0, margin=0)
    slots = [pacer.reserve(chat) for chat in range(1, 91)]
    assert slots == [i / 30 for i in range(90)]


def test_one_chat_waits_a_second_and_a_group_three():
    pacer = Pacer(clock=lambda: 0.0, margin=0)
    assert [pacer.reserve(7) for _ in range(3)] == [0.0, 1.0, 2.0]
    assert [pacer.reserve(-7) for _ in range(3)] == [1 / 30, 3 + 1 / 30, 6 + 1 / 30]


def test_margin_widens_every_window():
    pacer = Pacer(clock=lambda: 0.0, margin=0.1)
    assert pacer.global_rate == pytest.approx(30 / 1.1) and pacer.window == pytest.approx(1.1)
    assert [pacer.reserve(chat) for chat in range(1, 4)] == pytest.approx([0, 1.1 / 30, 2.2 / 30])
    assert pacer.reserve(1) == pytest.approx(1.1)  # one chat: 1 s + margin
    assert pacer.group_interval == pytest.approx(3 + 0.1 / 20)  # 20 per (60 s + margin)
    assert Pacer().margin == DEFAULT_MARGIN > 0


def test_slots_left_free_by_a_waiting_chat_go_to_others():
    pacer = Pacer(clock=lambda: 0.0, margin=0)
    assert pacer.reserve(1) == 0.0 and pacer.reserve(1) == 1.0
    assert pacer.reserve(2) == 1 / 30
    assert pacer.ready_in(1) == 2.0 and pacer.ready_in(3) == 0.0


def test_pause_for_one_chat_or_for_all():
    clock = VirtualClock()
    pacer = Pacer(clock=clock, margin=0)
    pacer.pause(5, chat_id=1)
    assert pacer.reserve(1) == 5.0 and pacer.reserve(2) == 0.0
    pacer.pause(10)
    assert pacer.reserve(3) == 10.0 and pacer.ready_in(4) == 10.0


def test_pause_arriving_during_a_wait_moves_the_send():
    clock = VirtualClock()
    pacer = Pacer(clock=clock, sleep=clock.sleep, margin=0)
    sent: list[tuple[str, float]] = []

    async def send(name: str, chat: int) -> None:
        await pacer.acquire(chat)
        sent.append((name, clock.now))

    async def retry_after_arrives() -> None:
        await clock.sleep(0.5)
        pacer.pause(2.0, chat_id=1)

    asyncio.run(clock.run(send("a", 1), send("b", 1), send("c", 2), retry_after_arrives()))
    assert sent == [("a", 0.0), ("c", 1 / 30), ("b", 2.5)]


def _check_limits(sends: list[tuple[int, float]], margin: float = DEFAULT_MARGIN, slack: float = 1e-9) -> None:
    """No 31 sends within 1 s + margin; one chat's sends 1 s + margin apart, a group's 3 s.
    ``slack``: for release times read just after the pacer's grant (a real clock), not at it."""
    times = sorted(t for _, t in sends)
    for i in range(len(times) - 30):
        assert times[i + 30] - times[i] >= 1.0 + margin - slack
    last: dict[int, float] = {}
    for chat, t in sorted(sends, key=lambda s: s[1]):
        if chat in last:
            assert t - last[chat] >= (3.0 if chat < 0 else 1.0 + margin) - slack
        last[chat] = t


def _fan_out(clock: VirtualClock, margin: float = DEFAULT_MARGIN) -> list[tuple[int, float]]:
    pacer = Pacer(clock=clock, sleep=clock.sleep, margin=margin)
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
    assert 2000 / clock.now > 0.99 * 30 / (1 + DEFAULT_MARGIN)


def test_late_wake_ups_do_not_bunch_sends():
    rng = random.Random(7)
    clock = VirtualClock(lateness=lambda: rng.choice([0.0, 0.0, 0.0, rng.uniform(0, 0.3)]))
    _check_limits(_fan_out(clock))
    assert 2000 / clock.now > 25


def _refused(margin: float, jitter: float) -> int:
    """Fan out on virtual time; each send arrives ``uniform(0, jitter)`` after its release at a
    limiter that counts arrivals strictly (the fake Bot API's). Returns the 429s it would answer."""
    from tests.fakes.telegram_limits import Limits, RateLimiter

    rng = random.Random(11)
    sends = _fan_out(VirtualClock(), margin)
    arrivals = sorted((t + rng.uniform(0, jitter), chat) for chat, t in sends)
    limiter = RateLimiter(Limits())
    return sum(limiter.check(chat, at) > 0 for at, chat in arrivals)


def test_arrival_jitter_within_the_margin_draws_no_429():
    assert _refused(DEFAULT_MARGIN, jitter=0.95 * DEFAULT_MARGIN) == 0
    # Pacing at exactly Telegram's limits (no margin), the same jitter bunches arrivals: refused.
    assert _refused(0.0, jitter=0.95 * DEFAULT_MARGIN) > 0


def test_margin_follows_the_round_trip_spread_it_sees():
    clock = VirtualClock()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    pacer.answered(clock.now - 0.01)
    pacer.answered(clock.now - 0.31)  # round trips 10 ms and 310 ms: arrivals may spread 300 ms
    assert pacer.jitter() == pytest.approx(0.3)
    sends: list[tuple[int, float]] = []

    async def one(chat: int) -> None:
        await pacer.acquire(chat)
        sends.append((chat, clock.now))

    asyncio.run(clock.run(*(one(chat) for chat in range(1, 91))))
    _check_limits(sends, margin=0.3)
    # Round trips older than the memory no longer slow anything down.
    clock.now += 60
    pacer.answered(clock.now - 0.01)
    assert pacer.jitter() == 0.0 and Pacer(clock=clock, max_margin=None).max_margin == DEFAULT_MARGIN


def test_pruning_forgets_only_the_past():
    clock = VirtualClock()
    pacer = Pacer(clock=clock, margin=0)
    for i in range(3000):
        clock.now = i / 30
        assert pacer.reserve(i % 60 + 1) == clock.now
    assert pacer.reserve(60) == clock.now + 1.0  # its previous send was 1/30 s ago
    assert len(pacer._chat_ready) <= 60 and len(pacer._taken) <= 1024  # pruned every 1024 bookings


def test_backoff_grows_with_jitter_and_stops_at_the_cap():
    assert backoff_delay(0, rand=lambda: 0.0) == 0.5 and backoff_delay(0, rand=lambda: 1.0) == 1.0
    assert backoff_delay(3, rand=lambda: 1.0) == 8.0
    assert backoff_delay(1000, cap=300, rand=lambda: 1.0) == 300.0


class RecordingPacer(Pacer):
    """The real pacer, noting each booking (when asked, which slot) so a run can be checked slot by slot."""

    def __init__(self) -> None:
        super().__init__()
        self.bookings: list[tuple[int, float, float]] = []  # (chat, asked at, slot)

    def reserve(self, chat_id):
        asked = self._clock()
        slot = super().reserve(chat_id)
        self.bookings.append((chat_id, asked, slot))
        return slot


def _paced_run(server, chats: list[int]) -> tuple[RecordingPacer, list[dict]]:
    """Each message once, through the pacer; a 429's retry_after pauses that chat, then it is sent again."""
    pacer = RecordingPacer()
    queue = [(chat, f"tin {n} cho {chat}") for n, chat in enumerate(chats)]
    queue.reverse()
    tries: list[dict] = []

    async def scenario() -> None:
        async with server.bot(pool_size=30) as bot:
            async def worker() -> None:
                while queue:
                    chat, text = queue.pop()
                    attempt = {"chat": chat, "text": text}

                    async def request():
                        attempt["released"] = time.monotonic()
                        tries.append(attempt)
                        return await bot.send_message(chat, text)

                    try:
                        await pacer.send(chat, request)
                    except RetryAfter as exc:
                        attempt["answered"], attempt["retry_after"] = time.monotonic(), retry_after_seconds(exc)
                        pacer.pause(attempt["retry_after"], chat)
                        queue.append((chat, text))

            await asyncio.gather(*(worker() for _ in range(30)))

    asyncio.run(scenario())
    return pacer, tries


def _check_run(server, pacer: RecordingPacer, tries: list[dict], chats: list[int]) -> None:
    # Every message delivered exactly once.
    assert sorted(m.text for m in server.sent) == sorted({t["text"] for t in tries})
    assert len(server.sent) == len(chats)
    # What the pacer released keeps the widened windows, however late the loop woke it.
    _check_limits([(t["chat"], t["released"]) for t in tries], pacer.margin, slack=1e-3)
    # What the server accepted keeps Telegram's windows on arrival times.
    arrivals = sorted(m.at for m in server.sent)
    assert all(b - a >= 1.0 for a, b in zip(arrivals, arrivals[30:]))
    for chat in set(chats):
        times = [m.at for m in server.sent_to(chat)]
        assert all(b - a >= 1.0 for a, b in zip(times, times[1:]))
    # A 429 only where the margin could not help: the release-to-arrival delays spread wider than it.
    released = {}
    for t in tries:
        released.setdefault(t["text"], []).append(t["released"])
    delays = [a.at - released[a.text].pop(0) for a in server.attempts]
    assert len(server.attempts) == len(tries)
    if server.count_429:
        assert max(delays) - min(delays) > pacer.margin, f"{server.count_429} × 429 within the margin"
    # A 429's retry_after was honoured: that chat's next release waited it out.
    for i, t in enumerate(tries):
        if "retry_after" in t:
            again = next(u for u in tries[i + 1:] if u["text"] == t["text"])
            assert again["released"] >= t["answered"] + t["retry_after"] - 1e-3
    # Full speed: no grid slot left idle while a send was waiting for one (a run that drew 429s
    # was slowed by its pauses, which is what the retry_after check above is about).
    if server.count_429:
        return
    step = 1 / pacer.global_rate
    slots = sorted(pacer.bookings, key=lambda b: b[2])
    chat_slot: dict[int, float] = {}
    for (chat, asked, slot), previous in zip(slots, [None] + slots[:-1]):
        ready = max(asked, chat_slot.get(chat, -1e9) + pacer.interval(chat))
        earliest = ready if previous is None else max(ready, previous[2] + step)
        assert slot <= earliest + step * (len(set(chats)) if len(chats) > len(set(chats)) else 1) + 1e-9
        chat_slot[chat] = slot


def test_sixty_chats_at_thirty_per_second_without_429(fake_telegram):
    chats = list(range(1, 61))
    pacer, tries = _paced_run(fake_telegram, chats)
    _check_run(fake_telegram, pacer, tries, chats)


def test_three_messages_each_to_twenty_chats_respect_one_per_second(fake_telegram):
    chats = [chat for _ in range(3) for chat in range(1, 21)]
    pacer, tries = _paced_run(fake_telegram, chats)
    _check_run(fake_telegram, pacer, tries, chats)
