"""The archive search as it was before issue 15 (schema 0009), kept callable as the search bench's baseline.

A frozen copy of storage/search.py's ``search()`` at that version (it ranks and counts every match), and
of storage/registers.py's ``visits()`` (it reads every visit row to count partners).
Only tests/bench_search.py uses it; the product's search is storage/search.py.
"""

from __future__ import annotations

from collections import Counter

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import and_, exists, func, literal_column, select, text, type_coerce
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from crawler.timefmt import VIETNAM
from monitor.normalise import canonical, strip_accents
from storage.models import Article, Directive, DirectiveMention, Match, Portal
from storage.types import UTCDateTime

MAX_QUERY_CHARS = 500
MAX_GROUPS = 20
MAX_PAGE_SIZE = 1000  # exports read in batches of this size at most
# A syllable or number; underscores and punctuation separate (FTS5's unicode61 does the same).
_WORD = re.compile(r"[^\W_]+")
_PART = re.compile(r'"([^"]*)"|([^\s"]+)')
OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
# Index columns migration 0008 adds on PostgreSQL only (generated tsvectors): not in the models.
POSTGRES_ONLY_COLUMNS = {"articles": {"search_vector", "search_folded"}}


def fold_table() -> tuple[str, str]:
    """Every precomposed Latin letter and its accent-free form by monitor's ``strip_accents``.

    PostgreSQL's ``pw_fold()`` (migration 0008) is ``translate()`` over this table, so the database
    folds exactly as the monitor's accent-insensitive rules do.
    """
    source, target = [], []
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        folded = strip_accents(char)
        if folded != char and len(folded) == 1:
            source.append(char)
            target.append(folded)
    return "".join(source), "".join(target)


@dataclass(frozen=True)
class Group:
    """A word or a quoted phrase: ``text`` as typed (canonical), ``words`` its syllables."""

    text: str
    words: tuple[str, ...]
    phrase: bool


@dataclass
class ParsedQuery:
    groups: list[Group] = field(default_factory=list)
    error: str | None = None


def parse_query(raw: str) -> ParsedQuery:
    """Words must all occur; "quoted phrases" must occur as written. Anything else is a message."""
    raw = canonical(raw or "").strip()
    if not raw:
        return ParsedQuery()
    if len(raw) > MAX_QUERY_CHARS:
        return ParsedQuery(error=f"Câu tìm kiếm quá dài ({len(raw):,} ký tự; tối đa {MAX_QUERY_CHARS}).".replace(",", "."))
    if raw.count('"') % 2:
        return ParsedQuery(error='Thiếu dấu ngoặc kép đóng: đặt cụm từ cần tìm giữa hai dấu ngoặc kép, ví dụ "đối ngoại nhân dân".')
    groups = []
    for match in _PART.finditer(raw):
        phrase = match.group(1) is not None
        part = (match.group(1) if phrase else match.group(2)).strip()
        if not phrase and part in OPERATORS:
            return ParsedQuery(error=f"Không hỗ trợ toán tử {part}: mọi từ gõ vào đều phải có trong bài; "
                                     'cụm từ đặt trong ngoặc kép.')
        words = tuple(_WORD.findall(part))
        if words:
            groups.append(Group(part, words, phrase or len(words) > 1))
    if not groups:
        return ParsedQuery(error="Câu tìm kiếm không có chữ hoặc số nào để tìm.")
    if len(groups) > MAX_GROUPS:
        return ParsedQuery(error=f"Câu tìm kiếm có quá nhiều từ (tối đa {MAX_GROUPS} từ hoặc cụm từ).")
    return ParsedQuery(groups)


@dataclass
class SearchRequest:
    text: str = ""
    accent_insensitive: bool = False
    portal: str | None = None
    province: str | None = None
    kind: str | None = None  # the portal's kind
    date_from: date | None = None  # Vietnam dates, inclusive
    date_to: date | None = None
    has_directive: bool = False
    has_visit: bool = False
    sort: str = "relevance"  # or "date"; without a text query always newest first
    page: int = 1
    per_page: int = 20


@dataclass
class Hit:
    article: Article
    portal: Portal
    codes: list[str]
    partners: list[str]
    visit: bool


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    query: ParsedQuery
    message: str | None = None
    more = False  # (not in the version before: lets today's archive page render its result)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def vietnam_day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, VIETNAM).astimezone(timezone.utc)


def article_date():
    """The date an article is listed and filtered by: published, else first seen."""
    return type_coerce(func.coalesce(Article.published_at, Article.first_seen_at), UTCDateTime())


def _filters(request: SearchRequest) -> list:
    where = []
    if request.portal:
        where.append(Article.portal_id == request.portal)
    if request.province:
        where.append(Portal.province == request.province)
    if request.kind:
        where.append(Portal.kind == request.kind)
    if request.date_from:
        where.append(article_date() >= vietnam_day_start(request.date_from))
    if request.date_to:
        where.append(article_date() < vietnam_day_start(request.date_to + timedelta(days=1)))
    if request.has_directive:
        where.append(exists().where(DirectiveMention.article_id == Article.id))
    if request.has_visit:
        where.append(exists().where(and_(Match.article_id == Article.id, Match.kind == "visit")))
    return where


def _sqlite_match(groups: list[Group], folded: bool) -> str:
    """An FTS5 query made only of quoted phrases of syllables: nothing the user typed is syntax."""
    phrases = []
    for group in groups:
        words = [strip_accents(w) if folded else w for w in group.words]
        phrases.append('"' + " ".join(words) + '"')
    return " ".join(phrases)


def _text_condition(session: Session, groups: list[Group], folded: bool):
    """(where clause, rank expression: smaller is better) for the session's backend."""
    if session.get_bind().dialect.name == "sqlite":
        table = "articles_fts_folded" if folded else "articles_fts"
        fts = select(literal_column("rowid").label("id"), literal_column("rank").label("rank")).select_from(
            text(table)
        ).where(literal_column(table).op("MATCH")(_sqlite_match(groups, folded))).subquery("fts")
        return fts, fts.c.rank
    column = literal_column("articles.search_folded" if folded else "articles.search_vector")
    query = None
    for group in groups:
        value = func.pw_fold(group.text) if folded else group.text
        part = func.phraseto_tsquery(literal_column("'simple'"), value)
        query = part if query is None else query.op("&&")(part)
    return column.op("@@")(query), -func.ts_rank_cd(column, query)


def search(session: Session, request: SearchRequest) -> SearchResult:
    parsed = parse_query(request.text)
    per_page = min(max(1, request.per_page), MAX_PAGE_SIZE)
    page = max(1, request.page)
    if parsed.error:
        return SearchResult([], 0, page, per_page, parsed, parsed.error)
    base = select(Article, Portal).join(Portal, Portal.id == Article.portal_id).where(*_filters(request))
    newest = (article_date().desc(), Article.id.desc())
    if parsed.groups:
        condition, rank = _text_condition(session, parsed.groups, request.accent_insensitive)
        if hasattr(condition, "c"):  # SQLite: join the FTS5 matches
            base = base.join(condition, condition.c.id == Article.id)
        else:
            base = base.where(condition)
        order = newest if request.sort == "date" else (rank, *newest)
    else:
        order = newest
    counted = select(func.count()).select_from(base.with_only_columns(Article.id).subquery())
    try:
        with session.begin_nested():  # a failing statement must not poison the caller's transaction
            total = session.scalar(counted) or 0
            rows = session.execute(base.order_by(*order).limit(per_page).offset((page - 1) * per_page)).all()
    except DBAPIError:
        return SearchResult([], 0, page, per_page, parsed, "Không tìm được với câu tìm kiếm này; hãy bỏ bớt ký tự đặc biệt.")
    hits = _hits(session, rows)
    message = None
    if not total:
        message = "Không tìm thấy bài viết nào khớp với câu tìm kiếm và bộ lọc."
    elif not hits:
        message = f"Trang {page} không có kết quả: chỉ có {-(-total // per_page)} trang."
    return SearchResult(hits, total, page, per_page, parsed, message)


def _hits(session: Session, rows) -> list[Hit]:
    ids = [article.id for article, _ in rows]
    codes: dict[int, list[str]] = {}
    partners: dict[int, list[str]] = {}
    if ids:
        for article_id, code in session.execute(
            select(DirectiveMention.article_id, Directive.code).join(Directive, Directive.id == DirectiveMention.directive_id)
            .where(DirectiveMention.article_id.in_(ids)).order_by(Directive.code)
        ):
            codes.setdefault(article_id, []).append(code)
        for article_id, terms in session.execute(
            select(Match.article_id, Match.terms).where(Match.article_id.in_(ids), Match.kind == "visit")
        ):
            partners.setdefault(article_id, [])
            partners[article_id] += [t for t in terms or [] if t not in partners[article_id]]
    return [Hit(a, p, codes.get(a.id, []), partners.get(a.id, []), a.id in partners) for a, p in rows]


@dataclass
class Facets:
    portals: list[tuple[str, str]]  # (id, name)
    provinces: list[str]
    kinds: list[str]


def facets(session: Session) -> Facets:
    """The values the search form offers in its filters."""
    portals = [tuple(row) for row in session.execute(select(Portal.id, Portal.name).order_by(Portal.name))]
    provinces = [p for p in session.scalars(select(Portal.province).distinct().order_by(Portal.province)) if p]
    kinds = [k for k in session.scalars(select(Portal.kind).distinct().order_by(Portal.kind)) if k]
    return Facets(portals, provinces, kinds)


def get_article(session: Session, article_id: int) -> Hit | None:
    row = session.execute(
        select(Article, Portal).join(Portal, Portal.id == Article.portal_id).where(Article.id == article_id)
    ).first()
    return _hits(session, [row])[0] if row else None


@dataclass
class VisitRow:
    match: Match
    article: Article
    portal: Portal
    directions: list[str]  # "đoàn ra" / "đoàn vào", from the detector's reasons


def visits(session: Session, partner: str | None = None, province: str | None = None,
           limit: int = 100) -> tuple[list[VisitRow], Counter]:
    """Detected foreign visits, newest first, and the count of visits per partner country."""
    query = (
        select(Match, Article, Portal).join(Article, Article.id == Match.article_id).join(Portal, Portal.id == Article.portal_id)
        .where(Match.kind == "visit").order_by(article_date().desc(), Match.id.desc())
    )
    if province:
        query = query.where(Portal.province == province)
    counts: Counter = Counter()
    rows = []
    for match, article, portal in session.execute(query):
        partners = list(dict.fromkeys(match.terms or []))
        counts.update(partners)
        if partner and partner not in partners:
            continue
        if len(rows) < limit:
            reasons = (match.data or {}).get("reasons", [])
            directions = [d for d in ("đoàn vào", "đoàn ra") if any(str(r).startswith(d) for r in reasons)]
            rows.append(VisitRow(match, article, portal, directions))
    return rows, counts


def search_batches(session: Session, request: SearchRequest, batch: int = 500):
    """The export as it read the search before issue 15: page after page of ``search()`` (each one counting
    and ranking every match), as rows of what today's export writes (``storage.exports.Listed``)."""
    from dataclasses import replace

    from storage.exports import Listed

    number = 1
    while True:
        result = search(session, replace(request, page=number, per_page=batch))
        if not result.hits:
            return
        yield [Listed(h.article.id, h.article.title, h.article.url, h.article.published_at, h.article.published_has_time,
                      h.article.first_seen_at, h.article.topic, h.portal.name, h.portal.province, h.portal.kind,
                      tuple(h.codes), tuple(h.partners)) for h in result.hits]
        number += 1
