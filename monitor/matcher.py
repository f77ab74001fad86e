"""Many rules against one article.

Cost per article grows with the text and with what fires, not with the number of rules: a rule is
only looked at when one of its terms or its detector fired. Subscribers who wrote the same rule
(10,000 subscribers often means a few hundred popular phrases) form one group, evaluated once;
each member still gets its own ``RuleMatch``, sharing the group's terms, snippet and reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from monitor.directives import Directive
from monitor.folded import FoldedText
from monitor.normalise import canonical, fold_key
from monitor.rules import Rule, issuer_key
from monitor.snippets import Snippet, make_snippet
from monitor.terms import TermIndex
from monitor.visits import Visit

KEYWORD = "keyword"
_DIRECTION_WORDS = {"inbound": "đoàn vào", "outbound": "đoàn ra", "unknown": "hoạt động đối ngoại"}
_SNIPPET_OCCURRENCES = 5
_SNIPPET_REACH = 400  # folded characters after a term's first occurrence that a snippet can show


@dataclass(slots=True)
class Events:
    """What the detectors found in the article, and the article's metadata, for the rules to test."""

    directives: list[Directive] = field(default_factory=list)
    new_codes: frozenset[str] = frozenset()
    visits: list[Visit] = field(default_factory=list)
    topic: str | None = None
    portal: str | None = None
    province: str | None = None


@dataclass(slots=True)
class RuleMatch:
    """Why one rule fired on one article. ``terms``, ``snippet`` and ``reasons`` may be shared with
    other rules' matches (same rule, other subscriber): treat them as read-only."""

    rule: str
    name: str | None
    subscriber: int | str | None
    kind: str  # "keyword", "directive", "new-directive" or "visit"
    terms: tuple[str, ...]  # matched terms as the rule wrote them; codes or partners for detectors
    snippet: Snippet
    reasons: tuple[str, ...]  # why it fired, in Vietnamese, for the alert text

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


@dataclass(slots=True)
class _Group:
    """Rules that differ only in id, name and subscriber."""

    rule: Rule  # the first of them, for the conditions
    members: list[tuple[str, str | None, int | str | None]]  # (id, name, subscriber) of each rule
    any: tuple[tuple[str, int], ...]  # (term as written, term id)
    all: tuple[tuple[str, int], ...]
    none: tuple[tuple[str, int], ...]
    provinces: frozenset[str]
    portals: frozenset[str]
    filtered: bool  # has portal, province or topic conditions


def province_key(name: str) -> str:
    key = fold_key(name)
    for prefix in ("tinh ", "thanh pho ", "tp "):
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


def _condition(rule: Rule) -> tuple:
    data = rule.model_dump(exclude={"id", "name", "subscriber"})
    return tuple((k, tuple(canonical(x) for x in v) if isinstance(v, list) else v) for k, v in sorted(data.items()))


class Matcher:
    def __init__(self, rules: Iterable[Rule]):
        self.rules: list[Rule] = list(rules)
        self.index = TermIndex()
        self._groups: list[_Group] = []
        self._by_term: dict[int, list[int]] = {}  # term id -> groups that an occurrence makes candidates
        self._detector_groups: list[int] = []
        by_condition: dict[tuple, _Group] = {}
        for rule in self.rules:
            condition = _condition(rule)
            if condition in by_condition:
                by_condition[condition].members.append((rule.id, rule.name, rule.subscriber))
                continue
            group = by_condition[condition] = self._group(rule)
            number = len(self._groups)
            self._groups.append(group)
            if rule.detector:
                self._detector_groups.append(number)
            else:
                for tid in {tid for _, tid in group.any + group.all}:
                    self._by_term.setdefault(tid, []).append(number)
        self.index.build()

    def _group(self, rule: Rule) -> _Group:
        flag, add = rule.accent_insensitive, self.index.add
        return _Group(
            rule=rule,
            members=[(rule.id, rule.name, rule.subscriber)],
            any=tuple((t, add(t, flag)) for t in rule.any),
            all=tuple((t, add(t, flag)) for t in rule.all),
            none=tuple((t, add(t, flag)) for t in rule.none),
            provinces=frozenset(province_key(p) for p in rule.provinces),
            portals=frozenset(rule.portals),
            filtered=bool(rule.provinces or rule.portals or rule.topic),
        )

    @property
    def term_count(self) -> int:
        return len(self.index.terms)

    @property
    def group_count(self) -> int:
        return len(self._groups)

    def find_terms(self, folded: FoldedText) -> dict[int, list[int]]:
        return self.index.find(folded)

    def match(self, folded: FoldedText, events: Events) -> list[RuleMatch]:
        found = self.index.find(folded)
        candidates = set(self._detector_groups)
        for tid in found:
            candidates.update(self._by_term.get(tid, ()))
        evaluation = _Evaluation(self.index, folded, events, found)
        matches = []
        for number in sorted(candidates):
            group = self._groups[number]
            result = evaluation.evaluate(group)
            if result is not None:
                kind, terms, snippet, reasons = result
                matches += [
                    RuleMatch(rule_id, name, subscriber, kind, terms, snippet, reasons)
                    for rule_id, name, subscriber in group.members
                ]
        return matches


class _Evaluation:
    """One article against the candidate groups; spans and snippets shared by groups with the same terms."""

    def __init__(self, index: TermIndex, folded: FoldedText, events: Events, found: dict[int, list[int]]):
        self.index, self.folded, self.events, self.found = index, folded, events, found
        self.province = province_key(events.province) if events.province else None
        self._spans: dict[int, list[tuple[int, int]]] = {}
        self._snippets: dict[tuple[int, ...], Snippet] = {}

    def spans(self, tid: int) -> list[tuple[int, int]]:
        spans = self._spans.get(tid)
        if spans is None:
            spans = self._spans[tid] = self.index.spans(
                self.folded, tid, self.found[tid], _SNIPPET_OCCURRENCES, _SNIPPET_REACH
            )
        return spans

    def keyword_snippet(self, tids: tuple[int, ...]) -> Snippet:
        snippet = self._snippets.get(tids)
        if snippet is None:
            spans = [span for tid in tids for span in self.spans(tid)]
            focus = min(spans)
            snippet = make_snippet(self.folded.text, focus, spans, self.folded.sentence_bounds(*focus))
            self._snippets[tids] = snippet
        return snippet

    def evaluate(self, group: _Group) -> tuple[str, tuple, Snippet, tuple] | None:
        rule, found, events = group.rule, self.found, self.events
        if group.filtered:
            if group.portals and events.portal not in group.portals:
                return None
            if group.provinces and self.province not in group.provinces:
                return None
            if rule.topic and events.topic != rule.topic:
                return None
        if group.none and any(tid in found for _, tid in group.none):
            return None
        if group.all and not all(tid in found for _, tid in group.all):
            return None
        hit_terms = [(t, tid) for t, tid in group.any if tid in found]
        if group.any and not hit_terms:
            return None
        hit_terms += group.all
        reasons = [f"từ khóa “{t}” ({len(found[tid])} lần)" for t, tid in hit_terms]
        if rule.topic:
            reasons.append("chủ đề đối ngoại")
        terms = [t for t, _ in hit_terms]
        if rule.detector is None:
            snippet = self.keyword_snippet(tuple(tid for _, tid in hit_terms))
            return KEYWORD, tuple(terms), snippet, tuple(reasons)
        return self._detector(rule, terms, reasons, [s for _, tid in hit_terms for s in self.spans(tid)])

    def _detector(self, rule: Rule, terms: list[str], reasons: list[str], term_spans):
        events, folded = self.events, self.folded
        if rule.detector in ("directive", "new-directive"):
            directives = [
                d for d in events.directives
                if (rule.detector == "directive" or d.code in events.new_codes)
                and (not rule.kinds or d.kind in rule.kinds)
                and (not rule.issuers or issuer_key(d.issuer) in rule.issuers)
            ]
            if not directives:
                return None
            word = "văn bản mới" if rule.detector == "new-directive" else "văn bản"
            reasons = [f"{word}: {d.kind} {d.code}" for d in directives] + reasons
            terms = [d.code for d in directives] + terms
            focus = [d.span for d in directives]
            bounds = folded.sentence_bounds(*focus[0])
        else:
            wanted = set(rule.partners)
            visits = [v for v in events.visits if not wanted or wanted.intersection(v.partners)]
            if not visits:
                return None
            reasons = [f"{_DIRECTION_WORDS[v.direction]}: {', '.join(v.partners)}" for v in visits] + reasons
            terms = list(dict.fromkeys(p for v in visits for p in v.partners)) + terms
            focus = list(visits[0].highlights)
            bounds = visits[0].span
        snippet = make_snippet(folded.text, focus[0], focus + term_spans, bounds)
        return rule.detector, tuple(terms), snippet, tuple(reasons)
