"""Search bench: archive search, pages and CSV export on real articles, beside the version before.

The archive is the 3,000 real baomoi-2017 articles (shared corpus ``baomoi-2017.jsonl.xz``, copied in tests/fixtures/shared: first
line the title, the rest the text), repeated over 20 portals and spread over a year until it holds
``BENCH_SEARCH_ARTICLES`` articles (default 100,000, the issue's target). Queries are 40 two- and
three-syllable phrases and 20 single words drawn from the texts (seeded), searched as phrases, words
and accent-insensitively, with filters, newest first and deep pages, each with the count and the page
as the web page asks for them. The real monitor's directives and visits of each article are stored
with every copy, so /van-ban/, /doan/ and the directive, visit and partner filters have real rows.

Baselines, same run and same archive: the search before issue 15 (tests/support/search_before.py, on
its schema: migration 0011's indexes dropped first, then restored) for every search, page and the
export (its first 2,000 rows, extrapolated: the whole export takes minutes); the search without the
index, ``title || text LIKE '%…%'``; and the cost the index adds to storing an article (SQLite
triggers), beside schema 0004. Pages are timed as seven GETs over 127.0.0.1 (server and client), after
a first one that compiles the templates.

Run: ``.venv/bin/python -m tests.bench_search`` (or ``make bench``); PostgreSQL too when
``PORTALWATCH_TEST_POSTGRES_URL`` is set. ``BENCH_SEARCH_KEEP=<folder>`` keeps the filled archives
(an SQLite file there, a PostgreSQL schema ``pw_bench_search_<size>``) and reuses them next time;
``BENCH_SEARCH_QUICK=1`` then times only this version's searches and pages (no baselines, no export).
PostgreSQL is filled by one COPY with the secondary indexes of ``articles`` built after it.
"""

from __future__ import annotations

import lzma
import json
import os
import random
import tempfile
import time
import uuid
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlencode

from sqlalchemy import func, insert, or_, select, text

from monitor.normalise import tokens
from storage import repositories as repo
from storage.db import make_engine, session_factory, transaction
from storage.migrate import upgrade
from storage.models import Article, Directive, DirectiveMention, Match
from storage.search import SearchRequest, search
from tests.support.corpus import corpus
from tests.support.private_postgres import schema_on

CORPUS = corpus("baomoi-2017.jsonl.xz")
ARTICLES = int(os.environ.get("BENCH_SEARCH_ARTICLES", "100000"))
PORTALS = 20
TARGET_MS = 100
PAGE_TARGET_MS = 200
EXPORT_TARGET_S = 10
# A folder where the filled archives are kept and reused (SQLite file, PostgreSQL schema named after the
# size): filling 100,000 articles takes minutes on SQLite and far longer on PostgreSQL.
KEEP = os.environ.get("BENCH_SEARCH_KEEP")
# "1": only this version's search cases and pages on the (kept) archives: no baselines, no export, no
# store cost (for quick iterations on the search).
QUICK = os.environ.get("BENCH_SEARCH_QUICK") == "1"
START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _corpus() -> list[tuple[str, str]]:
    out = []
    with lzma.open(CORPUS, "rt", encoding="utf-8") as lines:
        for line in lines:
            body = json.loads(line)["text"].strip()
            title, _, rest = body.partition("\n")
            if rest.strip():
                out.append((title.strip()[:300], rest.strip()))
    return out


def _rows(corpus, count: int):
    for n in range(count):
        title, body = corpus[n % len(corpus)]
        when = START + timedelta(minutes=5 * n)
        yield dict(portal_id=f"p{n % PORTALS}", url=f"http://x/{n}", canonical_url=f"http://x/{n}", title=title,
                   text=body, published_at=when, first_seen_at=when, content_hash=f"{n:x}", baseline=False,
                   published_has_time=True)


def _fill(factory, corpus, count: int) -> float:
    """Store ``count`` articles; returns seconds per 1,000 articles. SQLite: inserts of 2,000 rows (its
    triggers index each). PostgreSQL: one COPY with the secondary indexes of ``articles`` dropped and
    built again after (GIN insertion row by row made the fill take half an hour)."""
    with transaction(factory) as session:
        for i in range(PORTALS):
            repo.sync_portal(session, repo.PortalFields(id=f"p{i}", name=f"Cổng {i}", province=f"Tỉnh {i % 7}", kind="government"))
    started = time.perf_counter()
    with transaction(factory) as session:
        postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        _copy(factory, _rows(corpus, count))
        return (time.perf_counter() - started) / count * 1000
    batch = []
    for n, row in enumerate(_rows(corpus, count)):
        batch.append(row)
        if len(batch) == 2000 or n == count - 1:
            with transaction(factory) as session:
                session.execute(insert(Article), batch)
            batch = []
    return (time.perf_counter() - started) / count * 1000


def _copy(factory, rows) -> None:
    """PostgreSQL: COPY ``rows`` into ``articles``, its non-unique indexes dropped meanwhile and rebuilt."""
    with transaction(factory) as session:
        session.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        # This schema's table (the search path's), whatever other schemas on the server hold (tests'
        # schemas have indexes of the same names).
        indexes = session.execute(text(
            "SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid "
            "WHERE x.indrelid = 'articles'::regclass AND NOT x.indisunique")).all()
        for name, _ in indexes:
            session.execute(text(f'DROP INDEX "{name}"'))
        cursor = session.connection().connection.driver_connection.cursor()
        with cursor.copy("COPY articles (portal_id, url, canonical_url, title, text, published_at, first_seen_at, "
                         "content_hash, baseline, published_has_time) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(tuple(row.values()))
        for _, definition in indexes:
            session.execute(text(definition))
        session.execute(text("ANALYZE articles"))


def _events(corpus) -> list[tuple[list, list]]:
    """The real monitor's directives and visits for each corpus article (analysed once, copied to
    every stored copy): what /van-ban/, /doan/ and the directive, visit and partner filters read."""
    from monitor.analysis import ArticleInput, Monitor

    monitor = Monitor()
    out = []
    for title, body in corpus:
        found = monitor.analyse(ArticleInput(text=body, title=title))
        out.append((found.directives, found.visits))
    return out


def _add_events(factory, events, count: int) -> None:
    with transaction(factory) as session:
        ids = dict(session.execute(select(Article.url, Article.id)).all())
        directives: dict[tuple, Directive] = {}
        mentions, visits = [], []
        for n in range(count):
            found, seen = events[n % len(events)], START + timedelta(minutes=5 * n)
            article_id = ids[f"http://x/{n}"]
            for d in found[0]:
                key = (d.code, d.scope or "VN")
                if key not in directives:
                    directives[key] = Directive(code=d.code, scope=key[1], kind=d.kind, number=str(d.number), year=d.year,
                                                issuer=d.issuer, first_article_id=article_id, first_seen_at=seen, mentions=0)
                directives[key].mentions += 1
                mentions.append((key, article_id, d.sentence[:500]))
            for v in found[1]:
                visits.append(dict(article_id=article_id, kind="visit", terms=list(v.partners), snippet=v.sentence[:500],
                                   data={"reasons": [f"{'đoàn ra' if v.direction == 'outbound' else 'đoàn vào'}: {', '.join(v.partners)}"]},
                                   created_at=seen))
        session.add_all(directives.values())
        session.flush()
        rows = {(m[0], m[1]): m for m in mentions}  # one mention per document and article
        session.execute(insert(DirectiveMention), [dict(directive_id=directives[k].id, article_id=a, sentence=s)
                                                   for k, a, s in rows.values()])
        if visits:
            session.execute(insert(Match), visits)


def _queries(corpus) -> list[str]:
    rng = random.Random(15)
    out = []
    while len(out) < 60:
        words = [w for w in tokens(rng.choice(corpus)[1]) if w[0].isalpha()]
        if len(words) < 10:
            continue
        start = rng.randrange(len(words) - 3)
        size = 1 if len(out) >= 40 else rng.choice((2, 3))
        out.append(" ".join(words[start:start + size]))
    return out


def _p(values, q) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def _time(fn, queries) -> list[float]:
    times = []
    for query in queries:
        started = time.perf_counter()
        fn(query)
        times.append(time.perf_counter() - started)
    return times


def _indexes_0011(url: str, present: bool) -> None:
    """The schema the search before issue 15 ran on is the one without migration 0011's indexes: only that
    revision is taken back (``present=False``) and run again, the later ones stay (a downgrade past 0013
    and back would rewrite ``articles`` twice, minutes each on PostgreSQL)."""
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    module = ScriptDirectory.from_config(alembic_config(url)).get_revision("0011").module
    engine = make_engine(url)
    try:
        with engine.begin() as connection, Operations.context(MigrationContext.configure(connection)):
            (module.upgrade if present else module.downgrade)()
    finally:
        engine.dispose()


def _archive(url: str, corpus, events) -> str:
    """The archive at ``url``: filled unless it already holds ARTICLES articles (a kept archive)."""
    upgrade(url)
    engine = make_engine(url)
    try:
        factory = session_factory(engine)
        with transaction(factory) as session:
            stored = session.scalar(select(func.count(Article.id)))
            mentioned = session.scalar(select(func.count(DirectiveMention.id)))
        if stored and stored != ARTICLES:
            raise RuntimeError(f"{url}: {stored} articles stored, not {ARTICLES}; remove it")
        shown = "kept archive reused"
        if not stored:
            shown = f"{_fill(factory, corpus, ARTICLES):.2f} s / 1,000 articles"
        if not mentioned:
            _add_events(factory, events, ARTICLES)
        return shown
    finally:
        engine.dispose()


class _Searches:
    """The archive's search timings, for the search of this version or of the one before."""

    def __init__(self, name, factory, queries, search_fn, request_cls):
        self.name, self.factory, self.queries, self.search, self.request = name, factory, queries, search_fn, request_cls

    def run(self, query, **kwargs):
        with transaction(self.factory) as session:
            return self.search(session, self.request(text=query, **kwargs))

    def cases(self, partner):
        phrases = [f'"{q}"' for q in self.queries]
        return {
            "phrase": _time(self.run, phrases),
            "words": _time(self.run, self.queries),
            "phrase, no accents": _time(lambda q: self.run(q, accent_insensitive=True), phrases),
            "phrase + province": _time(lambda q: self.run(q, province="Tỉnh 3"), phrases[:20]),
            "phrase, newest first": _time(lambda q: self.run(q, sort="date"), phrases[:20]),
            "phrase + dates + visit": _time(lambda q: self.run(q, date_from=date(2026, 2, 1), date_to=date(2026, 6, 30),
                                                               has_visit=True), phrases[:20]),
            f"partner {partner} (before: no such filter)": _time(lambda q: self.run("", partner=partner), ["", "", "", "", ""]),
            "phrase, page 30": _time(lambda q: self.run(q, page=30), phrases[:20]),
        }


def _pages(factory, queries) -> dict[str, list[float]]:
    """Server time of each page: seven GETs each over 127.0.0.1, after one that warms the templates."""
    import asyncio

    from aiohttp.test_utils import TestClient, TestServer

    from tests.web.support import PageDaemon
    from web.app import build_app

    with transaction(factory) as session:
        article = session.scalar(select(Article.id).order_by(Article.id.desc()).limit(1))
        code = session.scalar(select(Directive.code).order_by(Directive.mentions.desc()).limit(1))
    paths = {"/": "/", "/?q=…": "/?" + urlencode({"q": f'"{queries[0]}"'}),
             "/?q=… (word)": "/?" + urlencode({"q": queries[45]}), "/bai-viet/<id>": f"/bai-viet/{article}",
             "/van-ban/": "/van-ban/", "/van-ban/<code>": f"/van-ban/{code}", "/doan/": "/doan/", "/trang-thai": "/trang-thai"}

    async def go():
        out = {}
        async with TestClient(TestServer(build_app(PageDaemon(factory)), host="127.0.0.1")) as client:
            for label, path in paths.items():
                await (await client.get(path)).read()
                out[label] = []
                for _ in range(7):
                    started = time.perf_counter()
                    answer = await client.get(path)
                    await answer.read()
                    out[label].append(time.perf_counter() - started)
                    assert answer.status == 200, (path, answer.status)
        return out

    return asyncio.run(go())


def _export(factory, batches: int | None = None) -> tuple[float, int, float]:
    """GET /tim-kiem.csv of the whole archive: (seconds, rows, peak RSS growth in MB); ``batches``
    stops after that many batches of the export (for the slow previous version)."""
    import asyncio
    import threading

    from aiohttp.test_utils import TestClient, TestServer

    from tests.web.support import PageDaemon
    from web.app import build_app
    from web.exports import BATCH

    def rss() -> float:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    peak, stop = [rss()], threading.Event()

    def sample():
        while not stop.wait(0.02):
            peak.append(rss())

    async def go():
        async with TestClient(TestServer(build_app(PageDaemon(factory)), host="127.0.0.1")) as client:
            started = time.perf_counter()
            answer = await client.get("/tim-kiem.csv")
            lines = 0
            async for chunk in answer.content.iter_any():
                lines += chunk.count(b"\n")
                if batches and lines > batches * BATCH:
                    break
            return time.perf_counter() - started, lines - 1

    sampler = threading.Thread(target=sample, daemon=True)
    start = rss()
    sampler.start()
    try:
        seconds, rows = asyncio.run(go())
    finally:
        stop.set()
        sampler.join()
    return seconds, rows, max(peak) - start


def _partner(factory) -> str:
    """The partner of most visits."""
    with transaction(factory) as session:
        counts = Counter(p for terms in session.scalars(select(Match.terms).where(Match.kind == "visit")) for p in terms)
    return counts.most_common(1)[0][0] if counts else "Lào"


def _quick(name: str, url: str, corpus, queries, events) -> list[tuple[str, str, str]]:
    """BENCH_SEARCH_QUICK: this version's cases and pages only, at head."""
    rows = [(f"search {name}: store (index kept)", _archive(url, corpus, events), "-")]
    engine = make_engine(url)
    factory = session_factory(engine)
    try:
        now = _Searches(name, factory, queries, search, SearchRequest)
        now.run(f'"{queries[0]}"')
        for label, times in now.cases(_partner(factory)).items():
            rows.append((f"search {name} p95: {label}", f"{_p(times, .95):.0f} ms (p50 {_p(times, .5):.0f})", f"≤ {TARGET_MS} ms"))
        for label, times in _pages(factory, queries).items():
            rows.append((f"page {name} {label}: median of 7", f"{_p(times, .5):.0f} ms (max {max(times) * 1000:.0f})",
                         f"≤ {PAGE_TARGET_MS} ms"))
        return rows
    finally:
        engine.dispose()


def _measure(name: str, url: str, corpus, queries, events) -> list[tuple[str, str, str]]:
    from tests.support import search_before

    import web.archive
    import web.exports
    import web.registers

    stored = _archive(url, corpus, events)
    rows = [(f"search {name}: store (index kept)", stored, "-")]
    engine = make_engine(url)
    factory = session_factory(engine)
    try:
        partner = _partner(factory)

        def like(query):
            # No index at all: the phrase as a substring, count and first page.
            pattern = f"%{query}%"
            with transaction(factory) as session:
                where = or_(Article.title.like(pattern), Article.text.like(pattern))
                session.scalar(select(func.count(Article.id)).where(where))
                list(session.scalars(select(Article.id).where(where).order_by(Article.first_seen_at.desc()).limit(20)))

        # The version before, on its own schema (the indexes of 0011 dropped), then this one at head.
        _indexes_0011(url, present=False)
        # The request of this version: the one before reads the fields it knows (it has no partner filter).
        before = _Searches(name, factory, queries, search_before.search, SearchRequest)
        before.run(f'"{queries[0]}"')  # warm
        baseline = _time(like, queries[:15])
        old = before.cases(partner)
        live = (web.archive.search, web.exports.search_batches, web.registers.visits)
        web.archive.search = search_before.search
        web.exports.search_batches = search_before.search_batches
        web.registers.visits = search_before.visits
        try:
            old_pages = _pages(factory, queries)
            old_export = _export(factory, batches=4)
        finally:
            web.archive.search, web.exports.search_batches, web.registers.visits = live
        _indexes_0011(url, present=True)
        now = _Searches(name, factory, queries, search, SearchRequest)
        now.run(f'"{queries[0]}"')
        new = now.cases(partner)
        for label, times in new.items():
            rows.append((f"search {name} p95: {label}", f"{_p(times, .95):.0f} ms (p50 {_p(times, .5):.0f})",
                         f"≤ {TARGET_MS} ms; before {_p(old[label], .95):.0f} ms (p50 {_p(old[label], .5):.0f})"))
        rows.append((f"search {name}: LIKE scan p95 (no index)", f"{_p(baseline, .95):.0f} ms", "-"))
        for label, times in _pages(factory, queries).items():
            rows.append((f"page {name} {label}: median of 7", f"{_p(times, .5):.0f} ms (max {max(times) * 1000:.0f})",
                         f"≤ {PAGE_TARGET_MS} ms; before {_p(old_pages[label], .5):.0f} ms (max {max(old_pages[label]) * 1000:.0f})"))
        seconds, exported, memory = _export(factory)
        old_seconds, old_rows, old_memory = old_export
        rows.append((f"export {name}: CSV of the archive", f"{seconds:.1f} s, {exported:,} rows, RSS +{memory:.0f} MB",
                     f"≤ {EXPORT_TARGET_S} s; before {old_seconds:.1f} s for {old_rows:,} rows "
                     f"(≈ {old_seconds * ARTICLES / max(1, old_rows):.0f} s for {ARTICLES:,}), RSS +{old_memory:.0f} MB"))
        return rows
    finally:
        engine.dispose()


def _insert_overhead(corpus) -> tuple[str, str, str]:
    """Per-article store cost on SQLite with the index (head) and without (schema 0004)."""
    costs = {}
    for revision in ("0004", "head"):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/bench.db"
            upgrade(url, revision=revision)
            engine = make_engine(url)
            costs[revision] = _fill(session_factory(engine), corpus, 6000)
            engine.dispose()
    return ("search sqlite: store 6,000 articles", f"{costs['head']:.2f} s / 1,000 with the index",
            f"{costs['0004']:.2f} s / 1,000 without (0004)")


def run() -> list[tuple[str, str, str]]:
    if not CORPUS.exists():
        return [("search: skipped", f"{CORPUS} not found", "-")]
    corpus = _corpus()
    queries = _queries(corpus)
    events = _events(corpus)
    rows = [(f"search: archive", f"{ARTICLES:,} articles from {len(corpus):,} real ones", "-")]
    if not QUICK:
        rows.append(_insert_overhead(corpus))
    measure = _quick if QUICK else _measure
    rows.append(("search: machine load (1, 5, 15 min)", " ".join(f"{v:.1f}" for v in os.getloadavg()), f"{os.cpu_count()} CPUs"))
    with tempfile.TemporaryDirectory() as folder:
        path = f"{KEEP}/bench-search-{ARTICLES}.db" if KEEP else f"{folder}/bench.db"
        rows += measure("sqlite", f"sqlite:///{path}", corpus, queries, events)
    server = os.environ.get("PORTALWATCH_TEST_POSTGRES_URL")
    if server:
        schema = f"pw_bench_search_{ARTICLES}" if KEEP else f"pw_bench_{uuid.uuid4().hex[:8]}"
        with schema_on(server, schema, keep=bool(KEEP)) as url:
            rows += measure("postgres", url, corpus, queries, events)
    return rows


if __name__ == "__main__":
    for row in run():
        print("  ".join(row))
