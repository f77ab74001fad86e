"""Bylines: who wrote the article, never which site published it.

A byline arrives as "Minh Quý (thực hiện)", "Theo Hồ Hương", "THUẬN VĂN - LÊ ÁNH", "Nguyên Minh -
07/03/2026 08:47" or "Nông Văn Chấn, Giám đốc Sở Ngoại vụ"; the author is the person names in it.
Site names ("Baochinhphu Vn", "Dân Trí", "VnExpress"), CMS accounts ("admin admin") and anything
that reads like a sentence are refused.
"""

from __future__ import annotations

import re
import unicodedata

from crawler.extract.text import clean
from spiders import safe_regex

_PREFIX = re.compile(
    r"^(?:(?:bài|tin|ảnh|video|clip)(?:\s*(?:,|và|&|-)\s*(?:ảnh|bài|video|clip))*|nhóm (?:pv|phóng viên)|tác giả|người viết|"
    r"thực hiện|theo|by|bởi|nguồn|source|pv|ctv|btv)\s*[:：\-–]?\s+",
    re.I,
)
_ROLE = safe_regex.compile(r"\s*[(\[][^)\]]{0,40}[)\]]\s*$")  # linear time: bylines come from page text
_DATES = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}[:h]\d{2}(?:\s*[AaPp][Mm])?|\(?gmt\s*[+-]\s*\d+\)?", re.I)
_DATELINE = re.compile(r"\b(?:ngày|tháng)\s+\d", re.I)
_SPLIT = safe_regex.compile(r"\s*(?:[,;/&|]|\s[-–—]\s|\s[-–—]$|\svà\s|\sand\s)\s*")
_NOT_PEOPLE = {
    "admin", "administrator", "quản trị", "quản trị viên", "webmaster", "ban biên tập", "biên tập viên", "tòa soạn",
    "phóng viên", "cộng tác viên", "pv", "ctv", "btv", "editor", "unknown", "guest", "người viết",
}
_NAME_WORD = re.compile(r"^(?:[^\W\d_][^\W\d_'’.-]*\.?|[^\W\d_]\.(?:[^\W\d_]\.)*)$")


def fold(value: str) -> str:
    """Letters only, no diacritics, lower case: "Dân Trí" and "dantri" fold alike."""
    value = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in value if ch.isalnum() and not unicodedata.combining(ch)).lower()


def names(text: str, site_names: tuple[str, ...] = ()) -> list[str]:
    """The person names in a byline, in order; [] when it holds none."""
    if _DATELINE.search(text or ""):
        return []  # "Hà Nội, ngày 5 tháng 3 năm 2026" is a place and a date, not a byline
    text = clean(_DATES.sub(" ", text or ""))
    text = _PREFIX.sub("", text).strip(" -–—:|,")
    found: list[str] = []
    for position, part in enumerate(_SPLIT.split(text)):
        part = _ROLE.sub("", _PREFIX.sub("", part.strip(" -–—:|,."))).strip()
        if not part:
            continue
        if not _is_name(part, site_names):
            if position == 0:
                return []
            break  # "Nông Văn Chấn, Giám đốc Sở Ngoại vụ": the rest is a job title
        if part not in found:
            found.append(part)
    return found


def _is_name(part: str, site_names: tuple[str, ...]) -> bool:
    tokens = part.split()
    if not 1 <= len(tokens) <= 6 or len(part) > 48:
        return False
    if part.casefold() in _NOT_PEOPLE or any(w.casefold() in ("admin", "administrator") for w in tokens):
        return False
    if "." in part and re.search(r"\.(?:vn|com|net|org)\b", part, re.I):
        return False
    if len(tokens) == 1 and not (part.isupper() and len(part) >= 3):
        return False
    if not all(_NAME_WORD.match(w) and w[0].isupper() for w in tokens):
        return False
    return not any(_same_site(fold(part), fold(site)) for site in site_names if site)


def _same_site(person: str, site: str) -> bool:
    if not person or not site:
        return False
    return person == site or (len(person) >= 5 and person in site) or (len(site) >= 5 and site in person)


def byline(values: list[str], site_names: tuple[str, ...] = ()) -> str | None:
    found: list[str] = []
    for value in values:
        for name in names(value, site_names):
            if name not in found:
                found.append(name)
    return ", ".join(found) if found else None
