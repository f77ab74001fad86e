"""Crawl benchmarks (issue 2): cost of a revisit where nothing changed.

- requests per new article on a second run over an unchanged fixture portal (target: listing only);
- CPU seconds per portal for an unchanged cycle over 200 fixture portals, each on its own loopback
  address so per-domain politeness behaves as in production (target <= 0.05 s per portal);
- beside it, the floor (issue 17): a bare aiohttp client in its own process that only GETs each
  portal's robots.txt and listing and hashes the body. Ours and the floor take turns in the same run
  (ROUNDS each, median kept); both are CPU of the whole process tree (this process, which serves the
  portals, plus its children). Target: an unchanged poll costs <= 3x the floor. The same cycle with
  the pre-flight switched off (every portal through a Scrapy spider, as before issue 17) is the
  "before" figure, measured in the same turns.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from crawler.cycle import prepare, crawl
from tests.conftest import test_settings
from tests.support.server import PortalServer, loopback
from tests.support.sites import FAMILIES, FixturePortal, make_articles

PORTALS = int(os.environ.get("PORTALWATCH_BENCH_PORTALS", "200"))
ROUNDS = 3
FLOOR_CLIENT = """
import asyncio, hashlib, json, sys
from urllib.parse import urljoin
import aiohttp

async def poll(session, url):
    async with session.get(urljoin(url, "/robots.txt")) as r:
        await r.read()
    async with session.get(url) as r:
        return hashlib.sha256(await r.read()).hexdigest()

async def main(urls):
    async with aiohttp.ClientSession() as session:
        return await asyncio.gather(*(poll(session, u) for u in urls))

print(len(asyncio.run(main(json.load(sys.stdin)))))
"""


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def registry(path: Path, urls: dict[str, str]) -> Path:
    lines = ["portals:"]
    for pid, url in urls.items():
        lines += [f"  - id: {pid}", f"    name: Bench {pid}", f'    start_urls: ["{url}"]']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def second_run_requests(workdir: Path) -> tuple[int, int, int]:
    with PortalServer() as server:
        site = FixturePortal(server, FAMILIES["sharepoint"])
        site.publish(make_articles(12))
        settings = test_settings(f"sqlite:///{workdir / 'one.db'}", registry(workdir / "one.yaml", {"one": site.listing_url}), log_level="WARNING")
        prepared = prepare(settings)
        crawl(prepared)
        server.reset_log()
        result = crawl(prepared)
        return sum(server.paths().values()), site.article_requests(), result.new_articles


def bare_client_cycle(urls: list[str]) -> float:
    """CPU seconds (process tree) of the floor client polling every listing once."""
    before = cpu_seconds()
    done = subprocess.run([sys.executable, "-c", FLOOR_CLIENT], input=json.dumps(urls), capture_output=True, text=True, check=True)
    assert int(done.stdout) == len(urls), done.stdout
    return cpu_seconds() - before


def timed_crawl(prepared) -> tuple[float, float, int]:
    """CPU seconds (process tree) and wall seconds of one crawl cycle that must find nothing new."""
    before, started = cpu_seconds(), time.monotonic()
    result = crawl(prepared)
    cpu, wall = cpu_seconds() - before, time.monotonic() - started
    assert all(r.status == "ok" for r in result.runs), [r for r in result.runs if r.status != "ok"][:3]
    return cpu, wall, result.new_articles


def unchanged_cycle(workdir: Path) -> dict:
    families = sorted(FAMILIES)
    with contextlib.ExitStack() as stack:
        urls = {}
        for n in range(PORTALS):
            server = stack.enter_context(PortalServer(loopback(n)))
            site = FixturePortal(server, FAMILIES[families[n % len(families)]])
            site.publish(make_articles(5, start=n % 7))
            urls[f"bench-{n:03d}"] = site.listing_url
        settings = test_settings(f"sqlite:///{workdir / 'many.db'}", registry(workdir / "many.yaml", urls), crawl_timeout=900, log_level="WARNING")
        prepared = prepare(settings)
        first = crawl(prepared)
        assert all(run.status == "ok" for run in first.runs), [r for r in first.runs if r.status != "ok"][:3]
        scrapy_only = dataclasses.replace(prepared, settings=settings.model_copy(update={"preflight": False}))
        turns: dict[str, list] = {"ours": [], "before": [], "floor": []}
        for _ in range(ROUNDS):  # interleaved: a busy machine slows all three alike
            turns["ours"].append(timed_crawl(prepared))
            turns["before"].append(timed_crawl(scrapy_only))
            turns["floor"].append((bare_client_cycle(list(urls.values())), 0.0, 0))
        return {name: (statistics.median(t[0] for t in got) / PORTALS, statistics.median(t[1] for t in got), sum(t[2] for t in got))
                for name, got in turns.items()}


def run() -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        total, articles, new = second_run_requests(workdir)
        cycle = unchanged_cycle(workdir)
    (ours, wall, new_many), (before, before_wall, _), (floor, _, _) = cycle["ours"], cycle["before"], cycle["floor"]
    return [
        ("crawl: requests on 2nd run, unchanged portal (12 articles)", f"{total} ({articles} article pages, {new} new)", "listing only, 0 article pages"),
        (f"crawl: CPU s per portal, unchanged cycle of {PORTALS}", f"{ours:.4f}", "<= 0.05"),
        (f"crawl: unchanged poll, CPU ms per portal ({PORTALS})", f"{ours * 1000:.1f} ms = {ours / floor:.1f}x floor",
         f"<= 3x floor; floor (bare aiohttp robots.txt+listing+hash) {floor * 1000:.1f} ms; "
         f"before (every portal a Scrapy spider) {before * 1000:.1f} ms = {before / floor:.1f}x, same run"),
        (f"crawl: wall time of that cycle ({PORTALS} portals)", f"{wall:.1f} s ({new_many} new)", f"before: {before_wall:.1f} s"),
    ]


if __name__ == "__main__":
    for metric, measured, target in run():
        print(f"{metric:60} {measured:40} {target}")
