"""One article text, canonical and folded, with the way back from a folded match to the text.

Matching runs on the *folded* form: the canonical text cut into tokens (syllables, brackets,
clause marks), joined by single spaces and framed by spaces. A term folded the same way, framed by
spaces, can then only match whole syllables: " lào " is not inside " làocai " nor " thuốc lào "'s
neighbour. Every folded form has the same tokens in the same order, so a match position becomes a
token index by counting spaces, and a token index becomes an offset in the canonical text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import accumulate, chain, count
from operator import add

from monitor.normalise import TOKEN_RE, UPPER, canonical, strip_accents

# A clause mark token in the folded text: where phrases, clauses and sentences stop.
_CLAUSE_TOKEN = re.compile(r" [.;:!?…\n](?= )")
# The end of a sentence in canonical text: a stop (with closing quotes or brackets) followed by
# white space and something that can begin a sentence, or a line break.
# Abbreviations whose full stop ends no sentence nor clause ("TP. Hồ Chí Minh", "ThS. Nguyễn …").
_ABBREVIATIONS = ("TP", "Tp", "TS", "ThS", "PGS", "GS", "BS", "KS", "Th", "St", "Mr", "Mrs", "Dr")
_ABBREVIATION_TOKENS = tuple(f" {abbreviation}" for abbreviation in _ABBREVIATIONS)  # a folded token just before a mark
_STOPS = tuple(".!?…\n")  # the characters a sentence end starts with
_SENTENCE_END = re.compile(
    r"[.!?…]"
    + "".join(rf"(?<!\b{abbreviation}\.)" for abbreviation in _ABBREVIATIONS)
    + r"[.!?…]*[\"”’)\]]*(?=\s+[\"“‘(\[\-–•\d" + UPPER + r"]|\s*$)|\n"
)


_TOKEN_SPLIT = re.compile("(" + TOKEN_RE.pattern + ")")


class FoldedText:
    __slots__ = (
        "text", "cased", "lower", "_parts", "_tokens", "_starts", "_folded_starts", "_stripped", "_clauses",
        "_sentences", "_lookups", "_sentence_texts",
    )

    def __init__(self, raw: str):
        self.text = canonical(raw)
        # [separator, token, separator, token, …, separator]: tokens and the way back to offsets.
        self._parts = _TOKEN_SPLIT.split(self.text)
        self._tokens = self._parts[1::2]
        self.cased = " " + " ".join(self._tokens) + " "
        self.lower = self.cased.lower()
        self._starts: list[int] | None = None
        self._folded_starts: list[int] | None = None
        self._lookups = 0
        self._stripped: str | None = None
        self._clauses: list[int] | None = None
        self._sentences: list[int] | None = None
        self._sentence_texts: dict[tuple[int, int], str] = {}

    @property
    def stripped(self) -> str:
        """The folded text without diacritics, for accent-insensitive rules (built on first use)."""
        if self._stripped is None:
            stripped = strip_accents(self.lower)
            if len(stripped) != len(self.lower):  # a character outside Vietnamese: strip one by one
                stripped = "".join((strip_accents(c) or c)[0] for c in self.lower)
            self._stripped = stripped
        return self._stripped

    @property
    def token_count(self) -> int:
        return len(self._tokens)

    def token(self, index: int) -> str:
        return self._tokens[index]

    def token_index(self, position: int) -> int:
        """Index of the token starting at ``position`` (a folded offset just after a space)."""
        if self._folded_starts is None and self._lookups < 8:
            # A few lookups are cheaper by counting spaces than by building the table.
            self._lookups += 1
            return self.lower.count(" ", 0, position) - 1
        if self._folded_starts is None:
            # Token i starts after the leading space, i separators and the i tokens before it.
            lengths = accumulate(chain((0,), map(len, self._tokens)))
            self._folded_starts = list(map(add, lengths, count(1)))
        return bisect_left(self._folded_starts, position)

    def dash_before(self, position: int) -> bool:
        """Whether the text joins the token at ``position`` to the one before by a dash ("Việt-Mỹ",
        "Việt Nam – Lào"): the folded form drops dashes, the separators keep them."""
        index = self.token_index(position)
        return index > 0 and any(dash in self._parts[2 * index] for dash in "-–—‐‑")

    def _token_starts(self) -> list[int]:
        if self._starts is None:
            self._starts = list(accumulate(map(len, self._parts)))[0::2]
        return self._starts

    def token_span(self, first: int, last: int) -> tuple[int, int]:
        """Canonical-text span from the start of token ``first`` to the end of token ``last``."""
        starts = self._token_starts()
        return starts[first], starts[last] + len(self._tokens[last])

    def match_spans(self, ends: list[int], key: str) -> list[tuple[int, int]]:
        """``match_span`` for several hits of one key (the tables are built once)."""
        if self._folded_starts is None:
            self._lookups = 8
            self.token_index(0)
        folded_starts, starts, tokens = self._folded_starts, self._token_starts(), self._tokens
        width, extra = len(key) - 2, key.count(" ") - 2
        spans = []
        for end in ends:
            first = bisect_left(folded_starts, end - width)
            last = first + extra
            spans.append((starts[first], starts[last] + len(tokens[last])))
        return spans

    def match_span(self, end_index: int, key: str) -> tuple[int, int]:
        """Canonical span of an automaton hit: ``key`` (framed by spaces) ending at ``end_index``."""
        start = end_index - len(key) + 2  # first character of the first token
        first = self.token_index(start)
        last = first + key.count(" ") - 2
        return self.token_span(first, last)

    def folded_offset(self, position: int) -> int:
        """Folded offset of the first token that starts at or after canonical ``position``."""
        if self._folded_starts is None:
            self._lookups = 8
            self.token_index(0)
        index = bisect_left(self._token_starts(), position)
        return self._folded_starts[index] if index < len(self._tokens) else len(self.lower) - 1

    def span_of(self, start: int, end: int) -> tuple[int, int]:
        """Canonical span of the tokens in folded ``[start, end)`` (``start`` at a token, ``end`` at a space)."""
        last_start = self.lower.rfind(" ", 0, end) + 1
        return self.token_span(self.token_index(start), self.token_index(last_start))

    def clause_bounds(self, position: int) -> tuple[int, int]:
        """Folded ``[start, end)`` of the clause around ``position`` (clause marks: . ; : ! ? … line breaks).

        ``start`` is the first character of the clause's first token, ``end`` the space after its last.
        """
        if self._clauses is None:
            # An initial is one letter, an abbreviation one of a few words: a mark after any other token is a
            # clause mark, unchecked.
            cased = self.cased
            marks = (m.start() for m in _CLAUSE_TOKEN.finditer(self.lower))
            self._clauses = [
                at for at in marks
                if (cased[at - 2] != " " and not cased.endswith(_ABBREVIATION_TOKENS, 0, at)) or not self._initial_stop(at)
            ]
        marks = self._clauses
        i = bisect_right(marks, position)
        start = marks[i - 1] + 3 if i else 1
        end = marks[i] if i < len(marks) else len(self.lower) - 1
        return start, end

    def _initial_stop(self, mark: int) -> bool:
        """Whether the " . " at folded ``mark`` closes a one-letter initial or an abbreviated title before a
        capitalised name ("John F. Kennedy", "V. Volodin", "TP. Huế", "PGS. Nguyễn"), not a clause."""
        cased = self.cased
        if cased[mark + 1] != "." or not cased[mark + 3 : mark + 4].isupper():
            return False
        before = cased[cased.rfind(" ", 0, mark) + 1 : mark]
        return (len(before) == 1 and before.isupper()) or before in _ABBREVIATIONS

    def tokens_from(self, position: int, stop: int):
        """(start, token) for the tokens from folded ``position`` (a token start) up to ``stop``."""
        cased = self.cased
        while position < stop:
            space = cased.find(" ", position)
            if space == -1 or space > stop:
                return
            yield position, cased[position:space]
            position = space + 1

    def sentence_bounds(self, start: int, end: int | None = None) -> tuple[int, int]:
        """Canonical span of the sentence(s) holding ``start`` (to ``end``, when given)."""
        if self._sentences is None:
            self._sentences = self._sentence_ends()
        ends = self._sentences
        i = bisect_right(ends, start)
        begin = ends[i - 1] if i else 0
        j = bisect_right(ends, max(start, (end if end is not None else start) - 1))
        finish = ends[j] if j < len(ends) else len(self.text)
        return begin, finish

    def sentence(self, start: int, end: int | None = None) -> str:
        """The sentence of the canonical text that holds ``start`` (and ``end``), on one line.

        Kept by bounds: the codes and visits of an article often share sentences (lists of documents)."""
        bounds = self.sentence_bounds(start, end)
        sentence = self._sentence_texts.get(bounds)
        if sentence is None:
            sentence = self._sentence_texts[bounds] = " ".join(self.text[bounds[0] : bounds[1]].split())
        return sentence

    def _sentence_ends(self) -> list[int]:
        """Ends of ``_SENTENCE_END`` matches, as ``finditer`` gives them; the pattern is only tried
        where a stop or line break is (a few hundred places, found by ``str.find``), which is cheaper
        than letting ``re`` test each of the article's characters."""
        text, ends, last = self.text, [], 0
        match = _SENTENCE_END.match
        for position in _find_all(text, _STOPS):
            if position >= last and (found := match(text, position)):
                last = found.end()
                ends.append(last)
        return ends


def _find_all(text: str, needles: tuple[str, ...]) -> list[int]:
    """Sorted offsets of every occurrence of each needle (single characters)."""
    found: list[int] = []
    for needle in needles:
        position = text.find(needle)
        while position != -1:
            found.append(position)
            position = text.find(needle, position + 1)
    found.sort()
    return found
