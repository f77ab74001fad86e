"""The e-signature stamp that Vietnamese signing services (VGCA, Ban Cơ yếu) print on each signed PDF.

Its few lines ("Người ký: …", "Email: …", "Cơ quan: …", "Thời gian ký: … +07:00") are a text layer
even on a scan, so they must be left out before deciding whether a page has real text; the stamp is
kept apart because it names the signing office and time.
"""

from __future__ import annotations

import re

_START = re.compile(r"^\s*(Người ký|Ký bởi|Signed by)\s*:", re.IGNORECASE)
_FIELD = re.compile(r"^\s*(Email|E-mail|Cơ quan|Chức vụ|Thời gian ký|Ngày ký|Date)\s*:", re.IGNORECASE)
_END = re.compile(r"(Thời gian ký|Ngày ký|Date)\s*:", re.IGNORECASE)
_OFFSET = re.compile(r"^\s*[+-]\d{2}:\d{2}\s*$")
_MAX_BLOCK = 10


def split_stamp(page: str) -> tuple[str, str]:
    """(page text without stamp blocks, the stamps' text)."""
    lines = page.split("\n")
    kept: list[str] = []
    stamp: list[str] = []
    index = 0
    while index < len(lines):
        if _START.match(lines[index]):
            end = _block_end(lines, index)
            if end is not None:
                stamp.extend(line.strip() for line in lines[index : end + 1] if line.strip())
                index = end + 1
                continue
        kept.append(lines[index])
        index += 1
    return "\n".join(kept), "\n".join(stamp)


def _block_end(lines: list[str], start: int) -> int | None:
    for index in range(start, min(len(lines), start + _MAX_BLOCK)):
        if _END.search(lines[index]):
            if index + 1 < len(lines) and _OFFSET.match(lines[index + 1]):
                return index + 1
            return index
    return None
