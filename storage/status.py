"""Queries behind the maintainers' status page (moved here from the page itself: storage owns every query)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import repositories as repo
from storage.models import Alert, Article, CrawlRun, Portal


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
    weekly = dict(
        session.execute(
            select(Article.portal_id, func.count(Article.id)).where(Article.first_seen_at >= week_ago).group_by(Article.portal_id)
        ).all()
    )
    totals = dict(session.execute(select(Article.portal_id, func.count(Article.id)).group_by(Article.portal_id)).all())
    latest = session.execute(
        select(Article, Portal.name, func.count(Alert.id), func.min(Alert.status), func.max(Alert.created_at))
        .join(Alert, Alert.article_id == Article.id)
        .join(Portal, Portal.id == Article.portal_id)
        .group_by(Article.id, Portal.name)
        .order_by(func.max(Alert.created_at).desc())
        .limit(alerts)
    ).all()
    reasons = {
        article.id: session.scalars(select(Alert.reasons).where(Alert.article_id == article.id).limit(1)).first() or []
        for article, *_ in latest
    }
    return StatusOverview(portals, runs, weekly, totals, list(latest), reasons)
