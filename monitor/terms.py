"""Every distinct term of every rule in two Aho-Corasick automata (accent-sensitive and not).

One pass over the folded article finds all occurrences of all terms, however many rules share
them. Vietnamese names that contain a foreign name ("Lào Cai", "Phú Mỹ", "thuốc lào") ride along
in the automata so that a term that is a foreign name ("Lào", "Mỹ") does not count inside them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

import ahocorasick

from monitor.folded import FoldedText
from monitor.normalise import fold_term, strip_accents
from monitor.places import entries as place_entries, exclusions

_VALUE, _END = itemgetter(1), itemgetter(0)


class Occurrences:
    """Where the terms occur in one article: ``tids``, and each term's folded end offsets (the space
    after each occurrence, in text order) on demand.

    The automaton's hits are kept as one list sorted by term id, so that finding which terms occur
    is done by C code (a sort and a set) rather than a Python loop over every hit: an article can
    have thousands of hits, and most terms' offsets are never asked for (only a match that is read
    needs its snippet and counts).
    """

    __slots__ = ("tids", "_hits", "_values")

    def __init__(self, hits: list[tuple[int, int]]):
        """``hits``: (end, term id), sorted by term id and, for each term, by end."""
        self._hits = hits
        self._values = list(map(_VALUE, hits))
        self.tids = set(self._values)

    def __contains__(self, tid: int) -> bool:
        return tid in self.tids

    def _range(self, tid: int) -> tuple[int, int]:
        values = self._values
        lo = bisect_left(values, tid)
        return lo, bisect_right(values, tid, lo)

    def count(self, tid: int) -> int:
        lo, hi = self._range(tid)
        return hi - lo

    def ends(self, tid: int, limit: int | None = None) -> list[int]:
        """End offsets of term ``tid``, the first ``limit`` of them if given (empty when it does not occur)."""
        lo, hi = self._range(tid)
        if limit is not None:
            hi = min(hi, lo + limit)
        return list(map(_END, self._hits[lo:hi]))

    def as_dict(self) -> dict[int, list[int]]:
        """Term id -> end offsets, for every term that occurs (for tests and debugging)."""
        return {tid: self.ends(tid) for tid in sorted(self.tids)}


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

    def find(self, folded: FoldedText) -> Occurrences:
        """Where each term occurs (see ``Occurrences``): one automaton pass per accent setting."""
        hits: list[tuple[int, int]] = []
        excluding = self._excluding
        for automaton, insensitive in self._automata:
            found = list(automaton.iter(folded.stripped if insensitive else folded.lower))
            found.sort(key=_VALUE)  # exclusion names (negative) first; a term's hits stay in text order
            if found and (found[0][1] < 0 or (excluding and not excluding.keys().isdisjoint(map(_VALUE, found)))):
                found = self._drop_inside(found)
            hits += found
        if len(self._automata) > 1:
            hits.sort(key=_VALUE)
        return Occurrences(hits)

    def _drop_inside(self, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """``found`` (one automaton's hits, by value) without exclusion names and without the hits of
        foreign names inside one ("Lào" in "Lào Cai")."""
        values = list(map(_VALUE, found))
        first = bisect_left(values, 0)
        excluded = [(end + value + 2, end) for end, value in found[:first]]  # the name's spaces excluded
        for tid, length in self._excluding.items():
            lo, hi = bisect_left(values, tid), bisect_right(values, tid)
            excluded += [(end - length + 1, end) for end, _ in found[lo:hi]]
        if not excluded:
            return found[first:]
        kept, position = [], first
        for tid in sorted(self._place_terms.intersection(values[first:])):
            lo, hi = bisect_left(values, tid, position), bisect_right(values, tid, position)
            length = len(self.terms[tid].key)
            kept += found[position:lo]
            kept += [
                (end, value) for end, value in found[lo:hi]
                if not any(s <= end - length + 1 and end <= e and e - s >= length for s, e in excluded)
            ]
            position = hi
        return kept + found[position:]

    def spans(self, folded: FoldedText, tid: int, ends: list[int], limit: int, near: int | None = None):
        """Canonical-text spans of the first ``limit`` occurrences of a term; with ``near``, only those
        within that many folded characters of the first (the rest fall outside any snippet)."""
        ends = ends[:limit]
        if near is not None and ends:
            ends = ends[: bisect_right(ends, ends[0] + near)]
        return folded.match_spans(ends, self.terms[tid].key)
