"""Queries behind the document register (/van-ban/) and the visits register (/doan/)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Article, Directive, DirectiveMention, Match, Portal
from storage.search import article_date, partner_rows


@dataclass
class DirectiveRow:
    directive: Directive
    first_article: Article | None
    first_portal: Portal | None
    portals: int  # how many portals mention it


def directive_list(session: Session, kind: str | None = None, issuer: str | None = None, year: int | None = None,
                   limit: int = 50, offset: int = 0) -> tuple[list[DirectiveRow], int]:
    """Documents, the most recently first seen first, with their first sighting; and the total."""
    where = []
    if kind:
        where.append(Directive.kind == kind)
    if issuer:
        where.append(Directive.issuer == issuer)
    if year:
        where.append(Directive.year == year)
    total = session.scalar(select(func.count(Directive.id)).where(*where)) or 0
    spread = (
        select(DirectiveMention.directive_id, func.count(func.distinct(Article.portal_id)).label("portals"))
        .join(Article, Article.id == DirectiveMention.article_id).group_by(DirectiveMention.directive_id).subquery()
    )
    rows = session.execute(
        select(Directive, Article, Portal, spread.c.portals)
        .outerjoin(Article, Article.id == Directive.first_article_id)
        .outerjoin(Portal, Portal.id == Article.portal_id)
        .outerjoin(spread, spread.c.directive_id == Directive.id)
        .where(*where).order_by(Directive.first_seen_at.desc(), Directive.id.desc()).limit(limit).offset(offset)
    ).all()
    return [DirectiveRow(d, a, p, n or 0) for d, a, p, n in rows], total


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


def directive_by_code(session: Session, code: str) -> tuple[Directive, list[Mention]] | None:
    """A document and every article mentioning it, in the order they were published (the timeline)."""
    directive = session.scalar(select(Directive).where(Directive.code == code))
    if directive is None:
        return None
    rows = session.execute(
        select(DirectiveMention.sentence, Article, Portal)
        .join(Article, Article.id == DirectiveMention.article_id).join(Portal, Portal.id == Article.portal_id)
        .where(DirectiveMention.directive_id == directive.id).order_by(article_date(), Article.id)
    ).all()
    return directive, [Mention(a, p, s) for s, a, p in rows]


@dataclass
class VisitRow:
    match: Match
    article: Article
    portal: Portal
    directions: list[str]  # "đoàn ra" / "đoàn vào", from the detector's reasons


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
        reasons = (match.data or {}).get("reasons", [])
        directions = [d for d in ("đoàn vào", "đoàn ra") if any(str(r).startswith(d) for r in reasons)]
        rows.append(VisitRow(match, article, portal, directions))
    return rows, counts
