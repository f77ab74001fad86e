"""Subscribers' keywords: the one check at the door, the per-chat cap, and adding them.

The bot's /subscribe and ``portalwatch subscribers add --keyword`` both come here, and the check is
the matcher's own: a keyword is accepted only if the ``Rule`` that matching will build from it
validates. So nothing a subscriber types can be stored and later make rule building fail (a stored
bad rule, e.g. written straight into the database, is still isolated by ``MonitorCache``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError

from monitor.rules import Rule, TermError
from storage import subscribers

MAX_KEYWORDS_PER_CHAT = 200
MAX_KEYWORD_CHARS = 100


class KeywordError(ValueError):
    """A keyword refused at the door; ``vi`` is the reason for the subscriber, ``str()`` for operators."""

    def __init__(self, keyword: str, message: str, vi: str):
        super().__init__(f"keyword {keyword[:60]!r}: {message}")
        self.keyword, self.vi = keyword, vi


def check_keyword(keyword: str, max_chars: int = MAX_KEYWORD_CHARS) -> tuple[str, bool]:
    """(term, accent_insensitive) of a keyword as typed (``~`` in front: accent-insensitive),
    or ``KeywordError``. The same ``Rule`` matching builds is validated here."""
    accent_insensitive = keyword.startswith("~")
    term = " ".join(keyword.lstrip("~").split())
    if not term:
        raise KeywordError(keyword, "empty", "trống")
    if len(term) > max_chars:
        raise KeywordError(keyword, f"longer than {max_chars} characters", f"dài quá {max_chars} ký tự")
    try:
        Rule(id="sub-0", name=keyword, subscriber=0, any=[term], accent_insensitive=accent_insensitive)
    except ValidationError as exc:
        cause = next((e.get("ctx", {}).get("error") for e in exc.errors()), None)
        if isinstance(cause, TermError):
            raise KeywordError(keyword, str(cause), cause.vi) from None
        raise KeywordError(keyword, str(exc), "không dùng được làm từ khóa") from None
    return term, accent_insensitive


@dataclass
class Added:
    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    rejected: list[KeywordError] = field(default_factory=list)
    over_cap: list[str] = field(default_factory=list)  # valid, but the chat already has the most allowed


def add_keywords(session, subscriber, keywords: list[str], *, max_keywords: int = MAX_KEYWORDS_PER_CHAT,
                 max_chars: int = MAX_KEYWORD_CHARS) -> Added:
    """Add each valid keyword the chat does not have yet, up to ``max_keywords`` per chat."""
    result = Added()
    existing = {r.name.casefold() for r in subscribers.rules_of(session, subscriber)}
    count = len(existing)
    for keyword in keywords:
        try:
            term, accent_insensitive = check_keyword(keyword, max_chars)
        except KeywordError as exc:
            result.rejected.append(exc)
            continue
        name = ("~" if accent_insensitive else "") + term
        if name.casefold() in existing:
            result.already.append(name)
        elif count >= max_keywords:
            result.over_cap.append(name)
        else:
            subscribers.add_rule(session, subscriber, name, any_terms=[term], accent_insensitive=accent_insensitive)
            existing.add(name.casefold())
            count += 1
            result.added.append(name)
    return result
