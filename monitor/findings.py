"""What a rule that fired says about the article, built when someone reads it.

With 10,000 subscriber keywords a long article fires hundreds of rules. Deciding that a rule fires
takes a set lookup; saying why (a snippet cut around the first occurrence, with every occurrence
nearby highlighted, and the reasons in Vietnamese) takes some ten microseconds per rule, more than
all the detectors together once a few hundred rules fire. So a ``RuleMatch`` holds a ``Finding``,
shared by every subscriber who wrote the same rule, and the article's ``ArticleTerms``; the snippet
and the reasons are built on first read and kept there: a caller that only counts matches, or stores
a few, pays for what it reads.

A one-phrase keyword rule's finding does not even depend on the article (its term occurred, that is
all), so the matcher builds it once, with the rule, and an article that fires it allocates only the
``RuleMatch`` objects.

A match keeps its article's ``ArticleTerms`` (and so the folded text) alive until it is dropped; the
crawl cycle drops each ``Analysis`` after storing it.
"""

from __future__ import annotations

from typing import NamedTuple

from monitor.folded import FoldedText
from monitor.snippets import Snippet, make_snippet
from monitor.terms import Occurrences, TermIndex

KEYWORD = "keyword"
Member = tuple[str, "str | None", "int | str | None"]  # a rule's (id, name, subscriber)
TOPIC_REASON = "chủ đề đối ngoại"
_SNIPPET_OCCURRENCES = 5
_SNIPPET_REACH = 400  # folded characters after a term's first occurrence that a snippet can show


class ArticleTerms:
    """One article's term occurrences, with the spans, snippets and reasons that rules share."""

    __slots__ = ("index", "folded", "found", "_spans", "_snippets", "_reasons")

    def __init__(self, index: TermIndex, folded: FoldedText, found: Occurrences):
        self.index, self.folded, self.found = index, folded, found
        self._spans: dict[int, list[tuple[int, int]]] = {}
        self._snippets: dict[tuple[int, ...], Snippet] = {}
        self._reasons: dict[KeywordFinding, tuple[str, ...]] = {}

    def spans(self, tid: int) -> list[tuple[int, int]]:
        """Canonical spans of the occurrences of term ``tid`` that a snippet can show."""
        spans = self._spans.get(tid)
        if spans is None:
            spans = self._spans[tid] = self.index.spans(
                self.folded, tid, self.found.ends(tid, _SNIPPET_OCCURRENCES), _SNIPPET_OCCURRENCES, _SNIPPET_REACH
            )
        return spans

    def keyword_snippet(self, tids: tuple[int, ...]) -> Snippet:
        """The sentence around the first occurrence of any of ``tids``, all of them highlighted."""
        snippet = self._snippets.get(tids)
        if snippet is None:
            spans = [span for tid in tids for span in self.spans(tid)]
            focus = min(spans)
            snippet = make_snippet(self.folded.text, focus, spans, self.folded.sentence_bounds(*focus))
            self._snippets[tids] = snippet
        return snippet

    def keyword_reasons(self, finding: "KeywordFinding") -> tuple[str, ...]:
        reasons = self._reasons.get(finding)
        if reasons is None:
            listed = term_reasons(finding.terms, finding.tids, self.found, finding.topic)
            reasons = self._reasons[finding] = tuple(listed)
        return reasons


def term_reasons(terms: tuple[str, ...], tids: tuple[int, ...], found: Occurrences, topic: bool) -> list[str]:
    """"từ khóa “biên giới” (3 lần)" for each term, and the topic when the rule asks for it."""
    reasons = [f"từ khóa “{term}” ({found.count(tid)} lần)" for term, tid in zip(terms, tids)]
    if topic:
        reasons.append(TOPIC_REASON)
    return reasons


class Finding:
    """``kind`` and ``terms`` of a fired rule; ``snippet`` and ``reasons`` given the article."""

    __slots__ = ("kind", "terms")

    def snippet(self, article: ArticleTerms) -> Snippet:
        raise NotImplementedError

    def reasons(self, article: ArticleTerms) -> tuple[str, ...]:
        raise NotImplementedError


class KeywordFinding(Finding):
    """A keyword rule: its terms that occur (``any`` hits, then ``all``), each with its count."""

    __slots__ = ("tids", "topic")

    def __init__(self, terms: tuple[str, ...], tids: tuple[int, ...], topic: bool = False):
        self.kind, self.terms, self.tids, self.topic = KEYWORD, terms, tids, topic

    def snippet(self, article: ArticleTerms) -> Snippet:
        return article.keyword_snippet(self.tids)

    def reasons(self, article: ArticleTerms) -> tuple[str, ...]:
        return article.keyword_reasons(self)


class DetectorFinding(Finding):
    """A detector rule on one article: its events (codes or partners) and terms, reasons worded.

    The snippet shows the first event within ``bounds``, highlighting ``focus`` (the events' spans)
    and the occurrences of the rule's terms ``tids``.
    """

    __slots__ = ("_reasons", "focus", "bounds", "tids", "_snippet")

    def __init__(
        self,
        kind: str,
        terms: tuple[str, ...],
        reasons: tuple[str, ...],
        focus: list[tuple[int, int]],
        bounds: tuple[int, int],
        tids: tuple[int, ...],
    ):
        self.kind, self.terms, self._reasons = kind, terms, reasons
        self.focus, self.bounds, self.tids = focus, bounds, tids
        self._snippet: Snippet | None = None

    def snippet(self, article: ArticleTerms) -> Snippet:
        if self._snippet is None:
            focus = self.focus
            spans = focus + [span for tid in self.tids for span in article.spans(tid)]
            self._snippet = make_snippet(article.folded.text, focus[0], spans, self.bounds)
        return self._snippet

    def reasons(self, article: ArticleTerms) -> tuple[str, ...]:
        return self._reasons


class Fired(NamedTuple):
    """A group of identical rules that fired: its number (rule order), finding and members."""

    number: int
    finding: Finding
    members: list[Member]


class RuleMatch:
    """Why one rule fired on one article. ``kind``, ``terms``, ``snippet`` and ``reasons`` are shared
    with the other subscribers of the same rule: treat them as read-only."""

    # Member ``index`` of a fired group rather than the member's own fields: at hundreds of matches
    # per article, touching one shared object per group instead of three per match is measurably
    # faster (the fields live wherever the rules were loaded, far apart in memory).
    __slots__ = ("fired", "index", "article")
    __hash__ = None  # compared by value, like the dataclass it replaces

    def __init__(
        self, rule: str, name: str | None, subscriber: int | str | None, finding: Finding, article: ArticleTerms
    ):
        self.fired, self.index, self.article = Fired(-1, finding, [(rule, name, subscriber)]), 0, article

    @property
    def rule(self) -> str:
        return self.fired.members[self.index][0]

    @property
    def name(self) -> str | None:
        return self.fired.members[self.index][1]

    @property
    def subscriber(self) -> int | str | None:
        """Who the rule belongs to; None for a global rule."""
        return self.fired.members[self.index][2]

    @property
    def finding(self) -> Finding:
        return self.fired.finding

    @property
    def kind(self) -> str:
        """"keyword", "directive", "new-directive" or "visit"."""
        return self.finding.kind

    @property
    def terms(self) -> tuple[str, ...]:
        """Matched terms as the rule wrote them; codes or partners (first) for detectors."""
        return self.finding.terms

    @property
    def snippet(self) -> Snippet:
        return self.finding.snippet(self.article)

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why it fired, in Vietnamese, for the alert text."""
        return self.finding.reasons(self.article)

    def _fields(self) -> tuple:
        return self.rule, self.name, self.subscriber, self.kind, self.terms, self.snippet, self.reasons

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RuleMatch):
            return NotImplemented
        return self._fields() == other._fields()

    def __repr__(self) -> str:
        names = ("rule", "name", "subscriber", "kind", "terms", "snippet", "reasons")
        return "RuleMatch(" + ", ".join(f"{n}={v!r}" for n, v in zip(names, self._fields())) + ")"

    def as_json(self) -> dict:
        return {
            "rule": self.rule,
            "name": self.name,
            "subscriber": self.subscriber,
            "kind": self.kind,
            "terms": list(self.terms),
            "snippet": self.snippet.marked(),
            "reasons": list(self.reasons),
        }


def rule_matches(fired: list[Fired], article: ArticleTerms) -> list[RuleMatch]:
    """A ``RuleMatch`` for each member of each fired group, in order.

    Hundreds per article, so made without the Python-level ``__init__`` call (a third of the cost).
    """
    new, out = object.__new__, []
    append = out.append
    for group in fired:
        for index in range(len(group.members)):
            match = new(RuleMatch)
            match.fired = group
            match.index = index
            match.article = article
            append(match)
    return out
