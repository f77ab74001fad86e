"""Link-cap benchmark (issue 11.13): one listing page with 100,000 article links.

Before the caps the child queued 99,901 requests and peaked at 593 MB (measured here, same fixture,
before the change); now it takes ``PORTALWATCH_MAX_LINKS_PER_PAGE`` links and leaves the rest for
later visits. Measured in a fresh process, so the peak is this crawl child's alone.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LINKS = 100_000
BASELINE = "99,901 requests, 593 MB before the caps"


def measure() -> dict:
    from crawler.cycle import run_once
    from tests.conftest import test_settings
    from tests.support.server import PortalServer, loopback

    with PortalServer(loopback(7)) as server, tempfile.TemporaryDirectory() as tmp:
        links = "".join(f'<a href="/b/{n}-tin.html">Tin đối ngoại của tỉnh số {n} trong ngày</a>\n' for n in range(LINKS))
        server.add("/list/", f"<html><head><meta charset='utf-8'></head><body>{links}</body></html>")
        registry = Path(tmp) / "p.yaml"
        registry.write_text(f'portals:\n  - id: big\n    name: Big\n    start_urls: ["{server.url("/list/")}"]\n')
        settings = test_settings(f"sqlite:///{tmp}/db.sqlite", registry, crawl_timeout=300.0, log_level="WARNING")
        started = time.monotonic()
        run = run_once(settings).runs[0]
        return {
            "seconds": time.monotonic() - started,
            "requests": run.requests,
            "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            "capped": "capped:" in (run.reason or ""),
            "limit": settings.max_links_per_page,
        }


def run() -> list[tuple[str, str, str]]:
    out = subprocess.run([sys.executable, "-m", "tests.bench_links", "--measure"], capture_output=True, text=True, check=True)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    return [
        (f"links: requests for a {LINKS:,}-link listing", f"{found['requests']} (capped: {found['capped']}, {found['seconds']:.0f} s)",
         f"<= {found['limit'] + 1} (listing + cap); {BASELINE}"),
        ("links: crawl child peak RSS for it", f"{found['rss_mb']:.0f} MB", "below the 593 MB baseline"),
    ]


if __name__ == "__main__" and "--measure" in sys.argv:
    print(json.dumps(measure()))
