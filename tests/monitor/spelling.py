"""Other spellings of the same Vietnamese text, written apart from monitor.normalise on purpose:
the tests must not agree with the code under test by sharing its tables."""

from __future__ import annotations

import re
import unicodedata

# In NFD, "hòa" is h, o, COMBINING GRAVE, a: the tone follows the first vowel of the pair.
# Only open "oa", "oe", "uy" have two placements ("của", "mùa" have one).
_FIRST_VOWEL_TONE = re.compile(
    r"(?<![qQ])(?:([oO])([\u0300\u0301\u0309\u0303\u0323])([aAeE])|([uU])([\u0300\u0301\u0309\u0303\u0323])([yY]))(?!\w)"
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def tone_on_second_vowel(text: str) -> str:
    """"hòa" -> "hoà", "thủy" -> "thuỷ", "khỏe" -> "khoẻ": the other placement convention."""
    def move(m: re.Match) -> str:
        first, tone, second = (m.group(1), m.group(2), m.group(3)) if m.group(1) else m.group(4, 5, 6)
        return first + second + tone

    moved = _FIRST_VOWEL_TONE.sub(move, nfd(text))
    return unicodedata.normalize("NFC", moved)


SPELLINGS = {
    "nfc": lambda text: unicodedata.normalize("NFC", text),
    "nfd": nfd,
    "second-vowel tone": tone_on_second_vowel,
}
