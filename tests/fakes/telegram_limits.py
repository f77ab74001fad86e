"""Telegram's flood limits as the fake Bot API server applies them: strictly, on arrival times.

Telegram counts the moments requests *arrive*, in any sliding window: at most 30 messages in any
1 s overall, 1 per chat in any 1 s, 20 per group in any 60 s. A sender's clock only knows when it
let a request go; the network and both event loops move each arrival by a different amount, so
evenly released sends can arrive bunched. The fake therefore stamps each request when its handler
starts (before the body is read) and allows no tolerance at all: a sender that paces at exactly
the published limits draws 429s here as it would on Telegram, one that keeps a margin does not.

Arrivals may be checked out of order (a request whose body came in later is stamped earlier), so
accepted times are kept sorted and every window that contains the new arrival is counted.
"""

from __future__ import annotations

import bisect
import collections
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Limits:
    per_chat_interval: float = 1.0
    global_per_second: int = 30
    group_per_minute: int = 20
    group_window: float = 60.0
    enabled: bool = True


def window_excess(times: list[float], now: float, width: float, limit: int) -> float:
    """Seconds until ``now`` would fit; 0 when no ``width``-long window holding ``now`` (counting it)
    would hold more than ``limit`` of ``times`` (sorted). Points less than ``width`` apart share a window."""
    lo, hi = bisect.bisect_right(times, now - width), bisect.bisect_left(times, now + width)
    near = times[lo:hi]
    cut = bisect.bisect_right(near, now)
    points = near[:cut] + [now] + near[cut:]
    mine = cut  # index of ``now`` in points
    end = 0
    for start in range(mine + 1):
        end = max(end, start)
        while end + 1 < len(points) and points[end + 1] - points[start] < width:
            end += 1
        if end >= mine and end - start + 1 > limit:
            return max(points[start] + width - now, 1e-3)
    return 0.0


class RateLimiter:
    """Sliding windows over accepted arrivals; rejected ones do not count, as on Telegram."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.chat_times: dict[Any, list[float]] = collections.defaultdict(list)
        self.global_times: list[float] = []
        self._checks = 0

    def check(self, chat_id: Any, arrived: float) -> float:
        """Seconds to wait (0 means accepted and recorded) for a message that arrived at ``arrived``."""
        lim = self.limits
        if not lim.enabled:
            return 0.0
        chat = self.chat_times[chat_id]
        waits = [window_excess(self.global_times, arrived, 1.0, lim.global_per_second)]
        if lim.per_chat_interval > 0:
            waits.append(window_excess(chat, arrived, lim.per_chat_interval, 1))
        if isinstance(chat_id, int) and chat_id < 0:
            waits.append(window_excess(chat, arrived, lim.group_window, lim.group_per_minute))
        if max(waits) > 0:
            return max(waits)
        bisect.insort(self.global_times, arrived)
        bisect.insort(chat, arrived)
        self._checks += 1
        if self._checks % 1024 == 0:
            self._prune(arrived)
        return 0.0

    def _prune(self, now: float) -> None:
        keep = max(self.limits.group_window, self.limits.per_chat_interval, 1.0) + 5.0
        del self.global_times[: bisect.bisect_left(self.global_times, now - keep)]
        for chat_id in list(self.chat_times):
            times = self.chat_times[chat_id]
            del times[: bisect.bisect_left(times, now - keep)]
            if not times:
                del self.chat_times[chat_id]
