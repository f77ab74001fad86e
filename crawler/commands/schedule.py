"""``portalwatch schedule``: the polling policy, explained and replayed.

``simulate TIMELINE`` trains the policy on the first half of a portal's publication times and replays
the second half against it and against a fixed 15-minute poll, so a maintainer sees what a budget buys
before setting it.
"""

from __future__ import annotations

import json

from crawler.config import Settings
from crawler.errors import UserError
from crawler.policy import Limits
from crawler.simulate import TimelineError, read_timeline, simulate

KEYS = ("median_minutes", "p90_minutes", "median_office_minutes", "p90_office_minutes", "requests_per_day")


def register(sub) -> None:
    parser = sub.add_parser("schedule", help="the polling policy: simulate a publication timeline against it")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    sim = actions.add_parser("simulate", help="replay a timeline (ISO 8601 times, one per line) against the policy")
    sim.add_argument("timeline", help="file of publication times, Vietnam time unless an offset is given")
    sim.add_argument("--budget", type=int, default=None, help="requests per portal per day (default: the setting)")
    sim.add_argument("--json", action="store_true", help="one JSON object: policy and fixed_15 figures")
    sim.set_defaults(handler=handle_simulate)


def limits_of(settings: Settings, budget: int | None = None) -> Limits:
    try:
        return Limits(
            floor_minutes=settings.poll_floor_minutes,
            ceiling_minutes=settings.poll_ceiling_minutes,
            daily_budget=budget if budget is not None else settings.poll_daily_budget,
        )
    except ValueError as exc:
        raise UserError(str(exc)) from None


def handle_simulate(args, settings: Settings) -> int:
    limits = limits_of(settings, args.budget)
    try:
        timeline = read_timeline(args.timeline)
    except FileNotFoundError:
        raise UserError(f"{args.timeline}: no such file") from None
    except (TimelineError, UnicodeDecodeError) as exc:
        raise UserError(str(exc)) from None
    result = simulate(timeline, limits)
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
        return 0
    print(
        f"{len(timeline.times)} timed publications ({result.trained_on} to train, {result.evaluated_on} to test); "
        f"{timeline.untimed} without a time of day left out; budget {limits.daily_budget}/day, "
        f"interval {limits.floor_minutes:g}–{limits.ceiling_minutes:g} min"
    )
    print(f"{'':24}{'policy':>10}{'fixed 15 min':>14}")
    labels = {
        "median_minutes": "median delay (min)",
        "p90_minutes": "p90 delay (min)",
        "median_office_minutes": "median, office hours",
        "p90_office_minutes": "p90, office hours",
        "requests_per_day": "requests per day",
    }
    policy, fixed = result.policy.as_json(), result.fixed_15.as_json()
    for key in KEYS:
        print(f"{labels[key]:24}{_fmt(policy[key]):>10}{_fmt(fixed[key]):>14}")
    return 0


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.1f}"
