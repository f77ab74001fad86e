"""The daemon's pacer on a real database with an injected clock: the policy tightens when the portal
publishes, backs off when it is quiet, stays within the budget, and a restart keeps the learnt rhythm."""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta

from sqlalchemy import delete

from crawler.polling import Pacer
from crawler.timefmt import VIETNAM
from spiders.schema import PortalConfig
from storage import repositories as repo
from storage.db import transaction
from storage.models import Article, CrawlRun
from tests.conftest import test_settings as settings_for

MONDAY = datetime(2026, 11, 30, tzinfo=VIETNAM)
PORTAL = PortalConfig(id="evening-portal", name="Cổng buổi tối", start_urls=["http://127.0.0.1/tin"], daily_budget=60)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def publish_in_the_evenings(factory, days: int = 40) -> None:
    """History: the portal publishes at 20:xx every evening (and never in office hours)."""
    with transaction(factory) as session:
        repo.sync_portals(session, [repo.PortalFields(PORTAL.id, PORTAL.name, None, None, "x", True)])
        for day in range(1, days + 1):
            published = MONDAY - timedelta(days=day) + timedelta(hours=20, minutes=day % 50)
            repo.add_article(session, portal_id=PORTAL.id, url=f"http://127.0.0.1/a{day}", canonical_url=f"127.0.0.1/a{day}",
                             title=f"Bài {day}", text="x" * 300, published_at=published, published_has_time=True,
                             first_seen_at=published + timedelta(minutes=7), content_hash=f"h{day}", baseline=True)


def poll_a_day(factory, pacer: Pacer, clock: Clock, start: datetime) -> dict[int, list[float]]:
    """Poll from ``start`` for 24 h as the daemon does (a crawl run per poll); minutes to the next poll by hour."""
    by_hour: dict[int, list[float]] = {}
    clock.now = start
    while clock.now < start + timedelta(days=1):
        with transaction(factory) as session:
            session.add(CrawlRun(portal_id=PORTAL.id, status="ok", started_at=clock.now, finished_at=clock.now))
        following = pacer.after_crawl(PORTAL, found_new=False)
        by_hour.setdefault(clock.now.astimezone(VIETNAM).hour, []).append((following - clock.now).total_seconds() / 60)
        clock.now = following
    return by_hour


def test_the_pacer_tightens_when_the_portal_publishes_and_backs_off_when_it_is_quiet(db_factory, tmp_path):
    publish_in_the_evenings(db_factory)
    clock = Clock(MONDAY)
    pacer = Pacer(db_factory, settings_for("sqlite://", tmp_path), clock=clock)
    by_hour = poll_a_day(db_factory, pacer, clock, MONDAY)
    evening = [m for h in (20, 21) for m in by_hour.get(h, [])]
    night = [m for h in (2, 3, 4) for m in by_hour.get(h, [])]
    morning = [m for h in (9, 10, 11) for m in by_hour.get(h, [])]
    # Every poll in the publishing hours comes sooner than any in the quiet ones (the last one of the evening
    # reaches into the quiet night and is left out).
    assert statistics.median(evening) * 2 < min(morning) and statistics.median(evening) * 2 < min(night)
    assert sum(len(v) for v in by_hour.values()) <= PORTAL.daily_budget
    status = pacer.status([PORTAL])[PORTAL.id]
    assert status.budget == 60 and status.next_poll_at is not None


def test_a_restart_keeps_the_learnt_rhythm_and_the_planned_poll(db_factory, tmp_path):
    publish_in_the_evenings(db_factory)
    clock = Clock(MONDAY + timedelta(hours=19, minutes=50))
    settings = settings_for("sqlite://", tmp_path)
    first = Pacer(db_factory, settings, clock=clock)
    planned = first.after_crawl(PORTAL, found_new=False)
    with transaction(db_factory) as session:
        session.execute(delete(Article))  # the history is gone: only the stored rhythm can know the evenings
    clock.now += timedelta(minutes=1)
    restarted = Pacer(db_factory, settings, clock=clock)
    assert restarted.stored_next([PORTAL.id]) == {PORTAL.id: planned}
    at_eight = MONDAY + timedelta(hours=20, minutes=5)
    clock.now = at_eight
    evening_gap = restarted.after_crawl(PORTAL, found_new=False) - at_eight
    clock.now = at_eight + timedelta(hours=14)  # 10:05 the next day
    morning_gap = restarted.after_crawl(PORTAL, found_new=False) - clock.now
    assert evening_gap < morning_gap


def test_the_daemon_paces_a_portal_without_a_fixed_interval_and_exports_its_requests(tmp_path, sqlite_url):
    from crawler.store import open_store
    from storage import schedules
    from tests.support.daemon import running_daemon
    from tests.support.server import PortalServer, loopback
    from tests.support.sites import FAMILIES, FixturePortal, make_articles
    from tests.test_daemon import daemon_env

    with PortalServer(loopback(1)) as server:
        site = FixturePortal(server, FAMILIES["wordpress"])
        site.publish(make_articles(3))
        registry = tmp_path / "p.yaml"
        registry.write_text(f'portals:\n  - id: paced\n    name: Cổng\n    start_urls: ["{site.listing_url}"]\n', encoding="utf-8")
        with running_daemon(daemon_env(sqlite_url, registry), tmp_path / "daemon.log") as daemon:
            daemon.wait_for(lambda: daemon.health()[1]["last_cycle_at"], 60, "a completed cycle")

            def planned():
                with transaction(open_store(sqlite_url)) as session:
                    row = schedules.get(session, "paced")
                    return row and row.next_poll_at
            when = daemon.wait_for(planned, 30, "the next poll planned by the policy")
            assert when > datetime.now(VIETNAM)
            status, metrics = daemon.get("/metrics")
            assert status == 200 and 'portalwatch_portal_requests_total{portal="paced"}' in metrics
