"""Full-text search over stored articles: one interface, SQLite FTS5 or PostgreSQL tsvector beneath.

The user's query is never handed to either engine's query syntax. It is parsed here into words and
"quoted phrases", each a sequence of syllables; SQLite gets them as quoted FTS5 phrases, PostgreSQL
as ``phraseto_tsquery`` over bound parameters. So FTS operators, ``%``, ``_`` or SQL in a query are
only text, and a malformed query (unbalanced quotes, too long, nothing to search) gives an empty
result with a message instead of an error. The index itself is built by migration 0008.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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


def _query(session: Session, request: SearchRequest, parsed: ParsedQuery):
    """(the select of (Article, Portal) the request asks for, its order): the page and the exports' one query."""
    base = select(Article, Portal).join(Portal, Portal.id == Article.portal_id).where(*_filters(request))
    newest = (article_date().desc(), Article.id.desc())
    if parsed.groups:
        condition, rank = _text_condition(session, parsed.groups, request.accent_insensitive)
        if hasattr(condition, "c"):  # SQLite: join the FTS5 matches
            base = base.join(condition, condition.c.id == Article.id)
        else:
            base = base.where(condition)
        return base, (newest if request.sort == "date" else (rank, *newest))
    return base, newest


def search(session: Session, request: SearchRequest) -> SearchResult:
    parsed = parse_query(request.text)
    per_page = min(max(1, request.per_page), MAX_PAGE_SIZE)
    page = max(1, request.page)
    if parsed.error:
        return SearchResult([], 0, page, per_page, parsed, parsed.error)
    base, order = _query(session, request, parsed)
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


@dataclass(frozen=True)
class Listed:
    """One search hit as the exports list it: plain columns, no ORM object (a 100,000-row export
    loads no entity), the article's documents and visit partners."""

    id: int
    title: str
    url: str
    published_at: datetime | None
    published_has_time: bool
    first_seen_at: datetime
    topic: str | None
    portal_name: str
    province: str | None
    kind: str | None
    codes: tuple[str, ...]
    partners: tuple[str, ...]


_LISTED = (Article.id, Article.title, Article.url, Article.published_at, Article.published_has_time, Article.first_seen_at,
           Article.topic, Portal.name, Portal.province, Portal.kind)


def search_batches(session: Session, request: SearchRequest, batch: int = 500) -> Iterator[list[Listed]]:
    """Every hit of ``request`` (page and page size ignored), in the page's order, ``batch`` at a time.

    The page's own query and order (``_query``) read as one stream of ids (a server-side cursor on
    PostgreSQL, SQLite's own stepping) in one transaction, so only one batch is held. A query the page
    would refuse yields nothing.
    """
    parsed = parse_query(request.text)
    if parsed.error:
        return
    base, order = _query(session, request, parsed)
    # Only the ids are sorted (a sort of 100,000 titles and URLs spills to disk on SQLite); each
    # batch's columns are then read by id.
    ordered = base.with_only_columns(Article.id).order_by(*order)
    connection = session.connection()  # Core rows, in the session's transaction: no ORM work per row
    try:
        result = connection.execute(ordered, execution_options={"yield_per": max(1, min(batch, MAX_PAGE_SIZE))})
    except DBAPIError:  # a query the engine refuses: an empty export, as the page shows a message
        session.rollback()
        return
    columns = select(*_LISTED).join(Portal, Portal.id == Article.portal_id)
    for chunk in result.partitions():
        ids = [row[0] for row in chunk]
        rows = {row[0]: row for row in connection.execute(columns.where(Article.id.in_(ids)))}
        codes, partners = _mentions(session, ids)
        yield [Listed(*rows[i], tuple(codes.get(i, ())), tuple(partners.get(i, ()))) for i in ids if i in rows]


def _mentions(session: Session, ids: list[int]) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """The documents (codes, sorted) and visit partners (first seen first) of the articles ``ids``."""
    codes: dict[int, list[str]] = {}
    partners: dict[int, list[str]] = {}
    if ids:
        for article_id, code in session.execute(
            select(DirectiveMention.article_id, Directive.code).join(Directive, Directive.id == DirectiveMention.directive_id)
            .where(DirectiveMention.article_id.in_(ids)).order_by(Directive.code)
        ):
            codes.setdefault(article_id, []).append(code)
        for article_id, terms in session.execute(
            select(Match.article_id, Match.terms).where(Match.article_id.in_(ids), Match.kind == "visit").order_by(Match.id)
        ):
            partners.setdefault(article_id, [])
            partners[article_id] += [t for t in terms or [] if t not in partners[article_id]]
    return codes, partners


def _hits(session: Session, rows) -> list[Hit]:
    codes, partners = _mentions(session, [article.id for article, _ in rows])
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
