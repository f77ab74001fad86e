"""The few words around a match that an alert shows, with the matched words marked.

Highlights are kept as spans, not baked-in markup, so the Telegram sender can escape the text for
HTML and then bold the spans; ``marked()`` is the plain-text form stored with a match record.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

OPEN, CLOSE = "«", "»"


@dataclass(slots=True)
class Snippet:
    text: str
    highlights: list[tuple[int, int]] = field(default_factory=list)  # spans in ``text``, sorted

    def marked(self, open_mark: str = OPEN, close_mark: str = CLOSE) -> str:
        out, last = [], 0
        for start, end in self.highlights:
            out += [self.text[last:start], open_mark, self.text[start:end], close_mark]
            last = end
        out.append(self.text[last:])
        return "".join(out)

    def html(self) -> str:
        """Escaped for Telegram's HTML parse mode, highlights in <b>."""
        out, last = [], 0
        for start, end in self.highlights:
            out += [html.escape(self.text[last:start]), "<b>", html.escape(self.text[start:end]), "</b>"]
            last = end
        out.append(html.escape(self.text[last:]))
        return "".join(out)

    def as_json(self) -> dict:
        return {"text": self.marked(), "highlights": [list(span) for span in self.highlights]}


def make_snippet(
    text: str,
    focus: tuple[int, int],
    spans: list[tuple[int, int]] = (),
    bounds: tuple[int, int] | None = None,
    before: int = 100,
    after: int = 180,
) -> Snippet:
    """Text around ``focus`` within ``bounds`` (its sentence), cut at spaces when longer; ``focus``
    and every span of ``spans`` that falls inside are highlighted."""
    focus_start, focus_end = focus
    low, high = bounds if bounds else (0, len(text))
    while low < focus_start and text[low].isspace():
        low += 1
    while high > focus_end and text[high - 1].isspace():
        high -= 1
    start, end = low, high
    prefix = suffix = ""
    if focus_start - low > before:
        space = text.find(" ", focus_start - before, focus_start)
        start = space + 1 if space != -1 else focus_start - before
        prefix = "…"
    if high - focus_end > after:
        space = text.rfind(" ", focus_end, focus_end + after)
        end = space if space != -1 else focus_end + after
        suffix = "…"
    shift = len(prefix) - start
    if spans:
        marks = _disjoint(sorted({(s + shift, e + shift) for s, e in spans if s >= start and e <= end}
                                 | {(focus_start + shift, focus_end + shift)}))
    else:
        marks = [(focus_start + shift, focus_end + shift)]
    return _one_line(prefix + text[start:end] + suffix, marks)


def _disjoint(marks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping highlights ("đại sứ" inside "đại sứ quán") become one."""
    out: list[tuple[int, int]] = []
    for start, end in marks:
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _one_line(text: str, marks: list[tuple[int, int]]) -> Snippet:
    """Line breaks and runs of spaces become one space (highlight offsets follow)."""
    if "\n" not in text and "  " not in text and "\t" not in text:
        return Snippet(text, marks)
    out: list[str] = []
    new_index = [0] * (len(text) + 1)
    previous_space = False
    for i, char in enumerate(text):
        new_index[i] = len(out)
        if char.isspace():
            if previous_space:
                continue
            out.append(" ")
            previous_space = True
        else:
            out.append(char)
            previous_space = False
    new_index[len(text)] = len(out)
    return Snippet("".join(out), [(new_index[s], new_index[e]) for s, e in marks])
