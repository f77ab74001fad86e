"""The polling policy: office-hours prior, learnt rhythm, bursts, budgets — and the replay of a real timeline."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crawler.cli import main
from crawler.policy import Limits, Plan, Rhythm, hour_of_week
from crawler.simulate import read_timeline, replay, simulate
from crawler.timefmt import VIETNAM

TIMELINE = Path(__file__).parent / "fixtures" / "schedule" / "timeline-bao-chi-xuat-ban.txt"
MONDAY = datetime(2026, 11, 30, tzinfo=VIETNAM)  # a Monday, 00:00 Vietnam time


def intervals_over_week(plan: Plan, start: datetime = MONDAY) -> dict[datetime, float]:
    """Poll the plan for a week with nothing found; minutes until the next poll, keyed by poll time."""
    out, now, day, today = {}, start, start.date(), 0
    while now < start + timedelta(days=7):
        local = now.astimezone(VIETNAM)
        if local.date() != day:
            day, today = local.date(), 0
        today += 1
        following = plan.next_poll(now, today, False)
        out[now] = (following - now).total_seconds() / 60
        now = following
    return out


def polls_per_day(times) -> dict:
    days: dict = {}
    for t in times:
        days[t.astimezone(VIETNAM).date()] = days.get(t.astimezone(VIETNAM).date(), 0) + 1
    return days


def test_a_new_portal_is_polled_in_office_hours_and_rests_at_night_within_limits():
    limits = Limits()
    seen = intervals_over_week(Plan.for_rhythm(Rhythm(), limits))
    office = [m for t, m in seen.items() if t.weekday() < 5 and 8 <= t.astimezone(VIETNAM).hour < 17]
    night = [m for t, m in seen.items() if 0 <= t.astimezone(VIETNAM).hour < 5]
    assert max(office) < 10 < min(night)
    assert all(limits.floor_minutes <= m <= limits.ceiling_minutes + 1e-6 for m in seen.values())
    assert max(polls_per_day(seen).values()) <= limits.daily_budget


def test_the_learnt_rhythm_moves_polls_to_when_the_portal_publishes():
    # A portal that publishes at 20:00–21:00 every day, never in office hours.
    history = [MONDAY - timedelta(days=d) + timedelta(hours=20, minutes=m) for d in range(1, 60) for m in (5, 40)]
    plan = Plan.for_rhythm(Rhythm.learn(history), Limits())
    evening, morning = MONDAY + timedelta(hours=20, minutes=10), MONDAY + timedelta(hours=10)
    assert plan.rates[hour_of_week(evening)] > 3 * plan.rates[hour_of_week(morning)]
    assert plan.next_poll(evening, 1, False) - evening < plan.next_poll(morning, 1, False) - morning


def test_a_change_is_followed_by_a_quick_repoll_and_the_budget_is_never_exceeded():
    limits = Limits(daily_budget=40)
    plan = Plan.for_rhythm(Rhythm(), limits)
    ten = MONDAY + timedelta(hours=10)
    assert plan.next_poll(ten, 5, True) == ten + timedelta(minutes=limits.floor_minutes)
    # Budget spent by bursts: the rest of the day is stretched, and a spent budget waits for tomorrow.
    stretched = plan.next_poll(ten, 38, False) - ten
    assert stretched > plan.next_poll(ten, 5, False) - ten
    tomorrow = plan.next_poll(ten, 40, True)
    assert tomorrow.astimezone(VIETNAM).date() == (MONDAY + timedelta(days=1)).date()


def test_a_burst_day_stays_within_its_budget():
    limits = Limits(daily_budget=60)
    plan = Plan.for_rhythm(Rhythm(), limits)
    # Something new at every poll from 08:00: bursts as long as the budget lasts.
    now, today, rng = MONDAY + timedelta(hours=8), 0, random.Random(1)
    while now.astimezone(VIETNAM).date() == MONDAY.date():
        today += 1
        now = plan.next_poll(now, today, True, rng)
    assert today <= limits.daily_budget


def test_limits_that_leave_the_service_unable_to_watch_are_errors():
    with pytest.raises(ValueError, match="daily budget 5"):
        Limits(daily_budget=5)
    with pytest.raises(ValueError, match="floor"):
        Limits(floor_minutes=30, ceiling_minutes=10)


def test_on_a_real_government_timeline_the_policy_is_faster_and_asks_less_than_a_fixed_poll():
    timeline = read_timeline(TIMELINE)
    assert timeline.untimed > 0 and len(timeline.times) > 500
    result = simulate(timeline, Limits())
    assert result.policy.median_office_minutes <= 5
    assert result.policy.requests_per_day <= 100
    assert result.policy.median_office_minutes < result.fixed_15.median_office_minutes
    assert result.fixed_15.requests_per_day == pytest.approx(96, abs=0.5)


def test_replay_scores_delay_from_publication_to_the_next_poll():
    start = MONDAY
    pubs = [start + timedelta(minutes=5), start + timedelta(minutes=29)]
    outcome = replay(pubs, lambda now, today, found: now + timedelta(minutes=15), start, start + timedelta(hours=1))
    assert outcome.median_minutes == (10 + 1) / 2
    assert outcome.requests_per_day == pytest.approx(96)


def test_schedule_simulate_prints_one_json_object_and_names_a_bad_line(tmp_path, capsys):
    assert main(["schedule", "simulate", str(TIMELINE), "--json", "--budget", "80"]) == 0
    data = json.loads(capsys.readouterr().out)
    keys = {"median_minutes", "p90_minutes", "median_office_minutes", "p90_office_minutes", "requests_per_day"}
    assert set(data) == {"policy", "fixed_15"} and set(data["policy"]) == keys == set(data["fixed_15"])
    assert data["policy"]["requests_per_day"] <= 80
    bad = tmp_path / "t.txt"
    bad.write_text("2026-01-05T09:00:00\nyesterday\n", encoding="utf-8")
    assert main(["schedule", "simulate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "t.txt:2" in err and len(err.strip().splitlines()) == 1
