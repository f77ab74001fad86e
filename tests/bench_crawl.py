"""Crawl benchmarks (issue 2): cost of a revisit where nothing changed.

- requests per new article on a second run over an unchanged fixture portal (target: listing only);
- CPU seconds per portal for an unchanged cycle over 200 fixture portals, each on its own loopback
  address so per-domain politeness behaves as in production (target <= 0.05 s per portal).
"""

from __future__ import annotations

import contextlib
import resource
import tempfile
import time
from pathlib import Path

from crawler.cycle import prepare, crawl
from tests.conftest import test_settings
from tests.support.server import PortalServer, loopback
from tests.support.sites import FAMILIES, FixturePortal, make_articles

PORTALS = 200


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


def unchanged_cycle(workdir: Path) -> tuple[float, float, float, int]:
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
        before, started = cpu_seconds(), time.monotonic()
        second = crawl(prepared)
        cpu, wall = cpu_seconds() - before, time.monotonic() - started
        return cpu / PORTALS, wall, cpu, second.new_articles


def run() -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        total, articles, new = second_run_requests(workdir)
        per_portal, wall, cpu, new_many = unchanged_cycle(workdir)
    return [
        ("crawl: requests on 2nd run, unchanged portal (12 articles)", f"{total} ({articles} article pages, {new} new)", "listing only, 0 article pages"),
        (f"crawl: CPU s per portal, unchanged cycle of {PORTALS}", f"{per_portal:.4f}", "<= 0.05"),
        (f"crawl: wall time of that cycle ({PORTALS} portals)", f"{wall:.1f} s (CPU {cpu:.1f} s, {new_many} new)", "-"),
    ]


if __name__ == "__main__":
    for metric, measured, target in run():
        print(f"{metric:60} {measured:40} {target}")
