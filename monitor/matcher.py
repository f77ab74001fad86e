"""Many rules against one article.

Cost per article grows with the text and with what fires, not with the number of rules: a rule is
only looked at when one of its terms or its detector fired. Subscribers who wrote the same rule
(10,000 subscribers often means a few hundred popular phrases) form one group, evaluated once;
each member still gets its own ``RuleMatch``, sharing the group's ``Finding`` (terms, snippet and
reasons, the last two built only when read: see ``monitor.findings``).

Most subscriber rules are one phrase and nothing else. Such a group fires whenever its term occurs,
so it is looked up by term id and never evaluated: at hundreds of rules firing per article, the
per-rule Python work is what the throughput is made of.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from typing import Iterable

from monitor.directives import Directive
from monitor.findings import (
    KEYWORD, ArticleTerms, DetectorFinding, Finding, Fired, KeywordFinding, Member, RuleMatch, rule_matches,
    term_reasons,
)
from monitor.folded import FoldedText
from monitor.normalise import canonical, fold_key
from monitor.rules import Rule, issuer_key
from monitor.terms import Occurrences, TermIndex
from monitor.visits import Visit

__all__ = ["KEYWORD", "Events", "Matcher", "RuleMatch", "province_key"]

_DIRECTION_WORDS = {"inbound": "đoàn vào", "outbound": "đoàn ra", "unknown": "hoạt động đối ngoại"}


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
class _Group:
    """Rules that differ only in id, name and subscriber."""

    rule: Rule  # the first of them, for the conditions
    members: list[Member]  # (id, name, subscriber) of each rule
    any: tuple[tuple[str, int], ...]  # (term as written, term id)
    all: tuple[tuple[str, int], ...]
    none: tuple[tuple[str, int], ...]
    provinces: frozenset[str]
    portals: frozenset[str]
    filtered: bool  # has portal, province or topic conditions

    @property
    def single(self) -> bool:
        """One ``any`` term and no other condition: fires exactly when that term occurs."""
        return len(self.any) == 1 and not (self.all or self.none or self.filtered or self.rule.detector)


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
        self._single: dict[int, list[Fired]] = {}  # term id -> the single-term groups it fires
        self._by_term: dict[int, list[int]] = {}  # term id -> other groups that an occurrence makes candidates
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
            elif group.single:
                [(term, tid)] = group.any
                fired = Fired(number, KeywordFinding((term,), (tid,)), group.members)
                self._single.setdefault(tid, []).append(fired)
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

    def find_terms(self, folded: FoldedText) -> Occurrences:
        return self.index.find(folded)

    def match(self, folded: FoldedText, events: Events) -> list[RuleMatch]:
        """Every rule that fires, in rule order (a group's members in theirs)."""
        found = self.index.find(folded)
        article = ArticleTerms(self.index, folded, found)
        single = self._single
        fired = list(chain.from_iterable(map(single.__getitem__, single.keys() & found.tids)))
        candidates = set(self._detector_groups)
        for tid in self._by_term.keys() & found.tids:
            candidates.update(self._by_term[tid])
        if candidates:
            evaluation = _Evaluation(article, events)
            for number in candidates:
                group = self._groups[number]
                finding = evaluation.evaluate(group)
                if finding is not None:
                    fired.append(Fired(number, finding, group.members))
        fired.sort()  # by group number (unique: findings are never compared)
        return rule_matches(fired, article)


class _Evaluation:
    """The groups that need more than a term lookup (several terms, filters, detectors) on one article."""

    def __init__(self, article: ArticleTerms, events: Events):
        self.article, self.found, self.events = article, article.found.tids, events
        self.province = province_key(events.province) if events.province else None

    def evaluate(self, group: _Group) -> Finding | None:
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
        terms = tuple(t for t, _ in hit_terms)
        tids = tuple(tid for _, tid in hit_terms)
        if rule.detector is None:
            return KeywordFinding(terms, tids, topic=bool(rule.topic))
        return self._detector(rule, terms, tids)

    def _detector(self, rule: Rule, terms: tuple[str, ...], tids: tuple[int, ...]) -> Finding | None:
        events, folded = self.events, self.article.folded
        reasons = term_reasons(terms, tids, self.article.found, bool(rule.topic))
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
            events_terms = [d.code for d in directives]
            focus = [d.span for d in directives]
            bounds = folded.sentence_bounds(*focus[0])
        else:
            wanted = set(rule.partners)
            visits = [v for v in events.visits if not wanted or wanted.intersection(v.partners)]
            if not visits:
                return None
            reasons = [f"{_DIRECTION_WORDS[v.direction]}: {', '.join(v.partners)}" for v in visits] + reasons
            events_terms = list(dict.fromkeys(p for v in visits for p in v.partners))
            focus = list(visits[0].highlights)
            bounds = visits[0].span
        return DetectorFinding(rule.detector, tuple(events_terms) + terms, tuple(reasons), focus, bounds, tids)
