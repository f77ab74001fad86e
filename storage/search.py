"""Full-text search over stored articles: one interface, SQLite FTS5 or PostgreSQL tsvector beneath.

The user's query is never handed to either engine's query syntax. It is parsed here into words and
"quoted phrases", each a sequence of syllables; SQLite gets them as quoted FTS5 phrases, PostgreSQL
as ``phraseto_tsquery`` over bound parameters. So FTS operators, ``%``, ``_`` or SQL in a query are
only text, and a malformed query (unbalanced quotes, too long, nothing to search) gives an empty
result with a message instead of an error. The index itself is built by migration 0008.

PostgreSQL phrases (migration 0013): GIN over a tsvector knows which articles hold a lexeme, not where,
so a phrase of common syllables would have every article holding them all checked by position. A
phrase first narrows to the articles holding each of its adjacent lexeme pairs (``search_pairs @>``,
GIN), and only those are checked by position; a phrase of two lexemes is its pair and is not checked.

Speed (issue 15): every query first finds article ids through an index (FTS5 / GIN for the text,
``ix_articles_listed`` for newest first, the date and portal filters), and only the page's rows are
read. Counting stops at COUNT_CAP (``SearchResult.more``), relevance is computed for the COUNT_CAP
most recently stored matches only (they come first, in rank order; further matches follow, most
recently stored first), unless ``SearchRequest.exact_total`` asks for the full count.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import ARRAY, Integer, Text, and_, any_, column, func, literal, literal_column, select, table, text, true, type_coerce
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from crawler.timefmt import VIETNAM
from monitor.normalise import canonical, strip_accents
from storage.models import Article, Directive, DirectiveMention, Match, Portal
from storage.types import UTCDateTime

MAX_QUERY_CHARS = 500
MAX_GROUPS = 20
MAX_PAGE_SIZE = 1000  # exports read in batches of this size at most
# Counting stops here ("hơn 1.000 kết quả"), and relevance ranks this many of the newest matches.
COUNT_CAP = 1000
# A syllable or number; underscores and punctuation separate (FTS5's unicode61 does the same).
_WORD = re.compile(r"[^\W_]+")
_PART = re.compile(r'"([^"]*)"|([^\s"]+)')
OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
# Index columns migration 0008 adds on PostgreSQL only (generated tsvectors): not in the models.
POSTGRES_ONLY_COLUMNS = {"articles": {"search_vector", "search_folded", "search_pairs", "search_pairs_folded"}}


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


def _without_surrogates(raw: str) -> str:
    """A lone surrogate (a command-line argument of invalid bytes decodes to one) cannot be sent to
    PostgreSQL nor encoded at all: it is dropped, like any character that is no letter or digit."""
    try:
        raw.encode("utf-8")
        return raw
    except UnicodeEncodeError:
        return raw.encode("utf-8", "ignore").decode("utf-8")


def parse_query(raw: str) -> ParsedQuery:
    """Words must all occur; "quoted phrases" must occur as written. Anything else is a message."""
    raw = canonical(_without_surrogates(raw or "")).strip()
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
    partner: str | None = None  # a visit's partner country, as the visit rows store it
    exact_total: bool = False  # count every match instead of stopping at COUNT_CAP
    # False: each hit's article and portal are plain rows of LISTED_COLUMNS (no lead or text, no ORM
    # objects): what a listing or the CSV export shows, several times cheaper to read.
    with_text: bool = True


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
    # True when counting stopped at COUNT_CAP: there are more than ``total`` results.
    more: bool = False

    @property
    def pages(self) -> int:
        counted = max(1, -(-self.total // self.per_page))
        if self.more and len(self.hits) == self.per_page:
            return max(counted, self.page + 1)
        return max(counted, self.page) if self.more else counted


def vietnam_day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, VIETNAM).astimezone(timezone.utc)


def article_date():
    """The date an article is listed and filtered by: published, else first seen.

    Indexed as written (``ix_articles_listed``, migration 0011), so listings walk the index."""
    return type_coerce(func.coalesce(Article.published_at, Article.first_seen_at), UTCDateTime())


def partner_rows(dialect: str):
    """(match_id, article_id, partner) for every partner of every stored visit: the JSON ``terms`` of the visit
    rows unnested (SQLite ``json_each``, PostgreSQL ``json_array_elements_text``), as /doan/ counts them."""
    if dialect == "sqlite":
        values = func.json_each(Match.terms).table_valued("value")
    else:
        values = func.json_array_elements_text(Match.terms).table_valued("value")
    return (select(Match.id.label("match_id"), Match.article_id.label("article_id"), values.c.value.label("partner"))
            .select_from(Match).join(values, true())
            .where(Match.kind == "visit"))


def _filters(request: SearchRequest, ident, dialect: str, walk: bool = True) -> list:
    """Conditions that never read an article's row: on ``articles.id`` (its portal and listed date
    come from ``ix_articles_listed``), or on the FTS5 rowid (then each is an ``IN`` over an index).

    On SQLite the filtered column is wrapped (``x + 0``, ``x || ''``) so the planner neither pushes
    an ``IN`` list into FTS5 (one index lookup per listed id) nor drives a listing from another index
    and sorts its rows, but walks the listing index, or the FTS5 matches, and checks each entry.
    ``walk=False`` leaves the planner free (for finding a few matching ids in any order)."""
    sqlite = dialect == "sqlite" and (walk or ident is not Article.id)
    on_articles = ident is Article.id

    def plain(value):
        return (value + 0 if value.type.python_type is int else value.concat("")) if sqlite else value

    where = []
    listed = article_date()
    portals = []
    if request.province:
        portals.append(Portal.province == request.province)
    if request.kind:
        portals.append(Portal.kind == request.kind)
    dates = []
    if request.date_from:
        dates.append(listed >= vietnam_day_start(request.date_from))
    if request.date_to:
        dates.append(listed < vietnam_day_start(request.date_to + timedelta(days=1)))
    if on_articles:
        if request.portal:
            where.append(plain(Article.portal_id) == request.portal)
        if portals:
            where.append(plain(Article.portal_id).in_(select(Portal.id).where(*portals)))
        where += dates
    else:
        if request.portal:
            where.append(plain(ident).in_(select(Article.id).where(Article.portal_id == request.portal)))
        if portals:
            where.append(plain(ident).in_(select(Article.id).where(Article.portal_id.in_(select(Portal.id).where(*portals)))))
        if dates:
            where.append(plain(ident).in_(select(Article.id).where(*dates)))
    if request.has_directive:
        where.append(plain(ident).in_(select(DirectiveMention.article_id)))
    if request.has_visit:
        where.append(plain(ident).in_(select(Match.article_id).where(Match.kind == "visit")))
    if request.partner:
        rows = partner_rows(dialect).subquery()
        where.append(plain(ident).in_(select(rows.c.article_id).where(rows.c.partner == request.partner)))
    return where


def _sqlite_match(groups: list[Group], folded: bool) -> str:
    """An FTS5 query made only of quoted phrases of syllables: nothing the user typed is syntax."""
    phrases = []
    for group in groups:
        words = [strip_accents(w) if folded else w for w in group.words]
        phrases.append('"' + " ".join(words) + '"')
    return " ".join(phrases)


def _pairs(session: Session, group: Group, folded: bool) -> tuple[list[str], bool]:
    """PostgreSQL: the adjacent lexeme pairs of a phrase as ``pw_pairs()`` (migration 0013) makes them
    from an article's tsvector, parsed by the same parser, and whether they say all the phrase does
    (two lexemes: an article holding the pair holds the phrase, its positions need no check)."""
    if "\x00" in group.text:  # PostgreSQL text cannot hold it (the search itself then answers with a message)
        return [], False
    value = "pw_fold(:value)" if folded else ":value"
    found, lexemes = session.execute(
        text(f"SELECT pw_pairs(v), (SELECT count(*) FROM unnest(v) AS u, unnest(u.positions)) "
             f"FROM to_tsvector('simple', {value}) AS v"), {"value": group.text}).one()
    return list(found or []), bool(found) and lexemes == 2


class _Text:
    """The text query on one backend: ``ident`` the article id it yields, ``where`` the match,
    ``rank`` its relevance (smaller is better), ``source`` what to select from."""

    def __init__(self, session: Session, groups: list[Group], folded: bool):
        self.sqlite = session.get_bind().dialect.name == "sqlite"
        if self.sqlite:
            name = "articles_fts_folded" if folded else "articles_fts"
            self.source = table(name, column("rowid", Integer), column("rank"))
            self.ident = self.source.c.rowid
            self.where = literal_column(name).op("MATCH")(_sqlite_match(groups, folded))
            self.rank = self.source.c.rank
            self.pairs = None
        else:
            # psycopg prepares a statement run five times, and PostgreSQL may then plan it once for any
            # value: for "holds these pairs" that plan walks every article (seconds). Plan each search
            # for its own values (for the rest of this transaction).
            # The same statement reads the planner's count of articles, for ``_dense``.
            self.stored = session.execute(text(
                "SELECT set_config('plan_cache_mode', 'force_custom_plan', true),"
                " (SELECT reltuples FROM pg_class WHERE oid = 'articles'::regclass)")).one()[1]
            vector = literal_column("articles.search_folded" if folded else "articles.search_vector")
            query, checked, pairs = None, None, []
            for group in groups:
                value = func.pw_fold(group.text) if folded else group.text
                part = func.phraseto_tsquery(literal_column("'simple'"), value)
                query = part if query is None else query.op("&&")(part)
                found, exact = _pairs(session, group, folded) if group.phrase else ([], False)
                pairs += found
                if not exact:
                    checked = part if checked is None else checked.op("&&")(part)
            self.source = Article.__table__
            self.ident = Article.id
            self.pairs = self.check = None
            if pairs:  # the articles holding every adjacent pair of the phrases (migration 0013)
                held = literal_column("articles.search_pairs_folded" if folded else "articles.search_pairs")
                self.pairs = held.op("@>")(literal(sorted(set(pairs)), ARRAY(Text)))
            if checked is not None:  # positions checked for those only
                self.check = vector.op("@@")(checked)
            self.where = and_(*(c for c in (self.pairs, self.check) if c is not None))
            # Positions alone (the search before 0013): what a walk of the archive checks, row by row,
            # for a phrase found in much of it (reading a row's tsvector is cheaper than its pairs).
            self.positions = vector.op("@@")(query)
            self.rank = -func.ts_rank_cd(vector, query)

    def walk(self, dense: bool) -> "_Text":
        """This query as a walk of the archive checks it: positions alone when ``dense``."""
        if not dense or self.sqlite:
            return self
        walked = copy.copy(self)
        walked.where, walked.pairs, walked.check = self.positions, None, self.positions
        return walked

    def ids(self, *where):
        return select(self.ident).select_from(self.source).where(self.where, *where)


def _query(session: Session, request: SearchRequest, parsed: ParsedQuery):
    """(the select of (Article, Portal) of every article the request asks for, its order): the exports'
    stream (``search_batches``). Unlike the page it ranks every match: an export reads them all anyway."""
    dialect = session.get_bind().dialect.name
    base = select(Article, Portal).join(Portal, Portal.id == Article.portal_id)
    newest = (article_date().desc(), Article.id.desc())
    if not parsed.groups:
        return base.where(*_filters(request, Article.id, dialect, walk=False)), newest
    match = _Text(session, parsed.groups, request.accent_insensitive)
    if match.sqlite:
        base = base.join(match.source, match.ident == Article.id)
    base = base.where(match.where, *_filters(request, Article.id, dialect, walk=False))
    return base, (newest if request.sort == "date" else (match.rank, *newest))


def search(session: Session, request: SearchRequest) -> SearchResult:
    """One page of the archive: newest first, or by relevance for a text query.

    Relevance (bm25 on SQLite, ts_rank_cd on PostgreSQL) is computed for the COUNT_CAP most recently
    stored matches only, which come first in rank order; any further matches follow, most recently
    stored first. The total stops at COUNT_CAP (``more`` says there are more) unless
    ``exact_total`` asks for the full count. Only the page's rows are read from ``articles``."""
    parsed = parse_query(request.text)
    per_page = min(max(1, request.per_page), MAX_PAGE_SIZE)
    page = max(1, request.page)
    if parsed.error:
        return SearchResult([], 0, page, per_page, parsed, parsed.error)
    offset = (page - 1) * per_page
    dialect = session.get_bind().dialect.name
    try:
        with session.begin_nested():  # a failing statement must not poison the caller's transaction
            if parsed.groups:
                ids, total, more = _text_page(session, request, parsed.groups, offset, per_page, dialect)
            else:
                ids, total, more = _listing_page(session, request, offset, per_page, dialect)
            rows = _load(session, ids, request.with_text)
    except DBAPIError:
        return SearchResult([], 0, page, per_page, parsed, "Không tìm được với câu tìm kiếm này; hãy bỏ bớt ký tự đặc biệt.")
    hits = _hits(session, rows)
    message = None
    if not total:
        message = "Không tìm thấy bài viết nào khớp với câu tìm kiếm và bộ lọc."
    elif not hits:
        message = f"Trang {page} không có kết quả" + (
            "." if more else f": chỉ có {-(-total // per_page)} trang.")
    return SearchResult(hits, total, page, per_page, parsed, message, more)


def _capped(session: Session, ids, request: SearchRequest) -> tuple[int, bool]:
    if request.exact_total:
        return session.scalar(select(func.count()).select_from(ids.subquery())) or 0, False
    found = session.scalar(select(func.count()).select_from(ids.limit(COUNT_CAP + 1).subquery())) or 0
    return min(found, COUNT_CAP), found > COUNT_CAP


def _listing_page(session, request, offset, per_page, dialect):
    """Newest first. Up to COUNT_CAP + 1 matching ids in whatever order the planner finds cheapest
    give the (capped) total; when that is all of them they are sorted, else the page is read by
    walking ``ix_articles_listed`` from the newest end. Ids only: the page's rows are read after."""
    newest = (article_date().desc(), Article.id.desc())
    matching = select(Article.id).where(*_filters(request, Article.id, dialect, walk=False))
    found = list(session.scalars(matching.limit(COUNT_CAP + 1)))
    if len(found) <= COUNT_CAP:
        if not found:
            return [], 0, False
        page = select(Article.id).where(Article.id.in_(found)).order_by(*newest).limit(per_page).offset(offset)
        return list(session.scalars(page)), len(found), False
    total, more = COUNT_CAP, True
    if request.exact_total:
        total, more = _capped(session, matching, request)
    page = select(Article.id).where(*_filters(request, Article.id, dialect)).order_by(*newest).limit(per_page).offset(offset)
    return list(session.scalars(page)), total, more


# Words held by more than this share of the archive are found fastest by walking it newest first (COUNT_CAP
# matches come soon); rarer ones through the GIN index, whose matches are then sorted.
DENSE = 0.15


def _dense(session, condition, stored) -> bool:
    """PostgreSQL: whether the planner expects ``condition`` to hold for more than DENSE of the ``stored``
    articles (its estimate from the tsvector's lexeme statistics, read from EXPLAIN)."""
    connection = session.connection()
    compiled = select(Article.id).where(condition).compile(connection)
    plan = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + compiled.string, compiled.params).scalar()
    return plan[0]["Plan"]["Plan Rows"] > DENSE * max(stored or 0, 1)


def _newest_by_index(session, match: _Text, where) -> list:
    """PostgreSQL, a phrase: its COUNT_CAP + 1 most recently stored matches with their rank. The ids come
    from the pairs' GIN index, sorted (``id + 0``: never a walk of the primary key reading the pairs of
    article after article); when positions must be checked, newest first in growing chunks until enough
    are found (a common phrase checks about COUNT_CAP articles, not all that hold its pairs). The rank is
    computed for the found rows only."""
    # Words (no pairs), or a two-lexeme phrase (no check): GIN alone says which articles match.
    alone = match.check if match.pairs is None else match.pairs if match.check is None else None
    if alone is not None:
        found = select(match.ident).where(alone, *where).order_by((match.ident + 0).desc()).limit(COUNT_CAP + 1).subquery()
        return session.execute(select(Article.id, match.rank).join(found, found.c.id == Article.id)
                               .order_by(Article.id.desc())).all()
    ids = select(match.ident).where(match.pairs, *where).order_by((match.ident + 0).desc())
    candidates = list(session.scalars(ids))
    newest, start, size = [], 0, COUNT_CAP + 1
    while start < len(candidates) and len(newest) <= COUNT_CAP:
        chunk = candidates[start:start + size]
        newest += session.execute(select(Article.id, match.rank).where(Article.id == any_(literal(chunk, ARRAY(Integer))), match.check)
                                  .order_by(Article.id.desc())).all()
        start, size = start + size, size * 2
    return newest[:COUNT_CAP + 1]


def _dated_by_walk(session, match: _Text, request: SearchRequest, wanted: int) -> list[int]:
    """PostgreSQL, newest first, more than COUNT_CAP matches (so one listed article in a hundred or more
    matches): the ``wanted`` first ids, walking ``ix_articles_listed`` newest first in growing chunks and
    checking each chunk by positions (a plan of the planner's own may instead check every article holding
    the phrase's words, or read the pairs of article after article)."""
    listing = (select(Article.id).where(*_filters(request, Article.id, "postgresql"))
               .order_by(article_date().desc(), Article.id.desc()))
    found, start, size = [], 0, max(4 * wanted, 200)
    while len(found) < wanted:
        chunk = list(session.scalars(listing.offset(start).limit(size)))
        if not chunk:
            break
        passed = set(session.scalars(select(Article.id).where(Article.id == any_(literal(chunk, ARRAY(Integer))),
                                                                match.positions)))
        found += [i for i in chunk if i in passed]
        start, size = start + size, size * 2
    return found[:wanted]


def _text_page(session, request, groups, offset, per_page, dialect):
    """One read of the index gives the capped total and the candidates with their rank: the
    COUNT_CAP + 1 most recently stored matches (FTS5 yields them in rowid order, PostgreSQL walks
    the primary key or sorts the GIN matches), the rank computed for those rows only."""
    match = _Text(session, groups, request.accent_insensitive)
    where = _filters(request, match.ident, dialect)
    dense = not match.sqlite and _dense(session, match.check if match.pairs is None else match.pairs, match.stored)
    match = match.walk(dense)
    if request.sort == "date" and not match.sqlite:  # the candidates only count: no rank to compute
        match = copy.copy(match)
        match.rank = literal_column("0")
    if match.sqlite or dense:
        newest = session.execute(select(match.ident, match.rank).select_from(match.source).where(match.where, *where)
                                 .order_by(match.ident.desc()).limit(COUNT_CAP + 1)).all()
    else:
        newest = _newest_by_index(session, match, where)
    candidates, more = newest[:COUNT_CAP], len(newest) > COUNT_CAP
    total = len(candidates)
    if more and request.exact_total:
        total, more = _capped(session, match.ids(*where), request)
    if request.sort == "date":
        if not more:  # every match is a candidate: sort them by date
            if not candidates:
                return [], total, more
            ids = [c[0] for c in candidates]
            page = select(Article.id).where(Article.id.in_(ids))
        elif not match.sqlite:
            return _dated_by_walk(session, match, request, offset + per_page)[offset:], total, more
        else:
            page = select(Article.id).where((Article.id + 0).in_(match.ids()), *_filters(request, Article.id, dialect))
        page = page.order_by(article_date().desc(), Article.id.desc()).limit(per_page).offset(offset)
        return list(session.scalars(page)), total, more
    ranked = sorted(candidates, key=lambda c: (c[1], -c[0]))
    ids = [c[0] for c in ranked[offset:offset + per_page]]
    if more and len(ids) < per_page:  # past the ranked candidates: the rest, most recently stored first
        rest = (match.ids(*where, match.ident < candidates[-1][0]).order_by(match.ident.desc())
                .limit(per_page - len(ids)).offset(max(0, offset - len(candidates))))
        ids += list(session.scalars(rest))
    return ids, total, more


# What a hit holds when the request says ``with_text=False``.
LISTED_COLUMNS = (Article.id, Article.portal_id, Article.url, Article.title, Article.published_at,
                  Article.published_has_time, Article.first_seen_at, Article.topic)
PORTAL_COLUMNS = (Portal.id, Portal.name, Portal.province, Portal.kind)


@dataclass(slots=True)
class _Listed:
    id: int
    portal_id: str
    url: str
    title: str
    published_at: datetime | None
    published_has_time: bool
    first_seen_at: datetime
    topic: str | None


@dataclass(slots=True)
class _ListedPortal:
    id: str
    name: str
    province: str | None
    kind: str | None


def _load(session: Session, ids: list[int], with_text: bool = True):
    if not ids:
        return []
    if not with_text:
        query = (select(*LISTED_COLUMNS, *PORTAL_COLUMNS).join(Portal, Portal.id == Article.portal_id)
                 .where(Article.id.in_(ids)))
        width = len(LISTED_COLUMNS)
        found = {}
        for row in session.execute(query):
            found[row[0]] = (_Listed(*row[:width]), _ListedPortal(*row[width:]))
        return [found[i] for i in ids if i in found]
    query = select(Article, Portal).join(Portal, Portal.id == Article.portal_id).where(Article.id.in_(ids))
    found = {a.id: (a, p) for a, p in session.execute(query)}
    return [found[i] for i in ids if i in found]


def _mentions(
    runner, ids: list[int], among=lambda column, ids: column.in_(ids)
) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """The documents (codes, sorted) and visit partners (first seen first) of the articles ``ids``;
    ``runner`` a session or connection, ``among(column, ids)`` the condition that selects them."""
    codes: dict[int, list[str]] = {}
    partners: dict[int, list[str]] = {}
    if ids:
        for article_id, code in runner.execute(
            select(DirectiveMention.article_id, Directive.code).join(Directive, Directive.id == DirectiveMention.directive_id)
            .where(among(DirectiveMention.article_id, ids)).order_by(Directive.code)
        ):
            codes.setdefault(article_id, []).append(code)
        for article_id, terms in runner.execute(
            select(Match.article_id, Match.terms).where(among(Match.article_id, ids), Match.kind == "visit").order_by(Match.id)
        ):
            found = partners.setdefault(article_id, [])
            found += [t for t in terms or [] if t not in found]
    return codes, partners


def _hits(session: Session, rows) -> list[Hit]:
    codes, partners = _mentions(session, [article.id for article, _ in rows])
    return [Hit(a, p, codes.get(a.id, []), partners.get(a.id, []), a.id in partners) for a, p in rows]


@dataclass
class Facets:
    portals: list[tuple[str, str]]  # (id, name)
    provinces: list[str]
    kinds: list[str]
    partners: list[str] = field(default_factory=list)  # every visit partner stored


def partner_choices(session: Session) -> list[str]:
    """The partner countries that occur in stored visits, in alphabetical order."""
    rows = partner_rows(session.get_bind().dialect.name).subquery()
    found = [p for p in session.scalars(select(rows.c.partner).distinct()) if p]
    return sorted(found, key=lambda p: (strip_accents(p).casefold(), p))


def facets(session: Session) -> Facets:
    """The values the search form offers in its filters."""
    portals = [tuple(row) for row in session.execute(select(Portal.id, Portal.name).order_by(Portal.name))]
    provinces = [p for p in session.scalars(select(Portal.province).distinct().order_by(Portal.province)) if p]
    kinds = [k for k in session.scalars(select(Portal.kind).distinct().order_by(Portal.kind)) if k]
    return Facets(portals, provinces, kinds, partner_choices(session))


def get_article(session: Session, article_id: int) -> Hit | None:
    row = session.execute(
        select(Article, Portal).join(Portal, Portal.id == Article.portal_id).where(Article.id == article_id)
    ).first()
    return _hits(session, [row])[0] if row else None
