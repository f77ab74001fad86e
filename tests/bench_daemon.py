"""Daemon soak (issue 6): control-process RSS over 200 crawl cycles against fixture portals.

The daemon runs as a real process with intervals shrunk so cycles follow each other; its RSS is
read from /proc after a warm-up and at the end. Target: flat within ±10 %, and <= 300 MB.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
import time
from pathlib import Path

from tests.support.daemon import running_daemon
from tests.support.server import PortalServer, loopback
from tests.support.sites import FAMILIES, FixturePortal, make_articles
from tests.test_daemon import daemon_env, registry_file

CYCLES = 200
WARMUP = 10
PORTALS = 10


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


def cycles_done(daemon) -> int:
    _, metrics = daemon.get("/metrics")
    match = re.search(r"^portalwatch_cycles_total (\S+)$", metrics, re.M)
    return int(float(match.group(1))) if match else 0


def run(cycles: int = CYCLES) -> list[tuple[str, str, str]]:
    families = sorted(FAMILIES)
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        workdir = Path(tmp)
        urls = {}
        for n in range(PORTALS):
            server = stack.enter_context(PortalServer(loopback(300 + n)))
            site = FixturePortal(server, FAMILIES[families[n % len(families)]])
            site.publish(make_articles(5, start=n))
            urls[f"soak-{n}"] = site.listing_url
        registry = registry_file(workdir / "p.yaml", urls)
        env = daemon_env(f"sqlite:///{workdir / 'soak.db'}", registry, PORTALWATCH_INTERVAL_SCALE="0.005", PORTALWATCH_LOG_LEVEL="WARNING")
        with running_daemon(env, workdir / "soak.log") as daemon:
            daemon.wait_for(lambda: cycles_done(daemon) >= WARMUP, 300, "warm-up cycles")
            warm = rss_mb(daemon.proc.pid)
            started = time.monotonic()
            daemon.wait_for(lambda: cycles_done(daemon) >= cycles, cycles * 10, f"{cycles} cycles")
            end = rss_mb(daemon.proc.pid)
            per_cycle = (time.monotonic() - started) / max(1, cycles - WARMUP)
            daemon.terminate()
    growth = (end - warm) / warm * 100
    return [
        (f"daemon: control RSS after {WARMUP} / {cycles} cycles ({PORTALS} portals)", f"{warm:.0f} MB / {end:.0f} MB ({growth:+.1f} %)", "flat ±10 %, <= 300 MB"),
        ("daemon: wall time per cycle in the soak", f"{per_cycle:.2f} s", "-"),
    ]


if __name__ == "__main__":
    import sys

    for row in run(int(sys.argv[1]) if len(sys.argv) > 1 else CYCLES):
        print("  ".join(row))
