"""Queries and writes the crawl path needs. Each function takes a session; the caller commits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, union, update
from sqlalchemy.orm import Session

from storage.models import Article, CrawlRun, KeyValue, ListingPage, Portal, SkippedPage
from storage.types import utcnow


@dataclass(frozen=True)
class PortalFields:
    id: str
    name: str
    province: str | None = None
    kind: str | None = None
    config_hash: str | None = None
    enabled: bool = True


def sync_portal(session: Session, fields: PortalFields) -> Portal:
    portal = session.get(Portal, fields.id)
    if portal is None:
        portal = Portal(id=fields.id, baseline_done=False, consecutive_failures=0)
        session.add(portal)
    _apply_fields(portal, fields)
    return portal


def _apply_fields(portal: Portal, fields: PortalFields) -> None:
    portal.name, portal.province, portal.kind = fields.name, fields.province, fields.kind
    portal.config_hash, portal.enabled = fields.config_hash, fields.enabled


def sync_portals(session: Session, all_fields: Iterable[PortalFields]) -> None:
    for fields in all_fields:
        sync_portal(session, fields)


def portal_exists(session: Session, portal_id: str) -> bool:
    return session.get(Portal, portal_id) is not None


def last_run_status(session: Session, portal_id: str) -> str | None:
    return session.scalar(
        select(CrawlRun.status).where(CrawlRun.portal_id == portal_id).order_by(CrawlRun.id.desc()).limit(1)
    )


def set_paused(session: Session, portal_id: str, paused: bool) -> Portal | None:
    """Pause or resume crawling one portal (the bot's /pause and /resume, the status page's buttons);
    None when there is no such portal. The scheduler reads ``paused_portal_ids`` before each cycle."""
    portal = session.get(Portal, portal_id) if portal_id else None
    if portal is not None:
        portal.paused = paused
    return portal


def paused_portal_ids(session: Session) -> set[str]:
    return set(session.scalars(select(Portal.id).where(Portal.paused.is_(True))))


def start_run(session: Session, portal_id: str, batch_id: str | None) -> CrawlRun:
    run = CrawlRun(portal_id=portal_id, batch_id=batch_id, status="running", started_at=utcnow())
    session.add(run)
    session.flush()
    return run


def finish_run(session: Session, run_id: int, status: str, reason: str | None, counters: dict[str, int]) -> CrawlRun:
    """Close a run and carry its verdict to the portal's health fields."""
    run = session.get(CrawlRun, run_id)
    now = utcnow()
    run.status, run.reason, run.finished_at = status, reason, now
    for key, value in counters.items():
        setattr(run, key, value)
    _carry_verdict(session.get(Portal, run.portal_id), status, reason, now)
    return run


def _carry_verdict(portal: Portal, status: str, reason: str | None, now: datetime) -> None:
    if status in ("ok", "partial"):
        portal.consecutive_failures = 0
        portal.last_success_at = now
        portal.baseline_done = True
    else:
        portal.consecutive_failures = (portal.consecutive_failures or 0) + 1
        portal.last_failure_at = now
        portal.last_failure_reason = reason


def add_unchanged_runs(
    session: Session, batch_id: str | None, started_at: datetime, visits: list[tuple[PortalFields, dict[str, int]]]
) -> None:
    """Runs of portals a batch found unchanged, opened and closed at once as ``sync_portal``,
    ``start_run`` and ``finish_run(ok)`` would record them, in one query for all their portals."""
    portals = {p.id: p for p in session.scalars(select(Portal).where(Portal.id.in_([f.id for f, _ in visits])))}
    now = utcnow()
    for fields, counters in visits:
        portal = portals[fields.id]
        _apply_fields(portal, fields)
        session.add(CrawlRun(portal_id=fields.id, batch_id=batch_id, status="ok", reason=None, started_at=started_at,
                             finished_at=now, **counters))
        _carry_verdict(portal, "ok", None, now)


def close_interrupted_runs(
    session: Session, reason: str, batch_id: str | None = None, started_before: datetime | None = None
) -> list[CrawlRun]:
    """Runs still 'running' whose process is gone: closed as interrupted and counted as failures."""
    query = select(CrawlRun).where(CrawlRun.status == "running")
    if batch_id is not None:
        query = query.where(CrawlRun.batch_id == batch_id)
    if started_before is not None:
        query = query.where(CrawlRun.started_at < started_before)
    runs = list(session.scalars(query))
    for run in runs:
        finish_run(session, run.id, "interrupted", reason, {})
    return runs


def seen_urls(session: Session, portal_id: str) -> set[str]:
    """Canonical URLs never to fetch again for this portal: stored articles and remembered non-articles."""
    query = union(
        select(Article.canonical_url).where(Article.portal_id == portal_id),
        select(SkippedPage.canonical_url).where(SkippedPage.portal_id == portal_id),
    )
    return set(session.scalars(query))


def listing_validators(session: Session, portal_id: str) -> dict[str, ListingPage]:
    rows = session.scalars(select(ListingPage).where(ListingPage.portal_id == portal_id))
    return {row.url: row for row in rows}


@dataclass(frozen=True)
class PollFacts:
    """What a batch's pre-flight needs of one portal, read for the whole batch in three queries."""

    baseline_done: bool
    last_status: str | None
    validators: dict[str, ListingPage]


def poll_facts(session: Session, portal_ids: list[str]) -> dict[str, PollFacts]:
    if not portal_ids:
        return {}
    baseline = dict(session.execute(select(Portal.id, Portal.baseline_done).where(Portal.id.in_(portal_ids))).all())
    latest = (
        select(func.max(CrawlRun.id).label("id")).where(CrawlRun.portal_id.in_(portal_ids)).group_by(CrawlRun.portal_id).subquery()
    )
    status = dict(session.execute(select(CrawlRun.portal_id, CrawlRun.status).join(latest, CrawlRun.id == latest.c.id)).all())
    validators: dict[str, dict[str, ListingPage]] = {}
    for row in session.scalars(select(ListingPage).where(ListingPage.portal_id.in_(portal_ids))):
        validators.setdefault(row.portal_id, {})[row.url] = row
    return {pid: PollFacts(bool(done), status.get(pid), validators.get(pid, {})) for pid, done in baseline.items()}


def save_listing(
    session: Session, portal_id: str, url: str, etag: str | None, last_modified: str | None, body_hash: str
) -> None:
    row = session.scalar(select(ListingPage).where(ListingPage.url == url))
    if row is None:
        row = ListingPage(portal_id=portal_id, url=url)
        session.add(row)
    _refresh_listing(row, etag, last_modified, body_hash, utcnow())


def _refresh_listing(row: ListingPage, etag: str | None, last_modified: str | None, body_hash: str, now: datetime) -> None:
    if row.body_hash != body_hash:
        row.changed_at = now
    row.etag, row.last_modified, row.body_hash, row.fetched_at = etag, last_modified, body_hash, now


def refresh_listings(session: Session, refreshed: dict[str, tuple[str | None, str | None, str]]) -> None:
    """``save_listing`` for many stored listings at once (url -> etag, last_modified, body_hash)."""
    now = utcnow()
    for row in session.scalars(select(ListingPage).where(ListingPage.url.in_(list(refreshed)))) if refreshed else ():
        _refresh_listing(row, *refreshed[row.url], now)


def article_id_by_url(session: Session, canonical_url: str) -> int | None:
    return session.scalar(select(Article.id).where(Article.canonical_url == canonical_url))


def article_id_by_hash(session: Session, content_hash: str) -> int | None:
    return session.scalar(select(Article.id).where(Article.content_hash == content_hash).limit(1))


def add_article(session: Session, **fields) -> Article:
    article = Article(**fields)
    session.add(article)
    session.flush()
    session.execute(
        update(Portal).where(Portal.id == article.portal_id).values(last_new_article_at=article.first_seen_at)
    )
    return article


def add_skipped(
    session: Session, portal_id: str, canonical_url: str, reason: str, duplicate_of: int | None = None
) -> None:
    if session.scalar(select(SkippedPage.id).where(SkippedPage.canonical_url == canonical_url)) is None:
        session.add(
            SkippedPage(portal_id=portal_id, canonical_url=canonical_url, reason=reason[:1000], duplicate_of=duplicate_of)
        )


def list_articles(session: Session, portal_id: str | None = None, limit: int | None = None) -> list[Article]:
    query = select(Article).order_by(Article.first_seen_at.desc(), Article.id.desc())
    if portal_id:
        query = query.where(Article.portal_id == portal_id)
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))


def last_runs(session: Session) -> dict[str, CrawlRun]:
    """The latest run of every portal."""
    latest = (
        select(CrawlRun.portal_id, func.max(CrawlRun.id).label("id")).group_by(CrawlRun.portal_id).subquery()
    )
    runs = session.scalars(select(CrawlRun).join(latest, CrawlRun.id == latest.c.id))
    return {run.portal_id: run for run in runs}


def running_runs(session: Session, batch_id: str) -> list[CrawlRun]:
    return list(session.scalars(select(CrawlRun).where(CrawlRun.status == "running", CrawlRun.batch_id == batch_id)))


def runs_of_batch(session: Session, batch_id: str) -> list[CrawlRun]:
    return list(session.scalars(select(CrawlRun).where(CrawlRun.batch_id == batch_id).order_by(CrawlRun.id)))


def article_count(session: Session, portal_id: str | None = None, since: datetime | None = None) -> int:
    query = select(func.count(Article.id))
    if portal_id:
        query = query.where(Article.portal_id == portal_id)
    if since:
        query = query.where(Article.first_seen_at >= since)
    return session.scalar(query) or 0


def get_state(session: Session, key: str) -> str | None:
    row = session.get(KeyValue, key)
    return row.value if row else None


def set_state(session: Session, key: str, value: str) -> None:
    row = session.get(KeyValue, key)
    if row is None:
        session.add(KeyValue(key=key, value=value))
    else:
        row.value = value
