"""Every distinct term of every rule in two Aho-Corasick automata (accent-sensitive and not).

One pass over the folded article finds all occurrences of all terms, however many rules share
them. Vietnamese names that contain a foreign name ("Lào Cai", "Phú Mỹ", "thuốc lào") ride along
in the automata so that a term that is a foreign name ("Lào", "Mỹ") does not count inside them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from monitor.folded import FoldedText
from monitor.normalise import fold_term, strip_accents
from monitor.places import entries as place_entries, exclusions


@dataclass(frozen=True, slots=True)
class Term:
    key: str  # folded (and, if accent-insensitive, stripped) form, framed by spaces
    insensitive: bool


@lru_cache(maxsize=2)
def _place_keys(insensitive: bool) -> frozenset[str]:
    keys = {fold_term(term) for term, entry in place_entries() if entry.kind != "exclude"}
    return frozenset(strip_accents(k) for k in keys) if insensitive else frozenset(keys)


class TermIndex:
    def __init__(self) -> None:
        self.terms: list[Term] = []
        self._ids: dict[Term, int] = {}
        self._excluding: dict[int, int] = {}  # term id -> key length, for terms that are also exclusions
        self._place_terms: set[int] = set()  # terms that are foreign names: exclusions apply to them
        self._automata: list[tuple[ahocorasick.Automaton, bool]] = []

    def add(self, text: str, insensitive: bool) -> int:
        key = fold_term(text)
        term = Term(strip_accents(key) if insensitive else key, insensitive)
        if term not in self._ids:
            self._ids[term] = len(self.terms)
            self.terms.append(term)
        return self._ids[term]

    def build(self) -> None:
        self._automata = [
            (automaton, insensitive)
            for insensitive in (False, True)
            if (automaton := self._automaton(insensitive)) is not None
        ]

    def _automaton(self, insensitive: bool) -> ahocorasick.Automaton | None:
        """Term keys with their ids (>= 0); exclusion names with -1 - their length."""
        automaton = ahocorasick.Automaton()
        place_keys, foreign = _place_keys(insensitive), []
        for tid, term in enumerate(self.terms):
            if term.insensitive == insensitive:
                automaton.add_word(term.key, tid)
                if term.key in place_keys:
                    foreign.append(term.key)
                    self._place_terms.add(tid)
        if len(automaton) == 0:
            return None
        for name in exclusions():
            key = fold_term(name)
            key = strip_accents(key) if insensitive else key
            if not any(k in key and k != key for k in foreign):
                continue
            if key in automaton:  # the name is itself a term: it keeps its id and also excludes
                self._excluding[automaton.get(key)] = len(key)
            else:
                automaton.add_word(key, -1 - len(key))
        automaton.make_automaton()
        return automaton

    def find(self, folded: FoldedText) -> dict[int, list[int]]:
        """Where each term occurs: term id -> folded end offsets (the space after), in text order."""
        found: dict[int, list[int]] = defaultdict(list)
        excluding = self._excluding
        for automaton, insensitive in self._automata:
            excluded: list[tuple[int, int]] = []
            for end, tid in automaton.iter(folded.stripped if insensitive else folded.lower):
                if tid < 0:
                    excluded.append((end + tid + 2, end))  # the name's leading and trailing spaces
                    continue
                found[tid].append(end)
                if tid in excluding:
                    excluded.append((end - excluding[tid] + 1, end))
            if excluded:
                self._drop_inside(found, excluded, insensitive)
        return found

    def _drop_inside(self, found: dict[int, list[int]], excluded: list[tuple[int, int]], insensitive: bool) -> None:
        for tid in list(found):
            if tid not in self._place_terms or self.terms[tid].insensitive != insensitive:
                continue
            length = len(self.terms[tid].key)
            kept = [
                end for end in found[tid]
                if not any(s <= end - length + 1 and end <= e and e - s >= length for s, e in excluded)
            ]
            if kept:
                found[tid] = kept
            else:
                del found[tid]

    def spans(self, folded: FoldedText, tid: int, ends: list[int], limit: int, near: int | None = None):
        """Canonical-text spans of the first ``limit`` occurrences of a term; with ``near``, only those
        within that many folded characters of the first (the rest fall outside any snippet)."""
        if near is not None:
            reach = ends[0] + near
            ends = [end for end in ends[:limit] if end <= reach]
        return folded.match_spans(ends[:limit], self.terms[tid].key)
