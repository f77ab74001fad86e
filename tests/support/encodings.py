"""Encode Vietnamese text the way legacy portals did."""

from __future__ import annotations

import unicodedata

TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """windows-1258 has the base letters (ê, ơ, ư, ă, đ) but not toned ones: tones follow as combining marks."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
            marks = "".join(c for c in decomposed if c in TONES)
            out.append((base + marks).encode("cp1258"))
    return b"".join(out)
