"""Weekly-picture bench: ``week_picture`` (queries + the four charts on one PNG) over a large archive.

The archive holds ``BENCH_WEEK_ARTICLES`` articles (default 100,000, the issue's target), titles from
the 3,000 real baomoi-2017 articles, over 20 portals in 7 provinces, one every 5 minutes (about
2,000 a week, a year in all); one article in 20 reports a visit (10 partner countries), one in 10
fired a keyword rule (12 rules), one in 50 first mentions a document. Timed: the picture of a week in
the middle of the archive, and the DOCX report of the same week.

Baseline, same run and same database: the picture of a week with nothing in it (charts drawn, no
rows read), so the difference is what the queries and the bars cost.

Run: ``.venv/bin/python -m tests.bench_week`` (or ``make bench``); PostgreSQL too when
``PORTALWATCH_TEST_POSTGRES_URL`` is set.
"""

from __future__ import annotations

import json
import lzma
import os
import statistics
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert, select

from storage import repositories as repo
from storage.db import make_engine, session_factory, transaction
from storage.migrate import upgrade
from storage.models import Article, Directive, Match
from storage.week import week_data, week_of
from tests.support.corpus import corpus
from tests.support.private_postgres import schema_on

CORPUS = corpus("baomoi-2017.jsonl.xz")
ARTICLES = int(os.environ.get("BENCH_WEEK_ARTICLES", "100000"))
PORTALS = 20
TARGET_S = 2.0
START = datetime(2026, 1, 1, tzinfo=timezone.utc)
PARTNERS = ["Lào", "Campuchia", "Trung Quốc", "Nhật Bản", "Hàn Quốc", "Hoa Kỳ", "Pháp", "Đức", "Ấn Độ", "Thái Lan"]
RULES = [f"Quy tắc {n}: hợp tác, biên giới" for n in range(12)]


def _titles() -> list[str]:
    out = []
    with lzma.open(CORPUS, "rt", encoding="utf-8") as lines:
        for line in lines:
            title = json.loads(line)["text"].strip().partition("\n")[0].strip()
            if title:
                out.append(title[:300])
    return out


def _fill(factory, titles: list[str], count: int) -> None:
    with transaction(factory) as session:
        for i in range(PORTALS):
            repo.sync_portal(session, repo.PortalFields(id=f"p{i}", name=f"Cổng {i}", province=f"Tỉnh {i % 7}", kind="government"))
    for first in range(0, count, 5000):
        ids = range(first, min(count, first + 5000))
        with transaction(factory) as session:
            session.execute(insert(Article), [
                dict(id=n + 1, portal_id=f"p{n % PORTALS}", url=f"http://x/{n}", canonical_url=f"http://x/{n}",
                     title=titles[n % len(titles)], text="Nội dung.", published_at=START + timedelta(minutes=5 * n),
                     first_seen_at=START + timedelta(minutes=5 * n), content_hash=f"{n:x}", baseline=False, published_has_time=True)
                for n in ids
            ])
            session.execute(insert(Match), [
                dict(article_id=n + 1, kind="visit", terms=[PARTNERS[n // 20 % len(PARTNERS)]], snippet="[[đoàn]]",
                     data={"reasons": ["đoàn vào: x"]}, rule_name="visit", created_at=START + timedelta(minutes=5 * n))
                for n in ids if n % 20 == 0
            ] + [
                dict(article_id=n + 1, kind="keyword", terms=["hợp tác"], rule_name=RULES[n % len(RULES)], snippet="x", data={},
                     created_at=START + timedelta(minutes=5 * n))
                for n in ids if n % 10 == 3
            ])
            session.execute(insert(Directive), [
                dict(code=f"{n}/QĐ-UBND", scope=f"Tỉnh {n % 7}", kind="Quyết định", issuer="UBND", first_article_id=n + 1,
                     first_seen_at=START + timedelta(minutes=5 * n), mentions=1, summary="Về việc hợp tác")
                for n in ids if n % 50 == 7
            ])


def _time(action, repeat: int = 5) -> list[float]:
    """Wall seconds of each run; ``_time.cpu`` the process CPU seconds of the same runs (the machine may be shared)."""
    out, cpu = [], []
    for _ in range(repeat):
        started, used = time.perf_counter(), time.process_time()
        action()
        out.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    _time.cpu = cpu
    return out


def _measure(name: str, url: str, titles: list[str]) -> list[tuple[str, str, str]]:
    from web.week import report_docx, week_picture

    upgrade(url)
    engine = make_engine(url)
    try:
        factory = session_factory(engine)
        started = time.perf_counter()
        _fill(factory, titles, ARTICLES)
        filled = time.perf_counter() - started
        middle = week_of(START + timedelta(minutes=5 * ARTICLES // 2))
        empty = week_of(START - timedelta(days=30))

        def picture(week):
            with transaction(factory) as session:
                return week_picture(session, week.year, week.week, "http://127.0.0.1:8080")

        shown = picture(middle)  # warm: fonts, caches
        with transaction(factory) as session:
            stored = session.scalar(select(Article.id).order_by(Article.id.desc()).limit(1))
        full = _time(lambda: picture(middle))
        full_cpu = _time.cpu
        bare = _time(lambda: picture(empty))

        def queries():
            with transaction(factory) as session:
                week_data(session, middle)

        alone = _time(queries)
        docx = _time(lambda: report_docx(factory, middle, "http://127.0.0.1:8080"), 3)
        counts = shown.caption.splitlines()[1].strip("• ")
        return [
            (f"week {name}: archive", f"{stored:,} articles stored in {filled:.0f} s; week {middle.name}: {counts}", "-"),
            (f"week {name}: week_picture, median", f"{statistics.median(full):.2f} s (CPU {statistics.median(full_cpu):.2f} s, "
             f"max {max(full):.2f}; {len(shown.png) // 1024} KB PNG)", f"≤ {TARGET_S:.0f} s; empty week {statistics.median(bare):.2f} s"),
            (f"week {name}: the week's queries alone, median", f"{statistics.median(alone) * 1000:.0f} ms", "-"),
            (f"week {name}: DOCX report, median", f"{statistics.median(docx):.2f} s", f"≤ {TARGET_S:.0f} s (target of the picture)"),
        ]
    finally:
        engine.dispose()


def run() -> list[tuple[str, str, str]]:
    if not CORPUS.exists():
        return [("week: skipped", f"{CORPUS} not found", "-")]
    titles = _titles()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        rows += _measure("sqlite", f"sqlite:///{folder}/bench.db", titles)
    server = os.environ.get("PORTALWATCH_TEST_POSTGRES_URL")
    if server:
        with schema_on(server, f"pw_bench_{uuid.uuid4().hex[:8]}") as url:
            rows += _measure("postgres", url, titles)
    return rows


if __name__ == "__main__":
    for row in run():
        print("  ".join(row))
