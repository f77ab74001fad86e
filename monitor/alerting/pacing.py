"""Pacing of Telegram sends so a fan-out runs at Telegram's limits without being answered 429.

Telegram allows about 30 messages/s overall, 1 message/s per chat and 20 messages/min per group
(chat ids below zero). Waiting for a 429 and backing off wastes the whole ``retry_after``, so the
pacer hands out send times up front instead: each call reserves the earliest slot on a global
grid of ``1/global_rate`` seconds that is also at least one chat interval after that chat's last
slot. Evenly spaced slots never bunch into a burst, and a reservation is made without awaiting,
so concurrent senders can neither race for a slot nor stampede when one frees up. Because a
busy event loop wakes sleepers late, the limits are checked once more against the moments sends
were actually released, so a stall never turns into a burst.

Telegram counts *arrival* times, and a release is not an arrival: the HTTP client, the network and
Telegram's front end delay each request by a different amount. If those delays differ by at most
``margin`` seconds, sends released no more than 30 to any ``1 + margin`` seconds arrive no more than
30 to any second (31 arrivals within 1 s would need 31 releases within 1 + margin s), and the same
holds per chat and per group. So every window the pacer keeps is widened by ``margin``: the grid
slot is ``(1 + margin) / 30`` s, a chat waits ``1 + margin`` s, a group ``(60 + margin) / 20`` s.
A jitter beyond the margin draws a 429, whose ``retry_after`` the caller hands to ``pause``.

The margin also follows the jitter it sees: a request arrives somewhere between its release and its
answer, so when the round trips of recent sends spread wider than ``margin`` (a busy machine, a
congested link), the release check uses that spread instead (up to ``max_margin``), trading speed
for not being refused. Send through ``send()`` (or call ``answered()`` after each request) to feed it.

The clock and sleep are injectable: with a fake clock every slot is a number a test can check.
"""

from __future__ import annotations

import asyncio
import collections
import math
import random
import time
from collections.abc import Awaitable, Callable

_PRUNE_EVERY = 1024
# Seconds of arrival jitter absorbed (measured on 127.0.0.1 under two busy CPU loops: see
# tests/bench_fanout.py); costs 7 % of the 30 msg/s (27.8 msg/s remain).
DEFAULT_MARGIN = 0.08
MAX_MARGIN = 1.0
# Round trips older than this no longer say anything about the jitter now.
JITTER_MEMORY = 5.0


class Pacer:
    def __init__(
        self,
        *,
        global_rate: float = 30.0,
        private_interval: float = 1.0,
        group_interval: float = 3.0,
        margin: float = DEFAULT_MARGIN,
        max_margin: float | None = MAX_MARGIN,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        """``global_rate``, ``private_interval`` and ``group_interval`` are Telegram's limits
        (30 per second; 1 s per chat; 3 s = 20 per minute per group); ``margin`` widens each of them."""
        if global_rate <= 0:
            raise ValueError("global_rate must be positive")
        if margin < 0:
            raise ValueError("margin must not be negative")
        self.limit_rate = global_rate
        self.margin = margin
        # None: the margin follows no jitter (a fixed-margin pacer, e.g. as a bench baseline).
        self.max_margin = margin if max_margin is None else max(margin, max_margin)
        self._round_trips: collections.deque[tuple[float, float]] = collections.deque()  # (answered at, seconds)
        self.worst_jitter = 0.0  # the widest round-trip spread seen so far (for logs and tests)
        self._per_second = max(1, math.floor(global_rate + 1e-9))
        # The windows the releases are held to: Telegram's, widened by the margin.
        self.window = self._per_second / global_rate + margin
        self.global_rate = self._per_second / self.window
        self.private_interval = private_interval + margin
        # A group is a chat too, so the per-chat limit applies on top of the per-group one;
        # 20 per 60 s window becomes one per (60 + margin) / 20 s.
        self.group_interval = max(group_interval + margin / max(1.0, round(60.0 / group_interval)), self.private_interval)
        self._clock = clock
        self._sleep = sleep
        self._taken: set[int] = set()
        self._chat_ready: dict[int | str, float] = {}
        self._chat_paused: dict[int | str, float] = {}
        self._paused_until = 0.0
        self._reservations = 0
        self._granted: collections.deque[float] = collections.deque()
        self._chat_granted: dict[int | str, float] = {}

    def interval(self, chat_id: int | str) -> float:
        return self.group_interval if isinstance(chat_id, int) and chat_id < 0 else self.private_interval

    def ready_in(self, chat_id: int | str) -> float:
        """Seconds before this chat may be sent to, ignoring the global grid.

        Lets a sender loop pick another chat instead of parking a worker on a busy one.
        """
        ready = max(self._chat_ready.get(chat_id, 0.0), self._chat_paused.get(chat_id, 0.0), self._paused_until)
        return max(0.0, ready - self._clock())

    def reserve(self, chat_id: int | str) -> float:
        """Book and return the clock time at which ``chat_id`` may be sent its next message."""
        now = self._clock()
        earliest = max(now, self._paused_until, self._chat_paused.get(chat_id, 0.0), self._chat_ready.get(chat_id, 0.0))
        index = math.ceil(earliest * self.global_rate - 1e-9)
        while index in self._taken:
            index += 1
        self._taken.add(index)
        at = index / self.global_rate
        self._chat_ready[chat_id] = at + self.interval(chat_id)
        self._reservations += 1
        if self._reservations % _PRUNE_EVERY == 0:
            self._prune(now)
        return at

    async def send(self, chat_id: int | str, request: Callable[[], Awaitable]):
        """Pace one request to ``chat_id``: wait for its slot, make it, note its round trip."""
        released = await self.acquire(chat_id)
        try:
            return await request()
        finally:
            self.answered(released)

    def answered(self, released: float) -> None:
        """A request released at ``released`` (``acquire``'s return value) has been answered."""
        now = self._clock()
        self._round_trips.append((now, now - released))
        while self._round_trips and self._round_trips[0][0] < now - JITTER_MEMORY:
            self._round_trips.popleft()
        self.worst_jitter = max(self.worst_jitter, self.jitter())

    def jitter(self) -> float:
        """The spread of recent round trips: how far apart two arrivals released together may land."""
        if len(self._round_trips) < 2:
            return 0.0
        trips = [rtt for _, rtt in self._round_trips]
        return max(trips) - min(trips)

    def _extra(self) -> float:
        """Seconds the release check adds to every window beyond ``margin`` for the jitter seen now."""
        return min(self.max_margin, max(self.margin, self.jitter())) - self.margin

    async def acquire(self, chat_id: int | str) -> float:
        """Wait until ``chat_id`` may be sent one message; call once per message, right before sending.
        Returns the release time (for ``answered``)."""
        while True:
            at = self.reserve(chat_id)
            delay = at - self._clock()
            if delay > 0:
                await self._sleep(delay)
            # A RetryAfter that arrived while we slept moves this send behind the pause.
            if max(self._paused_until, self._chat_paused.get(chat_id, 0.0)) <= at:
                break
        # Wake-ups come late when the loop is busy, and late sends bunch up with punctual ones:
        # the limits are checked once more against the times sends were actually let go.
        while (wait := self._overdue_wait(chat_id, self._clock())) > 0:
            await self._sleep(wait)
        now = self._clock()
        self._granted.append(now)
        self._chat_granted[chat_id] = now
        return now

    def _overdue_wait(self, chat_id: int | str, now: float) -> float:
        extra = self._extra()
        window = self.window + extra
        while len(self._granted) > self._per_second or (self._granted and self._granted[0] + window <= now):
            self._granted.popleft()  # same arithmetic as the wait below
        wait = self._granted[0] + window - now if len(self._granted) >= self._per_second else 0.0
        last = self._chat_granted.get(chat_id)
        return max(wait, last + self.interval(chat_id) + extra - now) if last is not None else wait

    def pause(self, seconds: float, chat_id: int | str | None = None) -> None:
        """Honour a RetryAfter: hold ``chat_id`` (or every chat when None) for ``seconds``."""
        until = self._clock() + seconds
        if chat_id is None:
            self._paused_until = max(self._paused_until, until)
        else:
            self._chat_paused[chat_id] = max(self._chat_paused.get(chat_id, 0.0), until)

    def _prune(self, now: float) -> None:
        current = math.floor(now * self.global_rate)
        self._taken = {i for i in self._taken if i >= current}
        self._chat_ready = {c: t for c, t in self._chat_ready.items() if t > now}
        self._chat_paused = {c: t for c, t in self._chat_paused.items() if t > now}
        self._chat_granted = {c: t for c, t in self._chat_granted.items() if t > now - self.group_interval}


_PACERS: dict[str, Pacer] = {}


def pacer_for(token: str) -> Pacer:
    """The pacer of one bot. Telegram's limits are per bot, so alerts, notices, digests and the bot's
    replies to commands all draw on the same one."""
    pacer = _PACERS.get(token)
    if pacer is None:
        pacer = _PACERS[token] = Pacer()
    return pacer


def backoff_delay(attempt: int, *, base: float = 1.0, cap: float = 300.0,
                  rand: Callable[[], float] = random.random) -> float:
    """Exponential backoff with jitter, so senders that failed together do not retry together.

    ``attempt`` counts from 0; the result lies in [d/2, d] for d = min(cap, base * 2**attempt).
    """
    ceiling = min(cap, base * 2 ** min(attempt, 64))
    return ceiling / 2 + rand() * ceiling / 2
