"""`make eval`, monitor half: the detectors on the hand-labelled real sentences, per class (codes,
visits, partners, direction, NFC = NFD) and per set, each beside the previous version's figures.

Sets. ``dev_sentences.yaml`` (development set) and ``sentences.yaml`` (616 sentences) split in two
halves BY ARTICLE: an article belongs to half A when the SHA-256 of its corpus id written in decimal
(``"21471433"``) is an even number, else to half B (``split_of``). Dev and A are tuning material: their
per-sentence errors may be read (``--dev-errors``, ``--tune-errors``). B stays held out: only its
aggregate figures are printed, never its per-sentence errors; the whole set (A + B) is printed
as figures too. ``own_sentences.yaml`` ("own"): sentences the project wrote for cases real text lacks
(credentials, "dẫn đầu đoàn … sang", provincial "có buổi làm việc với"), coverage rather than an estimate.

The previous version is commit ``BASELINE_COMMIT`` (main before the issue-12 split work). Its
figures are stored in ``tests/fixtures/monitor/real/baseline.json`` with the hash of each sentence
file; ``--rebuild-baseline`` makes them again: it checks that commit out in a temporary git worktree
and runs this same scorer with that worktree's ``monitor`` package first on the path.

Run: ``.venv/bin/python -m tests.eval_monitor [--tune-errors] [--dev-errors] [--sentences FILE]
[--rebuild-baseline] [--json]``. ``--sentences FILE`` scores another file (all its errors with
``--errors``) instead of the four sets. ``--probe DIR [--probe-baseline COMMIT …] [--probe-errors]``
scores a probe of real pages kept outside the repository (``measure_probe``), beside earlier commits
measured in the same run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import lzma
import os
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE_COMMIT = "fb01c2c"
# The bench's stored figures (tests/fixtures/monitor/bench_baseline.json) were made on this one.
BENCH_BASELINE_COMMIT = "8cc1190"
REAL = ROOT / "tests" / "fixtures" / "monitor" / "real"
HELD = REAL / "sentences.yaml"
BASELINE = REAL / "baseline.json"
DEV = REAL / "dev_sentences.yaml"
CORPUS = ROOT / "tests" / "fixtures" / "shared" / "corpus" / "baomoi-2017.jsonl.xz"  # the labelled sentences' articles
OWN = REAL / "own_sentences.yaml"  # the project's own sentences for cases real text lacks
TARGETS = {
    "codes_precision": 0.99, "codes_recall": 0.97, "visits_precision": 0.95, "visits_recall": 0.92,
    "partners_exact": 0.97, "direction": 0.95,
}
SETS = ("dev", "A", "B", "whole", "own")
TUNING = frozenset({"dev", "A", "own"})  # sets whose per-sentence errors may be read


def split_of(article) -> str:
    """"A" or "B" for a corpus article id: the parity of the SHA-256 of its decimal string."""
    digest = hashlib.sha256(str(article).encode("ascii")).hexdigest()
    return "A" if int(digest, 16) % 2 == 0 else "B"


def set_members(name: str):
    """(file, keep) for a set name: ``keep(sentence)`` says whether a sentence of the file is in it."""
    if name == "dev":
        return DEV, lambda s: True
    if name == "own":
        return OWN, lambda s: True
    if name == "whole":
        return HELD, lambda s: True
    return HELD, lambda s: split_of(s.article) == name


def measure(path: Path, name: str | None = None) -> dict:
    """Figures on ``path`` (only set ``name``'s sentences when given) with whatever ``monitor`` package
    is first on the path, NFC and NFD."""
    from monitor import Monitor
    from tests.monitor.labelled import load_sentences, score_sentences

    sentences = load_sentences(path)
    if name is not None:
        keep = set_members(name)[1]
        sentences = [s for s in sentences if keep(s)]
    monitor = Monitor()
    nfc, nfd = score_sentences(monitor, sentences, "NFC"), score_sentences(monitor, sentences, "NFD")
    out = {
        "sentences": len(sentences),
        "visits_labelled": sum(s.visit for s in sentences),
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "NFC": nfc.figures(),
        "NFD": nfd.figures(),
        "identical": nfc.outputs == nfd.outputs,
        "errors": nfc.errors,
    }
    texts = corpus_articles()
    if texts and sentences and all(s.article in texts for s in sentences):
        from tests.monitor.labelled import score_in_articles

        whole, whole_nfd = (score_in_articles(monitor, sentences, texts, form) for form in ("NFC", "NFD"))
        out["in_article"] = {"NFC": whole.figures(), "identical": whole.outputs == whole_nfd.outputs,
                             "errors": whole.errors}
    return out


@lru_cache(maxsize=1)
def corpus_articles() -> dict[str, tuple[str, str]]:
    """The baomoi-2017 articles by corpus id: (title, body), the first line being the title, as the
    search bench and the crawler's pipeline see an article."""
    if not CORPUS.is_file():
        return {}
    out = {}
    with lzma.open(CORPUS, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            title, _, body = record["text"].strip().partition("\n")
            out[str(record["id"])] = (title.strip(), body.strip())
    return out


def probe_half(page: str) -> str:
    """"dev" or "held" for a probe page id: the parity of the SHA-256 of the id, as for the corpus halves."""
    return "dev" if int(hashlib.sha256(page.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "held"


def measure_probe(folder: str) -> dict:
    """Figures on a probe kept outside the repository: real pages that may be read but not copied here
    (stored third-party pages). ``folder`` holds ``*_pages.jsonl`` ({"url", "title", "excerpt"} a line)
    and ``*_sentences.yaml`` (this file's sentence layout; ``article`` is the page id "pg-" + the first
    10 hex digits of the SHA-256 of its url). Scored by halves of pages (``probe_half``), sentence by
    sentence and inside each page, NFC and NFD."""
    from monitor import Monitor
    from monitor.analysis import ArticleInput
    from tests.monitor.labelled import load_sentences, score_in_articles, score_sentences
    from tests.probe_labels import probe_pages

    root = Path(folder)
    pages = {page: ((record.get("title") or "").strip(), record["excerpt"])
             for page, (_, record) in probe_pages(root).items()}
    sentences, seen = [], set()
    for path in sorted(root.glob("*_sentences.yaml")):
        for sentence in load_sentences(path):
            if sentence.id not in seen and sentence.article in pages:
                seen.add(sentence.id)
                sentences.append(sentence)
    monitor = Monitor()
    out = {}
    for name in ("dev", "held", "all"):
        chosen = [s for s in sentences if name == "all" or probe_half(s.article) == name]
        nfc, nfd = score_sentences(monitor, chosen, "NFC"), score_sentences(monitor, chosen, "NFD")
        inside = score_in_articles(monitor, chosen, pages, "NFC")
        # Page by page, as a subscriber is alerted: the partners the page's visits name against those of
        # its sentences labelled as visits (every sentence of a probe page is labelled).
        tp = fp = fn = 0
        page_errors = []
        for page in sorted({s.article for s in chosen}):
            title, text = pages[page]
            found = {p for v in monitor.analyse(ArticleInput(text=text, title=title)).visits for p in v.partners}
            wanted = {p for s in chosen if s.article == page and s.visit for p in s.partners}
            tp, fp, fn = tp + len(found & wanted), fp + len(found - wanted), fn + len(wanted - found)
            if found != wanted:
                page_errors.append(f"{page}: missed {sorted(wanted - found)}, false {sorted(found - wanted)}")
        out[name] = {
            "by_page": {"precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
                        "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0, "counts": [tp, fp, fn]},
            "sentences": len(chosen), "pages": len({s.article for s in chosen}),
            "visits_labelled": sum(s.visit for s in chosen), "NFC": nfc.figures(),
            "identical": nfc.outputs == nfd.outputs, "in_article": {"NFC": inside.figures()},
            "errors": nfc.errors if name == "dev" else [], "in_article_errors": inside.errors if name == "dev" else [],
            "page_errors": page_errors if name == "dev" else [],
        }
    return out


def render_probe(now: dict, before: dict[str, dict]) -> str:
    """The probe's figures, a column per half, each cell "now (commit …)" for every previous version."""
    names = ("dev", "held", "all")
    lines = ["monitor on the probe (uncommitted real pages): now" + "".join(f" ({c})" for c in before)]
    titles = [f"{n} ({now[n]['pages']} pages, {now[n]['sentences']}, {now[n]['visits_labelled']} visits)" for n in names]
    lines.append(f"  {'':26}" + "".join(f"{t:>42}" for t in titles))
    for label, key in _ROWS:
        for figures, suffix in ((lambda f: f["NFC"], ""), (lambda f: f["in_article"]["NFC"], ", in page")):
            if suffix and key not in ("visits_precision", "visits_recall", "partners_exact", "direction"):
                continue
            cells = [" ".join([f"{figures(now[n])[key]:.3f}"] + [f"({figures(b[n])[key]:.3f})" for b in before.values()])
                     for n in names]
            lines.append(f"  {label + suffix:26}" + "".join(f"{c:>42}" for c in cells))
    for key, suffix in (("visits", ""), ("visits", ", in page"), ("codes", "")):
        pick = (lambda f: f["in_article"]["NFC"]) if suffix else (lambda f: f["NFC"])
        cells = [" ".join(["/".join(map(str, pick(now[n])[key]))] + [f"({'/'.join(map(str, pick(b[n])[key]))})" for b in before.values()])
                 for n in names]
        lines.append(f"  {key + ' tp/fp/fn' + suffix:26}" + "".join(f"{c:>42}" for c in cells))
    for key, label in (("precision", "partners by page, P"), ("recall", "partners by page, R")):
        cells = [" ".join([f"{now[n]['by_page'][key]:.3f}"] + [f"({b[n]['by_page'][key]:.3f})" for b in before.values() if "by_page" in b[n]])
                 for n in names]
        lines.append(f"  {label:26}" + "".join(f"{c:>42}" for c in cells))
    cells = [" ".join(["/".join(map(str, now[n]["by_page"]["counts"]))] + [
        f"({'/'.join(map(str, b[n]['by_page']['counts']))})" for b in before.values() if "by_page" in b[n]]) for n in names]
    lines.append(f"  {'by page tp/fp/fn':26}" + "".join(f"{c:>42}" for c in cells))
    lines.append(f"  {'NFC = NFD':26}" + "".join(f"{'yes' if now[n]['identical'] else 'NO':>42}" for n in names))
    return "\n".join(lines)


def measure_sets() -> dict:
    return {name: measure(set_members(name)[0], name) for name in SETS if set_members(name)[0].is_file()}


@contextmanager
def previous_version(commit: str = BASELINE_COMMIT):
    """PYTHONPATH for the previous version's ``monitor`` package beside this tree's tests: a temporary
    git worktree of ``commit``, removed afterwards."""
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), commit],
                       check=True, capture_output=True)
        try:
            only = Path(scratch) / "path"
            only.mkdir()
            (only / "monitor").symlink_to(tree / "monitor")
            yield f"{only}{os.pathsep}{ROOT}"
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True)


def run_previous(code: str, *args: str, commit: str = BASELINE_COMMIT) -> str:
    """Run python ``code`` (``sys.argv[1:]`` = ``args``) on the previous version; its standard output."""
    with previous_version(commit) as path:
        out = subprocess.run(
            [sys.executable, "-P", "-c", code, *args],
            env=dict(os.environ, PYTHONPATH=path), cwd=ROOT, check=True, capture_output=True, text=True,
        )
    return out.stdout


def made_note(how: str, commit: str = BASELINE_COMMIT) -> dict:
    return {"commit": commit, "at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "how": how}


def rebuild_baseline() -> dict:
    """Run the scorer on the previous version's ``monitor`` package, in a temporary worktree."""
    out = run_previous(
        "import json; from tests.eval_monitor import measure_sets; print(json.dumps(measure_sets()))"
    )
    sets = json.loads(out)
    for figures in sets.values():
        figures.pop("errors")
        figures.get("in_article", {}).pop("errors", None)
    note = made_note(
        "python -m tests.eval_monitor --rebuild-baseline: git worktree of the commit, its monitor/ first on "
        "PYTHONPATH, this scorer"
    )
    return {"made": note, "sets": sets}


# Per class: (label, key in figures, target key).
_ROWS = (
    ("codes precision", "codes_precision"), ("codes recall", "codes_recall"), ("codes kind", "kind_accuracy"),
    ("visits precision", "visits_precision"), ("visits recall", "visits_recall"),
    ("partners exact", "partners_exact"), ("direction", "direction"),
)


_WIDTH = 21


def _figure_rows(names: list[str], now: dict, prev: dict, figures, rows, counts) -> list[str]:
    """A line per class and per tp/fp/fn count, a cell per set: "now (previous)". ``figures`` picks the
    figures to show from a set's measurement (sentence by sentence, or inside the articles)."""

    def old(name: str, key: str, shown) -> str:
        value = (figures(prev[name]) or {}).get(key) if name in prev else None
        return "-" if value is None else shown(value)

    ratio, count = (lambda value: f"{value:.3f}"), (lambda value: "/".join(map(str, value)))
    lines = []
    for label, key in rows:
        cells = [f"{ratio(figures(now[n])[key])} ({old(n, key, ratio)})" for n in names]
        target = f">= {TARGETS[key]}" if key in TARGETS else ""
        lines.append(f"  {label:18}" + "".join(f"{c:>{_WIDTH + 3}}" for c in cells) + f"   {target}")
    for key in counts:
        cells = [f"{count(figures(now[n])[key])} ({old(n, key, count)})" for n in names]
        lines.append(f"  {key + ' tp/fp/fn':18}" + "".join(f"{c:>{_WIDTH + 3}}" for c in cells))
    return lines


def render(now: dict, before: dict | None) -> str:
    """One table: a row per class, a column per set, each cell "now (previous)"."""
    names = [n for n in SETS if n in now]
    titles = [f"{n} ({now[n]['sentences']}, {now[n]['visits_labelled']} visits)" for n in names]
    head = "".join(f"{t:>{_WIDTH + 3}}" for t in titles)
    lines = [f"monitor on real sentences: measured (previous version {BASELINE_COMMIT})", f"  {'':18}{head}   target"]
    prev = (before or {}).get("sets", {})
    lines += _figure_rows(names, now, prev, lambda f: f["NFC"], _ROWS, ("codes", "visits"))
    cells = []
    for n in names:
        same = now[n]["identical"] and now[n]["NFC"] == now[n]["NFD"]
        old = ("yes" if prev[n]["identical"] else "no") if n in prev else "-"
        cells.append(f"{'yes' if same else 'NO'} ({old})")
    lines.append(f"  {'NFC = NFD':18}" + "".join(f"{c:>{_WIDTH + 3}}" for c in cells) + "   yes")
    stale = [n for n in names if n in prev and prev[n].get("sha256") != now[n]["sha256"]]
    if stale:
        lines.append(f"  NOTE: the stored baseline of {', '.join(stale)} was made on another version of the "
                     "sentence file: python -m tests.eval_monitor --rebuild-baseline")
    return "\n".join(lines)


def render_in_article(now: dict, before: dict | None) -> str:
    """The visit rows again, each sentence scored inside its whole article as the service reads it."""
    names = [n for n in SETS if "in_article" in now.get(n, {})]
    if not names:
        return ""
    head = "".join(f"{n:>{_WIDTH + 3}}" for n in names)
    lines = ["monitor on real sentences read inside their articles (visits; same sets, same previous version)",
             f"  {'':18}{head}   target"]
    prev = (before or {}).get("sets", {})
    lines += _figure_rows(names, now, prev, lambda f: f.get("in_article", {}).get("NFC"), _ROWS[3:], ("visits",))
    same = ["yes" if now[n]["in_article"]["identical"] else "NO" for n in names]
    lines.append(f"  {'NFC = NFD':18}" + "".join(f"{c:>{_WIDTH + 3}}" for c in same) + "   yes")
    return "\n".join(lines)


def render_one(now: dict, title: str) -> str:
    lines = [f"{title} ({now['sentences']} sentences): NFC / NFD   target"]
    for label, key in _ROWS:
        target = f">= {TARGETS[key]}" if key in TARGETS else ""
        lines.append(f"  {label:18} {now['NFC'][key]:.3f} / {now['NFD'][key]:.3f}   {target}")
    for key in ("codes", "visits"):
        lines.append(f"  {key + ' tp/fp/fn':18} {now['NFC'][key]}")
    lines.append(f"  NFC and NFD outputs identical: {now['identical']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=Path, help="score this file alone (not one of the four sets)")
    parser.add_argument("--errors", action="store_true", help="with --sentences: list every wrong sentence")
    parser.add_argument("--dev-errors", action="store_true", help="list every wrong sentence of the development set")
    parser.add_argument("--tune-errors", action="store_true", help="list every wrong sentence of half A and of own")
    parser.add_argument("--rebuild-baseline", action="store_true", help=f"measure commit {BASELINE_COMMIT} again")
    parser.add_argument("--json", action="store_true", help="figures as JSON (no per-sentence errors of B)")
    parser.add_argument("--probe", metavar="DIR", help="score a probe of real pages kept outside the repository")
    parser.add_argument("--probe-baseline", metavar="COMMIT", action="append", default=[],
                        help="with --probe: also measure this commit's monitor in the same run (repeatable)")
    parser.add_argument("--probe-errors", action="store_true", help="with --probe: list the errors of its dev half")
    args = parser.parse_args(argv)
    if args.probe is not None:
        if not any(Path(args.probe).glob("*_sentences.yaml")):
            print(f"monitor eval: no *_sentences.yaml in {args.probe}", file=sys.stderr)
            return 1
        now = measure_probe(args.probe)
        code = "import json, sys; from tests.eval_monitor import measure_probe; print(json.dumps(measure_probe(sys.argv[1])))"
        before = {commit: json.loads(run_previous(code, args.probe, commit=commit)) for commit in args.probe_baseline}
        print(render_probe(now, before))
        if args.probe_errors:
            print("errors of the probe's dev half:")
            print("\n".join("  " + e for e in now["dev"]["errors"]))
            print("errors of the probe's dev half, inside the pages:")
            print("\n".join("  " + e for e in now["dev"]["in_article_errors"]))
            print("errors of the probe's dev half, page by page:")
            print("\n".join("  " + e for e in now["dev"]["page_errors"]))
        return 0
    if args.sentences is not None:
        if not args.sentences.is_file():
            print(f"monitor eval: no labelled sentences at {args.sentences}", file=sys.stderr)
            return 1
        if args.sentences.resolve() == HELD.resolve():
            print("monitor eval: sentences.yaml is scored as its halves A and B (run without --sentences)",
                  file=sys.stderr)
            return 1
        now = measure(args.sentences)
        print(render_one(now, str(args.sentences)))
        if args.errors:
            print("\n".join("  " + e for e in now["errors"]))
        return 0
    if not HELD.is_file():
        print(f"monitor eval: no labelled sentences at {HELD}", file=sys.stderr)
        return 1
    if args.errors:
        print("monitor eval: --errors goes with --sentences; use --tune-errors (half A) or --dev-errors",
              file=sys.stderr)
        return 1
    if args.rebuild_baseline:
        BASELINE.write_text(json.dumps(rebuild_baseline(), indent=2) + "\n", encoding="utf-8")
    before = json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.is_file() else None
    if before is not None and "sets" not in before:
        before = None  # a baseline of the older one-set layout
    now = measure_sets()
    if args.json:
        shown = {n: {k: v for k, v in f.items() if k != "errors" or n in TUNING} for n, f in now.items()}
        for n, f in shown.items():
            if "in_article" in f and n not in TUNING:
                f["in_article"] = {k: v for k, v in f["in_article"].items() if k != "errors"}
        print(json.dumps({"now": shown, "baseline": before}, ensure_ascii=False, indent=2))
        return 0
    print(render(now, before))
    print(render_in_article(now, before))
    for flag, name in ((args.dev_errors, "dev"), (args.tune_errors, "A"), (args.tune_errors, "own")):
        if flag and name in now:
            print(f"errors of {name}:")
            print("\n".join("  " + e for e in now[name]["errors"]))
            if "in_article" in now[name]:
                print(f"errors of {name}, inside the articles:")
                print("\n".join("  " + e for e in now[name]["in_article"]["errors"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
