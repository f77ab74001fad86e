"""Vietnamese alert messages: Telegram HTML for subscribers, plain text for the console.

Everything a portal wrote (titles, snippets, portal names, links) is escaped here, because one
stray "<" or "&" makes Telegram reject the whole message and an unescaped title could inject
markup or links. Times are shown in Vietnam time whatever zone they arrive in, since that is
what subscribers read the portals in. Pure functions over plain data: no Telegram imports.
"""

from __future__ import annotations

import datetime as dt
import enum
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from monitor.alerting.htmlsplit import TELEGRAM_LIMIT, split_message

try:
    VN_TZ: dt.tzinfo = ZoneInfo("Asia/Ho_Chi_Minh")
except ZoneInfoNotFoundError:  # no tz database: Vietnam has kept UTC+7 without DST since 1975
    VN_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")


class EventKind(enum.StrEnum):
    DIRECTIVE = "directive"
    FOREIGN_VISIT = "foreign_visit"
    KEYWORD = "keyword"


KIND_LABELS = {
    EventKind.DIRECTIVE: "Chỉ thị mới",
    EventKind.FOREIGN_VISIT: "Đoàn nước ngoài",
    EventKind.KEYWORD: "Từ khóa",
}


@dataclass(frozen=True)
class Reason:
    """Why the article alerts: its kind, the matched passage and where in it the match is.

    ``spans`` are (start, end) character offsets into ``snippet``; ``detail`` says what matched
    (e.g. 'từ khóa "đoàn công tác"').
    """

    kind: EventKind | str
    snippet: str = ""
    spans: Sequence[tuple[int, int]] = ()
    detail: str = ""


@dataclass(frozen=True)
class Source:
    portal: str
    url: str


@dataclass(frozen=True)
class Alert:
    """One event; ``sources`` lists every portal that reported it, the first being the original."""

    title: str
    reasons: Sequence[Reason]
    sources: Sequence[Source]
    published_at: dt.datetime | None = None


def kind_label(kind: EventKind | str) -> str:
    try:
        return KIND_LABELS[EventKind(kind)]
    except ValueError:
        return str(kind)


def vn_time(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: pass an aware one")
    return moment.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")


def spans_from_markers(marked: str, start: str = "[[", end: str = "]]") -> tuple[str, tuple[tuple[int, int], ...]]:
    """Snippet text and spans from a snippet whose matches are wrapped in markers."""
    pattern = re.compile(re.escape(start) + "(.*?)" + re.escape(end), re.S)
    plain, spans, pos = [], [], 0
    for match in pattern.finditer(marked):
        plain.append(marked[pos:match.start()])
        offset = sum(map(len, plain))
        spans.append((offset, offset + len(match.group(1))))
        plain.append(match.group(1))
        pos = match.end()
    plain.append(marked[pos:])
    return "".join(plain), tuple(spans)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _segments(reason: Reason, max_chars: int) -> list[tuple[str, bool]]:
    """(text, highlighted) pieces of the snippet, cut down to a window around the first match."""
    text = reason.snippet
    spans = sorted((max(0, a), min(len(text), b)) for a, b in reason.spans if b > a)
    lo, hi = 0, len(text)
    if hi > max_chars:
        lo = max(0, min((spans[0][0] if spans else 0) - max_chars // 3, hi - max_chars))
        hi = lo + max_chars
    pieces, pos = [], lo
    for a, b in spans:
        a, b = max(a, pos), min(b, hi)
        if b <= a:
            continue
        pieces += [(text[pos:a], False), (text[a:b], True)]
        pos = b
    pieces.append((text[pos:hi], False))
    pieces = [(_squash(t), marked) for t, marked in pieces if t]
    if pieces and lo > 0:
        pieces.insert(0, ("…", False))
    if pieces and hi < len(text):
        pieces.append(("…", False))
    return pieces


def _labels(alert: Alert) -> str:
    return " · ".join(dict.fromkeys(kind_label(r.kind) for r in alert.reasons)) or "Cảnh báo"


def _portals(alert: Alert) -> list[str]:
    return list(dict.fromkeys(_squash(s.portal).strip() for s in alert.sources if s.portal.strip()))


def _links(alert: Alert) -> Iterable[Source]:
    seen: set[str] = set()
    for source in alert.sources:
        if source.url and source.url not in seen:
            seen.add(source.url)
            yield source


def _title(alert: Alert) -> str:
    return _squash(alert.title).strip() or "(không có tiêu đề)"


def _when(alert: Alert) -> str:
    return f"{vn_time(alert.published_at)} (giờ Việt Nam)" if alert.published_at else "không rõ"


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _snippet(reason: Reason, max_chars: int, mark: tuple[str, str], esc=lambda t: t) -> str:
    """The snippet with matches wrapped in ``mark``; spaces a span caught stay outside the mark."""
    out = []
    for text, hit in _segments(reason, max_chars):
        core = text.strip()
        if hit and core:
            lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
            out.append(f"{lead}{mark[0]}{esc(core)}{mark[1]}{trail}")
        else:
            out.append(esc(text))
    return "".join(out).strip()


def _link_html(source: Source) -> str:
    name = _esc(_squash(source.portal).strip() or source.url)
    if not re.match(r"https?://", source.url, re.I):
        return f"{name}: {_esc(source.url)}"  # Telegram refuses non-web links; show, do not link
    return f'<a href="{html.escape(source.url, quote=True)}">Xem bài trên {name}</a>'


def render_html(alert: Alert, *, max_snippet: int = 400) -> str:
    lines = [
        f"🔔 <b>{_esc(_labels(alert))}</b>",
        f"<b>{_esc(_title(alert))}</b>",
        f"Nguồn: {_esc(', '.join(_portals(alert)) or 'không rõ')}",
        f"Đăng lúc: {_when(alert)}",
    ]
    for reason in alert.reasons:
        detail = f" — {_esc(_squash(reason.detail).strip())}" if reason.detail.strip() else ""
        lines += ["", f"▪️ <b>{_esc(kind_label(reason.kind))}</b>{detail}"]
        snippet = _snippet(reason, max_snippet, ("<b>", "</b>"), _esc)
        if snippet:
            lines.append(f"<blockquote>{snippet}</blockquote>")
    links = [f"🔗 {_link_html(s)}" for s in _links(alert)]
    return "\n".join(lines + ([""] + links if links else []))


def render_text(alert: Alert, *, max_snippet: int = 400) -> str:
    """For the console when no bot token is configured; matches are marked «like this»."""
    lines = [
        f"[{_labels(alert)}] {_title(alert)}",
        f"Nguồn: {', '.join(_portals(alert)) or 'không rõ'}",
        f"Đăng lúc: {_when(alert)}",
    ]
    for reason in alert.reasons:
        detail = f" — {_squash(reason.detail).strip()}" if reason.detail.strip() else ""
        lines.append(f"- {kind_label(reason.kind)}{detail}")
        snippet = _snippet(reason, max_snippet, ("«", "»"))
        if snippet:
            lines.append(f"  “{snippet}”")
    lines += [f"Link: {s.url} ({_squash(s.portal).strip()})" for s in _links(alert)]
    return "\n".join(lines)


def render_parts(alert: Alert, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """The HTML message as the sendMessage texts to send, in order."""
    return split_message(render_html(alert), limit)


__all__ = [
    "Alert", "EventKind", "KIND_LABELS", "Reason", "Source", "VN_TZ", "kind_label", "render_html",
    "render_parts", "render_text", "spans_from_markers", "split_message", "vn_time",
]
