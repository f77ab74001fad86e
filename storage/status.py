"""Queries behind the maintainers' status page (moved here from the page itself: storage owns every query)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, type_coerce
from sqlalchemy.orm import Session

from storage import repositories as repo
from storage.models import Alert, Article, CrawlRun, Portal
from storage.types import UTCDateTime


@dataclass
class StatusOverview:
    portals: list[Portal]
    runs: dict[str, CrawlRun]
    weekly: dict[str, int]  # articles first seen since ``week_ago``, per portal
    totals: dict[str, int]
    # (article, portal name, recipients, lowest status, latest alert time), newest alert first
    latest: list[tuple]
    reasons: dict[int, list]  # the reasons of one alert per article


def status_overview(session: Session, week_ago: datetime, alerts: int = 30) -> StatusOverview:
    portals = list(session.scalars(select(Portal).order_by(Portal.name)))
    runs = repo.last_runs(session)
    # Grouped by an expression, so SQLite reads ix_articles_seen_portal (first seen, portal) instead of
    # walking the portal index and every article row's overflow pages for its first_seen_at.
    portal = Article.portal_id.concat("")
    weekly = dict(
        session.execute(select(portal, func.count()).where(Article.first_seen_at >= week_ago).group_by(portal)).all()
    )
    totals = dict(session.execute(select(Article.portal_id, func.count(Article.id)).group_by(Article.portal_id)).all())
    # The latest alerted articles: alerts grouped first (an index-sized read), then those articles joined.
    recent = (
        select(Alert.article_id, func.count(Alert.id).label("recipients"), func.min(Alert.status).label("status"),
               func.max(Alert.created_at).label("latest"))
        .group_by(Alert.article_id).order_by(func.max(Alert.created_at).desc()).limit(alerts).subquery()
    )
    latest = session.execute(
        select(Article, Portal.name, recent.c.recipients, recent.c.status, type_coerce(recent.c.latest, UTCDateTime()))
        .join(recent, recent.c.article_id == Article.id)
        .join(Portal, Portal.id == Article.portal_id)
        .order_by(recent.c.latest.desc())
    ).all()
    reasons = {
        article.id: session.scalars(select(Alert.reasons).where(Alert.article_id == article.id).limit(1)).first() or []
        for article, *_ in latest
    }
    return StatusOverview(portals, runs, weekly, totals, list(latest), reasons)
