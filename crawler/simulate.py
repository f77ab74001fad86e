"""Replays a portal's publication timeline against the polling policy and against a fixed poll.

The first half of the timeline trains the policy (its rhythm by hour of week); the second half is
polled, in simulated time, by the policy and by a fixed 15-minute poll. An article's delay is the time
from its publication to the first poll after it. Times shown only as a date (or as exactly 00:00,
which is how portals that show no time print them) have no known time of day: they are left out and
counted.
"""

from __future__ import annotations

import random
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from crawler.policy import Limits, Plan, Rhythm, is_office_hours
from crawler.timefmt import VIETNAM


class TimelineError(ValueError):
    pass


@dataclass
class Timeline:
    times: list[datetime]
    untimed: int


def read_timeline(path: Path) -> Timeline:
    times, untimed = [], 0
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            when = datetime.fromisoformat(line.replace("Z", "+00:00"))
        except ValueError:
            raise TimelineError(f"{path}:{number}: not an ISO 8601 time: {line[:60]!r}") from None
        if "T" not in line and " " not in line:
            untimed += 1
            continue
        if when.tzinfo is None:
            when = when.replace(tzinfo=VIETNAM)
        if when.astimezone(VIETNAM).time() == datetime.min.time():
            untimed += 1
            continue
        times.append(when)
    times.sort()
    if len(times) < 4:
        raise TimelineError(f"{path}: {len(times)} timed publications; at least 4 are needed (half to train, half to test)")
    return Timeline(times, untimed)


@dataclass
class Outcome:
    median_minutes: float
    p90_minutes: float
    median_office_minutes: float | None
    p90_office_minutes: float | None
    requests_per_day: float

    def as_json(self) -> dict:
        return {k: (round(v, 2) if v is not None else None) for k, v in self.__dict__.items()}


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def replay(publications: list[datetime], next_poll, start: datetime, end: datetime) -> Outcome:
    """Poll from ``start`` to ``end`` with ``next_poll(now, polls_today, found_new)``; score the delays."""
    delays, office, polls = [], [], 0
    per_day: Counter = Counter()
    index, now = 0, start
    while now < end:
        polls += 1
        day = now.astimezone(VIETNAM).date()
        per_day[day] += 1
        found = False
        while index < len(publications) and publications[index] <= now:
            minutes = (now - publications[index]).total_seconds() / 60
            delays.append(minutes)
            if is_office_hours(publications[index]):
                office.append(minutes)
            index, found = index + 1, True
        now = next_poll(now, per_day[day], found)
    days = max((end - start).total_seconds() / 86400, 1e-9)
    return Outcome(
        statistics.median(delays) if delays else 0.0,
        _percentile(delays, 90) or 0.0,
        statistics.median(office) if office else None,
        _percentile(office, 90),
        polls / days,
    )


@dataclass
class Simulation:
    trained_on: int
    evaluated_on: int
    untimed: int
    policy: Outcome
    fixed_15: Outcome

    def as_json(self) -> dict:
        return {"policy": self.policy.as_json(), "fixed_15": self.fixed_15.as_json()}


def simulate(timeline: Timeline, limits: Limits, seed: int = 7) -> Simulation:
    times = timeline.times
    half = len(times) // 2
    train, test = times[:half], times[half:]
    plan = Plan.for_rhythm(Rhythm.learn(train), limits)
    start = test[0].astimezone(VIETNAM).replace(hour=0, minute=0, second=0, microsecond=0)
    end = (test[-1].astimezone(VIETNAM) + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    rng = random.Random(seed)
    policy = replay(test, lambda now, today, found: plan.next_poll(now, today, found, rng), start, end)
    fixed = replay(test, lambda now, today, found: now + timedelta(minutes=15), start, end)
    return Simulation(len(train), len(test), timeline.untimed, policy, fixed)
