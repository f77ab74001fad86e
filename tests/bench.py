"""`make bench`: every benchmark of the project, measured numbers side by side with their targets."""

from __future__ import annotations

import importlib
import sys
import traceback

SECTIONS = [
    "tests.bench_crawl", "tests.bench_extract", "tests.bench_monitor", "tests.bench_fanout", "tests.bench_email",
    "tests.bench_schedule", "tests.bench_documents", "tests.bench_search", "tests.bench_week", "tests.bench_export",
    "tests.bench_daemon", "tests.bench_links",
]


def main() -> int:
    rows, failed = [], 0
    only = sys.argv[1:]
    for name in SECTIONS:
        if only and not any(part in name for part in only):
            continue
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        try:
            rows.extend(module.run())
        except Exception:
            failed += 1
            traceback.print_exc()
            rows.append((f"{name}: FAILED", "see traceback above", "-"))
    width = max((len(r[0]) for r in rows), default=20)
    print(f"\n{'metric':{width}}  {'measured':42}  target / baseline")
    for metric, measured, target in rows:
        print(f"{metric:{width}}  {measured:42}  {target}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
