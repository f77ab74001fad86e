"""Regular expressions that run on text a portal controls, on an engine that cannot backtrack.

Python's ``re`` backtracks: ``(\\w+-?)+\\.html$`` on one long slug, or a toolbar pattern with nested
alternatives on "1 - 2 - … - 20 Trang sau", takes seconds to forever, and one such line hangs a whole
crawl batch. RE2 (``google-re2``) matches in time linear in the text, whatever the pattern. It has no
lookarounds, backreferences or Unicode word boundaries; a pattern that needs them is refused with a
reason (at registry load for maintainers' patterns), never run on the backtracking engine.

Patterns are written in Python syntax and keep Python's meaning: ``\\w``, ``\\d`` and ``\\s`` are
Unicode classes in ``re`` but ASCII in RE2, so they are rewritten to the Unicode properties ``re``
uses (``[\\p{L}\\p{N}_]``, ``\\p{Nd}``, the ``str.isspace`` set).
"""

from __future__ import annotations

import re2

__all__ = ["PatternError", "compile", "translate"]

_WORD = r"\p{L}\p{N}_"
_DIGIT = r"\p{Nd}"
_SPACE = r"\t\n\x0b\f\r \x1c-\x1f\x85\p{Z}"
# Outside a character class.
_OUTSIDE = {
    "w": f"[{_WORD}]", "W": f"[^{_WORD}]",
    "d": _DIGIT, "D": r"\P{Nd}",
    "s": f"[{_SPACE}]", "S": f"[^{_SPACE}]",
    "Z": r"\z",
}
# Inside one: only the positive classes (and \D) can be spelled out as a union.
_INSIDE = {"w": _WORD, "d": _DIGIT, "D": r"\P{Nd}", "s": _SPACE}
_UNSUPPORTED = {
    "b": "\\b (a word boundary) is ASCII-only on the linear-time engine; spell it out, e.g. (?:^|\\W)word(?:\\W|$)",
    "B": "\\B is not supported by the linear-time engine",
}


class PatternError(ValueError):
    """A pattern the linear-time engine cannot run, with the reason in words."""


def translate(pattern: str) -> str:
    """The RE2 spelling of a Python-syntax pattern with Python's Unicode meaning of \\w, \\d, \\s."""
    out: list[str] = []
    i, n, in_class = 0, len(pattern), False
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if nxt in _UNSUPPORTED and not in_class:
                raise PatternError(_UNSUPPORTED[nxt])
            if nxt in ("u", "U"):
                width = 4 if nxt == "u" else 8
                digits = pattern[i + 2 : i + 2 + width]
                if len(digits) != width or any(c not in "0123456789abcdefABCDEF" for c in digits):
                    raise PatternError(f"bad escape \\{nxt}{digits}")
                out.append(f"\\x{{{digits}}}")
                i += 2 + width
                continue
            if in_class:
                if nxt in ("W", "S"):
                    raise PatternError(f"\\{nxt} inside a character class is not supported by the linear-time engine")
                out.append(_INSIDE.get(nxt, pattern[i : i + 2]))
            else:
                out.append(_OUTSIDE.get(nxt, pattern[i : i + 2]))
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            out.append(ch)
            i += 1
            # "[]" and "[^]" open a class whose first member is "]".
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            if i < n and pattern[i] == "]":
                out.append("\\]")
                i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def compile(pattern: str, *, ignore_case: bool = False):
    """A compiled RE2 pattern (``search``, ``match``, ``fullmatch``, ``findall``, ``sub`` as in ``re``)."""
    options = re2.Options()
    options.log_errors = False
    options.case_sensitive = not ignore_case
    try:
        return re2.compile(translate(pattern), options)
    except re2.error as exc:
        raise PatternError(_reason(exc)) from None


def _reason(exc: Exception) -> str:
    text = exc.args[0] if exc.args else str(exc)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if "invalid perl operator: (?<" in text or "invalid perl operator: (?=" in text or "invalid perl operator: (?!" in text:
        return f"lookarounds are not supported by the linear-time engine ({text})"
    if "invalid escape sequence: \\" in text and any(d in text for d in "123456789"):
        return f"backreferences are not supported by the linear-time engine ({text})"
    return text
