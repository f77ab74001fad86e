"""Repair Tesseract's usual misreadings inside document codes, so the monitor finds "199/2026/NĐ-CP".

Measured on real scans: the Icelandic eth "Ð" for "Đ" (the glyphs are identical), "/IW" for "/TW",
a space splitting "T W" or the number from its slash ("199 /2026/NĐ-CP"). Each rule is anchored on a
code's shape (digits, slash or hyphen, capitals) so ordinary words are left alone; none backtracks.
"""

from __future__ import annotations

import re

_RULES: list[tuple[re.Pattern, str]] = [
    # "199 /2026/NĐ-CP", "199/ 2026 /NĐ-CP"
    (re.compile(r"(\d) ?/ ?(\d{4}) ?/ ?(?=[A-ZĐ])"), r"\1/\2/"),
    # "368 -QĐ/TW", "04- CT/TW"
    (re.compile(r"(\d) ?- ?(?=[A-ZĐ]{2,5}/)"), r"\1-"),
    # "…/IW", "…/T W", "…/T.W" → "/TW"; "-I W"
    (re.compile(r"/(?:IW|I W|T W|T\.W|TỊW)\b"), "/TW"),
    # "NĐ- CP", "QĐ -UBND" inside a code after its slash
    (re.compile(r"(/[A-ZĐ]{1,6}) ?- ?(?=[A-ZĐ]{2})"), r"\1-"),
]


def fix_codes(text: str) -> str:
    text = text.replace("Ð", "Đ").replace("ð", "đ")
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
