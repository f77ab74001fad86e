"""Cutting a Telegram HTML message into parts that each fit one message.

Telegram rejects a whole message over 4096 characters, and rejects a part that was cut inside a
tag or an entity, or that leaves a tag open. So the text is read as units that must stay whole
(a tag, an entity, a character with its combining marks — Vietnamese text may arrive decomposed),
each part closes the tags still open at its end and the next part opens them again, and cuts
fall after a newline or a space when one is near the end of the part.

Sizes are counted in UTF-16 code units of the HTML itself, tags included: Telegram counts the
text after parsing in UTF-16 units, so this is never an underestimate.
"""

from __future__ import annotations

import re

TELEGRAM_LIMIT = 4096
MIN_LIMIT = 64

_TOKEN = re.compile(
    r"<(/?)([A-Za-z][\w-]*)[^<>]*>"
    r"|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);"
    r"|.[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\ufe0f\u200d]{0,8}",
    re.S,
)
_OPEN, _CLOSE, _TEXT = 0, 1, 2
# A stack entry: (opening tag as written, closing tag, size of both).
_Entry = tuple[str, str, int]


def utf16_len(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _units(html: str, limit: int) -> list[tuple[str, int, int, tuple[_Entry, ...]]]:
    """(text, size, kind, open tags after it); a tag whose nesting would eat over half a part is dropped."""
    units: list[tuple[str, int, int, tuple[_Entry, ...]]] = []
    raw: list[tuple[str, bool]] = []  # (name, kept) for matching end tags, dropped ones included
    stack: tuple[_Entry, ...] = ()
    for match in _TOKEN.finditer(html):
        token, name = match.group(0), (match.group(2) or "").lower()
        if not name:
            units.append((token, utf16_len(token), _TEXT, stack))
        elif match.group(1):
            names = [n for n, _ in raw]
            if name not in names:
                continue  # a stray end tag cannot be balanced; leaving it out keeps parts valid
            depth = len(names) - 1 - names[::-1].index(name)
            for _, kept in reversed(raw[depth:]):
                if kept:
                    closing, stack = stack[-1][1], stack[:-1]
                    units.append((closing, utf16_len(closing), _CLOSE, stack))
            del raw[depth:]
        else:
            closing = f"</{name}>"
            entry = (token, closing, utf16_len(token) + utf16_len(closing))
            kept = sum(e[2] for e in stack) + entry[2] <= limit // 2
            raw.append((name, kept))
            if kept:
                stack += (entry,)
                units.append((token, utf16_len(token), _OPEN, stack))
    for entry in reversed(stack):
        stack = stack[:-1]
        units.append((entry[1], utf16_len(entry[1]), _CLOSE, stack))
    return units


def _is_blank(unit: tuple[str, int, int, tuple[_Entry, ...]]) -> bool:
    """Whitespace that may be dropped at a cut: not inside <pre> or <code>, where it is content."""
    return unit[2] == _TEXT and unit[0].isspace() and not any(
        e[0].lower().startswith(("<pre", "<code")) for e in unit[3])


def split_message(html: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Parts of ``html``, each at most ``limit`` UTF-16 units and well-formed on its own."""
    if limit < MIN_LIMIT:
        raise ValueError(f"limit must be at least {MIN_LIMIT}")
    if utf16_len(html) <= limit:
        return [html] if html.strip() else []
    units = _units(html, limit)
    parts: list[str] = []
    start = 0
    while start < len(units):
        opened = units[start - 1][3] if start else ()
        used = sum(utf16_len(e[0]) for e in opened)
        end, newline, space = start, (0, 0), (0, 0)
        while end < len(units):
            text, size, kind, after = units[end]
            if used + size + sum(utf16_len(e[1]) for e in after) > limit:
                break
            used, end = used + size, end + 1
            if kind == _TEXT and text == "\n":
                newline = (end, used)
            elif kind == _TEXT and text.isspace():
                space = (end, used)
        cut = end
        if end < len(units):
            cut = next((at for at, size in (newline, space) if at and size >= limit // 2), end)
            while cut > start + 1 and units[cut - 1][2] == _OPEN:
                cut -= 1  # never end a part on a tag that would enclose nothing
        stop = cut
        while stop > start and _is_blank(units[stop - 1]):
            stop -= 1  # whitespace at a cut only shows as a stray line; the stack is unchanged by it
        if any(u[2] == _TEXT and not u[0].isspace() for u in units[start:stop]):
            closing = "".join(e[1] for e in reversed(units[stop - 1][3]))
            parts.append("".join(e[0] for e in opened) + "".join(u[0] for u in units[start:stop]) + closing)
        start = cut
        while start < len(units) and _is_blank(units[start]):
            start += 1
    return parts
