"""Party and State document codes in running text, as structured records.

Two code shapes cover the documents subscribers follow: the Party's ``NUMBER-TYPE/ISSUER``
("04-CT/TW", "36-KH/TU", "18-CTr/TU") and the State's ``NUMBER/[YEAR/]TYPE-ISSUER`` ("481/QĐ-UBND",
"41/2013/QĐ-TTg", "68/2026/NĐ-CP"), plus laws and resolutions of the National Assembly
("254/2025/QH15"). A code needs a known document type between number and issuer, which is what keeps
dates ("06/7/2011"), "2020/2021", "COVID-19", "U23", "TP.HCM", phone numbers and road names out.

The canonical code is the registry key, so every spelling of one document must give the same one:
spacing ("12 - CT/TW"), case ("Ctr"), "QD" for "QĐ", a missing leading zero ("4-CT/TW").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from monitor.folded import FoldedText

TYPES = {
    "CT": "Chỉ thị",
    "CTr": "Chương trình",
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "QĐi": "Quy định",
    "KL": "Kết luận",
    "KH": "Kế hoạch",
    "NĐ": "Nghị định",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "HD": "Hướng dẫn",
    "TB": "Thông báo",
    "QC": "Quy chế",
    "CV": "Công văn",
    "CĐ": "Công điện",
    "BC": "Báo cáo",
    "TTr": "Tờ trình",
    "ĐA": "Đề án",
    "GP": "Giấy phép",
}
OFFICIAL_LETTER = "Công văn"
KINDS = sorted(set(TYPES.values()) | {"Luật", "Pháp lệnh"})
_TYPE_BY_UPPER = {t.upper(): t for t in TYPES} | {"QD": "QĐ", "QDI": "QĐi", "ND": "NĐ", "CD": "CĐ", "DA": "ĐA"}
# Issuers and units spelt in mixed case in official codes.
_ISSUER_CASE = {"TTG": "TTg", "TTR": "TTr", "CTR": "CTr"}

# Dashes and slashes as typed: ASCII, en and em dash, U+2011 (non-breaking hyphen), U+2212 (minus);
# "/" and the fullwidth "／".
_DASHES = "-–—\u2011\u2212"
_PARTY_TYPE = r"(?P<party_type>(?i:TTLT|CTr|CT|NQ|Q[ĐD]i|Q[ĐD]|KL|KH|N[ĐD]|TTr|TT|HD|TB|QC|CV|C[ĐD]|BC|ĐA|GP))(?P<party_extra>[A-ZĐ]{1,3})?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_DASH = r"\s*[" + _DASHES + r"]\s*"
_SLASH = r"\s*[/／]\s*"
# An issuer or unit: starts with a capital ("C67", "P9"); "768/QĐ- ban hành" has none.
# "TƯ", "T.Ư" and "T W" are the Party centre, written "TW" in the canonical code.
_UNIT = r"(?:T\s?\.?\s?[WƯ]|[A-ZĐƯ][A-Za-zĐđƯư0-9&]{0,15})"
_PARTY_ISSUER = r"(?:T\s?\.?\s?[WƯ]|[A-Za-zĐđƯư][A-Za-zĐđƯư0-9&]{0,15})"
# A code ends at a non-word character, or where a capitalised Vietnamese word is glued to it by the
# page's markup ("Số: 05/2017/TT-BNGHà Nội, ngày …": the number cell and the place cell run together).
_END = r"(?:(?![\w/])|(?=[A-ZĐ][a-zđ]{0,3}[\u00C0-\u024F\u1E00-\u1EFF]))"
# One pattern for the shapes, starting with a digit so the engine can skip ahead fast: ``re``
# only skips ahead when the pattern opens with a plain character class, hence "\d\d{0,4}" and not
# "\d{1,5}" (which tries a match at every character: 1.6x slower). The character before the number
# is checked in code (a look-behind here makes the search 4x slower). Every repetition is of a
# bounded class with a required separator between parts, so no match can backtrack far.
#   Party:  NUMBER-TYPE/ISSUER          04-CT/TW, 476-QĐNS/TW, 4171-CV/VPTW
#   State:  NUMBER[/YEAR]/HEAD[-PART…]  481/QĐ-UBND, 19-2017/NQ-CP, 331/UBND-TH (a Công văn: issuer and unit),
#           254/2025/QH15 (National Assembly), 67/CP (only after a document word: see find_codes)
CODE = re.compile(
    r"(?P<number>\d\d{0,4})(?:"
    + _DASH + _PARTY_TYPE + _SLASH + r"(?P<party_issuer>" + _PARTY_ISSUER + r")" + _END
    + r"|(?:(?:" + _SLASH + r"|" + _DASH + r")" + _YEAR + r")?" + _SLASH
    + r"(?P<head>" + _UNIT + r")(?P<rest>(?:" + _DASH + _UNIT + r"){0,6})" + _END
    + r")"
)
_NOT_BEFORE = frozenset("/.,-–:" + "\u2011\u2212")
_SPLIT_PARTS = re.compile(_DASH)
# The issuers the press abbreviates that way ("NĐ155/CP", "QĐ12/UBND"), nothing else glued is a code.
_GLUED_ISSUERS = frozenset({"CP", "TTg", "UBND", "HĐND"})
_GLUED_TYPE = re.compile(r"(?<![\w])(N[ĐD]|Q[ĐD]|NQ|CT|TT)$")
# Types the Party centre numbers NUMBER-TYPE/TW.
_PARTY_TYPES = frozenset({"CT", "CTr", "NQ", "QĐ", "QĐi", "KL", "KH", "HD", "TB", "QC"})
_ASSEMBLY = re.compile(r"(?:UBTVQH|QH)\d{1,2}")

# The kinds of administrative documents, as texts name them before a code.
_DOCUMENT_WORDS = (
    r"chỉ thị|nghị quyết|quyết định|quy định|kết luận|kế hoạch|chương trình|nghị định|thông tư|"
    r"hướng dẫn|thông báo|quy chế|bộ luật|luật|pháp lệnh|công văn|văn bản|công điện|báo cáo|tờ trình|"
    r"đề án|giấy phép|thông tri|bản án|phiếu chuyển|giấy chứng nhận|biên bản|thông cáo|điều lệ|giấy mời"
)
# The document word nearest the code: the greedy opening skips every earlier one ("được quy định tại
# Quyết định số …" is a Quyết định). The window is at most 60 characters, so backtracking is bounded.
_KIND_BEFORE = re.compile(r"(?s:.*)(?<!\w)(?i:(" + _DOCUMENT_WORDS + r")(?: [\w ()]{0,20}?)?)(?:\s+số)?\s*:?\s*$")
# What a bare NUMBER/ISSUER ("67/CP", "295/LĐLĐ") needs just before it to be a code.
_DOCUMENT_BEFORE = re.compile(r"(?i:(?:" + _DOCUMENT_WORDS + r")(?: [\w ]{0,30}?)?\s+số|" + _DOCUMENT_WORDS + r")\s*:?\s*$")
_KIND_OF_WORD = {"văn bản": OFFICIAL_LETTER, "bộ luật": "Luật"}
_LETTER_WORDS = frozenset({"công văn", "văn bản"})
_DATE_AFTER = re.compile(
    r"\s*\)?\s*,?\s*\(?\s*(?:(?i:ban hành)\s+)?(?i:ngày)\s+(?P<d>\d{1,2})"
    r"(?:\s*[/.\-]\s*(?P<m>\d{1,2})\s*[/.\-]\s*|\s+(?i:tháng)\s+(?P<m2>\d{1,2})\s+(?i:năm)\s+)(?P<y>(?:19|20)\d{2})"
)
_DATE = re.compile(r"(?i:ngày)\s+(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>(?:19|20)\d{2})")
_ANY_CODE = re.compile(r"\d\s*[-/]\s*[A-ZĐ]")


NATIONAL, AMBIGUOUS = "VN", "?"
# Issuers of a province, district or commune: People's Committees and Councils, Party committees of a
# province (TU), district (HU), town or commune and their organs ("BTGTU"), Fatherland Front committees,
# provincial departments (Sở: SGDĐT, SNV …), provincial police and military commands.
_LOCAL_ISSUERS = frozenset(
    "UBND HĐND UBMTTQ MTTQ TU HU ĐU QU TX TP BCH CAT CAH BQL CCKL CCT CCTHADS TTHC BCĐ-UBND".split()
)
_NATIONAL_S = frozenset({"SCIC"})


def is_local(issuer: str) -> bool:
    """Whether a code's issuer is local: the scope of its number is one province, not the country."""
    first = issuer.split("-")[0]
    if first in _LOCAL_ISSUERS or (first.endswith("TU") and first != "TU" and len(first) > 2):
        return True
    return first.startswith("S") and len(first) >= 3 and first not in _NATIONAL_S and first[1:2] != "C"


@dataclass(slots=True)
class Directive:
    code: str
    kind: str
    number: int
    year: int | None
    issuer: str
    date: date | None
    sentence: str
    mentions: int = 1
    # Canonical-text span of the first mention.
    span: tuple[int, int] = (0, 0)
    # Whose document it is: NATIONAL for the centre's issuers (unique by code), a province for a local
    # issuer (481/QĐ-UBND of Lai Châu is not that of Cao Bằng), AMBIGUOUS when the text and the portal
    # do not say which province. Set by ``scope_directives``.
    scope: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """The registry identity, (code, scope): one per national code, one per province for a local one."""
        return self.code, self.scope

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "kind": self.kind,
            "number": self.number,
            "year": self.year,
            "issuer": self.issuer,
            "date": self.date.isoformat() if self.date else None,
            "sentence": self.sentence,
            "mentions": self.mentions,
            "scope": self.scope,
        }


def canonical_code(code: str) -> str | None:
    """The registry form of a code a user typed ("04-ct/tw" -> "04-CT/TW"), or None if it is none."""
    found = find_codes(code) or find_codes(code.upper())  # "04-ct/tw" as a user types it
    return found[0][0] if found else None


def find_codes(text: str) -> list[tuple[str, str, int, int | None, str, re.Match]]:
    """(code, type, number, year, issuer, match) for every code in canonical ``text``, in text order.

    ``type`` is the document type of the code ("QĐ"), "" for National Assembly numbering and for
    codes that name only the issuer ("331/UBND-TH", a Công văn of the UBND's TH office).
    """
    found = []
    for m in CODE.finditer(text):
        start = m.start()
        glued = None  # "NĐ155/CP": the press writes the type letters against the number
        if start and (text[start - 1].isalnum() or text[start - 1] == "_" or text[start - 1] in _NOT_BEFORE):
            prefix = _GLUED_TYPE.search(text, max(0, start - 5), start)
            if prefix is None or m.group("party_type"):
                continue
            glued = _TYPE_BY_UPPER[prefix.group(1).upper()]
        number = int(m.group("number"))
        if number == 0:
            continue
        year = int(m.group("year")) if m.group("year") else None
        if m.group("party_type"):
            doc_type = _TYPE_BY_UPPER[m.group("party_type").upper()]
            written = doc_type + (m.group("party_extra") or "")
            issuer = _issuer([m.group("party_issuer")])
            code = f"{number:02d}-{written}/{issuer}"
        else:
            head, rest = m.group("head"), m.group("rest")
            parts = [head] + (_SPLIT_PARTS.split(rest)[1:] if rest else [])
            doc_type = _TYPE_BY_UPPER.get(head.upper(), "")
            if doc_type and len(parts) > 1:  # 481/QĐ-UBND
                issuer = _issuer(parts[1:])
                if issuer == "TW" and doc_type in _PARTY_TYPES and not year:  # "13/NQ-TW" is the Party's 13-NQ/TW
                    found.append((f"{number:02d}-{doc_type}/TW", doc_type, number, None, issuer, m))
                    continue
                body = f"{doc_type}-{issuer}"
            elif _ASSEMBLY.fullmatch(head.upper()) and len(parts) == 1:
                if not year:  # "5/QH14" is no law number
                    continue
                doc_type, issuer = "", _issuer(parts)
                body = issuer
            elif doc_type or (sum(c.isupper() for c in head) < 2 and not head[-1:].isdigit()):
                continue  # "768/QĐ- ban hành": a type without issuer; "3/Theo-…": a word
            elif glued and len(parts) == 1 and _issuer(parts) in _GLUED_ISSUERS:
                doc_type, issuer = glued, _issuer(parts)  # "NĐ155/CP", labelled as written: 155/CP
                body = issuer
            elif glued:
                continue
            elif len(parts) > 1 or _DOCUMENT_BEFORE.search(text, max(0, start - 60), start):
                doc_type, issuer = "", _issuer(parts)  # 331/UBND-TH; "Nghị định 67/CP"
                body = issuer
            else:
                continue
            code = f"{number:02d}/{year}/{body}" if year else f"{number:02d}/{body}"
        found.append((code, doc_type, number, year, issuer, m))
    return found


def _issuer(parts: list[str]) -> str:
    out = []
    for part in parts:
        part = "".join(part.split()).replace(".", "").upper()
        part = part.replace("TƯ", "TW")
        out.append(_ISSUER_CASE.get(part, part))
    return "-".join(out)


def detect_directives(folded: FoldedText) -> list[Directive]:
    """One record per code, in order of first mention; later mentions add to ``mentions``."""
    text = folded.text
    by_code: dict[str, Directive] = {}
    for code, doc_type, number, year, issuer, m in find_codes(text):
        issued = _date_after(text, m.end()) or _date_before(folded, m.start())
        if code in by_code:
            directive = by_code[code]
            directive.mentions += 1
            directive.date = directive.date or issued
            continue
        by_code[code] = Directive(
            code=code,
            kind=_kind(text, m.start(), doc_type, issuer),
            number=number,
            year=year or (issued.year if issued else None),
            issuer=issuer,
            date=issued,
            sentence=folded.sentence(m.start(), m.end()),
            span=(m.start(), m.end()),
        )
    return list(by_code.values())


def _kind(text: str, start: int, doc_type: str, issuer: str) -> str:
    before = _KIND_BEFORE.search(text, max(0, start - 60), start)
    word = before.group(1).lower() if before else ""
    if not doc_type and _ASSEMBLY.fullmatch(issuer):  # National Assembly numbering: the word before says what it is
        if word in ("luật", "bộ luật"):
            return "Luật"
        if word in ("nghị quyết", "pháp lệnh"):
            return word.capitalize()
        return "Luật" if issuer.startswith("QH") else "Nghị quyết"
    if not doc_type:  # "Công văn số 331/UBND-TH", "Nghị định 67/CP", "văn bản số 110/HĐNTNN"
        return _KIND_OF_WORD.get(word, word.capitalize() if word else OFFICIAL_LETTER)
    if doc_type == "QĐ" and word == "quy định":  # older Party rules are numbered QĐ
        return "Quy định"
    if doc_type == "CV" and word and word not in _LETTER_WORDS:  # "Phiếu chuyển số 12/CV-…"
        return word.capitalize()
    return TYPES[doc_type]


def _valid_date(day: str, month: str | None, year: str) -> date | None:
    try:
        return date(int(year), int(month or 0), int(day))
    except ValueError:
        return None


def _date_after(text: str, end: int) -> date | None:
    m = _DATE_AFTER.match(text, end, min(len(text), end + 80))
    return _valid_date(m.group("d"), m.group("m") or m.group("m2"), m.group("y")) if m else None


def _date_before(folded: FoldedText, start: int) -> date | None:
    """"Ngày 27/9/2016, Tỉnh ủy … đã ban hành Quyết định số 238-QĐ/TU": the date opens the sentence."""
    sentence_start, _ = folded.sentence_bounds(start)
    window_start = max(sentence_start, start - 160)
    last = None
    for last in _DATE.finditer(folded.text, window_start, start):
        pass
    if last is None:
        return None
    between = folded.text[last.end() : start]
    if "ban hành" not in between.lower() or _ANY_CODE.search(between):
        return None
    return _valid_date(last.group("d"), last.group("m"), last.group("y"))


def code_scope(code: str, province: str | None) -> str:
    """The scope of a canonical ``code`` met where no sentence names a province (a register row, an
    attachment): NATIONAL for the centre's issuers, else the portal's ``province``, else AMBIGUOUS."""
    found = find_codes(code)
    if not found or not is_local(found[0][4]):
        return NATIONAL
    from monitor.places import province_name

    return province_name(province) if province else AMBIGUOUS


def scope_directives(directives: list[Directive], folded: FoldedText, provinces, portal_province: str | None) -> None:
    """Give each directive its scope. ``provinces``: (folded start, canonical province) of the
    province names in the text; a local code takes the province named beside it in its sentence
    ("481/QĐ-UBND của UBND tỉnh Lai Châu", "UBND tỉnh Cao Bằng ban hành Quyết định 481/QĐ-UBND"),
    else the portal's province, else it is AMBIGUOUS."""
    for directive in directives:
        if not is_local(directive.issuer):
            directive.scope = NATIONAL
            continue
        named = _province_beside(folded, directive.span, provinces)
        directive.scope = named or portal_province or AMBIGUOUS


_ADMIN_BEFORE = (" tỉnh ", " thành phố ", " tp ", " ubnd ", " hđnd ", " ủy ", " tỉnh ủy ", " thành ủy ")


def _province_beside(folded: FoldedText, span: tuple[int, int], provinces) -> str | None:
    """The province named with an administrative word ("tỉnh", "UBND", "TP") in the code's sentence,
    the nearest after the code first (within 120 characters), else the nearest before it."""
    if not provinces:
        return None
    begin, finish = folded.sentence_bounds(span[0], span[1])
    # Folded offsets of the sentence and the code, through the canonical span of their tokens.
    lower = folded.lower
    first = folded.folded_offset(begin)
    code_start, code_end = folded.folded_offset(span[0]), folded.folded_offset(span[1])
    last = folded.folded_offset(finish)
    after = [(start, name) for start, name in provinces if code_end <= start <= min(last, code_end + 120)]
    before = [(start, name) for start, name in provinces if first <= start < code_start]
    for start, name in after + before[::-1]:
        if lower.endswith(_ADMIN_BEFORE, 0, start):
            return name
    return None
