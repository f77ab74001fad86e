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
SHARED = FIXTURES.parent / "shared"  # the in-repo copies of the shared material (tests/fixtures/shared/README.md)


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

    def count(self, predicted: bool, actual: bool) -> str | None:
        """Count one yes/no decision; returns "tp", "fp", "fn" or None (a true negative)."""
        outcome = ("tp" if actual else "fp") if predicted else ("fn" if actual else None)
        if outcome:
            setattr(self, outcome, getattr(self, outcome) + 1)
        return outcome


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

        outcome = scores.topic.count(analysis.topic.label == FOREIGN_AFFAIRS, article.topic)
        if outcome == "fp":
            scores.errors.append(f"{article.id}: topic wrongly foreign affairs ({analysis.topic.score:.1f})")
        elif outcome == "fn":
            scores.errors.append(f"{article.id}: topic missed ({analysis.topic.score:.1f})")
    return scores


# The real-sentence set: sentences from real articles (``tests/fixtures/shared/corpus/baomoi-2017.jsonl.xz``),
# labelled by hand by someone who had not seen the detectors. Each sentence says which codes it
# holds (canonical form and kind), whether it reports a foreign visit, with which partners and in
# which direction. Scored per sentence, on the sentence as written and on its NFD form.
REAL = FIXTURES / "real" / "sentences.yaml"
NO_DIRECTION = frozenset({None, "", "none", "unknown"})


@dataclass
class RealSentence:
    id: str
    text: str
    codes: dict[str, str | None]  # canonical code -> kind
    visit: bool
    partners: list[str]
    direction: str | None
    article: str = ""  # the corpus record's id (``bm-<article>-<n>`` ids carry it too)


def load_sentences(path: Path = REAL) -> list[RealSentence]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = data.get("sentences", []) if isinstance(data, dict) else (data or [])
    sentences = []
    for index, item in enumerate(items):
        codes: dict[str, str | None] = {}
        for code in item.get("codes") or []:
            if isinstance(code, str):
                codes[canonical(code)] = None
            else:
                codes[canonical(str(code["code"]))] = code.get("kind")
        sentences.append(
            RealSentence(
                id=str(item.get("id", index)),
                text=str(item["text"]),
                codes=codes,
                visit=bool(item.get("visit")),
                partners=[canonical(p) for p in item.get("partners") or []],
                direction=item.get("direction"),
                article=str(item.get("article") or _article_of(str(item.get("id", "")))),
            )
        )
    return sentences


def _article_of(sentence_id: str) -> str:
    parts = sentence_id.split("-")
    return parts[1] if len(parts) == 3 and parts[0] == "bm" else sentence_id


@dataclass
class RealScores:
    codes: Counts = field(default_factory=Counts)
    kinds_right: int = 0  # among true-positive codes
    visits: Counts = field(default_factory=Counts)
    partners_right: int = 0  # among true visits found
    direction_right: int = 0  # among true visits found
    errors: list[str] = field(default_factory=list)
    # (sentence id, codes, visit partners and directions) as found, to compare NFC with NFD.
    outputs: list[tuple] = field(default_factory=list)

    def figures(self) -> dict:
        found = self.visits.tp
        return {
            "codes_precision": round(self.codes.precision, 4),
            "codes_recall": round(self.codes.recall, 4),
            "codes": [self.codes.tp, self.codes.fp, self.codes.fn],
            "kind_accuracy": round(self.kinds_right / self.codes.tp, 4) if self.codes.tp else 1.0,
            "visits_precision": round(self.visits.precision, 4),
            "visits_recall": round(self.visits.recall, 4),
            "visits": [self.visits.tp, self.visits.fp, self.visits.fn],
            "partners_exact": round(self.partners_right / found, 4) if found else 1.0,
            "direction": round(self.direction_right / found, 4) if found else 1.0,
        }


def _direction_of(visits) -> str | None:
    for visit in visits:
        if visit.direction not in NO_DIRECTION:
            return visit.direction
    return "unknown" if visits else None


def score_sentences(monitor: Monitor, sentences: list[RealSentence], form: str = "NFC") -> RealScores:
    """``form``: "NFC" scores each sentence as written, "NFD" its decomposed form."""
    import unicodedata

    scores = RealScores()
    for sentence in sentences:
        text = unicodedata.normalize(form, sentence.text)
        analysis = monitor.analyse(text)
        kinds = {d.code: d.kind for d in analysis.directives}
        found, expected = set(kinds), set(sentence.codes)
        scores.codes.tp += len(found & expected)
        scores.codes.fp += len(found - expected)
        scores.codes.fn += len(expected - found)
        for code in sorted(found & expected):
            want = sentence.codes[code]
            if want is None or canonical(want).lower() == kinds[code].lower():
                scores.kinds_right += 1
            else:
                scores.errors.append(f"{sentence.id}: kind of {code} {kinds[code]!r}, labelled {want!r}")
        scores.errors += [f"{sentence.id}: false code {c}" for c in sorted(found - expected)]
        scores.errors += [f"{sentence.id}: missed code {c}" for c in sorted(expected - found)]

        _score_visits(scores, sentence, analysis.visits, sorted(kinds.items()))
    return scores


def _score_visits(scores: RealScores, sentence: RealSentence, visits, codes) -> None:
    partners = sorted({p for v in visits for p in v.partners})
    direction = _direction_of(visits)
    scores.outputs.append((sentence.id, codes, partners, direction))
    outcome = scores.visits.count(bool(visits), sentence.visit)
    if outcome == "tp":
        if set(partners) == set(sentence.partners):
            scores.partners_right += 1
        else:
            scores.errors.append(f"{sentence.id}: partners {partners}, labelled {sentence.partners}")
        want = sentence.direction if sentence.direction not in NO_DIRECTION else "unknown"
        if direction == want:
            scores.direction_right += 1
        else:
            scores.errors.append(f"{sentence.id}: direction {direction}, labelled {want}")
    elif outcome == "fp":
        scores.errors.append(f"{sentence.id}: false visit {partners} in {visits[0].clause!r}")
    elif outcome == "fn":
        scores.errors.append(f"{sentence.id}: missed visit {sentence.partners}")


def score_in_articles(monitor: Monitor, sentences: list[RealSentence], articles: dict[str, tuple[str, str]],
                      form: str = "NFC") -> RealScores:
    """Visits as the service alerts them: the monitor reads each sentence's whole article (``articles``:
    corpus id -> (title, body)); a sentence's visits are those whose clause overlaps it, and a labelled
    visit found nowhere in the sentence is found when the article reports a visit with one of its
    partners (an article reports each visit once). The article gives what a sentence alone lacks (our
    side named elsewhere, the clause before), for better or worse. Codes are not scored here (a document is reported once an
    article, at its first mention). A sentence not found in its article counts as an error."""
    import unicodedata

    from monitor.analysis import ArticleInput

    scores = RealScores()
    read: dict[str, tuple[str, list]] = {}
    for sentence in sentences:
        if sentence.article not in read:
            title, body = articles.get(sentence.article, ("", ""))
            article = ArticleInput(text=unicodedata.normalize(form, body), title=unicodedata.normalize(form, title))
            read[sentence.article] = (canonical(article.full_text()), monitor.analyse(article).visits)
        text, visits = read[sentence.article]
        wanted = canonical(sentence.text)
        at = text.find(wanted)
        if at < 0:
            scores.errors.append(f"{sentence.id}: not found in its article")
            continue
        end = at + len(wanted)
        mine = [v for v in visits if _overlaps(v, at, end, wanted)]
        if not mine and sentence.visit:
            # An article reports a visit once (a headline's from the body that tells it, a meeting
            # referred to by its noun not again after its verb): what a reader is alerted to is the
            # article's visit with that partner, wherever the detector found it.
            mine = [v for v in visits if set(v.partners) & set(sentence.partners)]
        _score_visits(scores, sentence, mine, [])
    return scores


def _overlaps(visit, start: int, end: int, sentence: str) -> bool:
    span = getattr(visit, "span", None)
    if span and span != (0, 0):
        return span[0] < end and start < span[1]
    found = canonical(visit.sentence)  # a version without spans: by text
    return found in sentence or sentence in found
