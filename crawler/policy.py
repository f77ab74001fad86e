"""The polling policy: each portal polled by its own rhythm, within a daily request budget.

Government portals publish in office hours, in bursts after meetings, and rarely at night. A fixed
15-minute poll waits 7.5 minutes on average and asks 96 times a day whatever the hour. Here each
portal's publication intensity is learnt by hour of week (Vietnam time) from its own articles, with an
office-hours prior for new portals, and the day's budget is spread over the week in proportion to the
square root of that intensity — the allocation that minimises the expected delay of a Poisson stream
for a fixed number of polls — between a floor and a ceiling on the interval. A poll that found
something is followed by a quick re-poll (bursts); the rest of the day is stretched when bursts have
eaten into its budget, so the budget is never exceeded and the afternoon is never left unwatched.

Everything here is pure: times in, times out. The daemon stores the learnt rhythm and the day's poll
count (``storage/schedules.py``); the simulator replays a timeline against it.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from crawler.timefmt import VIETNAM

HOURS = 168  # bins: Monday 00:00–01:00 Vietnam time is bin 0
# Pseudo-publications of the office-hours prior: a portal with a handful of articles is still
# mostly prior; one with a few hundred is mostly its own history.
PRIOR_STRENGTH = 12.0


def hour_of_week(when: datetime) -> int:
    local = when.astimezone(VIETNAM)
    return local.weekday() * 24 + local.hour


def is_office_hours(when: datetime) -> bool:
    """Monday–Friday 07:00–17:30 Vietnam time: when government portals publish."""
    local = when.astimezone(VIETNAM)
    minutes = local.hour * 60 + local.minute
    return local.weekday() < 5 and 7 * 60 <= minutes < 17 * 60 + 30


def office_prior() -> list[float]:
    """Relative publication intensity of a portal nobody has watched yet."""
    weights = []
    for bin_ in range(HOURS):
        day, hour = divmod(bin_, 24)
        if day < 5 and 7 <= hour < 17:
            weight = 1.0
        elif day < 5 and hour == 17:
            weight = 0.5
        elif day == 5 and 7 <= hour < 12:
            weight = 0.3
        elif 6 <= hour < 22:
            weight = 0.05
        else:
            weight = 0.01
        weights.append(weight)
    return weights


@dataclass
class Rhythm:
    """Publications counted by hour of week over ``weeks`` of history."""

    counts: list[float] = field(default_factory=lambda: [0.0] * HOURS)
    weeks: float = 0.0

    @classmethod
    def learn(cls, times: list[datetime]) -> "Rhythm":
        rhythm = cls()
        if not times:
            return rhythm
        for when in times:
            rhythm.counts[hour_of_week(when)] += 1
        span = (max(times) - min(times)).total_seconds() / (7 * 86400)
        rhythm.weeks = max(1.0, span)
        return rhythm

    def weights(self) -> list[float]:
        """Smoothed counts (neighbouring hours share a little) plus the prior, as relative intensity."""
        smoothed = [
            0.25 * self.counts[(h - 1) % HOURS] + 0.5 * self.counts[h] + 0.25 * self.counts[(h + 1) % HOURS]
            for h in range(HOURS)
        ]
        prior = office_prior()
        prior_total = sum(prior)
        return [smoothed[h] + PRIOR_STRENGTH * prior[h] / prior_total for h in range(HOURS)]

    def as_json(self) -> dict:
        return {"counts": self.counts, "weeks": self.weeks}

    @classmethod
    def from_json(cls, data: dict | None) -> "Rhythm":
        if not data or len(data.get("counts") or []) != HOURS:
            return cls()
        return cls([float(c) for c in data["counts"]], float(data.get("weeks") or 0.0))


@dataclass(frozen=True)
class Limits:
    floor_minutes: float = 3.0
    ceiling_minutes: float = 120.0
    daily_budget: int = 100
    # Share of each day's budget the plan leaves for re-polls after a change.
    burst_reserve: float = 0.15
    jitter: float = 0.1

    def __post_init__(self):
        if not 0 < self.floor_minutes <= self.ceiling_minutes:
            raise ValueError(f"poll floor {self.floor_minutes} min must be > 0 and ≤ the ceiling {self.ceiling_minutes} min")
        if self.daily_budget < 24 * 60 / self.ceiling_minutes:
            raise ValueError(
                f"daily budget {self.daily_budget} is below the {math.ceil(24 * 60 / self.ceiling_minutes)} polls "
                f"a {self.ceiling_minutes:g}-minute ceiling needs"
            )


def allocate(weights: list[float], limits: Limits) -> list[float]:
    """Polls per hour for each hour of the week: ∝ √intensity, clamped, within each day's planned budget."""
    low, high = 60.0 / limits.ceiling_minutes, 60.0 / limits.floor_minutes
    roots = [math.sqrt(max(w, 0.0)) for w in weights]
    planned_day = limits.daily_budget * (1 - limits.burst_reserve)

    def solve(bins: range, target: float) -> list[float]:
        def total(scale: float) -> float:
            return sum(min(high, max(low, scale * roots[h])) for h in bins)

        lo, hi = 0.0, 1.0
        while total(hi) < target and hi < 1e9:
            hi *= 2
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if total(mid) < target else (lo, mid)
        return [min(high, max(low, lo * roots[h])) for h in bins]

    rates = solve(range(HOURS), 7 * planned_day)
    for day in range(7):
        bins = range(day * 24, day * 24 + 24)
        if sum(rates[h] for h in bins) > planned_day + 1e-9:
            rates[day * 24 : day * 24 + 24] = solve(bins, planned_day)
    return rates


@dataclass
class Plan:
    """The policy of one portal: its rates by hour of week and its limits."""

    rates: list[float]
    limits: Limits

    @classmethod
    def for_rhythm(cls, rhythm: Rhythm, limits: Limits) -> "Plan":
        return cls(allocate(rhythm.weights(), limits), limits)

    def polls_per_day(self) -> list[float]:
        return [sum(self.rates[d * 24 : d * 24 + 24]) for d in range(7)]

    def next_poll(self, now: datetime, polls_today: int, found_new: bool, rng: random.Random | None = None) -> datetime:
        """When to poll next, given how many polls today's Vietnam day has had (this one included)."""
        limits = self.limits
        local = now.astimezone(VIETNAM)
        day_end = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        left = limits.daily_budget - polls_today
        if left <= 0:
            return _jitter_after(day_end, limits, rng)
        floor = timedelta(minutes=limits.floor_minutes)
        if found_new:
            return now + floor
        planned = self._integral(local, day_end)
        scale = min(1.0, left / planned) if planned > 0 else 1.0
        step = self._advance(local, 1.0, scale, day_end)
        interval = (step - local) * (1 + (rng.uniform(-limits.jitter, limits.jitter) if rng else 0.0))
        interval = min(max(interval, floor), timedelta(minutes=limits.ceiling_minutes))
        return now + interval

    def _integral(self, start: datetime, end: datetime) -> float:
        total, t = 0.0, start
        while t < end:
            edge = min(end, (t + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0))
            total += self.rates[hour_of_week(t)] * (edge - t).total_seconds() / 3600
            t = edge
        return total

    def _advance(self, start: datetime, polls: float, scale: float, day_end: datetime) -> datetime:
        """The moment by which the plan has spent ``polls`` polls from ``start`` (rates × scale until day_end)."""
        t, need = start, polls
        while True:
            edge = (t + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
            rate = self.rates[hour_of_week(t)] * (scale if t < day_end else 1.0)
            hours = (edge - t).total_seconds() / 3600
            if rate * hours >= need:
                return t + timedelta(hours=need / rate)
            need -= rate * hours
            t = edge


def _jitter_after(moment: datetime, limits: Limits, rng: random.Random | None) -> datetime:
    spread = limits.floor_minutes * (rng.random() if rng else 0.5)
    return moment + timedelta(minutes=spread)
