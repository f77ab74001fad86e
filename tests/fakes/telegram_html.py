"""Telegram's HTML parse mode as strictly as the Bot API documents it.

The fake Bot API server answers 400 "can't parse entities" with this checker, so a formatter
that forgets to escape a portal title, or a splitter that cuts inside a tag, fails a test the
way it would fail in production. Tests also use it directly as the oracle for well-formedness.
"""

from __future__ import annotations

import re

# https://core.telegram.org/bots/api#html-style
ALLOWED_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
     "a", "tg-emoji", "code", "pre", "blockquote"}
)
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

_TOKEN = re.compile(
    r"<(?P<close>/?)(?P<name>[A-Za-z][\w-]*)(?P<attrs>[^<>]*)>"
    r"|&(?P<entity>#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);"
    r"|(?P<bare>[<&])"
)
_ATTRS = re.compile(r"""(?:\s+[\w-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?""")


class HtmlError(ValueError):
    """Carries the description Telegram would answer with (after "Bad Request: ")."""


def telegram_length(text: str) -> int:
    """Telegram measures text in UTF-16 code units, so an emoji counts twice."""
    return len(text.encode("utf-16-le")) // 2


def _offset(text: str, pos: int) -> int:
    return len(text[:pos].encode("utf-8"))


def _entity(text: str, match: re.Match) -> str:
    ref = match["entity"]
    if ref.startswith("#"):
        code = int(ref[2:], 16) if ref[1] in "xX" else int(ref[1:])
        if not 0 < code <= 0x10FFFF:
            raise HtmlError(f"can't parse entities: Invalid character code at byte offset {_offset(text, match.start())}")
        return chr(code)
    if ref not in NAMED_ENTITIES:
        raise HtmlError(f'can\'t parse entities: Unsupported HTML entity "&{ref};" at byte offset {_offset(text, match.start())}')
    return NAMED_ENTITIES[ref]


def visible_text(text: str) -> str:
    """The message text after entity parsing, or HtmlError for what Telegram rejects."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        out.append(text[pos:match.start()])
        pos = match.end()
        at = _offset(text, match.start())
        if match["bare"]:
            raise HtmlError(f"can't parse entities: Unescaped \"{match['bare']}\" at byte offset {at}")
        if match["entity"]:
            out.append(_entity(text, match))
            continue
        name = match["name"].lower()
        if match["close"]:
            if not stack:
                raise HtmlError(f'can\'t parse entities: Unexpected end tag "</{name}>" at byte offset {at}')
            if stack[-1] != name:
                raise HtmlError(
                    f'can\'t parse entities: Unmatched end tag at byte offset {at}, '
                    f'expected "</{stack[-1]}>", found "</{name}>"'
                )
            stack.pop()
            continue
        if name not in ALLOWED_TAGS:
            raise HtmlError(f'can\'t parse entities: Unsupported start tag "{name}" at byte offset {at}')
        if not _ATTRS.fullmatch(match["attrs"]):
            raise HtmlError(f"can't parse entities: Malformed attributes at byte offset {at}")
        stack.append(name)
    out.append(text[pos:])
    if stack:
        raise HtmlError(f'can\'t parse entities: Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def styled_chars(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Each visible character with the opening tags around it, to compare formatting across a split."""
    out: list[tuple[str, tuple[str, ...]]] = []
    stack: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        out.extend((ch, tuple(stack)) for ch in text[pos:match.start()])
        pos = match.end()
        if match["entity"]:
            out.append((_entity(text, match), tuple(stack)))
        elif match["close"]:
            stack.pop()
        elif match["name"]:
            stack.append(match.group(0))
    out.extend((ch, tuple(stack)) for ch in text[pos:])
    return out
