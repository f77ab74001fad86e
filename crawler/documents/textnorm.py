"""Tidy converter output into the text we store: NFC, no trailing blanks, at most one empty line.

antiword/catdoc and some PDFs give decomposed tone marks (NFD); the monitor and the database want NFC.
"""

from __future__ import annotations

import re
import unicodedata

_BLANK_RUNS = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def tidy(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text.replace("\u00a0", " "))
    lines = [line.strip() for line in text.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()
