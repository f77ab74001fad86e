"""The daemon's side of the polling policy: learn each portal's rhythm, store it, say when to poll next.

The rhythm is learnt from the portal's stored articles at most once a day and kept in
``poll_schedules``, so a restart polls by the learnt rhythm at once instead of starting from the prior;
the next poll time is stored too, so a restart does not poll every portal at the same moment. A portal
with a fixed ``interval_minutes`` in the registry keeps that interval and is not paced here.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from crawler.config import Settings
from crawler.policy import Limits, Plan, Rhythm
from crawler.timefmt import VIETNAM
from spiders.schema import PortalConfig
from storage import schedules
from storage.db import transaction
from storage.types import utcnow

RELEARN_EVERY = timedelta(hours=24)
HISTORY = timedelta(days=365)


@dataclass
class PortalPace:
    next_poll_at: datetime | None
    polls_today: int
    budget: int


def day_start(now: datetime) -> datetime:
    """Midnight of ``now``'s Vietnam day: budgets are per Vietnam day."""
    return now.astimezone(VIETNAM).replace(hour=0, minute=0, second=0, microsecond=0)


class Pacer:
    def __init__(self, factory, settings: Settings, clock: Callable[[], datetime] = utcnow, rng: random.Random | None = None):
        self.factory, self.settings, self.clock = factory, settings, clock
        self.rng = rng or random.Random()
        self._plans: dict[str, tuple[datetime, Plan]] = {}

    @staticmethod
    def paces(portal: PortalConfig) -> bool:
        return portal.interval_minutes is None

    def limits(self, portal: PortalConfig) -> Limits:
        return Limits(
            floor_minutes=self.settings.poll_floor_minutes,
            ceiling_minutes=self.settings.poll_ceiling_minutes,
            daily_budget=portal.daily_budget or self.settings.poll_daily_budget,
        )

    def plan(self, session, portal: PortalConfig, now: datetime) -> Plan:
        cached = self._plans.get(portal.id)
        if cached and now - cached[0] < RELEARN_EVERY:
            return cached[1]
        row = schedules.get(session, portal.id)
        if row is not None and row.learned_at and now - row.learned_at < RELEARN_EVERY and row.rhythm:
            rhythm, learned_at = Rhythm.from_json(row.rhythm), row.learned_at
        else:
            times = schedules.publication_times(session, portal.id, now - HISTORY)
            rhythm, learned_at = Rhythm.learn(times), now
            schedules.save(session, portal.id, rhythm=rhythm.as_json(), learned_from=len(times), learned_at=now)
        plan = Plan.for_rhythm(rhythm, self.limits(portal))
        self._plans[portal.id] = (learned_at, plan)
        return plan

    def stored_next(self, portal_ids: list[str]) -> dict[str, datetime]:
        """Next polls a previous process planned and that are still ahead."""
        now = self.clock()
        with transaction(self.factory) as session:
            rows = schedules.all_schedules(session)
        return {pid: row.next_poll_at for pid in portal_ids if (row := rows.get(pid)) and row.next_poll_at and row.next_poll_at > now}

    def after_crawl(self, portal: PortalConfig, found_new: bool) -> datetime:
        """Plan (and store) the next poll of a portal whose crawl just ended."""
        now = self.clock()
        with transaction(self.factory) as session:
            plan = self.plan(session, portal, now)
            polls_today = schedules.polls_since(session, day_start(now)).get(portal.id, 0)
            when = plan.next_poll(now, max(polls_today, 1), found_new, self.rng)
            schedules.save(session, portal.id, next_poll_at=when)
        return when

    def status(self, portals: list[PortalConfig]) -> dict[str, PortalPace]:
        """Next poll and today's budget use per portal, for `portalwatch portals` and the status page."""
        now = self.clock()
        with transaction(self.factory) as session:
            polls = schedules.polls_since(session, day_start(now))
            rows = schedules.all_schedules(session)
        return {
            p.id: PortalPace(
                rows[p.id].next_poll_at if p.id in rows else None,
                polls.get(p.id, 0),
                (p.daily_budget or self.settings.poll_daily_budget) if self.paces(p) else round(24 * 60 / p.interval_minutes),
            )
            for p in portals
        }
