"""``portalwatch eval``: the extraction harness, ours beside bare trafilatura, field by field."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from crawler.config import Settings
from crawler.errors import UserError
from crawler.extract import benchmark, evaluate


def register(sub) -> None:
    parser = sub.add_parser("eval", help="score extraction on the fixtures and the real corpus, beside bare trafilatura")
    parser.add_argument("--fixtures", type=Path, default=evaluate.FIXTURES, help="folder of <family>/<name>.expected.json cases")
    parser.add_argument("--shared", type=Path, default=evaluate.SHARED, help="the shared folder holding corpus/real")
    parser.add_argument("--family", action="append", default=[], help="only these fixture families (repeatable)")
    parser.add_argument(
        "--aeb", type=Path, default=None,
        help=f"article-extraction-benchmark folder (ground-truth.json, html/); default {benchmark.SHARED_AEB} when present",
    )
    parser.add_argument("--no-aeb", action="store_true", help="only the Vietnamese harness")
    parser.add_argument("--json", action="store_true", help="print the totals and failures as JSON")
    parser.add_argument("--verbose", action="store_true", help="list every chrome string bare trafilatura leaked")
    parser.set_defaults(handler=handle)


def handle(args, settings: Settings) -> int:
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # the baseline's complaints about non-articles
    try:
        cases = evaluate.load_cases(args.fixtures, args.shared)
    except FileNotFoundError as exc:
        raise UserError(str(exc)) from None
    if args.family:
        cases = [c for c in cases if c.family in args.family]
    if not cases:
        raise UserError(f"no cases under {args.fixtures}")
    report = evaluate.evaluate(cases)
    bench, note = _benchmark(args)
    if args.json:
        totals = {"ours": report.totals("ours"), "trafilatura": report.totals("baseline")}
        out = {"pages": len(cases), "totals": totals, "failures": report.failures()}
        out["aeb"] = benchmark.as_json(bench) if bench else note
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(evaluate.render(report, verbose=args.verbose))
        print()
        print(benchmark.render(bench) if bench else note)
    return 1 if report.failures() else 0


def _benchmark(args) -> tuple[benchmark.BenchReport | None, str]:
    """The public benchmark beside the Vietnamese sets (the copied half by default; --aeb PATH for another)."""
    if args.no_aeb:
        return None, "article-extraction-benchmark: skipped (--no-aeb)"
    folder = args.aeb or benchmark.SHARED_AEB
    if args.aeb is None and not folder.is_dir():
        return None, f"article-extraction-benchmark: not found at {folder} (--aeb PATH)"
    try:
        pages = benchmark.load(folder)
    except (FileNotFoundError, ValueError) as exc:
        raise UserError(f"--aeb: {exc}") from None
    return benchmark.run(pages, folder), ""
