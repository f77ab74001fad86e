"""Polling policy against a fixed 15-minute poll on real publication timelines (`make bench`).

Timelines: the Hanoi Department of Information and Communications' `bao-chi-xuat-ban` section
(the shared corpus's sotttt-hanoi site, 2015–2022; its copy in tests/fixtures/schedule) and the real
vnexpress feed copied in tests/fixtures/shared/corpus/real (25 items of one afternoon).
"""

from __future__ import annotations

import re
import tempfile
import time
from email.utils import parsedate_to_datetime
from pathlib import Path

from crawler.policy import Limits
from crawler.simulate import read_timeline, simulate
from tests.support.corpus import corpus

ROOT = Path(__file__).resolve().parents[1]
HANOI = ROOT / "tests" / "fixtures" / "schedule" / "timeline-bao-chi-xuat-ban.txt"
FEED = corpus("real") / "vnexpress_tin-moi-nhat_2017-11-14.rss"


def feed_timeline() -> Path | None:
    if not FEED.is_file():
        return None
    times = [parsedate_to_datetime(m) for m in re.findall(r"<pubDate>([^<]+)", FEED.read_text(encoding="utf-8"))]
    path = Path(tempfile.mkdtemp()) / "vnexpress-feed.txt"
    path.write_text("\n".join(t.isoformat() for t in sorted(times)) + "\n", encoding="utf-8")
    return path


def run() -> list[tuple[str, str, str]]:
    rows = []
    timelines = [("hanoi bao-chi-xuat-ban", HANOI)]
    if (feed := feed_timeline()) is not None:
        timelines.append(("vnexpress feed", feed))
    for name, path in timelines:
        timeline = read_timeline(path)
        started = time.process_time()
        result = simulate(timeline, Limits())
        cpu = time.process_time() - started
        policy, fixed = result.policy.as_json(), result.fixed_15.as_json()
        rows.append((f"schedule {name}: publications", f"{result.trained_on} train / {result.evaluated_on} test, "
                     f"{timeline.untimed} untimed; {cpu:.1f} CPU s", "-"))
        rows.append((f"schedule {name}: median delay, office hours", f"policy {policy['median_office_minutes']} min vs fixed-15 "
                     f"{fixed['median_office_minutes']} min", "≤ 5 min (fixed 15-min poll: ~7.5)"))
        rows.append((f"schedule {name}: median / p90 delay, all hours", f"policy {policy['median_minutes']} / {policy['p90_minutes']} min "
                     f"vs fixed-15 {fixed['median_minutes']} / {fixed['p90_minutes']} min", "-"))
        rows.append((f"schedule {name}: requests per portal per day", f"policy {policy['requests_per_day']} vs fixed-15 "
                     f"{fixed['requests_per_day']}", "≤ 100 (fixed 15-min poll: 96)"))
    return rows


if __name__ == "__main__":
    for row in run():
        print(*row, sep="  |  ")
