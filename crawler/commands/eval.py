"""``portalwatch eval``: the extraction harness, ours beside bare trafilatura, field by field."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from crawler.config import Settings
from crawler.errors import UserError
from crawler.extract import evaluate


def register(sub) -> None:
    parser = sub.add_parser("eval", help="score extraction on the fixtures and the real corpus, beside bare trafilatura")
    parser.add_argument("--fixtures", type=Path, default=evaluate.FIXTURES, help="folder of <family>/<name>.expected.json cases")
    parser.add_argument("--shared", type=Path, default=evaluate.SHARED, help="the shared folder holding corpus/real")
    parser.add_argument("--family", action="append", default=[], help="only these fixture families (repeatable)")
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
    if args.json:
        totals = {"ours": report.totals("ours"), "trafilatura": report.totals("baseline")}
        print(json.dumps({"pages": len(cases), "totals": totals, "failures": report.failures()}, ensure_ascii=False, indent=2))
    else:
        print(evaluate.render(report, verbose=args.verbose))
    return 1 if report.failures() else 0
