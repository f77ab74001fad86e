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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit
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
    DOCUMENT = "document"


KIND_LABELS = {
    # A document of unknown kind; a known one is headed by its kind ("Quyết định mới"): reason_label.
    EventKind.DIRECTIVE: "Văn bản mới",
    EventKind.FOREIGN_VISIT: "Đoàn nước ngoài",
    EventKind.KEYWORD: "Từ khóa",
    EventKind.DOCUMENT: "Văn bản",
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
    # For documents: their kinds ("Quyết định", "Nghị quyết"…) and whether the article sights them first.
    doc_kinds: Sequence[str] = ()
    new: bool = True


@dataclass(frozen=True)
class DocumentFile:
    """An attachment as the alert links it; ``text_source``: text-layer | docx | odt | doc | ocr."""

    url: str
    media_type: str | None = None
    pages: int | None = None
    text_source: str | None = None
    ocr_confidence: float | None = None
    error: str | None = None


@dataclass(frozen=True)
class DocumentFacts:
    """A new document as its register and files describe it (a reason of kind ``document`` carries these)."""

    code: str
    kind: str | None = None
    issuer: str | None = None
    issued_on: str | None = None  # ISO date
    summary: str | None = None
    register_url: str | None = None  # the register page that listed it
    detail_url: str | None = None  # its own page in the register, when it has one
    files: Sequence[DocumentFile] = ()

    @classmethod
    def from_reason(cls, reason: dict) -> DocumentFacts:
        facts = reason.get("document") or {}
        files = tuple(
            DocumentFile(f["url"], f.get("media_type"), f.get("pages"), f.get("text_source"), f.get("ocr_confidence"), f.get("error"))
            for f in facts.get("files") or () if f.get("url")
        )
        return cls(facts.get("code") or reason.get("detail", ""), facts.get("doc_kind"), facts.get("issuer"), facts.get("issued_on"),
                   facts.get("summary"), facts.get("register_url"), facts.get("detail_url"), files)


@dataclass(frozen=True)
class Source:
    portal: str
    url: str


# An article first found this long after its publication date is old news found late (a portal's
# archive reached on a later crawl): said so, with its real date, not shown as breaking news.
LATE_AFTER = dt.timedelta(days=7)


def is_late(published_at: dt.datetime | None, found_at: dt.datetime | None) -> bool:
    return published_at is not None and found_at is not None and found_at - published_at > LATE_AFTER


@dataclass(frozen=True)
class Alert:
    """One event; ``sources`` lists every portal that reported it, the first being the original.
    ``found_at``: when the article was first seen (for ``late``)."""

    title: str
    reasons: Sequence[Reason]
    sources: Sequence[Source]
    published_at: dt.datetime | None = None
    found_at: dt.datetime | None = None
    documents: Sequence[DocumentFacts] = ()

    @property
    def late(self) -> bool:
        return is_late(self.published_at, self.found_at)


def kind_label(kind: EventKind | str) -> str:
    try:
        return KIND_LABELS[EventKind(kind)]
    except ValueError:
        return str(kind)


def reason_label(reason: Reason | Mapping) -> str:
    """The heading of one reason: a document's own kind ("Quyết định mới", "Nghị quyết mới"…; "Văn bản
    mới" when unknown or mixed), else the event kind's label. Takes a Reason or a stored reason dict."""
    get = reason.get if isinstance(reason, Mapping) else lambda key, default=None: getattr(reason, key, default)
    kind = get("kind", EventKind.KEYWORD)
    if kind != EventKind.DIRECTIVE:
        return kind_label(kind)
    kinds = list(dict.fromkeys(k for k in get("doc_kinds", ()) or () if k))
    base = kinds[0] if len(kinds) == 1 else "Văn bản"
    return f"{base} mới" if get("new", True) else base


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


LATE_LABEL = "phát hiện muộn"


def _labels(alert: Alert) -> str:
    labels = " · ".join(dict.fromkeys(reason_label(r) for r in alert.reasons)) or "Cảnh báo"
    return f"{labels} ({LATE_LABEL})" if alert.late else labels


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
    if not alert.published_at:
        return "không rõ"
    when = f"{vn_time(alert.published_at)} (giờ Việt Nam)"
    if alert.late:
        when += f" — {LATE_LABEL}: bài cũ, mới thấy lần đầu lúc {vn_time(alert.found_at)}"
    return when


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


TEXT_SOURCES = {"text-layer": "lớp chữ PDF", "docx": "DOCX", "odt": "ODT", "doc": "DOC", "ocr": "nhận dạng OCR"}


def _day_first(iso: str | None) -> str | None:
    try:
        return dt.date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else None
    except ValueError:
        return iso


def _file_name(url: str) -> str:
    parts = urlsplit(url)
    name = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
    named = re.search(r"\.(pdf|docx?|odt|rtf|zip|rar)$", name, re.I)  # else a handler: its query names the file
    return _squash(f"{name}?{parts.query}" if parts.query and not named else name).strip() or url


def _file_note(file: DocumentFile) -> str:
    if file.error:
        return "không tải được: " + _squash(file.error).strip()
    bits = [TEXT_SOURCES.get(file.text_source or "", file.text_source or "")]
    if file.text_source == "ocr" and file.ocr_confidence is not None:
        bits[0] += f", độ tin cậy {file.ocr_confidence:.0f}%"
    if file.pages:
        bits.append(f"{file.pages} trang")
    return ", ".join(b for b in bits if b)


def _ocr_warning(doc: DocumentFacts) -> str | None:
    """Said whenever some attachment's text came from OCR: codes and names in it may be misread."""
    scans = [f for f in doc.files if f.text_source == "ocr" and not f.error]
    if not scans:
        return None
    known = [f.ocr_confidence for f in scans if f.ocr_confidence is not None]
    confidence = f" (độ tin cậy {min(known):.0f}%)" if known else ""
    return f"Nội dung tệp đính kèm là bản quét, lấy bằng nhận dạng OCR{confidence}: có thể sai chữ, hãy đối chiếu bản gốc."


def _document_heading(doc: DocumentFacts) -> str:
    return _squash(f"{doc.kind or 'Văn bản'} {doc.code}").strip()


def _document_facts(doc: DocumentFacts) -> list[tuple[str, str]]:
    facts = [("Cơ quan ban hành", doc.issuer), ("Ngày ban hành", _day_first(doc.issued_on)), ("Trích yếu", doc.summary)]
    return [(label, _squash(value).strip()) for label, value in facts if value and value.strip()]


def _document_links(doc: DocumentFacts) -> list[tuple[str, str, str]]:
    """(icon, label, url): the register page, the document's own page, then each attachment."""
    links = []
    if doc.register_url:
        links.append(("📚", "Sổ văn bản", doc.register_url))
    if doc.detail_url and doc.detail_url != doc.register_url:
        links.append(("📄", "Trang văn bản", doc.detail_url))
    for file in doc.files:
        note = _file_note(file)
        links.append(("📎", f"Tệp đính kèm: {_file_name(file.url)}" + (f" ({note})" if note else ""), file.url))
    return links


def _anchor(label: str, url: str) -> str:
    if not re.match(r"https?://", url, re.I):
        return f"{_esc(label)}: {_esc(url)}"
    return f'<a href="{html.escape(url, quote=True)}">{_esc(label)}</a>'


def document_html(doc: DocumentFacts) -> list[str]:
    """The new-document block: kind and code, issuer, date issued, summary, OCR warning, register and file links."""
    lines = ["", f"📄 <b>{_esc(_document_heading(doc))}</b>"]
    lines += [f"{_esc(label)}: {_esc(value)}" for label, value in _document_facts(doc)]
    if warning := _ocr_warning(doc):
        lines.append(f"⚠️ {_esc(warning)}")
    lines += [f"{icon} {_anchor(label, url)}" for icon, label, url in _document_links(doc)]
    return lines


def document_text(doc: DocumentFacts) -> list[str]:
    lines = [f"* {_document_heading(doc)}"]
    lines += [f"  {label}: {value}" for label, value in _document_facts(doc)]
    if warning := _ocr_warning(doc):
        lines.append(f"  ! {warning}")
    lines += [f"  {label}: {url}" for _, label, url in _document_links(doc)]
    return lines


def render_html(alert: Alert, *, max_snippet: int = 400) -> str:
    lines = [
        f"🔔 <b>{_esc(_labels(alert))}</b>",
        f"<b>{_esc(_title(alert))}</b>",
        f"Nguồn: {_esc(', '.join(_portals(alert)) or 'không rõ')}",
        f"Đăng lúc: {_when(alert)}",
    ]
    lines += [line for doc in alert.documents for line in document_html(doc)]
    for reason in alert.reasons:
        detail = f" — {_esc(_squash(reason.detail).strip())}" if reason.detail.strip() else ""
        lines += ["", f"▪️ <b>{_esc(reason_label(reason))}</b>{detail}"]
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
    lines += [line for doc in alert.documents for line in document_text(doc)]
    for reason in alert.reasons:
        detail = f" — {_squash(reason.detail).strip()}" if reason.detail.strip() else ""
        lines.append(f"- {reason_label(reason)}{detail}")
        snippet = _snippet(reason, max_snippet, ("«", "»"))
        if snippet:
            lines.append(f"  “{snippet}”")
    lines += [f"Link: {s.url} ({_squash(s.portal).strip()})" for s in _links(alert)]
    return "\n".join(lines)


def render_parts(alert: Alert, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """The HTML message as the sendMessage texts to send, in order."""
    return split_message(render_html(alert), limit)


__all__ = [
    "Alert", "DocumentFacts", "DocumentFile", "EventKind", "KIND_LABELS", "LATE_LABEL", "is_late", "Reason", "Source", "VN_TZ", "kind_label",
    "reason_label", "render_html",
    "render_parts", "render_text", "spans_from_markers", "split_message", "vn_time",
]
