"""Vietnamese publication dates: always day-first, always Vietnam time.

A portal writes "16/11/2015 - 20:10", "Thứ Tư, 10/06/2020 15:20", "07-03-2026 - 09:40 AM" or
"Ngày 07 tháng 03 năm 2026"; machines write ISO 8601 with or without a zone. "03/07" is never
read month-first. A stamp at exactly midnight is a date without a time: CMSs fill 00:00 when the
editor set none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7))
EARLIEST_YEAR = 1995

_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"
)
_DMY = r"(?P<d>\d{1,2})\s*(?P<sep>[/.-])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<y>\d{4})(?!\d)"
_WORDY = r"ngày\s+(?P<wd>\d{1,2})\s+tháng\s+(?P<wm>\d{1,2})\s*,?\s+năm\s+(?P<wy>\d{4})"
_TIME = (
    r"(?P<H>\d{1,2})\s*(?:[:hg]|giờ)\s*(?P<M>\d{2})(?:\s*(?::|phút)\s*(?P<S>\d{2}))?(?!\d)"
    r"(?:\s*(?P<ampm>[AaPp]\.?[Mm]\.?|SA|CH)(?!\w))?"
)
_GLUE = r"\s*(?:(?:[,|–—•·-]|\(|lúc|vào\s+lúc)\s*)*"
_DATE_THEN_TIME = re.compile(rf"(?:{_DMY}|{_WORDY})(?:{_GLUE}{_TIME})?", re.I)
_TIME_THEN_DATE = re.compile(rf"{_TIME}{_GLUE}(?:(?:thứ\s+\w+|chủ\s+nhật)\s*,?\s*)?(?:{_DMY}|{_WORDY})", re.I)


@dataclass(frozen=True)
class Stamp:
    when: datetime  # aware, Vietnam time
    has_time: bool
    source: str

    def same_minute(self, other: "Stamp") -> bool:
        return self.when.replace(second=0, microsecond=0) == other.when.replace(second=0, microsecond=0)


def _build(y, m, d, hh=None, mm=None, ss=None, ampm=None, tz=None) -> tuple[datetime, bool] | None:
    try:
        y, m, d = int(y), int(m), int(d)
        if not EARLIEST_YEAR <= y <= date.today().year + 1:
            return None
        hour = int(hh) if hh is not None else 0
        minute = int(mm) if mm is not None else 0
        second = int(ss) if ss else 0
        if ampm:
            pm = ampm[0].lower() == "p" or ampm.upper() == "CH"
            if hour > 12:
                return None
            hour = (hour % 12) + (12 if pm else 0)
        when = datetime(y, m, d, hour, minute, second)
    except (TypeError, ValueError):
        return None
    if tz:
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        offset = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))
        when = when.replace(tzinfo=offset).astimezone(VIETNAM)
    else:
        when = when.replace(tzinfo=VIETNAM)
    has_time = hh is not None and (when.hour, when.minute, when.second) != (0, 0, 0)
    return when, has_time


def parse_iso(value: str, source: str = "iso") -> Stamp | None:
    """Machine dates (meta tags, JSON-LD, ``<time datetime>``); a missing zone means Vietnam time."""
    found = _ISO.search(value or "")
    if not found:
        return None
    g = found.groupdict()
    tz = g["tz"]
    if tz == "Z":
        tz = "+00:00"
    built = _build(g["y"], g["m"], g["d"], g["H"], g["M"], g["S"], tz=tz)
    return Stamp(built[0], built[1], source) if built else None


def parse_text(value: str, source: str = "text") -> Stamp | None:
    """The first day-first date (with its time, if written next to it) in visible text."""
    if not value:
        return None
    candidates = []
    for pattern in (_DATE_THEN_TIME, _TIME_THEN_DATE):
        for found in pattern.finditer(value):
            g = found.groupdict()
            y, m, d = (g["y"], g["m"], g["d"]) if g.get("d") else (g["wy"], g["wm"], g["wd"])
            built = _build(y, m, d, g.get("H"), g.get("M"), g.get("S"), g.get("ampm"))
            if built:
                candidates.append((found.start(), -len(found.group(0)), built))
                break
    if not candidates:
        return parse_iso(value, source)
    _, _, (when, has_time) = min(candidates)
    return Stamp(when, has_time, source)


def choose(visible: Stamp | None, structured: Stamp | None) -> Stamp | None:
    """The page's own date line wins; the metadata only adds what it confirms (a time, seconds).

    Metadata is often the modification time, or UTC written without a zone; the date shown above
    the article is what the portal says it published.
    """
    if visible is None:
        return structured
    if structured is None or structured.when.date() != visible.when.date():
        return visible
    if visible.has_time:
        return structured if structured.has_time and structured.same_minute(visible) else visible
    return structured if structured.has_time else visible


def iso(stamp: Stamp | None) -> str | None:
    if stamp is None:
        return None
    return stamp.when.isoformat() if stamp.has_time else stamp.when.date().isoformat()
