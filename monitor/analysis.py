"""The monitor's entry point: one article in, everything the monitor knows about it out.

``Monitor`` is built once from the rules (compiling thousands of subscriber terms takes a moment)
and then called per article by the crawl cycle and the ``match`` command. It is pure: the caller
passes what the database knows (the codes already in the directive registry) and stores what comes
back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Container, Iterable, Mapping

from monitor.directives import Directive, detect_directives, scope_directives
from monitor.folded import FoldedText
from monitor.lexicon import Lexicon
from monitor.matcher import Events, Matcher, RuleMatch
from monitor.normalise import canonical, tokens
from monitor.places import HOME_KINDS, accept_places, entries as place_entries, home_entries, province_name
from monitor.registry import new_codes
from monitor.rules import Rule
from monitor.snippets import Snippet, make_snippet
from monitor.topic import Topic, score_topic, topic_entries
from monitor.visits import Visit, detect_visits, trigger_entries

KEYWORD_SNIPPETS = 3


@dataclass(frozen=True, slots=True)
class ArticleInput:
    """An article as the monitor sees it: text plus what the portal registry says about it."""

    text: str
    title: str = ""
    lead: str = ""
    portal: str | None = None
    province: str | None = None
    url: str | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> "ArticleInput":
        """From an article JSON (``portalwatch extract`` output, or a stored article); an extract
        error record (no text) gives an empty article."""
        return cls(
            text=data.get("text") or "",
            title=data.get("title") or "",
            lead=data.get("lead") or "",
            portal=data.get("portal") or data.get("portal_id"),
            province=data.get("province"),
            url=data.get("url"),
        )

    def full_text(self) -> str:
        """Title, lead and body as one text; a lead the body repeats is not repeated."""
        parts = [self.title.strip()]
        lead, body = self.lead.strip(), self.text.strip()
        if lead and not body.startswith(lead):
            parts.append(lead)
        parts.append(body)
        return "\n\n".join(p for p in parts if p)


@dataclass(slots=True)
class KeywordHit:
    keyword: str
    count: int
    snippets: list[Snippet] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"keyword": self.keyword, "count": self.count, "snippets": [s.marked() for s in self.snippets]}


@dataclass(slots=True)
class Analysis:
    directives: list[Directive]
    new_codes: list[str]  # codes this article sights first (given the registry passed in)
    visits: list[Visit]
    topic: Topic
    keywords: list[KeywordHit]
    rules: list[RuleMatch]

    @property
    def codes(self) -> list[str]:
        return [d.code for d in self.directives]

    @property
    def keys(self) -> list:
        """The directives' registry identities (``Directive.key``): what ``known_codes`` holds."""
        return [d.key for d in self.directives]

    def as_json(self) -> dict:
        return {
            "directives": [d.as_json() for d in self.directives],
            "new_codes": self.new_codes,
            "visits": [v.as_json() for v in self.visits],
            "topic": self.topic.as_json(),
            "keywords": [k.as_json() for k in self.keywords],
            "rules": [r.as_json() for r in self.rules],
        }


def _headline_end(folded: FoldedText, longest: int = 250) -> int:
    """Folded end of the first line when it is a headline (the title, or a text's short first line)."""
    line_end = folded.text.find("\n")
    if line_end == -1 or line_end > longest:
        return 0
    end = folded.lower.find(" \n ")
    return end if end != -1 else 0


@lru_cache(maxsize=1)
def builtin_lexicon() -> Lexicon:
    return Lexicon(
        [("place", term, entry) for term, entry in place_entries()]
        + [("trigger", phrase, verb) for verb, phrase in trigger_entries()]
        + [("topic", term, payload) for term, payload in topic_entries()]
        + [("home", term, kind) for term, kind in home_entries()]
    )


class Monitor:
    def __init__(self, rules: Iterable[Rule] = (), keywords: Iterable[str] = (), accent_insensitive: bool = False):
        """``keywords``: ad-hoc phrases to count (``portalwatch match --keyword``), apart from rules."""
        self.lexicon = builtin_lexicon()
        self.matcher = Matcher(rules)
        self.keywords = [k for k in (" ".join(canonical(k).split()) for k in keywords) if tokens(k)]
        self._keyword_matcher = Matcher(
            Rule(id=f"keyword-{i}", any=[k], accent_insensitive=accent_insensitive)
            for i, k in enumerate(self.keywords)
        )

    def analyse(self, article: ArticleInput | str, known_codes: Container[str] | None = None) -> Analysis:
        """Detect, score and match one article.

        ``known_codes``: the directives already in the registry, by ``Directive.key`` ((code, scope);
        a plain code also stands for every scope of it). Any container: a set, or an object whose ``__contains__`` asks the database. The
        article's other codes are its ``new_codes``.
        None means no registry: every code counts as new.
        """
        if isinstance(article, str):
            article = ArticleInput(text=article)
        folded = FoldedText(article.full_text())
        title_end = _headline_end(folded)
        found = self.lexicon.scan(folded)
        directives = detect_directives(folded)
        if directives:
            named = [(hit.start, hit.payload) for hit in found.get("home", []) if hit.payload not in HOME_KINDS]
            province = province_name(article.province) if article.province else None
            scope_directives(directives, folded, named, province)
        places = accept_places(folded, found.get("place", []))
        visits = detect_visits(folded, found.get("trigger", []), places, title_end, home=found.get("home", []))
        topic = score_topic(found.get("topic", []), places, len(visits), title_end, len(folded.text))
        fresh = new_codes(directives, known_codes if known_codes is not None else ())
        events = Events(
            directives=directives,
            new_codes=frozenset(fresh),
            visits=visits,
            topic=topic.label,
            portal=article.portal,
            province=article.province,
        )
        return Analysis(
            directives=directives,
            new_codes=fresh,
            visits=visits,
            topic=topic,
            keywords=self._keyword_hits(folded),
            rules=self.matcher.match(folded, events),
        )

    def _keyword_hits(self, folded: FoldedText) -> list[KeywordHit]:
        if not self.keywords:
            return []
        found = self._keyword_matcher.find_terms(folded)
        hits = []
        for tid, keyword in enumerate(self.keywords):
            ends = found.ends(tid)
            spans = self._keyword_matcher.index.spans(folded, tid, ends, KEYWORD_SNIPPETS)
            snippets = [make_snippet(folded.text, span, spans, folded.sentence_bounds(*span)) for span in spans]
            hits.append(KeywordHit(keyword, len(ends), snippets))
        return hits
