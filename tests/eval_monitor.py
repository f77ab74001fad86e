"""`make eval`, monitor half: the detectors on the hand-labelled real sentences, beside the previous
version's figures on the same sentences.

The previous version is commit ``BASELINE_COMMIT`` (before the real-text fixes of issue 12). Its
figures are stored in ``tests/fixtures/monitor/real/baseline.json`` with the hash of the sentence file
they were made on; ``--rebuild-baseline`` makes them again: it checks that commit out in a temporary
git worktree and runs this same scorer with that worktree's ``monitor`` package first on the path.

The development set ``dev_sentences.yaml`` (articles the held-out set does not use) is scored beside
it, with its own stored baseline: detectors are changed against the development set's per-sentence
errors (``--dev-errors``); the held-out set is read only as aggregate figures.

Run: ``.venv/bin/python -m tests.eval_monitor [--errors] [--dev-errors] [--sentences FILE] [--rebuild-baseline]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE_COMMIT = "8cc1190"
REAL = ROOT / "tests" / "fixtures" / "monitor" / "real"
BASELINE = REAL / "baseline.json"
DEV = REAL / "dev_sentences.yaml"
DEV_BASELINE = REAL / "dev_baseline.json"
TARGETS = {
    "codes_precision": 0.99, "codes_recall": 0.97, "visits_precision": 0.95, "visits_recall": 0.92,
    "partners_exact": 0.97, "direction": 0.95,
}


def measure(path: Path) -> dict:
    """Figures on ``path`` with whatever ``monitor`` package is first on the path, NFC and NFD."""
    from monitor import Monitor
    from tests.monitor.labelled import load_sentences, score_sentences

    sentences = load_sentences(path)
    monitor = Monitor()
    nfc, nfd = score_sentences(monitor, sentences, "NFC"), score_sentences(monitor, sentences, "NFD")
    return {
        "sentences": len(sentences),
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "NFC": nfc.figures(),
        "NFD": nfd.figures(),
        "identical": nfc.outputs == nfd.outputs,
        "errors": nfc.errors,
    }


@contextmanager
def previous_version():
    """PYTHONPATH for the previous version's ``monitor`` package beside this tree's tests: a temporary
    git worktree of ``BASELINE_COMMIT``, removed afterwards."""
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), BASELINE_COMMIT],
                       check=True, capture_output=True)
        try:
            only = Path(scratch) / "path"
            only.mkdir()
            (only / "monitor").symlink_to(tree / "monitor")
            yield f"{only}{os.pathsep}{ROOT}"
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True)


def run_previous(code: str, *args: str) -> str:
    """Run python ``code`` (``sys.argv[1:]`` = ``args``) on the previous version; its standard output."""
    with previous_version() as path:
        out = subprocess.run(
            [sys.executable, "-P", "-c", code, *args],
            env=dict(os.environ, PYTHONPATH=path), cwd=ROOT, check=True, capture_output=True, text=True,
        )
    return out.stdout


def made_note(how: str) -> dict:
    return {"commit": BASELINE_COMMIT, "at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "how": how}


def rebuild_baseline(path: Path) -> dict:
    """Run the scorer on the previous version's ``monitor`` package, in a temporary worktree."""
    out = run_previous(
        "import json, sys, pathlib; from tests.eval_monitor import measure; "
        "print(json.dumps(measure(pathlib.Path(sys.argv[1]))))", str(path),
    )
    figures = json.loads(out)
    figures.pop("errors")
    figures["made"] = made_note(
        "python -m tests.eval_monitor --rebuild-baseline: git worktree of the commit, its monitor/ first on "
        "PYTHONPATH, this scorer"
    ) | {"sentences_file": str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)}
    return figures


def render(now: dict, before: dict | None, title: str = "monitor on real sentences") -> str:
    lines = [f"{title} ({now['sentences']}): measured (NFC / NFD)   previous version   target"]
    for key, target in TARGETS.items():
        old = f"{before['NFC'][key]:.3f}" if before else "-"
        lines.append(f"  {key:18} {now['NFC'][key]:.3f} / {now['NFD'][key]:.3f}            {old:8}           >= {target}")
    for key in ("codes", "visits"):
        old = before["NFC"][key] if before else "-"
        lines.append(f"  {key + ' tp/fp/fn':18} {now['NFC'][key]}   previous {old}")
    old = f"{before['NFC']['kind_accuracy']:.3f}" if before else "-"
    lines.append(f"  {'kind_accuracy':18} {now['NFC']['kind_accuracy']:.3f}   previous {old}")
    lines.append(f"  NFC and NFD outputs identical: {now['identical']}" + (
        f" (previous version: {before['identical']})" if before else ""))
    if before and before.get("sha256") != now["sha256"]:
        lines.append("  NOTE: the stored baseline was made on another version of the sentence file: "
                     "python -m tests.eval_monitor --rebuild-baseline")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=Path, default=ROOT / "tests" / "fixtures" / "monitor" / "real" / "sentences.yaml")
    parser.add_argument("--errors", action="store_true", help="list every wrong sentence")
    parser.add_argument("--dev-errors", action="store_true", help="list every wrong sentence of the development set")
    parser.add_argument("--rebuild-baseline", action="store_true", help=f"measure commit {BASELINE_COMMIT} again")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.sentences.is_file():
        print(f"monitor eval: no labelled sentences at {args.sentences}", file=sys.stderr)
        return 1
    dev = DEV.is_file() and args.sentences.resolve() != DEV.resolve()
    if args.rebuild_baseline:
        BASELINE.write_text(json.dumps(rebuild_baseline(args.sentences.resolve()), indent=2) + "\n", encoding="utf-8")
        if dev:
            DEV_BASELINE.write_text(json.dumps(rebuild_baseline(DEV), indent=2) + "\n", encoding="utf-8")
    before = json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.is_file() else None
    now = measure(args.sentences)
    dev_now = measure(DEV) if dev else None
    dev_before = json.loads(DEV_BASELINE.read_text(encoding="utf-8")) if dev and DEV_BASELINE.is_file() else None
    if args.json:
        print(json.dumps({"now": now, "baseline": before, "dev": dev_now, "dev_baseline": dev_before},
                         ensure_ascii=False, indent=2))
        return 0
    print(render(now, before, "held-out real sentences"))
    if args.errors:
        print("\n".join("  " + e for e in now["errors"]))
    if dev_now:
        print(render(dev_now, dev_before, f"development set {DEV.name}"))
        if args.dev_errors:
            print("\n".join("  " + e for e in dev_now["errors"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
