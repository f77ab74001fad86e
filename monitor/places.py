"""Foreign countries, localities and organisations found in running Vietnamese text.

The hard part is not the list (``places.yaml``) but the names that are also Vietnamese words,
given names or places: "Đức" (Hồ Đức Phớc), "Anh" (Tuấn Anh), "Nga" (Nguyễn Thị Nga), "Lào" (Lào Cai,
thuốc lào), "Trùng Khánh" (a district of Cao Bằng). Each gazetteer entry says how much context it
needs, and ``accept_places`` applies that: capitalisation, no given name just before, a
foreign-affairs cue ("nước", "Đại sứ quán", "(…)", a list of other countries) for short names, the
country itself nearby for localities that also exist in Vietnam.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from monitor.folded import FoldedText
from monitor.lexicon import Hit
from monitor.normalise import fold_key

# Beside this module, not in monitor/data/: the root .gitignore ignores every "data/" folder.
DATA = Path(__file__).resolve().parent / "places.yaml"

SAFE, SHORT, CONTEXT, EXCLUDE = "safe", "short", "context", "exclude"
LEADER = "leader"  # a foreign leader named without his country stands for it

# Words just before a short name that make it a country. After a state or diplomatic word the name
# may be followed by a person's name ("Đại sứ Đức Guido Hildner"); after the others ("người Đức") a
# capitalised word next means a person ("chủ tịch Tôn Đức Thắng" has no cue, "người Đức Thắng" no country).
STATE_CUES = tuple(
    " " + cue + " "
    for cue in (
        "nước", "đại sứ quán", "đại sứ", "tổng lãnh sự quán", "tổng lãnh sự", "lãnh sự quán", "lãnh sự",
        "sứ quán", "chính phủ", "thủ tướng", "tổng thống", "quốc vương", "nhà vua", "hoàng gia",
        "bộ ngoại giao", "ngoại trưởng", "vương quốc", "cộng hòa", "liên bang", "hợp chúng quốc", "quốc hội",
        "duma", "duma quốc gia", "quốc gia", "bộ quốc phòng", "bộ trưởng quốc phòng", "bộ trưởng ngoại giao",
        "quốc phòng", "ngoại giao", "phó tổng thống", "nữ hoàng", "hoàng đế", "thượng viện", "hạ viện",
        "hải quân", "quân đội", "không quân", "lục quân", "thái bình dương",
        "việt nam tại",  # "Đại sứ Việt Nam tại Mỹ Phạm Quang Vinh": our post abroad
        "đồng cấp",  # "đón người đồng cấp Nga Sergei Shoigu": a minister's counterpart
        "ch", "chlb", "chdcnd", "chnd", "lb",  # "thăm lại CH Pháp", "CHLB Đức", "LB Nga": abbreviated
        "thượng nghị sĩ", "hạ nghị sĩ", "nghị sĩ", "bộ trưởng", "thứ trưởng", "thị trưởng", "thống đốc",
        # a country's ministries, parliament, cabinet and parties ("Bộ Thương mại Mỹ", "Đảng Cộng sản Pháp")
        *(f"bộ {field}" for field in (
            "thương mại", "kinh tế", "công thương", "tài chính", "nội vụ", "tư pháp", "y tế", "giáo dục", "công an",
            "an ninh", "lao động", "nông nghiệp", "giao thông", "môi trường", "văn hóa", "khoa học", "năng lượng",
            "công nghiệp", "ngoại thương", "kinh tế và năng lượng", "đất đai", "hạ tầng", "quốc thổ",
        )),
        "nghị viện", "nội các", "quốc vụ viện", "tòa án", "cảnh sát", "đại sứ quán nước", "chính quyền",
        "đảng cộng sản", "đảng xã hội", "đảng dân chủ", "đảng lao động", "đảng nhân dân", "đảng cầm quyền",
        "đảng bảo thủ", "đảng cộng hòa", "đảng dân chủ tự do", "đảng công nhân",
    )
)
CUES = tuple(
    " " + cue + " "
    for cue in (
        # Not "việt": "Việt Anh", "Việt Đức", "Việt Thái" are people, hospitals and firms; the relation
        # is written with a dash ("Việt - Mỹ", "Việt Nam - Lào").
        "phía", "người", "bạn", "nhân dân", "đoàn", "hữu nghị", "tiếng", "đối tác",
        "doanh nghiệp", "nhà đầu tư", "các nước", "chuyên gia", "tình nguyện viên", "du khách", "khách",
        "thị trường", "công dân",
        # a destination: "thăm chính thức Mỹ", "sang Nga", "tại Nhật", "công du Pháp"
        "thăm", "chính thức", "sang", "tới", "tại", "công du", "cấp nhà nước",
    )
)
_RELATION_CUES = (" việt ", " việt nam ")
# A place visited that belongs to a country: "thăm <a few words> của Nga" (a person would be "của chị Nga").
_VISITED_OF = re.compile(r" thăm(?: [^ ]+){1,6} của $")
_VISITED_REACH = 70
# Given names and honorifics: a place name right after one of these is part of a person's name.
NAME_BEFORE = frozenset(
    "Thị Văn Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trịnh Lương Hữu "
    "Đình Ngọc Thanh Tuấn ông bà chị em cô chú anh".split()
)
LIST_JOINERS = frozenset({",", "và", "với"})


@dataclass(frozen=True, slots=True)
class Entry:
    name: str  # what a match means: country, locality or organisation name
    partner: str  # the partner it stands for (country name, or the organisation itself)
    kind: str  # "country", "place" or "organisation"
    tier: str  # SAFE, SHORT, CONTEXT or EXCLUDE


@dataclass(frozen=True, slots=True)
class Place:
    start: int  # folded offsets, as in lexicon.Hit
    end: int
    name: str
    partner: str
    kind: str


@lru_cache(maxsize=1)
def gazetteer() -> dict:
    with DATA.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def entries() -> list[tuple[str, Entry]]:
    """(term, entry) for the lexicon."""
    data = gazetteer()
    out: list[tuple[str, Entry]] = []
    for country in data["countries"]:
        name, short = country["name"], country.get("short", [])
        if name not in short:
            out.append((name, Entry(name, name, "country", SAFE)))
        out += [(alias, Entry(name, name, "country", SAFE)) for alias in country.get("aliases", [])]
        out += [(word, Entry(name, name, "country", SHORT)) for word in short]
        out += [(place, Entry(place, name, "place", SAFE)) for place in country.get("places", [])]
        out += [(place, Entry(place, name, "place", CONTEXT)) for place in country.get("context_places", [])]
    for organisation in data["organisations"]:
        name = organisation["name"]
        for alias in [name, *organisation.get("aliases", [])]:
            out.append((alias, Entry(name, name, "organisation", SAFE)))
    for country, names in data.get("leaders", {}).items():
        out += [(leader, Entry(leader, country, LEADER, SAFE)) for leader in names]
    for agency, country in data["agencies"].items():
        out.append((agency, Entry(agency, country, "organisation", SAFE)))
    out += [(phrase, Entry(phrase, "", "exclude", EXCLUDE)) for phrase in data["exclude"]]
    return out


def home_entries() -> list[tuple[str, str]]:
    """(term, payload) for the Vietnamese side of a visit (``places.yaml``: ``vietnam``): "organ",
    "place", or the canonical province name for a province or one of its other names."""
    data = gazetteer()["vietnam"]
    return (
        [(name, name) for name in data["provinces"]]
        + list(data["province_aliases"].items())
        + [(term, "place") for term in data["places"]]
        + [(term, "organ") for term in data["organs"]]
        + [(term, IMPLICIT) for term in data["implicit"]]
        + [(term, NOT_HOME) for term in data["not_home"]]
    )


NOT_HOME, IMPLICIT = "not-home", "implicit"
HOME_KINDS = frozenset({"place", "organ", IMPLICIT, NOT_HOME})


@lru_cache(maxsize=1)
def _provinces() -> dict[str, str]:
    data = gazetteer()["vietnam"]
    names = {fold_key(name): name for name in data["provinces"]}
    names.update({fold_key(alias): name for alias, name in data["province_aliases"].items()})
    return names


def province_name(text: str) -> str:
    """The canonical name of a province as a portal entry or a text writes it ("Thừa Thiên Huế" ->
    "Huế", "tỉnh Lai Châu" -> "Lai Châu"); a name not on the list is kept as written."""
    key = fold_key(text)
    for prefix in ("tinh ", "thanh pho ", "tp "):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    return _provinces().get(key, " ".join(text.split()))


def exclusions() -> list[str]:
    """Longer names that contain a foreign name ("Lào Cai", "Phú Mỹ", "thuốc lào")."""
    return list(gazetteer()["exclude"])


@lru_cache(maxsize=1)
def _partner_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for term, entry in entries():
        if entry.kind != "exclude":
            names.setdefault(fold_key(term), entry.partner)
    return names


def partner_name(text: str) -> str | None:
    """Canonical partner for a name a user typed ("Mỹ" -> "Hoa Kỳ", "Luông Pha Băng" -> "Lào")."""
    return _partner_names().get(fold_key(text))


def _longest_first(hits: list[Hit]) -> list[Hit]:
    """Drop hits inside longer ones ("Đức" inside "Cộng hòa Liên bang Đức", "Lào" inside "Lào Cai")."""
    hits = sorted(hits, key=lambda h: (h.start, -h.end))
    kept: list[Hit] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end and hit.end <= kept[-1].end:
            continue
        while kept and kept[-1].start >= hit.start and kept[-1].end <= hit.end:
            kept.pop()
        kept.append(hit)
    return kept


@lru_cache(maxsize=1)
def _names_ending_in_a_name() -> tuple[str, ...]:
    """Folded " name " endings of geographic names whose last word is also a surname or given name
    ("Thái Bình Dương": "Hạm đội Thái Bình Dương Hoa Kỳ" names the US fleet, not a person Dương)."""
    return tuple(FoldedText(name).lower.rstrip() + " " for name in gazetteer().get("names_ending_in_a_name", []))


def _previous_token(cased: str, start: int) -> str:
    before = cased.rfind(" ", 0, start - 1)
    return cased[before + 1 : start - 1]


def _next_token(cased: str, end: int) -> str:
    after = cased.find(" ", end + 1)
    return cased[end + 1 : after] if after != -1 else ""


def _capitalised(cased: str, hit: Hit) -> bool:
    """Whether a hit is capitalised as a name: its last word when the gazetteer leads it with a
    lower-case admin word ("châu Hồng Hà", a Chinese prefecture), else its first."""
    if hit.payload.name[:1].islower():
        return cased[cased.rfind(" ", hit.start, hit.end - 1) + 1].isupper()
    return cased[hit.start].isupper()


def accept_places(folded: FoldedText, hits: list[Hit]) -> list[Place]:
    """The gazetteer hits that really are foreign places, in text order."""
    cased = folded.cased
    accepted: dict[int, Hit] = {}
    pending: list[Hit] = []
    for hit in _longest_first(hits):
        entry: Entry = hit.payload
        if entry.tier == EXCLUDE or not _capitalised(cased, hit):
            continue
        if entry.kind == LEADER and " " not in cased[hit.start : hit.end] and _next_token(cased, hit.end)[:1].isupper():
            continue  # a surname that begins another person's name ("ông Abe Masayuki, Giám đốc Công ty …")
        if entry.kind != LEADER and _previous_token(cased, hit.start) in NAME_BEFORE and not folded.lower.endswith(
            _names_ending_in_a_name(), 0, hit.start
        ):
            continue
        if entry.tier == SAFE:
            accepted[hit.start] = hit
        else:
            pending.append(hit)
    for _ in range(3):  # short names in lists lean on their neighbours: "Mỹ, Úc, Hàn Quốc"
        progress = False
        for hit in pending:
            if hit.start not in accepted and hit.payload.tier == SHORT and _short_ok(folded, hit, accepted):
                accepted[hit.start] = hit
                progress = True
        if not progress:
            break
    for hit in pending:
        if hit.payload.tier == CONTEXT and _country_nearby(hit, accepted):
            accepted[hit.start] = hit
    return [
        Place(h.start, h.end, h.payload.name, h.payload.partner, h.payload.kind)
        for h in sorted(accepted.values(), key=lambda h: h.start)
    ]


def _short_ok(folded: FoldedText, hit: Hit, accepted: dict[int, Hit]) -> bool:
    lower = folded.lower
    window = lower[max(0, hit.start - 30) : hit.start]
    if window.endswith(STATE_CUES) or _after_titled_office(folded, hit.start):
        return True
    if _next_token(folded.cased, hit.end)[:1].isupper() and hit.end + 1 not in accepted:
        return False
    if window.endswith(CUES) or (window.endswith(_RELATION_CUES) and folded.dash_before(hit.start)):
        return True
    if lower.endswith(" của ", 0, hit.start) and _VISITED_OF.search(lower, max(0, hit.start - _VISITED_REACH), hit.start):
        return True  # "thăm trung tâm văn hóa lớn nhất của Nga": what is visited belongs to the country
    previous, following = _previous_token(lower, hit.start), _next_token(lower, hit.end)
    if previous == "(" and following == ")":
        return True
    if following == "việt":
        return True
    if previous in LIST_JOINERS:
        before = hit.start - len(previous) - 2  # the space that ends the token before the joiner
        if any(other.end == before for other in accepted.values()):
            return True
    if following in LIST_JOINERS:
        after = hit.end + len(following) + 2  # first character of the token after the joiner
        if after in accepted:
            return True
    return False


_OFFICE_WORDS = 6  # words of a ministry's or office's name between its title and the country
# The title before the field (" bộ " also ends "Thứ trưởng Bộ", "Bộ trưởng Bộ").
_OFFICE_TITLES = (" bộ trưởng ", " bộ ", " thứ trưởng ")


def _after_titled_office(folded: FoldedText, start: int) -> bool:
    """"Bộ trưởng Phát triển Kinh tế Nga", "Bộ Tài nguyên và Môi trường Nhật": a state title, then its
    field (capitalised first word, no punctuation), then the country."""
    cased, lower = folded.cased, folded.lower
    near = lower[max(0, start - 60) : start]
    if " bộ " not in near and " thứ trưởng " not in near:
        return False
    end = start - 1
    for _ in range(_OFFICE_WORDS):
        begin = cased.rfind(" ", 0, end) + 1
        word = cased[begin:end]
        if not word.isalpha():
            return False
        if word[:1].isupper() and lower.endswith(_OFFICE_TITLES, 0, begin):
            return True
        end = begin - 1
    return False



def _country_nearby(hit: Hit, accepted: dict[int, Hit], reach: int = 60) -> bool:
    partner = hit.payload.partner
    return any(
        other.payload.partner == partner and other.payload.kind == "country"
        and -reach <= other.start - hit.end <= reach
        for other in accepted.values()
    )
