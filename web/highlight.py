"""Highlighted snippets: the query's words marked in the stored text, escaped everywhere else.

Done here rather than by FTS5's snippet() or PostgreSQL's ts_headline() so both backends show the
same thing, and so marking never builds HTML from unescaped stored text.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from monitor.normalise import strip_accents
from storage.search import Group

SNIPPET_BEFORE = 110
SNIPPET_AFTER = 220
# Separators between the syllables of a phrase in the text, as FTS5 and PostgreSQL skip them.
_GAP = r"[\W_]+"


def _comparable(text: str, folded: bool) -> str:
    lowered = text.lower()
    out = strip_accents(lowered) if folded else lowered
    # Both are length-preserving on NFC text; if some character is not, offsets would drift.
    return out if len(out) == len(text) else text


def pattern(groups: list[Group], folded: bool) -> re.Pattern | None:
    alternatives = []
    for group in groups:
        words = [re.escape(_comparable(word, folded)) for word in group.words]
        alternatives.append(r"(?<![^\W_])" + _GAP.join(words) + r"(?![^\W_])")
    return re.compile("|".join(sorted(alternatives, key=len, reverse=True))) if alternatives else None


def mark(text: str, compiled: re.Pattern | None, folded: bool) -> Markup:
    """``text`` escaped, with every match wrapped in <mark>."""
    if not text:
        return Markup("")
    if compiled is None:
        return escape(text)
    comparable = _comparable(text, folded)
    out, last = [], 0
    for found in compiled.finditer(comparable):
        out.append(escape(text[last:found.start()]))
        out.append(Markup("<mark>") + escape(text[found.start():found.end()]) + Markup("</mark>"))
        last = found.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def snippet(text: str, compiled: re.Pattern | None, folded: bool, fallback_chars: int = 260) -> Markup:
    """The passage around the first match (or the opening of the text), marked and cut at spaces."""
    text = " ".join((text or "").split())
    start, end = 0, fallback_chars
    if compiled is not None:
        found = compiled.search(_comparable(text, folded))
        if found:
            start, end = max(0, found.start() - SNIPPET_BEFORE), found.end() + SNIPPET_AFTER
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    piece = text[start:end]
    return (Markup("…") if start > 0 else Markup("")) + mark(piece, compiled, folded) + (
        Markup("…") if end < len(text) else Markup(""))
