"""Text typed in the pre-Unicode Vietnamese font encodings TCVN3 (ABC, ".VnTime") and VNI ("VNI-Times").

Old .doc files and PDFs made from them come out of the converters as Latin-1 look-alikes:
"Quy\u00d5t \u00a7\u00deNH" for "Quyết ĐỊNH" (TCVN3), "Quyeát ñònh" for "Quyết định" (VNI). No maintained
converter is on PyPI, so the tables are here (from the published TCVN 5712:1993 and VNI charts).

Decision per word: a word is converted when it carries the encoding's marks and no genuine Vietnamese
Unicode letter, and either the whole text looks legacy or the word looks like a document code
("481/Q\u00a7-UBND" inside an otherwise Unicode page). ".VnTimeH" (the capitals font) uses the small
letters' bytes; a word whose plain letters are all capitals is upper-cased after conversion.
"""

from __future__ import annotations

import re
import unicodedata

# TCVN3 byte (as the Latin-1 character converters show) → Unicode.
_TCVN3 = dict(zip(
    "¡¢£¤¥¦§¨©ª«¬\u00ad®µ¶·¸¹»¼½¾ÆÇÈÉÊËÌÎÏÐÑÒÓÔÕÖ×ØÜÝÞßáâãäåæçèéêëìíîïñòóôõö÷øùúûüýþ",
    "ĂÂÊÔƠƯĐăâêôơưđàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ",
))
# Characters TCVN3 text has and Unicode Vietnamese never uses (the 0xA1–0xBF symbols).
_TCVN3_MARKS = frozenset("¡¢£¤¥¦§¨©ª«¬\u00ad®µ¶·¸¹»¼½¾")

# VNI: a base letter followed by mark characters.
_VNI_MARK = {
    "ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323",
    "â": "\u0302", "ê": "\u0306",
    "á": "\u0302\u0301", "à": "\u0302\u0300", "å": "\u0302\u0309", "ã": "\u0302\u0303", "ä": "\u0302\u0323",
    "é": "\u0306\u0301", "è": "\u0306\u0300", "ú": "\u0306\u0309", "ü": "\u0306\u0303", "ë": "\u0306\u0323",
}
_VNI_MARK.update({k.upper(): v for k, v in list(_VNI_MARK.items())})
_VNI_LETTER = {
    "ô": "ơ", "ö": "ư", "ñ": "đ", "ò": "ị", "ó": "ĩ", "æ": "ỉ", "ì": "ì", "í": "í",
    "Ô": "Ơ", "Ö": "Ư", "Ñ": "Đ", "Ò": "Ị", "Ó": "Ĩ", "Æ": "Ỉ", "Ì": "Ì", "Í": "Í",
}
_VNI_BASES = frozenset("aeiouyAEIOUYơưƠƯ")
# Characters VNI text has and Unicode Vietnamese never uses.
_VNI_MARKS = frozenset("ñÑöÖïÏûÛøØåÅäÄëËüÜæÆ")

# Letters only Unicode Vietnamese has (outside Latin-1: â, ê, ô are legacy bytes too).
_VIETNAMESE = re.compile("[ăđơưĂĐƠƯ\u1ea0-\u1ef9]")
_WORD = re.compile(r"\S+")
# "481/Q§-UBND", "12-N§/TW": a number, then capitals with a TCVN3 Đ/đ among them.
_CODE_LIKE = re.compile(r"\d[/-][A-Z]*[§®]")


def _plain_capitals(word: str) -> bool:
    letters = [c for c in word if "A" <= c <= "Z" or "a" <= c <= "z"]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def tcvn3_to_unicode(word: str) -> str:
    converted = "".join(_TCVN3.get(c, c) for c in word)
    return converted.upper() if _plain_capitals(word) else converted


def vni_to_unicode(word: str) -> str:
    out: list[str] = []
    for char in word:
        if char in _VNI_MARK and out and unicodedata.normalize("NFD", out[-1])[0] in "aeiouyAEIOUY":
            out[-1] = unicodedata.normalize("NFC", out[-1] + _VNI_MARK[char])
        elif char in _VNI_LETTER:
            out.append(_VNI_LETTER[char])
        else:
            out.append(char)
    return "".join(out)


def detect(text: str) -> str | None:
    """'tcvn3', 'vni' or None: which legacy encoding dominates ``text``."""
    tcvn = sum(1 for c in text if c in _TCVN3_MARKS)
    vni = sum(1 for c in text if c in _VNI_MARKS)
    unicode_vi = len(_VIETNAMESE.findall(text))
    if tcvn >= 3 and tcvn > unicode_vi:
        return "tcvn3"
    if vni >= 3 and vni > unicode_vi and tcvn == 0:
        return "vni"
    return None


def to_unicode(text: str) -> tuple[str, str | None]:
    """(converted text, encoding found or None). Unicode text comes back unchanged."""
    whole = detect(text)
    changed: set[str] = set()

    def convert(match: re.Match) -> str:
        word = match.group()
        if _VIETNAMESE.search(word):
            return word
        if whole == "tcvn3" and any(c in _TCVN3 for c in word) or (
            whole is None and any(c in _TCVN3_MARKS for c in word) and _CODE_LIKE.search(word)
        ):
            changed.add("tcvn3")
            return tcvn3_to_unicode(word)
        if whole == "vni" and any(c in _VNI_MARK or c in _VNI_LETTER for c in word):
            changed.add("vni")
            return vni_to_unicode(word)
        return word

    if whole is None and not any(c in _TCVN3_MARKS for c in text):
        return text, None
    result = _WORD.sub(convert, text)
    return unicodedata.normalize("NFC", result), (whole or (changed.pop() if changed else None))
