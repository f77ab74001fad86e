"""Vietnamese text normalisation shared by texts and rules, so both sides meet in one form.

Portals publish the same word in several byte forms: NFC or NFD, the tone mark on either vowel of
"oa", "oe", "uy" ("hoà"/"hòa", "thuỷ"/"thủy", "khoẻ"/"khỏe"), an Icelandic "Ð" standing in for "Đ",
zero-width characters from copy-paste. ``canonical`` removes those differences without changing
anything a reader would call a different word. Diacritics are kept: "bạn bè" and "bàn về" stay
different; ``strip_accents`` exists for the rules that ask for accent-insensitive matching.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
# Lookalikes that change neither length nor meaning; U+0130 would grow under str.lower().
_LOOKALIKES = (("\u00d0", "Đ"), ("\u00f0", "đ"), ("\u0130", "I"))

_TONES = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # huyền, sắc, hỏi, ngã, nặng
_PAIRS = (("o", "a"), ("o", "e"), ("u", "y"))


def _tone_placement_table() -> dict[str, str]:
    """Both conventions for open "oa", "oe", "uy" syllables, mapped to tone-on-first-vowel."""
    table: dict[str, str] = {}
    for first, second in _PAIRS:
        for first_case in (first, first.upper()):
            for second_case in (second, second.upper()):
                for tone in _TONES:
                    moved = first_case + unicodedata.normalize("NFC", second_case + tone)
                    kept = unicodedata.normalize("NFC", first_case + tone) + second_case
                    table[moved] = kept
    return table


_TONE_TABLE = _tone_placement_table()
# Only at the end of a syllable ("hoàn" has one placement only) and not after "q", where "u" belongs
# to the consonant ("quý").
_TONE_RE = re.compile(r"[oOuU][" + "".join(sorted({pair[1] for pair in _TONE_TABLE})) + r"](?!\w)")


def _place_tone(text: str) -> str:
    def repl(match: re.Match) -> str:
        start = match.start()
        if start and text[start - 1] in "qQ":
            return match.group()
        return _TONE_TABLE.get(match.group(), match.group())

    return _TONE_RE.sub(repl, text)


def canonical(text: str) -> str:
    """The one form every detector and every snippet works on (NFC, one tone placement)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    # Six substring tests cost less than one regular-expression scan of a long article.
    if any(char in text for char in _INVISIBLE_CHARS):
        text = _INVISIBLE.sub("", text)
    for lookalike, letter in _LOOKALIKES:
        if lookalike in text:
            text = text.replace(lookalike, letter)
    return _place_tone(text)


# Upper-case letters of Vietnamese, for "does a sentence start here" (``re`` has no \p{Lu}).
UPPER = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"

# A token is a syllable (letters and digits), a bracket, or a clause mark. Punctuation inside a
# token ("TP.HCM", "1.000", "COVID-19") and dashes, slashes and quotes are separators, so that
# "kinh tế - xã hội" and "kinh tế-xã hội" fold alike; a clause mark keeps a phrase from matching
# across "Hà. Nội".
TOKEN_RE = re.compile(r"\w+|[()\[\]]|[.,;:!?…](?!\w)|\n")
CLAUSE_MARKS = frozenset(".;:!?…\n")


def tokens(text: str) -> list[str]:
    return TOKEN_RE.findall(text)


def fold_term(term: str) -> str:
    """A rule term in the form it is searched for: lower-case tokens, each bounded by one space.

    Marks and brackets at either end are dropped ("Hà Nội." is "Hà Nội"); a term without a letter
    or digit folds to "".
    """
    parts = tokens(canonical(term).lower())
    while parts and not parts[0][0].isalnum():
        parts.pop(0)
    while parts and not parts[-1][0].isalnum():
        parts.pop()
    return " " + " ".join(parts) + " " if parts else ""


_MARKS = re.compile("[\u0300-\u036f]+")


def strip_accents(text: str) -> str:
    """Accent-insensitive form: "Biên giới Việt - Lào" -> "Bien gioi Viet - Lao".

    Same length as an NFC input: each precomposed letter becomes its base letter. Done through NFD
    because ``str.translate`` with a dict is several times slower on non-ASCII text.
    """
    stripped = _MARKS.sub("", unicodedata.normalize("NFD", text))
    return stripped.replace("đ", "d").replace("Đ", "D")


def fold_key(text: str) -> str:
    """A comparison key for names (provinces, partners, kinds): case, accents and spacing removed."""
    return " ".join(tokens(strip_accents(canonical(text).lower())))
