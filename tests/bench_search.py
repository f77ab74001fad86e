"""Search bench: archive search latency on real articles, beside a LIKE scan of the same archive.

The archive is the 3,000 real baomoi-2017 articles (shared corpus ``baomoi-2017.jsonl.xz``, copied in tests/fixtures/shared: first
line the title, the rest the text), repeated over 20 portals and spread over a year until it holds
``BENCH_SEARCH_ARTICLES`` articles (default 100,000, the issue's target). Queries are 40 two- and
three-syllable phrases and 20 single words drawn from the texts (seeded), searched as phrases, words
and accent-insensitively, each with the count and first page as the web page asks for them.

Baseline, same run and same archive: the search without the index, ``title || text LIKE '%…%'``.
Also the cost the index adds to storing an article (SQLite triggers), beside schema 0004.

Run: ``.venv/bin/python -m tests.bench_search`` (or ``make bench``); PostgreSQL too when
``PORTALWATCH_TEST_POSTGRES_URL`` is set.
"""

from __future__ import annotations

import lzma
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import create_engine, func, insert, or_, select, text

from monitor.normalise import tokens
from storage import repositories as repo
from storage.db import make_engine, session_factory, transaction
from storage.migrate import upgrade
from storage.models import Article
from storage.search import SearchRequest, search
from tests.support.corpus import corpus

CORPUS = corpus("baomoi-2017.jsonl.xz")
ARTICLES = int(os.environ.get("BENCH_SEARCH_ARTICLES", "100000"))
PORTALS = 20
TARGET_MS = 100
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


def _fill(factory, corpus, count: int) -> float:
    """Store ``count`` articles in batches of 2,000; returns seconds per 1,000 articles."""
    with transaction(factory) as session:
        for i in range(PORTALS):
            repo.sync_portal(session, repo.PortalFields(id=f"p{i}", name=f"Cổng {i}", province=f"Tỉnh {i % 7}", kind="government"))
    started = time.perf_counter()
    batch = []
    for n in range(count):
        title, body = corpus[n % len(corpus)]
        when = START + timedelta(minutes=5 * n)
        batch.append(dict(portal_id=f"p{n % PORTALS}", url=f"http://x/{n}", canonical_url=f"http://x/{n}", title=title,
                          text=body, published_at=when, first_seen_at=when, content_hash=f"{n:x}", baseline=False,
                          published_has_time=True))
        if len(batch) == 2000 or n == count - 1:
            with transaction(factory) as session:
                session.execute(insert(Article), batch)
            batch = []
    return (time.perf_counter() - started) / count * 1000


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


def _measure(name: str, url: str, corpus, queries) -> list[tuple[str, str, str]]:
    upgrade(url)
    engine = make_engine(url)
    factory = session_factory(engine)
    try:
        per_thousand = _fill(factory, corpus, ARTICLES)
        rows = [(f"search {name}: store (index kept)", f"{per_thousand:.2f} s / 1,000 articles", "-")]

        def run(query, **kwargs):
            with transaction(factory) as session:
                return search(session, SearchRequest(text=query, **kwargs))

        def like(query):
            # Baseline: no index, the phrase as a substring, count and first page.
            pattern = f"%{query}%"
            with transaction(factory) as session:
                where = or_(Article.title.like(pattern), Article.text.like(pattern))
                session.scalar(select(func.count(Article.id)).where(where))
                list(session.scalars(select(Article.id).where(where).order_by(Article.first_seen_at.desc()).limit(20)))

        phrases = [f'"{q}"' for q in queries]
        run(phrases[0])  # warm
        baseline = _time(like, queries[:15])
        for label, times in (
            ("phrase", _time(run, phrases)),
            ("words", _time(run, queries)),
            ("phrase, no accents", _time(lambda q: run(q, accent_insensitive=True), phrases)),
            ("phrase + province", _time(lambda q: run(q, province="Tỉnh 3"), phrases[:20])),
        ):
            rows.append((f"search {name} p95: {label}", f"{_p(times, .95):.0f} ms (p50 {_p(times, .5):.0f})",
                         f"≤ {TARGET_MS} ms; LIKE scan p95 {_p(baseline, .95):.0f} ms"))
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
    rows = [(f"search: archive", f"{ARTICLES:,} articles from {len(corpus):,} real ones", "-"), _insert_overhead(corpus)]
    with tempfile.TemporaryDirectory() as folder:
        rows += _measure("sqlite", f"sqlite:///{folder}/bench.db", corpus, queries)
    server = os.environ.get("PORTALWATCH_TEST_POSTGRES_URL")
    if server:
        schema = f"pw_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(server.replace("postgresql://", "postgresql+psycopg://", 1))
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            sep = "&" if "?" in server else "?"
            rows += _measure("postgres", f"{server}{sep}options=-csearch_path%3D{schema}", corpus, queries)
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    return rows


if __name__ == "__main__":
    for row in run():
        print("  ".join(row))
