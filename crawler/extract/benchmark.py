"""The public article-extraction benchmark (scrapinghub/article-extraction-benchmark), ours beside bare trafilatura.

The Vietnamese harness says the extractor is right on the portals it was built from; this says it is
no worse than the library it wraps on ordinary article pages it has never seen. Every benchmark page
is an article, so a rejected page is a missed article. Scoring is the benchmark's own: 4-token
shingles of the body, per page TP/FP/FN counts normalised to sum 1, precision and recall averaged over
pages, F1 from the two averages. Our body is what a subscriber reads: the lead, then the text.

A benchmark folder holds ``ground-truth.json`` (sha → {articleBody, url?}) and ``html/<sha>.html.gz``.
Both extractors see the same bytes in one process, page by page interleaved, and their CPU time
(``time.process_time``) is summed, so a busy machine slows both alike.
"""

from __future__ import annotations

import gzip
import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

from crawler.extract.core import extract
from crawler.extract.verdict import code_of

REPO = Path(__file__).resolve().parents[2]
# The benchmark half, copied in tests/fixtures/shared (provenance in its README).
SHARED_AEB = REPO / "tests" / "fixtures" / "shared" / "corpus" / "aeb"
FIXTURE_AEB = REPO / "tests" / "fixtures" / "aeb"
_TOKEN = re.compile(r"\w+", re.UNICODE)
SHINGLE = 4


@dataclass
class BenchPage:
    sha: str
    body: bytes
    truth: str
    url: str | None


@dataclass
class PageScore:
    precision: float
    recall: float
    rejected: str | None = None  # our reason code, or "none" when bare trafilatura returned nothing


@dataclass
class Side:
    pages: dict[str, PageScore] = field(default_factory=dict)
    cpu: float = 0.0

    def precision(self) -> float:
        return sum(p.precision for p in self.pages.values()) / max(len(self.pages), 1)

    def recall(self) -> float:
        return sum(p.recall for p in self.pages.values()) / max(len(self.pages), 1)

    def f1(self) -> float:
        p, r = self.precision(), self.recall()
        return 2 * p * r / (p + r) if p + r else 0.0

    def rejected(self) -> list[str]:
        return sorted(sha for sha, p in self.pages.items() if p.rejected)


@dataclass
class BenchReport:
    folder: Path
    ours: Side
    baseline: Side

    def f1_of(self, sha: str) -> tuple[float, float]:
        return _f1(self.ours.pages[sha]), _f1(self.baseline.pages[sha])


def load(folder: Path) -> list[BenchPage]:
    folder = Path(folder)
    truth_file = folder / "ground-truth.json"
    if not truth_file.is_file():
        raise FileNotFoundError(f"{truth_file} not found")
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    pages = []
    for sha in sorted(truth):
        page = folder / "html" / f"{sha}.html.gz"
        if not page.is_file():
            raise FileNotFoundError(f"{folder}: page {page.name} named in ground-truth.json is missing")
        pages.append(BenchPage(sha, gzip.decompress(page.read_bytes()), truth[sha].get("articleBody") or "", truth[sha].get("url")))
    return pages


def shingles(text: str) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1)) if tokens[i:i + SHINGLE])


def score_text(truth: str, predicted: str) -> tuple[float, float]:
    """(precision, recall) of one page; an empty prediction has precision 0 (nothing right was found)."""
    want, got = shingles(truth), shingles(predicted)
    tp = sum((want & got).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = tp + fp + fn
    if not total:
        return 1.0, 1.0
    tp, fp, fn = tp / total, fp / total, fn / total
    return (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 1.0)


def ours_text(page: BenchPage) -> tuple[str, str | None]:
    result = extract(page.body, url=page.url)
    if result.rejected:
        return "", code_of(result.rejected)
    return "\n\n".join(part for part in (result.lead, result.text) if part), None


def baseline_text(page: BenchPage) -> tuple[str, str | None]:
    """Bare trafilatura 2.3 as a user of the library would call it, with the page URL when known."""
    try:
        found = trafilatura.bare_extraction(page.body, url=page.url)
    except Exception:  # the baseline raising on a page is scored as returning nothing
        found = None
    if found is None or not found.text:
        return "", "none"
    return found.text, None


def run(pages: list[BenchPage], folder: Path = SHARED_AEB) -> BenchReport:
    ours, baseline = Side(), Side()
    for page in pages:
        for side, runner in ((ours, ours_text), (baseline, baseline_text)):
            start = time.process_time()
            text, rejected = runner(page)
            side.cpu += time.process_time() - start
            side.pages[page.sha] = PageScore(*score_text(page.truth, text), rejected)
    return BenchReport(Path(folder), ours, baseline)


def _f1(score: PageScore) -> float:
    p, r = score.precision, score.recall
    return 2 * p * r / (p + r) if p + r else 0.0


def render(report: BenchReport, worst: int = 8) -> str:
    ours, base = report.ours, report.baseline
    n = len(ours.pages)
    lines = [
        f"article-extraction-benchmark: {n} pages ({report.folder})",
        "",
        f"{'metric':<14} {'ours':>10} {'trafilatura':>12}",
        f"{'F1':<14} {ours.f1():>10.3f} {base.f1():>12.3f}",
        f"{'precision':<14} {ours.precision():>10.3f} {base.precision():>12.3f}",
        f"{'recall':<14} {ours.recall():>10.3f} {base.recall():>12.3f}",
        f"{'rejected':<14} {len(ours.rejected()):>10} {len(base.rejected()):>12}",
        f"{'CPU s':<14} {ours.cpu:>10.2f} {base.cpu:>12.2f}",
        f"{'CPU ratio':<14} {ours.cpu / base.cpu if base.cpu else 0:>9.2f}x {'1.00x':>12}",
    ]
    if ours.rejected():
        lines += ["", "rejected (ours):"] + [f"  {sha[:12]}: {ours.pages[sha].rejected}" for sha in ours.rejected()]
    behind = sorted(ours.pages, key=lambda sha: report.f1_of(sha)[0] - report.f1_of(sha)[1])[:worst]
    behind = [sha for sha in behind if report.f1_of(sha)[0] < report.f1_of(sha)[1] - 0.01]
    if behind:
        lines += ["", "furthest behind trafilatura (F1 ours / trafilatura, P, R):"]
        for sha in behind:
            o, b = ours.pages[sha], base.pages[sha]
            a, c = report.f1_of(sha)
            lines.append(f"  {sha[:12]}: {a:.3f} / {c:.3f}  P {o.precision:.2f}/{b.precision:.2f}  R {o.recall:.2f}/{b.recall:.2f}")
    return "\n".join(lines)


def as_json(report: BenchReport) -> dict:
    def side(s: Side) -> dict:
        return {"f1": s.f1(), "precision": s.precision(), "recall": s.recall(), "rejected": s.rejected(), "cpu_seconds": s.cpu}

    return {"pages": len(report.ours.pages), "ours": side(report.ours), "trafilatura": side(report.baseline)}
