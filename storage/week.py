"""Queries behind the weekly picture (/tuan/): one ISO week in Vietnam time, Monday 00:00 to Monday 00:00 +07:00.

An article belongs to the week of its date as listed everywhere else (published, else first seen:
``storage.search.article_date``); a document to the week it was first seen; a visit to the week of
the article reporting it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from crawler.timefmt import VIETNAM
from storage.models import Article, Directive, Match, Portal
from storage.registers import VisitRow
from storage.search import article_date, vietnam_day_start

_WEEK = re.compile(r"(\d{4})-[Ww](\d{1,2})")
# Matches that are a subscriber's or a global keyword rule (directives and visits have charts of their own).
RULE_KINDS = ("keyword", "rule")
NO_PROVINCE = "Trung ương, không rõ tỉnh"


@dataclass(frozen=True)
class Week:
    year: int
    week: int

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=n) for n in range(7)]

    @property
    def start(self) -> datetime:
        """Monday 00:00 Vietnam time, as an aware UTC time."""
        return vietnam_day_start(self.monday)

    @property
    def end(self) -> datetime:
        """The next Monday 00:00 Vietnam time (exclusive)."""
        return vietnam_day_start(self.monday + timedelta(days=7))

    @property
    def name(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    def shifted(self, weeks: int) -> "Week":
        return week_of_day(self.monday + timedelta(weeks=weeks))


def make_week(year: int, week: int) -> Week:
    """The ISO week, or ValueError when there is none (week 53 of a 52-week year, week 0, year 0)."""
    date.fromisocalendar(year, week, 1)  # raises ValueError
    if not 1 <= year <= 9998:
        raise ValueError(f"year {year} out of range")
    return Week(year, week)


def parse_week(text: str) -> Week | None:
    """"2026-W48" -> Week(2026, 48); None for anything else."""
    found = _WEEK.fullmatch(text or "")
    if not found:
        return None
    try:
        return make_week(int(found.group(1)), int(found.group(2)))
    except ValueError:
        return None


def week_of_day(day: date) -> Week:
    year, week, _ = day.isocalendar()
    return Week(year, week)


def week_of(moment: datetime) -> Week:
    """The ISO week a UTC moment falls in, in Vietnam time."""
    return week_of_day(moment.astimezone(VIETNAM).date())


@dataclass
class NewDocument:
    directive: Directive
    first_article: Article | None
    first_portal: Portal | None


@dataclass
class WeekData:
    week: Week
    articles: int = 0
    per_province: list[tuple[str, int]] = field(default_factory=list)  # most first
    documents: list[NewDocument] = field(default_factory=list)  # first seen order
    documents_per_day: list[tuple[date, int]] = field(default_factory=list)  # Monday..Sunday
    visits: list[VisitRow] = field(default_factory=list)  # by article date
    partners: list[tuple[str, int]] = field(default_factory=list)  # visits per partner, most first
    rules: list[tuple[str, int]] = field(default_factory=list)  # articles per keyword rule, most first


def _in_week(column, week: Week):
    return (column >= week.start) & (column < week.end)


def _article_in_week(week: Week):
    """``article_date()`` in the week, written so each half can use its column's index (a scan of
    ``coalesce(published_at, first_seen_at)`` reads every stored article)."""
    return or_(_in_week(Article.published_at, week),
               and_(Article.published_at.is_(None), _in_week(Article.first_seen_at, week)))


def week_data(session: Session, week: Week, top: int = 15) -> WeekData:
    """Everything the weekly page, charts and report show for ``week``."""
    data = WeekData(week)
    when = article_date()
    in_week = _article_in_week(week)
    province_rows = session.execute(
        select(Portal.province, func.count(Article.id)).join(Portal, Portal.id == Article.portal_id)
        .where(in_week).group_by(Portal.province)
    ).all()
    per_province = Counter()
    for province, count in province_rows:
        per_province[province or NO_PROVINCE] += count
    data.articles = sum(per_province.values())
    data.per_province = sorted(per_province.items(), key=lambda item: (-item[1], item[0]))

    rows = session.execute(
        select(Directive, Article, Portal)
        .outerjoin(Article, Article.id == Directive.first_article_id).outerjoin(Portal, Portal.id == Article.portal_id)
        .where(_in_week(Directive.first_seen_at, week)).order_by(Directive.first_seen_at, Directive.id)
    ).all()
    data.documents = [NewDocument(d, a, p) for d, a, p in rows]
    per_day = Counter(d.directive.first_seen_at.astimezone(VIETNAM).date() for d in data.documents)
    data.documents_per_day = [(day, per_day.get(day, 0)) for day in week.days]

    partners: Counter = Counter()
    for match, article, portal in session.execute(
        select(Match, Article, Portal).join(Article, Article.id == Match.article_id).join(Portal, Portal.id == Article.portal_id)
        .where(Match.kind == "visit", in_week).order_by(when, Match.id)
    ):
        names = list(dict.fromkeys(match.terms or []))
        partners.update(names)
        reasons = (match.data or {}).get("reasons", [])
        directions = [d for d in ("đoàn vào", "đoàn ra") if any(str(r).startswith(d) for r in reasons)]
        data.visits.append(VisitRow(match, article, portal, directions))
    data.partners = sorted(partners.items(), key=lambda item: (-item[1], item[0]))[:top]

    rule_rows = session.execute(
        select(Match.rule_name, func.count(func.distinct(Match.article_id))).join(Article, Article.id == Match.article_id)
        .where(Match.kind.in_(RULE_KINDS), in_week).group_by(Match.rule_name)
    ).all()
    data.rules = sorted(((name or "(không tên)", n) for name, n in rule_rows), key=lambda item: (-item[1], item[0]))[:top]
    return data
