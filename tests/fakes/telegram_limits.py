"""Telegram's flood limits as the fake Bot API server applies them.

Sliding windows over accepted messages, per chat, per group and overall, with a small tolerance
for the jitter between a paced sender's clock and the server's: a sender that keeps to the
published limits is never refused, one that exceeds them by a message is.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Limits:
    per_chat_interval: float = 1.0
    global_per_second: int = 30
    group_per_minute: int = 20
    group_window: float = 60.0
    # Seconds shaved off every window so that evenly paced senders survive localhost jitter.
    tolerance: float = 0.05
    enabled: bool = True


class RateLimiter:
    """Sliding windows over accepted messages; rejected ones do not count, as on Telegram."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.chat_last: dict[Any, float] = {}
        self.group_times: dict[Any, collections.deque[float]] = collections.defaultdict(collections.deque)
        self.global_times: collections.deque[float] = collections.deque()

    @staticmethod
    def _excess(times: collections.deque[float], now: float, window: float, tolerance: float, limit: int) -> float:
        while times and times[0] <= now - (window - tolerance):
            times.popleft()
        return times[0] + window - now if len(times) >= limit else 0.0

    def check(self, chat_id: Any, now: float) -> float:
        """Seconds to wait (0 means accepted and recorded)."""
        lim = self.limits
        if not lim.enabled:
            return 0.0
        waits = [0.0]
        last = self.chat_last.get(chat_id)
        if last is not None and now - last < lim.per_chat_interval - lim.tolerance:
            waits.append(last + lim.per_chat_interval - now)
        is_group = isinstance(chat_id, int) and chat_id < 0
        if is_group:
            waits.append(self._excess(self.group_times[chat_id], now, lim.group_window, lim.tolerance, lim.group_per_minute))
        waits.append(self._excess(self.global_times, now, 1.0, lim.tolerance, lim.global_per_second))
        if max(waits) > 0:
            return max(waits)
        self.chat_last[chat_id] = now
        if is_group:
            self.group_times[chat_id].append(now)
        self.global_times.append(now)
        return 0.0
