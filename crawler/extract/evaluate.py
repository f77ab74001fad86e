"""The extraction harness: every fixture and real page, scored field by field, ours beside bare trafilatura.

A case is ``<family>/<name>.expected.json`` under the fixture folder, next to its page (``file``, or
``<name>.html``), or naming a page of the shared corpus (``shared``: a path below the shared folder, by
default the copies in ``tests/fixtures/shared``). The
expected JSON is the gold: title, published_at (a date, or ISO 8601 with time and zone), author, lead,
the body's first and last paragraphs, ``rejected`` (a reason code) and ``chrome`` (strings of the page's
chrome that must never reach the lead or the text).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

from crawler.extract import boilerplate
from crawler.extract.core import extract
from crawler.extract.text import clean
from crawler.extract.verdict import code_of
from spiders.schema import PortalConfig

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "extract"
# Copies of the shared corpus pages the cases name (tests/fixtures/shared/README.md); ``--shared`` points elsewhere.
SHARED = FIXTURES.parent / "shared"
FIELDS = ("verdict", "title", "date", "time", "author", "lead", "first", "last", "clean")


@dataclass
class Case:
    name: str  # "<family>/<name>"
    page: Path
    expected: dict
    url: str | None = None
    portal: PortalConfig | None = None

    @property
    def family(self) -> str:
        return self.name.split("/", 1)[0]

    def body(self) -> bytes:
        return self.page.read_bytes()


@dataclass
class Outcome:
    title: str | None = None
    published_at: str | None = None
    author: str | None = None
    lead: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    rejected: str | None = None  # a reason code; "none" for a baseline that returned nothing


@dataclass
class Scored:
    case: Case
    marks: dict[str, bool | None]  # None: the field does not apply to this case
    leaks: list[str]
    got: Outcome


def load_cases(fixtures: Path = FIXTURES, shared: Path = SHARED) -> list[Case]:
    """All cases; a case naming a shared page that is missing is an error, never a silent skip."""
    cases = []
    for spec in sorted(Path(fixtures).glob("*/*.expected.json")):
        expected = json.loads(spec.read_text(encoding="utf-8"))
        stem = spec.name.removesuffix(".expected.json")
        if expected.get("shared"):
            page = Path(shared) / expected["shared"]
        else:
            page = spec.with_name(expected.get("file") or f"{stem}.html")
        if not page.is_file():
            raise FileNotFoundError(f"{spec}: page {page} not found (the copies are in tests/fixtures/shared; see its README)")
        portal = PortalConfig.model_validate(expected["portal"]) if expected.get("portal") else None
        cases.append(Case(f"{spec.parent.name}/{stem}", page, expected, expected.get("url"), portal))
    return cases


def run_ours(case: Case) -> Outcome:
    result = extract(case.body(), url=case.url, portal=case.portal)
    data = result.as_json()
    return Outcome(data["title"], data["published_at"], data["author"], data["lead"], result.paragraphs, code_of(result.rejected))


def run_baseline(case: Case) -> Outcome:
    """Bare ``trafilatura.bare_extraction`` with metadata, as the first version of the extractor used it."""
    try:
        found = trafilatura.bare_extraction(case.body(), url=case.url, with_metadata=True)
    except Exception:  # bare trafilatura raising on a page is scored as "returned nothing"
        found = None
    if found is None:
        return Outcome(rejected="none")
    text = found.text or ""
    return Outcome(
        title=found.title, published_at=found.date, author=found.author, lead=found.description,
        paragraphs=[line for line in (clean(x) for x in text.split("\n")) if line],
    )


def score(case: Case, got: Outcome) -> Scored:
    want = case.expected
    marks: dict[str, bool | None] = dict.fromkeys(FIELDS)
    if want.get("rejected"):
        marks["verdict"] = got.rejected is not None and (got.rejected == want["rejected"] or got.rejected == "none")
        return Scored(case, marks, [], got)
    marks["verdict"] = got.rejected is None
    expected_date = want.get("published_at")
    got_date = got.published_at or ""
    marks["title"] = got.title == want.get("title")
    marks["date"] = got_date[:10] == expected_date[:10] if expected_date else not got_date
    if expected_date and "T" in expected_date:
        marks["time"] = "T" in got_date and got_date[:16] == expected_date[:16] and got_date[-6:] == expected_date[-6:]
    marks["author"] = got.author == want.get("author")
    marks["lead"] = got.lead == want.get("lead")
    marks["first"] = bool(got.paragraphs) and got.paragraphs[0] == want.get("first_paragraph")
    marks["last"] = bool(got.paragraphs) and got.paragraphs[-1] == want.get("last_paragraph")
    leaks = leaked(got, want.get("chrome", []))
    marks["clean"] = not leaks
    return Scored(case, marks, leaks, got)


def leaked(got: Outcome, chrome: list[str]) -> list[str]:
    """Chrome in the lead or text: the page's own chrome strings, and lines the vocabulary knows as chrome."""
    lines = [line for line in [got.lead or "", *got.paragraphs] if line]
    found = []
    for item in chrome:
        folded = _fold(item)
        for line in lines:
            if _fold(line) == folded or (len(item) >= 15 and item in line):
                found.append(item)
                break
    found.extend(f"[vocabulary] {line[:80]}" for line in lines if boilerplate.is_boilerplate(line))
    return found


def _fold(value: str) -> str:
    return re.sub(r"[\s|•·:–—-]+", " ", value).strip().casefold()


@dataclass
class Report:
    ours: list[Scored]
    baseline: list[Scored]

    def totals(self, which: str) -> dict[str, tuple[int, int]]:
        rows = getattr(self, which)
        return {f: (sum(1 for r in rows if r.marks[f]), sum(1 for r in rows if r.marks[f] is not None)) for f in FIELDS}

    def failures(self) -> list[str]:
        out = []
        for scored in self.ours:
            for name, mark in scored.marks.items():
                if mark is False:
                    out.append(f"{scored.case.name}: {name} {_show(scored, name)}")
        return out


def evaluate(cases: list[Case]) -> Report:
    return Report([score(c, run_ours(c)) for c in cases], [score(c, run_baseline(c)) for c in cases])


def _show(scored: Scored, name: str) -> str:
    want, got = scored.case.expected, scored.got
    pairs = {
        "verdict": (want.get("rejected"), got.rejected), "title": (want.get("title"), got.title),
        "date": (want.get("published_at"), got.published_at), "time": (want.get("published_at"), got.published_at),
        "author": (want.get("author"), got.author), "lead": (want.get("lead"), got.lead),
        "first": (want.get("first_paragraph"), got.paragraphs[0] if got.paragraphs else None),
        "last": (want.get("last_paragraph"), got.paragraphs[-1] if got.paragraphs else None),
        "clean": ("no chrome", scored.leaks),
    }
    expected, actual = pairs[name]
    return f"want {str(expected)[:90]!r} got {str(actual)[:90]!r}"


def render(report: Report, verbose: bool = False) -> str:
    ours, base = report.totals("ours"), report.totals("baseline")
    lines = [f"{len(report.ours)} pages ({_families(report)})", "", f"{'field':<9} {'ours':>14} {'trafilatura':>14}"]
    for name in FIELDS:
        (a, n), (b, _) = ours[name], base[name]
        lines.append(f"{name:<9} {_rate(a, n):>14} {_rate(b, n):>14}")
    lines += ["", "leaked chrome (ours):"]
    lines += [f"  {s.case.name}: {leak}" for s in report.ours for leak in s.leaks] or ["  none"]
    lines += ["", "leaked chrome (trafilatura):"]
    base_leaks = [f"  {s.case.name}: {leak}" for s in report.baseline for leak in s.leaks]
    lines += (base_leaks if verbose else base_leaks[:40] + ([f"  … {len(base_leaks) - 40} more (--verbose)"] if len(base_leaks) > 40 else [])) or ["  none"]
    failures = report.failures()
    lines += ["", "our failures:"] + ([f"  {f}" for f in failures] or ["  none"])
    return "\n".join(lines)


def _rate(hits: int, total: int) -> str:
    return f"{hits}/{total} {100 * hits / total:5.1f}%" if total else "n/a"


def _families(report: Report) -> str:
    counts: dict[str, int] = {}
    for s in report.ours:
        counts[s.case.family] = counts.get(s.case.family, 0) + 1
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
