"""How much an article is about foreign affairs, so mixed listings can be narrowed to "đối ngoại".

A transparent points score (``topic.yaml``) rather than a trained model: the labelled set is
small, and an editor who sees a wrong label can read which terms put it there (``Topic.terms``)
and change a weight.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from monitor.lexicon import Hit
from monitor.places import Place

DATA = Path(__file__).resolve().parent / "topic.yaml"
FOREIGN_AFFAIRS = "doi-ngoai"


@dataclass(slots=True)
class Topic:
    label: str | None
    score: float
    terms: list[str] = field(default_factory=list)  # what scored most, best first

    def as_json(self) -> dict:
        return {"label": self.label, "score": round(self.score, 2), "terms": self.terms}


@lru_cache(maxsize=1)
def settings() -> dict:
    with DATA.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    data["weights"] = {term: float(points) for points, terms in data["terms"].items() for term in terms}
    return data


def topic_entries() -> list[tuple[str, str]]:
    """(term, term) for the lexicon: the payload is the term as written in the data file."""
    return [(term, term) for term in settings()["weights"]]


def score_topic(hits: list[Hit], places: list[Place], visits: int, title_end: int, length: int) -> Topic:
    """``length``: characters of the article. Term points are divided by the square root of the
    length in units of ``length_unit``, so a long page that mentions foreign affairs in passing
    does not outscore a short news item about a reception; visits are not divided."""
    config = settings()
    weights, cap = config["weights"], config["per_term_cap"]
    mentions: dict[str, float] = defaultdict(float)
    for hit in hits:
        mentions[hit.payload] += 2 if hit.start < title_end else 1
    points = {term: weights[term] * min(count, cap) for term, count in mentions.items()}
    partners = {place.partner for place in places}
    for partner in partners:
        points[partner] = config["country_points"]
    country_score = min(config["country_cap"], config["country_points"] * len(partners))
    score = sum(p for t, p in points.items() if t not in partners) + country_score
    score /= max(1.0, length / config["length_unit"]) ** 0.5
    score += min(config["visit_cap"], config["visit_points"] * visits)
    best = sorted(points, key=lambda t: (-points[t], t))[:8]
    return Topic(label=config["label"] if score >= config["threshold"] else None, score=score, terms=best)
