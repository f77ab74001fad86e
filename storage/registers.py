"""Queries behind the document register (/van-ban/) and the visits register (/doan/)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from storage.models import Article, Directive, DirectiveMention, Match, Portal
from storage.search import article_date, partner_rows


@dataclass
class DirectiveRow:
    directive: Directive
    first_article: Article | None
    first_portal: Portal | None
    portals: int  # how many portals mention it


def _directive_query(kind: str | None, issuer: str | None, year: int | None, since: datetime | None = None,
                     scope: str | None = None):
    """(the select of (Directive, first Article, its Portal, portal count), its filters), newest first:
    the register's page, its export, the API and the feed. ``since``: only documents first seen at or
    after that moment (UTC); ``scope``: only that scope."""
    where = []
    if since is not None:
        where.append(Directive.first_seen_at >= since)
    if scope:
        where.append(Directive.scope == scope)
    if kind:
        where.append(Directive.kind == kind)
    if issuer:
        where.append(Directive.issuer == issuer)
    if year:
        where.append(Directive.year == year)
    spread = (
        select(DirectiveMention.directive_id, func.count(func.distinct(Article.portal_id)).label("portals"))
        .join(Article, Article.id == DirectiveMention.article_id).group_by(DirectiveMention.directive_id).subquery()
    )
    query = (
        select(Directive, Article, Portal, spread.c.portals)
        .outerjoin(Article, Article.id == Directive.first_article_id)
        .outerjoin(Portal, Portal.id == Article.portal_id)
        .outerjoin(spread, spread.c.directive_id == Directive.id)
        .where(*where).order_by(Directive.first_seen_at.desc(), Directive.id.desc())
        .options(defer(Article.text), defer(Article.lead))
    )
    return query, where


def directive_list(session: Session, kind: str | None = None, issuer: str | None = None, year: int | None = None,
                   limit: int = 50, offset: int = 0, since: datetime | None = None,
                   scope: str | None = None) -> tuple[list[DirectiveRow], int]:
    """Documents, the most recently first seen first, with their first sighting; and the total."""
    query, where = _directive_query(kind, issuer, year, since, scope)
    total = session.scalar(select(func.count(Directive.id)).where(*where)) or 0
    rows = session.execute(query.limit(limit).offset(offset)).all()
    return [DirectiveRow(d, a, p, n or 0) for d, a, p, n in rows], total


def directive_batches(session: Session, kind: str | None = None, issuer: str | None = None, year: int | None = None,
                      batch: int = 500) -> Iterator[list[DirectiveRow]]:
    """Every document ``directive_list`` would list, in its order, ``batch`` at a time from one stream."""
    query, _ = _directive_query(kind, issuer, year)
    for rows in session.execute(query, execution_options={"yield_per": max(1, batch)}).partitions():
        yield [DirectiveRow(d, a, p, n or 0) for d, a, p, n in rows]


def directive_choices(session: Session) -> tuple[list[str], list[str], list[int]]:
    """Kinds, issuers and years present, for the register's filters."""
    def distinct(column):
        return [v for v in session.scalars(select(column).distinct().order_by(column)) if v]

    return distinct(Directive.kind), distinct(Directive.issuer), sorted(distinct(Directive.year), reverse=True)


@dataclass
class Mention:
    article: Article
    portal: Portal
    sentence: str | None


def directives_by_code(session: Session, code: str, scope: str | None = None) -> list[tuple[Directive, list[Mention]]]:
    """Every document with this code (one per scope: a local code can exist in several provinces), each
    with its mentions in the order they were published; only ``scope``'s when given."""
    query = select(Directive).where(Directive.code == code)
    if scope:
        query = query.where(Directive.scope == scope)
    found = []
    for directive in session.scalars(query.order_by(Directive.scope, Directive.id)):
        rows = session.execute(
            select(DirectiveMention.sentence, Article, Portal)
            .join(Article, Article.id == DirectiveMention.article_id).join(Portal, Portal.id == Article.portal_id)
            .where(DirectiveMention.directive_id == directive.id).order_by(article_date(), Article.id)
        ).all()
        found.append((directive, [Mention(a, p, s) for s, a, p in rows]))
    return found


@dataclass
class VisitRow:
    match: Match
    article: Article
    portal: Portal
    directions: list[str]  # "đoàn ra" / "đoàn vào", from the detector's reasons


def _directions(match: Match) -> list[str]:
    return _reasons_directions(match.data)


def _reasons_directions(data: dict | None) -> list[str]:
    """"đoàn vào" / "đoàn ra", as the detector's reasons (a visit row's ``data``) say."""
    reasons = (data or {}).get("reasons", [])
    return [d for d in ("đoàn vào", "đoàn ra") if any(str(r).startswith(d) for r in reasons)]


def visits(session: Session, partner: str | None = None, province: str | None = None,
           limit: int = 100) -> tuple[list[VisitRow], Counter]:
    """Detected foreign visits, newest first, and the count of visits per partner country.

    Both in SQL: the counts by partner over the visit rows' partners (storage.search.partner_rows),
    the rows newest first with a LIMIT, so the page reads ``limit`` visits, not every one stored."""
    dialect = session.get_bind().dialect.name
    partners = partner_rows(dialect).subquery()
    counting = (select(partners.c.partner, func.count(func.distinct(partners.c.match_id)))
                .group_by(partners.c.partner).order_by(func.count(func.distinct(partners.c.match_id)).desc(), partners.c.partner))
    # The newest visits' ids first, then those rows. Unfiltered, by walking ix_articles_listed from the
    # newest end and probing ix_matches_kind_article (``id + 0``: SQLite must not start from the
    # matches and sort every visit's article row); filtered, from the (fewer) matching visits.
    newest = (article_date().desc(), Article.id.desc(), Match.id.desc())
    article_id = Article.id if partner or province else Article.id + 0
    query = (select(Match.id).select_from(Article).join(Match, Match.article_id == article_id)
             .where(Match.kind == "visit").order_by(*newest).limit(limit))
    if province:
        in_province = select(Article.id).where(Article.portal_id.in_(select(Portal.id).where(Portal.province == province)))
        counting = counting.where(partners.c.article_id.in_(in_province))
        query = query.where(Article.portal_id.in_(select(Portal.id).where(Portal.province == province)))
    if partner:
        query = query.where(Match.id.in_(select(partners.c.match_id).where(partners.c.partner == partner)))
    ids = list(session.scalars(query))
    found = {m.id: (m, a, p) for m, a, p in session.execute(
        select(Match, Article, Portal).join(Article, Article.id == Match.article_id).join(Portal, Portal.id == Article.portal_id)
        .where(Match.id.in_(ids)))} if ids else {}
    counts = Counter({name: number for name, number in session.execute(counting) if name})
    rows = []
    for match, article, portal in (found[i] for i in ids if i in found):
        rows.append(VisitRow(match, article, portal, _directions(match)))
    return rows, counts


@dataclass(frozen=True, slots=True)
class ListedVisit:
    """One visit as the exports list it: plain columns, no ORM object (a 100,000-row export loads no entity)."""

    published_at: datetime | None
    published_has_time: bool
    first_seen_at: datetime
    province: str | None
    portal_name: str
    directions: list[str]
    partners: list[str]  # in the detector's order, each once
    title: str
    snippet: str | None
    url: str


def visit_batches(session: Session, partner: str | None = None, province: str | None = None,
                  batch: int = 500) -> Iterator[list[ListedVisit]]:
    """Every visit the register's filters keep (no limit), in the page's order (``visits``: newest
    first, then the article, then the visit), ``batch`` at a time from one stream of plain columns;
    the partner filter in SQL as the page's."""
    query = (
        select(Article.published_at, Article.published_has_time, Article.first_seen_at, Portal.province, Portal.name,
               Match.data, Match.terms, Article.title, Match.snippet, Article.url)
        .select_from(Match).join(Article, Article.id == Match.article_id).join(Portal, Portal.id == Article.portal_id)
        .where(Match.kind == "visit").order_by(article_date().desc(), Article.id.desc(), Match.id.desc())
    )
    if province:
        query = query.where(Portal.province == province)
    if partner:
        partners = partner_rows(session.get_bind().dialect.name).subquery()
        query = query.where(Match.id.in_(select(partners.c.match_id).where(partners.c.partner == partner)))
    connection = session.connection()  # Core rows, in the session's transaction: no ORM work per row
    result = connection.execute(query, execution_options={"yield_per": max(1, batch)})
    for rows in result.partitions():
        yield [ListedVisit(published, has_time, seen, where, name, _reasons_directions(data), list(dict.fromkeys(terms or [])),
                           title, snippet, url)
               for published, has_time, seen, where, name, data, terms, title, snippet, url in rows]
