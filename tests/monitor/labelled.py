"""The labelled evaluation sets and their scoring.

``labelled.yaml`` is the set the detectors were developed on; ``heldout.yaml`` was written and
labelled afterwards to estimate how they do on new text (its first run, before the fixes it led to,
is recorded in that file's header). Shared by the tests, which require no error at all, and by the
bench, which reports precision and recall.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from monitor import Monitor
from monitor.normalise import canonical
from monitor.topic import FOREIGN_AFFAIRS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "monitor"
SHARED = FIXTURES.parent / "shared"  # copies of ../shared (tests/fixtures/shared/README.md)


def seeds_dir() -> Path:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        raise FileNotFoundError(f"the seed articles are missing: expected them in {seeds}")
    return seeds


def seed_files() -> list[Path]:
    files = sorted(seeds_dir().glob("[0-9]*.txt"))
    if len(files) < 5:
        raise FileNotFoundError(f"expected the five seed articles in {seeds_dir()}, found {len(files)}")
    return files


@dataclass
class Labelled:
    id: str
    text: str
    topic: bool
    directives: list[str]
    visits: list[dict]


def load_articles(name: str = "labelled.yaml") -> list[Labelled]:
    data = yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))
    articles = []
    for item in data["articles"]:
        if "seed" in item:
            text = (seeds_dir() / item["seed"]).read_text(encoding="utf-8")
        elif "corpus" in item:
            text = (FIXTURES / "corpus" / item["corpus"]).read_text(encoding="utf-8")
        else:
            text = item["text"]
        articles.append(Labelled(item["id"], text, item["topic"], item["directives"], item["visits"]))
    return articles


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Scores:
    directives: Counts = field(default_factory=Counts)
    visits: Counts = field(default_factory=Counts)
    topic: Counts = field(default_factory=Counts)
    errors: list[str] = field(default_factory=list)


def _visit_matches(found, expected: dict) -> bool:
    return (
        canonical(expected["clause"]) in found.clause
        and set(found.partners) == set(expected["partners"])
        and found.direction == expected["direction"]
    )


def evaluate(monitor: Monitor, articles: list[Labelled]) -> Scores:
    scores = Scores()
    for article in articles:
        analysis = monitor.analyse(article.text)
        codes, expected = set(analysis.codes), set(article.directives)
        scores.directives.tp += len(codes & expected)
        scores.directives.fp += len(codes - expected)
        scores.directives.fn += len(expected - codes)
        for code in sorted(codes - expected):
            scores.errors.append(f"{article.id}: false code {code}")
        for code in sorted(expected - codes):
            scores.errors.append(f"{article.id}: missed code {code}")

        unmatched = list(analysis.visits)
        for want in article.visits:
            hit = next((v for v in unmatched if _visit_matches(v, want)), None)
            if hit is None:
                scores.visits.fn += 1
                scores.errors.append(f"{article.id}: missed visit {want}")
            else:
                scores.visits.tp += 1
                unmatched.remove(hit)
        scores.visits.fp += len(unmatched)
        for visit in unmatched:
            scores.errors.append(
                f"{article.id}: false visit {visit.direction} {visit.partners} in {visit.clause!r}"
            )

        predicted = analysis.topic.label == FOREIGN_AFFAIRS
        if predicted and article.topic:
            scores.topic.tp += 1
        elif predicted:
            scores.topic.fp += 1
            scores.errors.append(f"{article.id}: topic wrongly foreign affairs ({analysis.topic.score:.1f})")
        elif article.topic:
            scores.topic.fn += 1
            scores.errors.append(f"{article.id}: topic missed ({analysis.topic.score:.1f})")
    return scores
