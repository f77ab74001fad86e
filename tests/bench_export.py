"""Export bench: a 100,000-row search export as CSV and as Excel, its time and its memory.

The archive is the real baomoi-2017 articles with the real monitor's documents and visits (as
tests/bench_search.py fills it), ``BENCH_EXPORT_ROWS`` rows (default 100,000), in SQLite, or in the
PostgreSQL database ``BENCH_EXPORT_URL`` names (filled when it holds no articles). Each export runs
in a fresh child process serving the real app on 127.0.0.1 and downloads ``/tim-kiem.csv`` or
``/tim-kiem.xlsx`` through HTTP, discarding the bytes as they come;
the child reports its time (wall and its own CPU: server and client share the process) and how much
its resident memory grew during the download (sampled every 20 ms).

Baselines, same run and same archive: the same export restricted by date to a tenth of the rows
(memory must stay flat: the 100,000-row export may not grow more than the 10,000-row one by more than
``FLAT_MB``) and a bare read of the same rows' columns (the floor for the CSV's time).

Also timed: the CSV of a search for a word nearly every article holds (``q=của``, ranked by
relevance: every match ranked and sorted, each batch's rows then read in that order), and the visits
register's export (``/doan.csv``, ``/doan.xlsx``: every visit the monitor found).

Run: ``.venv/bin/python -m tests.bench_export`` (or ``make bench``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from crawler.timefmt import VIETNAM
from tests.bench_search import START

ROWS = int(os.environ.get("BENCH_EXPORT_ROWS", "100000"))
CSV_TARGET_S = 10.0
FLAT_MB = 20.0
ROOT = Path(__file__).resolve().parents[1]


def _fill(url: str) -> None:
    from storage.db import make_engine, session_factory
    from storage.migrate import upgrade
    from tests.bench_search import _add_events, _corpus, _events, _fill as fill

    upgrade(url)
    engine = make_engine(url)
    try:
        corpus = _corpus()
        fill(session_factory(engine), corpus, ROWS)
        _add_events(session_factory(engine), _events(corpus), ROWS)
    finally:
        engine.dispose()


def _stored(url: str) -> tuple[int, int]:
    """(articles, visits) the archive at ``url`` holds; (0, 0) before it is made."""
    from sqlalchemy import func, select
    from sqlalchemy.exc import DBAPIError

    from storage.db import make_engine, session_factory, transaction
    from storage.models import Article, Match

    engine = make_engine(url)
    try:
        with transaction(session_factory(engine)) as session:
            return (session.scalar(select(func.count()).select_from(Article)) or 0,
                    session.scalar(select(func.count()).select_from(Match).where(Match.kind == "visit")) or 0)
    except DBAPIError:
        return 0, 0
    finally:
        engine.dispose()


def _rss_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


class RssSampler:
    """The process's resident memory every 20 ms from a thread: ``stop()`` gives the peak above the start (kB).

    (ru_maxrss cannot tell: the child's peak is often reached while it imports, before the download.)"""

    def __init__(self):
        import threading

        self.start, self.peak, self.done = _rss_kb(), 0, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.done.wait(0.02):
            self.peak = max(self.peak, _rss_kb())

    def stop(self) -> int:
        self.done.set()
        self.thread.join()
        return max(0, max(self.peak, _rss_kb()) - self.start)


def _child(url: str, path: str, out: str) -> dict:
    """In a fresh process: serve the app, download ``path`` into the file ``out`` as it comes, report
    seconds, size and peak-RSS growth."""
    import asyncio

    from aiohttp.test_utils import TestClient, TestServer

    from storage.db import make_engine, session_factory
    from tests.web.support import PageDaemon
    from web.app import build_app

    engine = make_engine(url)
    factory = session_factory(engine)

    async def go() -> dict:
        async with TestClient(TestServer(build_app(PageDaemon(factory)), host="127.0.0.1")) as client:
            extension = path.split("?")[0].rsplit(".", 1)[1]
            warm = await client.get(f"/tim-kiem.{extension}?from=01/01/2026&to=01/01/2026")  # imports, first queries
            await warm.read()
            sampler = RssSampler()
            started, cpu = time.perf_counter(), time.process_time()
            answer = await client.get(path)
            size, newlines = 0, 0
            with open(out, "wb") as sink:
                async for chunk in answer.content.iter_chunked(64 * 1024):
                    size += len(chunk)
                    newlines += chunk.count(b"\n")
                    sink.write(chunk)
            seconds = time.perf_counter() - started
            return {"status": answer.status, "seconds": seconds, "cpu": time.process_time() - cpu, "bytes": size, "lines": newlines,
                    "growth_mb": sampler.stop() / 1024}

    try:
        return asyncio.run(go())
    finally:
        engine.dispose()


def _bare_read(url: str) -> float:
    """Seconds to read the columns the export shows, in table order, with nothing written."""
    from sqlalchemy import select

    from storage.db import make_engine, session_factory, transaction
    from storage.models import Article, Portal

    engine = make_engine(url)
    try:
        started = time.perf_counter()
        with transaction(session_factory(engine)) as session:
            for _ in session.execute(
                select(Article.id, Article.title, Article.url, Article.published_at, Portal.name, Portal.province)
                .join(Portal, Portal.id == Article.portal_id)
            ):
                pass
        return time.perf_counter() - started
    finally:
        engine.dispose()


def _run_child(url: str, path: str, out: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "tests.bench_export", "--child", url, path, out], capture_output=True,
                          text=True, cwd=ROOT, timeout=900)
    if done.returncode:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"child exit {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _xlsx_rows(path: str) -> int:
    """Data rows of the downloaded Excel file, read back in read-only mode (the export is complete)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return sum(1 for _ in book.worksheets[0].iter_rows(min_row=2, values_only=True))
    finally:
        book.close()


def run() -> list[tuple[str, str, str]]:
    from tests.bench_search import CORPUS

    if not CORPUS.exists():
        return [("export: skipped", f"{CORPUS} not found", "-")]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        # BENCH_EXPORT_DB=path keeps the filled archive for the next run (filling takes minutes).
        kept = os.environ.get("BENCH_EXPORT_DB")
        url = os.environ.get("BENCH_EXPORT_URL") or f"sqlite:///{kept or folder + '/bench.db'}"
        started = time.perf_counter()
        if not _stored(url)[0]:
            _fill(url)
        articles, visits = _stored(url)
        rows.append(("export: archive", f"{articles:,} articles, {visits:,} visits, {url.split(':')[0]} "
                     f"(ready in {time.perf_counter() - started:.0f} s)", "-"))
        bare = _bare_read(url)
        # About a tenth of the archive: bench_search stores one article every five minutes from its START.
        last = (START + timedelta(minutes=5 * (ROWS // 10))).astimezone(VIETNAM)
        tenth = f"?from={START.astimezone(VIETNAM):%d/%m/%Y}&to={last:%d/%m/%Y}"
        for extension in ("csv", "xlsx"):
            out = f"{folder}/export.{extension}"
            full = _run_child(url, f"/tim-kiem.{extension}", out)
            data_rows = full["lines"] - 1 if extension == "csv" else _xlsx_rows(out)
            small = _run_child(url, f"/tim-kiem.{extension}{tenth}", out)
            small_rows = small["lines"] - 1 if extension == "csv" else _xlsx_rows(out)
            if extension == "csv":
                target = f"≤ {CSV_TARGET_S:.0f} s; bare read of the same rows {bare:.1f} s"
            else:
                target = "no time target (written to a temporary file, then sent)"
            rows.append((f"export {extension}: {data_rows:,} rows, {full['bytes'] / 1e6:.1f} MB",
                         f"{full['seconds']:.1f} s (CPU {full['cpu']:.1f} s, load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)", target))
            flat = full["growth_mb"] <= small["growth_mb"] + FLAT_MB
            rows.append((f"export {extension}: peak RSS growth", f"{full['growth_mb']:.1f} MB for {data_rows:,} rows",
                         f"{small['growth_mb']:.1f} MB for {small_rows:,} rows ({small['seconds']:.1f} s); "
                         f"flat (≤ +{FLAT_MB:.0f} MB): {'yes' if flat else 'NO'}"))
        done = _run_child(url, "/tim-kiem.csv?q=c%E1%BB%A7a", f"{folder}/ranked.csv")
        rows.append((f"export csv, q=của by relevance: {done['lines'] - 1:,} rows, {done['bytes'] / 1e6:.1f} MB",
                     f"{done['seconds']:.1f} s (CPU {done['cpu']:.1f} s), RSS +{done['growth_mb']:.1f} MB", f"≤ {CSV_TARGET_S:.0f} s"))
        for extension in ("csv", "xlsx"):
            out = f"{folder}/visits.{extension}"
            done = _run_child(url, f"/doan.{extension}", out)
            data_rows = done["lines"] - 1 if extension == "csv" else _xlsx_rows(out)
            rows.append((f"export visits {extension}: {data_rows:,} rows, {done['bytes'] / 1e6:.1f} MB",
                         f"{done['seconds']:.1f} s (CPU {done['cpu']:.1f} s), RSS +{done['growth_mb']:.1f} MB", "-"))
    return rows


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(_child(sys.argv[2], sys.argv[3], sys.argv[4])))
    else:
        for row in run():
            print("  ".join(row))
