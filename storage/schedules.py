"""Queries of the polling policy: what a portal's history says about its rhythm, and its stored plan."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from storage.models import Article, CrawlRun, PollSchedule


def publication_times(session: Session, portal_id: str, since: datetime) -> list[datetime]:
    """When the portal's articles appeared: the page's own time where it shows one, else when we first
    saw a non-baseline article (a baseline's first sighting is the day we started watching, not news)."""
    rows = session.execute(
        select(Article.published_at, Article.published_has_time, Article.first_seen_at, Article.baseline).where(
            Article.portal_id == portal_id,
            or_(
                and_(Article.published_has_time.is_(True), Article.published_at >= since),
                and_(Article.baseline.is_(False), Article.first_seen_at >= since),
            ),
        )
    )
    return [published if has_time and published is not None else seen for published, has_time, seen, _ in rows]


def polls_since(session: Session, since: datetime) -> dict[str, int]:
    """Crawl runs (one per poll) per portal since ``since``: the day's budget use."""
    rows = session.execute(
        select(CrawlRun.portal_id, func.count(CrawlRun.id)).where(CrawlRun.started_at >= since).group_by(CrawlRun.portal_id)
    )
    return dict(rows.all())


def get(session: Session, portal_id: str) -> PollSchedule | None:
    return session.get(PollSchedule, portal_id)


def all_schedules(session: Session) -> dict[str, PollSchedule]:
    return {row.portal_id: row for row in session.scalars(select(PollSchedule))}


def save(session: Session, portal_id: str, *, rhythm: dict | None = None, learned_from: int | None = None,
         learned_at: datetime | None = None, next_poll_at: datetime | None = None) -> PollSchedule:
    row = session.get(PollSchedule, portal_id)
    if row is None:
        row = PollSchedule(portal_id=portal_id, rhythm=rhythm or {}, learned_from=learned_from or 0, learned_at=learned_at)
        session.add(row)
    if rhythm is not None:
        row.rhythm, row.learned_from, row.learned_at = rhythm, learned_from or 0, learned_at
    if next_poll_at is not None:
        row.next_poll_at = next_poll_at
    return row


def detection_delays(session: Session, batch_id: str) -> list[tuple[str, float]]:
    """(portal, seconds from publication to first sighting) of the batch's new articles that show a time."""
    rows = session.execute(
        select(Article.portal_id, Article.published_at, Article.first_seen_at)
        .join(CrawlRun, CrawlRun.id == Article.crawl_run_id)
        .where(CrawlRun.batch_id == batch_id, Article.published_has_time.is_(True), Article.baseline.is_(False))
    )
    return [(portal, max(0.0, (seen - published).total_seconds())) for portal, published, seen in rows if published]
