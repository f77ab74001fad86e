"""Foreign visits and meetings: who came, who went, from a clause of Vietnamese news prose.

A visit is a clause with a visit verb and a foreign partner. The verb alone is not enough: provincial
news is full of domestic visits ("thăm hỏi gia đình chính sách", "đoàn kiểm tra làm việc với huyện").
The partner alone is not enough either ("Hội hữu nghị Việt Nam - Lào", "xuất khẩu sang Trung Quốc").
A mention with no named partner ("các đoàn khách nước ngoài") is not reported: an alert must say who.

Direction comes from where the clause says the visit happens: "sang thăm … tại Quảng Tây (Trung
Quốc)" is outbound, "… (Trung Quốc) … sang thăm và làm việc tại tỉnh Cao Bằng" inbound, "tiếp Đại sứ …"
inbound. When the clause does not say, direction is "unknown" rather than a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from monitor.folded import FoldedText
from monitor.lexicon import Hit
from monitor.places import HOME_KINDS, IMPLICIT, NOT_HOME, Place

INBOUND, OUTBOUND, UNKNOWN = "inbound", "outbound", "unknown"
FOREIGN, DOMESTIC = "foreign", "domestic"

# Verb classes. "move": someone travels (direction from the destination, else from who travels);
# "receive": our side receives the partner; "meet": talks, place decides; "courtesy": the caller is
# the guest; "attend": only a visit when held abroad; "visit": bare "thăm", only with a foreign place
# right after it. Not "sang làm việc": that is mostly labour going abroad ("đưa lao động sang làm việc
# tại Hàn Quốc"); a delegation that "sang làm việc" is found as a delegation. "delegation": a delegation with no verb, placed by "tại"/"ở" (which side it
# came from is its name: "Đoàn đại biểu tỉnh Hủa Phăn (Lào) … tại Thanh Hóa").
# Who a Vietnamese leader meets abroad or at home ("gặp gỡ lãnh đạo Quốc hội Hà Lan").
_TITLES = (
    "tổng thống", "phó tổng thống", "thủ tướng", "phó thủ tướng", "tổng thư ký", "thư ký", "đại sứ", "lãnh đạo", "chủ tịch",
    "bộ trưởng", "ngoại trưởng", "nhà vua", "quốc vương", "hoàng gia", "thống đốc", "thị trưởng", "tỉnh trưởng",
    "nghị sĩ", "các nghị sĩ", "đại diện", "đoàn", "quan chức", "các quan chức", "hoàng hậu", "nhà vua", "hoàng thái tử",
    "thái tử", "công chúa", "thượng nghị sĩ", "đặc phái viên", "đặc sứ", "tổng tư lệnh", "đô đốc", "tướng",
    "ủy viên", "ngài", "tân đại sứ", "tư lệnh",
    # heads of state and party, envoys and parliaments, named by title ("tiếp Tổng Bí thư, Chủ tịch nước Lào")
    "tổng bí thư", "chủ tịch nước", "phó chủ tịch nước", "chủ tịch quốc hội", "chủ tịch thượng viện",
    "chủ tịch hạ viện", "tổng lãnh sự", "lãnh sự", "tham tán", "tùy viên", "nữ hoàng", "hoàng tử", "phu nhân",
    "thủ hiến", "toàn quyền", "thống đốc bang", "tổng đốc", "bí thư", "phó bí thư", "trưởng đoàn",
    "đại sứ đặc mệnh toàn quyền", "chánh văn phòng", "tổng tham mưu trưởng", "nguyên thủ",
    # how portals name party comrades of Laos, Cuba, China ("tiếp đồng chí Esteban Lazo Hernández, … Cuba")
    "đồng chí",
    # heads of departments, commissions and schools ("tiếp Chủ nhiệm Tổng cục Chính trị QĐND Lào")
    "chủ nhiệm", "phó chủ nhiệm", "tổng cục trưởng", "cục trưởng", "viện trưởng", "hiệu trưởng", "trưởng ban",
    "phó trưởng ban", "phó thống đốc", "phó thị trưởng", "phó tổng thống", "phó chủ tịch", "giám đốc", "tổng giám đốc",
)
# Our mission and people abroad, named with their nationality ("Đại sứ quán Việt Nam", "cộng đồng người Việt").
_OUR_PEOPLE_WHO = (
    "đại sứ quán", "đại sứ", "tổng lãnh sự quán", "lãnh sự quán", "cơ quan đại diện", "cộng đồng người",
    "bà con người", "kiều bào", "bà con kiều bào", "lưu học sinh", "sinh viên", "nghiên cứu sinh",
)
# Joint acts of two provinces or delegations (not "Việt Nam và Myanmar đã ký tuyên bố chung", two countries).
_CHAIRING_AND_SIGNING = (
    "chủ trì hội nghị", "chủ trì lễ", "chủ trì hội đàm", "chủ trì buổi", "ký kết biên bản", "ký kết bản ghi nhớ",
    "ký biên bản", "ký bản ghi nhớ", "ký kết thỏa thuận", "ký thỏa thuận", "ký kết văn bản", "ký kết hợp tác",
    # two leaders' joint statement; a signing held online ("đã ký trực tuyến Bản ghi nhớ")
    "ký tuyên bố chung", "ra tuyên bố chung", "thông qua tuyên bố chung", "ký trực tuyến",
)
# The welcome ceremony: our host invites the guest to review the guard ("Chủ tịch nước mời Tổng thống Chile
# duyệt đội danh dự", "mời … bước lên bục danh dự"): an invitation there is the ceremony itself.
_CEREMONIAL = ("duyệt đội danh dự", "bục danh dự", "lễ đài")
# Inaugurating or opening something together ("Thủ tướng Nguyễn Tấn Dũng và Thủ tướng Lào … khánh thành cột
# mốc biên giới 460"): the two sides joined right before the verb, ours and theirs either side of "và".
_OPENING_TOGETHER = ("khánh thành", "cắt băng khánh thành", "động thổ", "khai mạc", "cắt băng khai mạc")
# Conferences of two provinces ("Hội nghị cấp cao giữa 2 tỉnh Hà Tĩnh – Khăm Muộn", "lãnh đạo tỉnh An Giang và
# tỉnh Takeo (Vương quốc Campuchia) đã tổ chức hội nghị sơ kết"): held together by a province of ours and a
# foreign locality, not by two countries' leaders at a summit.
_CONFERENCES = (
    "hội nghị cấp cao", "hội nghị sơ kết", "hội nghị tổng kết", "hội nghị thường niên", "hội nghị gặp gỡ",
    "hội nghị hợp tác", "hội nghị hội đàm",
)
# Arriving said by a bare verb: counted only right after a titled subject (headlines drop "đã").
_BARE_ARRIVALS = ("tới", "đến", "có mặt tại", "có mặt ở")
TRIGGERS = {
    "move": [
        "sang thăm", "đến thăm", "tới thăm", "thăm và làm việc", "thăm làm việc", "thăm , làm việc",
        "thăm chính thức", "thăm cấp nhà nước", "thăm hữu nghị", "thăm cấp cao", "chuyến thăm",
        "chuyến công tác", "công du", "sang công tác", "đi công tác", "đến công tác", "thăm song phương",
        "ghé thăm", "thăm thiện chí",
        # a Tết or anniversary call ("Đoàn công tác tỉnh Hủa Phăn (Lào) thăm và chúc Tết tỉnh Sơn La")
        "thăm và chúc tết", "thăm , chúc tết", "thăm và chúc mừng", "thăm , chúc mừng",
        # a working or promotion trip ("sẽ có chuyến làm việc tại Nhật Bản", "chuyến xúc tiến đầu tư … tại")
        "chuyến làm việc", "chuyến xúc tiến",
        # a guest glad to be here ("bày tỏ vui mừng trở lại", "vui mừng được thăm Việt Nam")
        *(f"vui mừng {how}{verb}" for how in ("", "được ", "khi ", "có dịp ", "được có dịp ")
          for verb in ("trở lại", "quay lại", "quay trở lại", "thăm", "đến", "tới", "sang")),
        "trở lại thăm", "quay lại thăm",
        # paying respects at a place ("Nhà vua và Hoàng hậu Nhật Bản viếng Lăng Chủ tịch Hồ Chí Minh"; not a
        # person mourned, "người mà Ngài vừa tới viếng"), a visit where the place's name says
        *(f"viếng {site}" for site in ("lăng", "nghĩa trang", "đài tưởng niệm", "tượng đài", "khu di tích", "đền")),
        "vào lăng viếng",
    ],
    # An ambassador presents credentials: a foreign one to our head of state, ours abroad.
    "credentials": [
        f"{verb} {letter}" for verb in ("trình", "nhận", "tiếp nhận", "trao")
        for letter in ("quốc thư", "thư ủy nhiệm", "bản sao quốc thư", "bản sao thư ủy nhiệm")
    ],
    # "X dẫn đầu đoàn … đi/sang …": a trip said by who leads it; weaker than any other verb of the clause.
    "lead": ["dẫn đầu đoàn", "làm trưởng đoàn", "dẫn đầu phái đoàn"],
    "receive": [
        "tiếp đại sứ", "tiếp tổng lãnh sự", "tiếp lãnh sự", "tiếp đoàn", "tiếp ngài", "tiếp xã giao",
        "tiếp và làm việc", "tiếp , làm việc", "đón tiếp", "tiếp đón", "đón đoàn", "tiếp bộ trưởng",
        "tiếp thứ trưởng", "tiếp thống đốc", "tiếp tỉnh trưởng", "tiếp phó tỉnh trưởng", "tiếp chủ tịch",
        "tiếp phó chủ tịch", "tiếp bí thư", "tiếp phó bí thư", "tiếp trưởng đại diện", "tiếp giám đốc",
        "tiếp tổng giám đốc", "tiếp ông", "tiếp bà", "tiếp phái đoàn", "tiếp lãnh đạo", "tiếp các",
        # a guest thanks the host "đã dành thời gian tiếp (đón)"
        "dành thời gian tiếp", "dành thời gian tiếp đón", "dành thời gian đón tiếp",
        "tiếp trưởng", "tiếp phó", "tiếp tổng thống", "tiếp thủ tướng", "tiếp nguyên", "tiếp cựu",
        "tiếp một số", "tiếp đại diện", "thân mật tiếp", "tiếp thân mật", "tiếp những", "chào đón",
        # a minister's counterpart ("Bộ trưởng Quốc phòng … đón người đồng cấp Nga")
        "tiếp người đồng cấp", "đón người đồng cấp", "tiễn người đồng cấp",
        # a new ambassador ("Chủ tịch nước tiếp tân Đại sứ Ba Lan"), a state banquet, a farewell to a delegation
        "tiếp tân đại sứ", "đón tân đại sứ", "chủ trì chiêu đãi", "tiệc chiêu đãi", "chiêu đãi cấp nhà nước",
        "chiêu đãi trọng thể", "tiễn đoàn", "mời cơm thân mật", "tiếp và mời cơm",
        "tiếp tổ chức", "đón tổ chức",  # a foreign NGO ("tiếp tổ chức ACEF/Hàn Quốc đến thăm …")
        *(f"đón {title}" for title in _TITLES), "đón chủ tịch nước", "đón tổng bí thư",
        *(f"tiếp {title}" for title in _TITLES), "lễ đón",
        # seeing a guest off ("tiễn Tổng thống Ấn Độ tại sân bay Nội Bài")
        *(f"tiễn {title}" for title in _TITLES), "lễ tiễn",
        # "Chủ tịch Quốc hội … chào mừng Thượng nghị sĩ John McCain …": welcoming a guest by title
        *(f"chào mừng {title}" for title in _TITLES), *(f"hoan nghênh {title}" for title in _TITLES),
    ],
    "meet": [
        "hội đàm", "hội kiến", "làm việc với", "điện đàm", "gặp tổng thống", "gặp thủ tướng",
        "gặp tổng thư ký", "gặp đại sứ", "gặp lãnh đạo", "gặp chủ tịch", "gặp bộ trưởng", "gặp ngoại trưởng",
        "gặp nhà vua", "gặp quốc vương", "cuộc gặp với", "có cuộc gặp", "họp với", "hội đàm trực tuyến",
        "gặp song phương", "gặp riêng", "gặp mặt", "gặp gỡ", "tiếp xúc với", "gặp thân mật", "tiếp xúc song phương",
        "tọa đàm với",
        # gifts and orders handed over in person ("Lãnh đạo thành phố Cần Thơ tặng quà cho Đại sứ … Hoa Kỳ")
        "tặng quà", "trao quà", "trao tặng quà", "tặng biểu trưng", "trao tặng huân chương", "trao huân chương",
        "trao tặng kỷ niệm chương", "trao kỷ niệm chương", "trao tặng", "tặng hoa", "tặng ngài", "tặng sách",
        # a gift to a person named by title, aid handed over ("Đại sứ Mông Cổ … tặng Chủ tịch UBND tỉnh …",
        # "trao số tiền hỗ trợ 10.000 USD cho tỉnh Attapeu")
        *(f"tặng {title}" for title in ("chủ tịch", "bí thư", "thủ tướng", "tổng thống", "đại sứ", "lãnh đạo", "bộ trưởng")),
        "trao số tiền", "trao tiền hỗ trợ", "trao kinh phí",
        # a Tết call said by its greeting ("Lãnh đạo tỉnh Kiên Giang chúc tết tỉnh Kép"; not a letter or telegram)
        "chúc tết",
        *(f"{verb} {title}" for verb in ("gặp", "gặp gỡ", "gặp lại", "bắt tay") for title in _TITLES),
        # a photograph taken together ("chụp ảnh lưu niệm với Nhà vua Nhật Bản")
        *(f"chụp {what} lưu niệm {with_}" for what in ("ảnh", "hình") for with_ in ("với", "cùng")),
        # an acting minister or president ("gặp Quyền Bộ trưởng Quốc phòng Mỹ")
        *(f"{verb} quyền {title}" for verb in ("gặp", "tiếp", "hội đàm với", "hội kiến", "đón")
          for title in ("bộ trưởng", "tổng thống", "thủ tướng", "chủ tịch", "đại sứ", "ngoại trưởng")),
    ],
    "courtesy": ["chào xã giao", "chào từ biệt", "chào cấp cao", "thăm xã giao", "đến chào"],
    # Arriving somewhere: a trip only when the clause says where ("đã tới thủ đô Washington").
    "arrive": ["lên đường", "hạ cánh", "đặt chân", "đã tới", "đã đến", "cập cảng", "đáp máy bay xuống", "đáp xuống",
               # a titled person or a delegation arriving ("Lãnh đạo Singapore, Canada, Indonesia tới Đà Nẵng",
               # "Thủ tướng Canada … đã có mặt tại Đà Nẵng"); only after such a subject (_titled_subject)
               *_BARE_ARRIVALS],
    "attend": [
        "tham dự", "tham gia", "dự hội nghị", "dự lễ", "dự diễn đàn", "dự hội thảo", "dự hội chợ", "dự triển lãm",
        # ceremonial acts and speeches, a visit only when held abroad ("đặt vòng hoa … ở thủ đô Mát-xcơ-va")
        "đặt vòng hoa", "đặt hoa", "dâng hoa", "dâng hương", "trồng cây lưu niệm", "phát biểu tại",
    ],
    # Ceremonies held in the partner's own country ("dự lễ nhậm chức của Tổng thống Philippines"): our
    # side attending one has gone there, whether or not the clause says where.
    "ceremony": [
        f"{verb} {rite}" for verb in ("dự", "tham dự", "dự lễ", "tham dự lễ")
        for rite in ("lễ nhậm chức", "lễ tuyên thệ nhậm chức", "nhậm chức", "tuyên thệ nhậm chức", "lễ đăng quang",
                     "lễ đăng cơ", "lễ tang", "quốc tang", "lễ quốc tang")
    ],
    "visit": ["thăm"],
    "delegation": ["đoàn công tác", "đoàn đại biểu", "đoàn cấp cao", "phái đoàn"],
    # What two leaders do together, named as joint subjects ("Chủ tịch nước Trần Đại Quang và Chủ tịch Trung Quốc
    # Tập Cận Bình chứng kiến lễ ký", "dưới sự chủ trì của Thủ tướng Nguyễn Xuân Phúc và Thủ tướng Lào").
    "joint": [
        "chứng kiến lễ ký", "chứng kiến việc ký", "chứng kiến lễ trao", "chứng kiến việc trao", *_CEREMONIAL,
        "đồng chủ trì", "cùng chủ trì", "sự chủ trì của", "đồng chủ tọa", "họp báo chung", "gặp gỡ báo chí",
        # two provinces' heads chairing or signing together ("Bí thư Tỉnh ủy Hà Tĩnh … và … Tỉnh trưởng tỉnh
        # Khăm Muộn … chủ trì Hội nghị", "Chủ tịch tỉnh Đồng Tháp và Tỉnh trưởng tỉnh Banteay Meanchey ký kết
        # biên bản")
        *_CHAIRING_AND_SIGNING, *_CONFERENCES,
        *_OPENING_TOGETHER,
    ],
    # "Tại buổi tiếp, Chủ tịch nước … Trung Quốc", "Tại cuộc gặp, Thủ tướng … Hà Lan": a meeting referred to
    # by its noun alone, the sides named in what follows (read only when nothing else in the clause is a verb).
    # Only nouns of diplomatic meetings: "Tại buổi làm việc, Chủ tịch tỉnh đề nghị … xuất khẩu sang Lào" is
    # a meeting at home whose talk names a country.
    "reference": [
        f"{noun} {meeting}" for noun in ("buổi", "cuộc")
        for meeting in ("tiếp", "đón tiếp", "tiếp đón", "hội đàm", "hội kiến", "gặp", "điện đàm", "tiếp kiến")
    ],
    # Our mission and community abroad ("Thủ tướng … trụ sở mới của Đại sứ quán Việt Nam tại Hà Lan",
    # "Chủ tịch nước nghe Đại sứ Việt Nam tại Bê-la-rút …"): a leader of ours with them is there.
    "mission": [
        f"{who} {country}" for who in _OUR_PEOPLE_WHO for country in ("việt nam", "việt")
    ] + ["kiều bào", "bà con kiều bào", "kiều bào ta"],
}
# When verbs overlap, the first class here wins: "thăm và làm việc với tỉnh" is a visit (move) whose
# host follows "với", not talks (meet) with an unknown place.
# A bare "thăm" or an attendance counts only abroad, so when it counts it says more than talks do.
_PRIORITY = (
    "receive", "credentials", "courtesy", "move", "visit", "ceremony", "attend", "meet", "arrive", "lead", "delegation",
    "mission", "joint", "reference",
)
# "thăm" followed by these is a domestic errand: "thăm hỏi", "thăm gia đình", "thăm quan".
_NOT_A_VISIT_AFTER = frozenset({"hỏi", "gia", "tặng", "viếng", "mộ", "nghĩa", "quan", "khám", "bệnh", "nom", "dò"})
# … or preceded by these: "hỏi thăm", "bốc thăm" (a draw), "rút thăm".
_NOT_A_VISIT_BEFORE = (" hỏi thăm ", " bốc thăm ", " rút thăm ", " thăm thăm ")
_MARKERS = frozenset({"tại", "ở", "sang", "tới", "đến"})
_STAY_MARKERS = frozenset({"tại", "ở"})
_LEAD_MARKERS = _MARKERS | {"đi", "xuống"}  # for a bare delegation "sang" is trade ("xuất khẩu sang …")
# Words before a place name, in any case ("tại tỉnh …", "thăm Cộng hòa Cu-ba", "Vương quốc …").
_ADMIN = frozenset(
    "tỉnh thành phố thủ đô nước huyện châu khu tự trị bang vùng quận xã thị trấn đặc các một số "
    "cộng hòa liên vương quốc hợp chúng dân chủ nhân".split()
)
_HOME = frozenset({"địa", "nhà", "ta", "đây", "việt", "trong"})
# Venues: "tại trụ sở Tỉnh ủy", "tại hội trường"; which side they are on is said after them.
_VENUES = frozenset("trụ sở hội trường văn phòng nhà khách sạn phòng".split())
_MAX_SCAN = 24
_ARRIVE_REACH = 1  # tokens from an arriving verb to the marker of where it arrives
# Lower-case words inside an institution's name ("trụ sở Duma quốc gia Nga", "Đại lễ đường Nhân dân").
_NAME_LINKS = frozenset({"quốc", "gia", "nhân", "dân", "liên", "bang", "hoàng"})
# Datelines of a report from abroad: "theo giờ địa phương", "Theo đặc phái viên TTXVN".
_ABROAD_DATELINE = (" giờ địa phương ", " đặc phái viên ttxvn ", " đặc phái viên thông tấn xã việt nam ")
# "Tại buổi hội đàm, …", "Trong cuộc hội kiến": a reference back to a meeting already reported, not
# another one. But "(đã) có buổi làm việc với …", "có các buổi hội đàm", "cuộc hội đàm giữa A và B",
# "chủ trì buổi tiếp" report the meeting itself.
_BACK_REFERENCE = tuple(
    f" {before} {noun} " for before in ("tại", "trong", "sau", "thúc", "qua", "tại các", "trong các", "sau các", "qua các")
    for noun in ("buổi", "cuộc")
) + (" kết quả ", " kết quả cuộc ", " kết quả buổi ", " kết quả các cuộc ")  # "kết quả hội đàm": talks already held
# ... or by the bare noun of talks ("Trong hội đàm sáng nay, Thủ tướng … khẳng định …").
_BARE_BACK_REFERENCE = (" trong ", " tại ", " sau ")
_TALKS = ("hội đàm ", "hội kiến ")


def _referred_back(lower: str, hit: Hit) -> bool:
    return lower.endswith(_BACK_REFERENCE, 0, hit.start) or (
        lower.startswith(_TALKS, hit.start) and lower.endswith(_BARE_BACK_REFERENCE, 0, hit.start)
    )


_AT_CEREMONY = (" tại ", " dự ", " sau ")  # "Sau lễ đón, …": the ceremony as a time
_REFERENCE_BEFORE = (" tại ", " trong ", " sau ", " mở đầu ", " kết thúc ", " bắt đầu ")
# Words of a time that may follow a meeting's noun before its comma ("Tại cuộc hội đàm chiều 7/6, …").
_TIME_WORDS = frozenset("sáng chiều tối trưa ngày hôm nay qua cùng vào ( ) -".split())


def _comma_after_time(folded: FoldedText, end: int) -> bool:
    """Whether a comma follows folded ``end``, past at most a few words of time ("chiều 7/6", "hôm nay")."""
    for steps, (_, token) in enumerate(folded.tokens_from(end + 1, min(len(folded.lower) - 1, end + 40))):
        if token == ",":
            return True
        if steps >= 5 or not (token.lower() in _TIME_WORDS or token.isdigit()):
            return False
    return False
# "Phái đoàn thường trực Việt Nam tại Liên hợp quốc": a permanent mission, not a visiting delegation.
_STANDING = (" thường ", " đại diện thường ")
# "các chuyến thăm", "những cuộc tiếp xúc", "ba cuộc gặp mặt": visits in general, no one visit.
_GENERIC = (" các ", " những ", " nhiều ", " mọi ", " hai ", " ba ", " bốn ", " mấy ", " vài ")
# (and a verb right after "các chuyến": "các chuyến thăm và làm việc")
_GENERIC_NOUNS = tuple(dict.fromkeys(
    [f" {g} {noun} " for g in ("hai", "ba", "bốn", "mấy", "vài", "nhiều", "mọi") for noun in ("cuộc", "buổi", "chuyến")]
    + [f"{g}chuyến " for g in _GENERIC]
))
# Quantities of guests that tell of many visits over time ("tiếp đón nhiều đoàn", "hàng trăm lượt khách"):
# the one word after the verb ("hàng" of "hàng trăm", "hàng nghìn", "hàng chục").
_MANY = frozenset({"nhiều", "hàng", "rất"})
_HABITUAL_REACH = 90  # folded characters before the verb, inside its clause ("Nhiều đoàn lãnh đạo cấp cao của … đã đến thăm")
_HABITUAL = re.compile(r" (?:nhiều|hàng chục|hàng trăm|rất nhiều) (?:đoàn|lượt|lần|phái đoàn|chuyến|cuộc) ")
# "trao đổi các đoàn và gặp gỡ tại Kỳ họp … hằng năm", "thường xuyên gặp gỡ": meetings as a practice, none reported.
_HABITUAL_NEAR = re.compile(r" (?:hằng năm|hàng năm|định kỳ|thường xuyên|hằng tháng|hàng tháng|hằng quý|hàng quý) ")
# Multilateral meetings: attending one is no visit to the host ("Thủ tướng tham dự Hội nghị Thượng đỉnh G20
# tại thành phố Hamburg"); a bilateral meeting on its sidelines is one, and is found by its own verb.
# Summits by name, or a meeting ("hội nghị", "kỳ họp" …) of a group of states; not a fair or an expo of one
# ("Hội chợ Trung Quốc - ASEAN tại Nam Ninh" is a provincial delegation's trip).
_MULTILATERAL = tuple(
    f" {event} " for event in (
        "thượng đỉnh", "hội nghị cấp cao", "g20", "g 20", "g7", "g 7", "đại hội đồng", "diễn đàn kinh tế thế giới",
        "wef", "đa phương",
    )
)
_GROUP_MEETING = re.compile(
    r" (?:hội nghị|kỳ họp|phiên họp|cuộc họp|tuần lễ cấp cao)(?: [^ ]+){0,5}? "
    r"(?:apec|asean|asem|nato|brics|liên hợp quốc|lhq|hội đồng bảo an|liên minh châu âu|eu|wto|g20|g 20|g7|g 7) "
)
_MULTILATERAL_REACH = 70  # folded characters from an attending verb to the event's name
# Events named after a meeting ("Hội nghị gặp gỡ Nhật Bản", "Chương trình gặp mặt …").
_EVENT_NOUNS = (" hội nghị ", " chương trình ", " diễn đàn ", " ngày hội ", " sự kiện ", " tọa đàm ")
# Whose news it is not: sport, tourism, private travel ("Than Quảng Ninh tiếp đón đối thủ đến từ Myanmar"),
# foreign students (not ours abroad: "sinh viên, nghiên cứu sinh Việt Nam tại Hà Lan").
_NOT_OFFICIAL = re.compile(
    r" (?:fc|clb|câu lạc bộ|đội tuyển|đối thủ|hlv|cầu thủ|u\d\d|sea games|world cup|giải đấu|giải vô địch|"
    r"du khách|khách du lịch|ca sĩ|lưu diễn|biểu diễn|diễn viên|người mẫu|hoa hậu|cuộc thi|thí sinh|(?:học sinh|sinh viên|lưu học sinh)(?! (?:[^ ]+ ){0,4}việt )|festival|âm nhạc|liên hoan phim|điện ảnh|pháo hoa|"
    r"lễ hội|đội thi|các đội|đội đến từ|"
    # a milestone tourist ("đón vị khách Hàn Quốc thứ 1.000.000", "khách quốc tế thứ 2 triệu"), not a hotel
    r"khách (?!sạn )(?:[^ ]+ ){0,4}thứ \d+) "
)
# Occasions an official delegation attends too; with an envoy or a delegation named they are no veto.
_OCCASIONS = frozenset({"lễ hội", "festival", "âm nhạc", "pháo hoa", "liên hoan phim", "điện ảnh", "biểu diễn"})
_OFFICIAL_GUESTS = (" đại sứ ", " đại sứ quán ", " tổng lãnh sự ", " lãnh sự quán ", " đoàn đại biểu ", " đoàn công tác ",
                    " phái đoàn ")
# "quan hệ Mỹ - Nhật", "biên giới Lào", "thị trường Mỹ": a country named, not a partner met.
_MENTION_BEFORE = (" quan hệ ", " hiệp định ", " biên giới ", " thị trường ", " công nghệ ", " xuất xứ ", " tiếp giáp với ",
                   " giáp với ", " tiếp giáp ", " giáp biên với ")
# "Quốc kỳ Việt Nam - Nhật Bản", "nhân dân hai nước Việt Nam - Lào", "Quốc thiều Lào - Việt Nam": the
# pair of countries names a relation, not the partner met (the folded text has no dash).
_PAIR_CUES = ("hai nước", "quốc kỳ", "quốc thiều")
_PAIR_BEFORE = tuple(f" {cue} việt nam {join}" for cue in _PAIR_CUES for join in ("", "và ", "với "))
_PAIR_AFTER_CUE = tuple(f" {cue} " for cue in _PAIR_CUES)


# "xuất khẩu gạo sang Trung Quốc", "lao động đi làm việc tại Hàn Quốc": goods and workers go there, no delegation.
_TRADE_BEFORE = re.compile(
    r"(?:xuất khẩu|nhập khẩu|lao động|đi làm việc)(?: [^ ]+){0,3} (?:sang|vào|tới|đến|tại|ở|từ) $"
)


# "ôn lại mối quan hệ lịch sử lâu đời giữa Việt Nam - Campuchia", "quan hệ Đối tác hợp tác chiến lược toàn
# diện Việt Nam – Trung Quốc", "giữa hai nước Việt Nam và Hoa Kỳ": a country paired with Viet Nam after a
# word of relations is the relation talked of, not the side met.
# ("Liên minh nghị sĩ hữu nghị Nhật Bản - Việt Nam", "Hội hữu nghị Việt - Lào" are organisations met.)
_RELATION_WORDS = r" (?:quan hệ|tình hữu nghị|tình đoàn kết|tình cảm)(?: [^ ]+){0,7}? (?:giữa )?(?:hai nước )?"
_RELATION_PAIR = re.compile(_RELATION_WORDS + r"việt(?: nam)? (?:và |với )?$")  # "… Việt Nam - X"
_RELATION_BEFORE = re.compile(_RELATION_WORDS + "$")  # "… X - Việt Nam"


def _mentioned(folded: FoldedText, place: Place, verb: str = "") -> bool:
    lower = folded.lower
    if _TRADE_BEFORE.search(lower, max(0, place.start - 60), place.start):
        return True
    # What is said at a meeting is talk ("Tại buổi tiếp, … quan hệ … Việt Nam - Campuchia"), while a trip
    # may be placed by it ("Chuyến thăm … trong bối cảnh quan hệ Việt Nam-Đức …" goes there): not for "move".
    if verb != "move" and (_RELATION_PAIR.search(lower, max(0, place.start - 90), place.start) or (
        lower.startswith(("việt nam ", "việt "), place.end + 1)
        and _RELATION_BEFORE.search(lower, max(0, place.start - 80), place.start)
    )):
        return True
    return lower.endswith(_MENTION_BEFORE + _PAIR_BEFORE, 0, place.start) or (
        lower.startswith("việt nam ", place.end + 1) and lower.endswith(_PAIR_AFTER_CUE, 0, place.start)
    )


# "… mời Tổng thống sang thăm Việt Nam": an invitation, not a visit ("Nhận lời mời …, X sẽ thăm" is one).
# "Nhận lời mời của …, X sẽ thăm", "theo lời mời" are visits; "chuyển lời mời thăm" is not.
_INVITATION = re.compile(r" (?<! nhận lời )(?<! theo lời )mời (?:[^ ]+ ){0,12}$")
_WISH = re.compile(r" (?:mong muốn|mong|muốn|hy vọng|hi vọng|ước mong|mong mỏi)(?: (?:sớm|được|có dịp|sẽ|lại))* $")
# "Năm 2010, Việt Nam đã tham dự …", "Trước đó, …": the clause tells of the past.
# Not "Trước đó": in a report it is mostly the same trip's day before ("Trước đó, Đoàn … hội đàm với …").
_PAST_OPENING = re.compile(
    r"(?:năm (?:19|20)\d\d|trước đây|hồi (?:đầu |cuối |giữa )?(?:năm|tháng)|năm ngoái|năm trước|lần trước|cách đây) "
)
# The same time adverbs inside the clause, before its verb ("Tổng thống Obama năm ngoái đã thăm …").
_PAST_REACH = 80  # folded characters before the verb that a time adverb or "từng" governs
_PAST_BEFORE = re.compile(r" (?:trước đó|trước đây|hồi năm|hồi tháng|năm ngoái|năm trước|lần trước|cách đây) ")
# Aspect "(đã) từng" before the verb ("Chiếc C-130 từng đến Việt Nam trong đợt Tổng thống Obama sang thăm"),
# not the quantifier "từng" before a noun ("từng bước", "từng địa phương", "từng lần"); "kể từ (khi)".
_EARLIER_BEFORE = re.compile(
    r" (?:từng (?!bước |người |địa |ngành |lĩnh |đơn |cấp |khu |giai |thời |ngày |tháng |năm |lần |nhà |cá |gia |hộ |"
    r"khâu |vùng |loại |cơ |doanh |thành |bộ |chi |trường |hạng |phần |mục |dự |tỉnh |huyện |xã |quốc |nước |"
    r"vấn |nội |nhóm |đoàn |lớp |trang |chuyến |cuộc |buổi |đợt |lượt |sở |cán |tổ |khách |đối |chương |hoạt |"
    r"điểm |vị |mặt |khía |câu |việc |dòng |con |bài |sản |ban |phòng |thôn |bản |làng |ấp |phường |quận |giờ |"
    r"tuần |quý |nơi |chỗ |góc |đồng |chiếc |cái |đêm |bữa |trận )|kể từ )"
)
# "chuyến thăm … vừa qua", "chuyến thăm năm 2016": an earlier visit named as background.
# A year after "(kể) từ" is where a gap starts ("chuyến thăm đầu tiên … kể từ năm 2014"), and a bracketed
# range of years an anniversary ("kỷ niệm 55 năm quan hệ ngoại giao (1962-2017)"): neither dates the trip.
_BACKGROUND = re.compile(
    r" (?:vừa qua|vừa rồi|mới đây|trước đây|trước đó|lần trước|hồi tháng|hồi năm|năm ngoái|năm trước|cách đây|"
    r"(?<! từ )năm (?:19|20)\d\d|\( (?:\d\d? )?(?:19|20)\d\d \)) "
)
_BACKGROUND_TRIP = re.compile(r" (?:vừa qua|vừa rồi|mới đây|trước đây|trước đó|lần trước|năm ngoái|năm trước) ")
# (A month and year with no day, "vào tháng 10-2022", dates a trip told as history: a report gives its day.)
_YEAR = re.compile(r"(?<! từ) (?:năm (?:19|20)\d\d|\( (?:19|20)\d\d \)|năm ngoái|năm trước|cách đây|tháng \d\d? (?:19|20)\d\d) ")
# Recalling a trip: "nhắc lại", "ôn lại", "nhớ lại" (a trip told as memory, not news).
_BY_POST = re.compile(r" (?:gửi|thư|điện|thiếp|lẵng hoa)(?: [^ ]+)?(?: [^ ]+)? $")
# "(phải/có thể) kể đến chuyến thăm": one item of a review of the past.
_RECALL = re.compile(r" (?:nhắc lại|ôn lại|nhớ lại|hồi tưởng|nhắc tới|nhắc đến|kể đến|kể tới)(?: (?:những|các|lại|cả))? $")
_PLANNED = re.compile(r" (?:sẽ|dự kiến|chuẩn bị|sắp) ")
# A trip's noun opening a clause as the subject of what is said of it ("Chuyến thăm diễn ra vào dịp kỷ niệm 15
# năm … Việt Nam và Trung Quốc …", "Chuyến thăm có ý nghĩa quan trọng …"): the trip reported elsewhere,
# neither side named with it; a country in the rest is its background. ("Chuyến thăm của Thủ tướng diễn ra …",
# "Chuyến thăm Nhật Bản …" name a side and stay.)
_TRIP_AS_SUBJECT = re.compile(
    r"(?:chuyến thăm|chuyến công tác|chuyến công du|chuyến đi|chuyến làm việc)(?: (?:chính thức|cấp nhà nước))?"
    r"(?: (?:này|lần này|nói trên|đó))?(?: (?:sẽ|đã|cũng|được|lại))? "
    r"(?:diễn ra|có ý nghĩa|là|nhằm|đánh dấu|thể hiện|khẳng định|góp phần|mang|tạo|mở ra|thành công|kéo dài|"
    r"đã thành công|đạt|để lại|trở thành) "
)
# "đã từng thăm", "kể từ chuyến thăm": a visit told as earlier history.
_EARLIER = (" từng ", " kể từ ")
# Vietnamese leaders are named surname first; these surnames are rare among foreign leaders quoted in
# Vietnamese (Chinese "Lý", "Vương", "Dương" … are left out), and "Thị"/"Văn" are Vietnamese middle names.
_SURNAMES = frozenset(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Ngô Đinh Trịnh Đào Đoàn Mai Tô Cao Phùng Tống "
    "Lại Nông Lò Hà Lương Tòng Kiều Quàng".split()
)
_MIDDLE = frozenset({"Thị", "Văn"})


def trigger_entries() -> list[tuple[str, str]]:
    return [(verb_class, phrase) for verb_class, phrases in TRIGGERS.items() for phrase in phrases]


@dataclass(slots=True)
class Visit:
    partners: list[str]
    direction: str
    sentence: str
    clause: str = ""
    trigger: str = ""
    places: list[str] = field(default_factory=list)
    # Canonical-text spans of the clause, the trigger and each partner mention (for highlighting).
    span: tuple[int, int] = (0, 0)
    highlights: list[tuple[int, int]] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "partners": self.partners,
            "direction": self.direction,
            "sentence": self.sentence,
            "clause": self.clause,
            "trigger": self.trigger,
            "places": self.places,
        }


def detect_visits(
    folded: FoldedText, triggers: list[Hit], places: list[Place], title_end: int = 0, home: list[Hit] | None = None
) -> list[Visit]:
    """Visits in text order. ``title_end``: folded end of the headline, whose visit is the one the body
    reports in more detail, so a headline visit is dropped when the body has one with its partners.
    ``home``: lexicon hits of the Vietnamese side (``places.home_entries``); when given, a clause
    without a Vietnamese side (a province, an organ, a Vietnamese name) reports no visit of ours."""
    if not places or not triggers:
        return []  # every visit has a foreign partner and a verb
    visits: list[Visit] = []
    headline: list[Visit] = []
    seen: set[tuple] = set()
    references: set[int] = set()  # visits read from a meeting referred to by its noun, or from a joint act
    done_clauses: set[int] = set()
    # Whether the article names our side anywhere: asked only of a clause that does not.
    known: list[bool] = []

    def ours() -> bool:  # asked at most once an article
        if not known:
            # Named, not implied: a bare "Thủ tướng" or an opening "Đoàn" in a text about other
            # countries is theirs ("… không báo cáo vấn đề với Thủ tướng" of a British article).
            end = len(folded.lower) - 1
            known.append(home is not None and (
                _home_hit(folded, 1, end, home, places) >= 0 or _vietnamese_name(folded, 1, end, places) >= 0))
        return known[0]

    # A clause's visit comes from its strongest verb ("Trong khuôn khổ chuyến thăm, X đã chào xã giao
    # Y": the courtesy call says who is the guest), in the order of _PRIORITY, then of the text.
    merged = _merge(folded, triggers, places)
    order = sorted(range(len(merged)), key=lambda i: (_PRIORITY.index(merged[i].payload), _earlier_leg(folded, merged[i]), i))
    for trigger in (merged[i] for i in order):
        clause_start, clause_end = folded.clause_bounds(trigger.start)
        if clause_start in done_clauses:
            continue
        in_clause = [p for p in places if clause_start <= p.start and p.end <= clause_end]
        if trigger.payload == "receive" and _hosts_listed(folded, trigger) is not None:
            # "Tiếp và làm việc với đoàn, có Ngài …, Chủ tịch Mặt trận … tỉnh Tbong Khmum; Ngài …": the list
            # of hosts runs on past ";"
            clause_end = _past_semicolons(folded, clause_end)
            in_clause = [p for p in places if clause_start <= p.start and p.end <= clause_end]
        elif not in_clause and home is not None and trigger.payload in ("receive", "meet", "courtesy"):
            in_clause, clause_end = _country_said_on(folded, trigger, clause_start, clause_end, places, home)
        elif not in_clause and trigger.payload == "attend" and _ATTENDEES.search(
            folded.lower, trigger.end, min(clause_end + 1, trigger.end + 80)
        ):
            # "Tham dự tọa đàm có …; Bộ trưởng … Nga …": the list of who attends runs on past ";"
            clause_end = _past_semicolons(folded, clause_end)
            in_clause = [p for p in places if clause_start <= p.start and p.end <= clause_end]
        if not in_clause:
            continue
        if _not_a_report(folded, trigger, clause_start, clause_end):
            continue
        partners_in = [p for p in in_clause if not _mentioned(folded, p, trigger.payload)]
        found = _read_clause(folded, trigger, clause_end, partners_in, home) if partners_in else None
        if found is None or not found[1]:
            continue
        if home is not None and _between_others(folded, trigger, clause_start, clause_end, home, in_clause, ours):
            done_clauses.add(clause_start)
            continue
        direction, partners = found
        partners = [p for p in partners if not _names_a_meeting(folded, p)] or partners
        if direction != OUTBOUND and home is not None and _dateline_abroad(folded, clause_start, clause_end, home, in_clause):
            direction = OUTBOUND
        done_clauses.add(clause_start)
        visit = _visit(folded, trigger, clause_start, clause_end, direction, partners)
        key = (visit.clause, tuple(visit.partners), visit.direction)
        if key not in seen:
            seen.add(key)
            (headline if clause_end <= title_end else visits).append(visit)
            if trigger.payload in ("reference", "joint"):
                references.add(id(visit))
    if references:
        # "Tại buổi tiếp, …" refers back to the meeting the article reported with its verb, "… và … duyệt Đội
        # danh dự" is part of the visit it reported: the same visit.
        reported = {p for v in headline + visits if id(v) not in references for p in v.partners}
        visits = [v for v in visits if id(v) not in references or not reported.intersection(v.partners)]
    body_partners = {tuple(v.partners) for v in visits}
    key = lambda visit: visit.span  # noqa: E731
    return sorted((v for v in headline if tuple(v.partners) not in body_partners), key=key) + sorted(visits, key=key)


def _names_a_meeting(folded: FoldedText, place: Place) -> bool:
    """Whether a group of states is named as its meeting's name ("dự Hội nghị Cấp cao Đặc biệt ASEAN - Úc"),
    no side met beside the countries visited."""
    found = _GROUP_MEETING.search(folded.lower, max(0, place.start - 70), place.end + 2)
    return found is not None and found.start() < place.start and found.end() >= place.end


# "Tiếp sau chuyến công tác tại Liên hợp quốc và làm việc tại Hoa Kỳ, Tổng Bí thư … thăm cấp Nhà nước Cuba": a
# trip's noun after "sau" or "trước" is another leg of the journey; the clause's own verb says this one.
_OTHER_LEG = (" sau ", " tiếp sau ", " trước ", " ngay sau ", " nối tiếp ")


def _earlier_leg(folded: FoldedText, hit: Hit) -> bool:
    return folded.lower.startswith("chuyến", hit.start) and folded.lower.endswith(_OTHER_LEG, 0, hit.start)


def _country_said_on(folded: FoldedText, trigger: Hit, start: int, end: int, places: list[Place], home: list[Hit]):
    """(partners, clause end) when the subject is a foreign person named without his country and the
    sentence goes on, past ";", about one country: "Đồng chí Esteban Lazo Hernandes cảm ơn Tổng Bí thư … đã
    dành thời gian tiếp Đoàn; cảm ơn … nhân dân Cuba …". Else ([], end)."""
    if not any(_foreign_name(token) for _, token in folded.tokens_from(start, trigger.start)):
        return [], end
    if not _home_side(folded, start, end, home, places):
        return [], end
    stop = _past_semicolons(folded, end)
    later = [p for p in places if end < p.start and p.end <= stop and not _mentioned(folded, p)]
    if len({p.partner for p in later}) != 1:
        return [], end
    return later, stop


_SEMICOLON_CLAUSES = 3  # clauses after ";" that go on with the same subject or list


def _past_semicolons(folded: FoldedText, end: int) -> int:
    """The end of the clauses that follow the one ending at ``end`` past ";" (a list of guests, a speaker's
    points), at most ``_SEMICOLON_CLAUSES`` of them."""
    for _ in range(_SEMICOLON_CLAUSES):
        if not folded.lower.startswith(" ; ", end):
            break
        end = folded.clause_bounds(end + 3)[1]
    return end


# The words of the titles a subject arriving by a bare verb begins with ("Thủ tướng Canada Justin Trudeau tới …",
# "Đoàn Thủ tướng Canada đến …", "Chuyên cơ của Thủ tướng …"; any word of one, "thư" of "Bí thư" too): read
# backwards from the verb, the first of them after a capitalised name ends the subject.
_ARRIVING_TITLES = frozenset(
    "tổng thống thủ tướng chủ tịch lãnh đạo quốc vương vua hoàng tử công chúa nữ hoàng bộ trưởng ngoại trưởng "
    "đoàn phái đoàn chuyên cơ tàu chiến hạm thư ký nước".split()
)
# Before the title's first word or two: a letter sent, or a trip's noun ("chuyến thăm của Tổng thống … tới …");
# not a delegation's ("đoàn của Tổng thống Putin sẽ đến sân bay Nội Bài").
_SENT_OR_OWNED = re.compile(r" (?:(?:gửi|thư|điện|thiếp)(?: [^ ]+){0,2}|chuyến(?: [^ ]+){0,6} của)(?: [^ ]+)? $")
_BARE_ARRIVAL_STARTS = tuple(f"{verb} " for verb in _BARE_ARRIVALS)
_SUBJECT_LINKS = frozenset({",", "và", "cùng", "phu", "nhân", "của", "nước", "cộng", "hòa", "liên", "bang", "tướng", "thống",
                            "đại", "biểu", "cấp", "cao", "công", "tác"})
# First syllables of titles, capitalised in a name's place ("Thủ tướng", "Tổng thống", "Bộ trưởng").
_TITLE_HEADS = frozenset("thủ tổng chủ bộ ngoại quốc hoàng công nữ phái lãnh chuyên đoàn".split())
_ARRIVING_ADVERBS = (" đã ", " cũng ", " vừa ", " sẽ ", " cũng đã ", " đã chính thức ")


def _titled_subject(folded: FoldedText, start: int) -> bool:
    """Whether the words right before a bare arriving verb are a titled person or a delegation with a capitalised
    name ("Lãnh đạo Singapore, Canada, Indonesia", "Thủ tướng Canada Trudeau"); not goods, weather, or letters
    sent ("hàng hóa Trung Quốc", "bão", "gửi đến")."""
    cased, lower = folded.cased, folded.lower
    named = False
    for adverb in _ARRIVING_ADVERBS:
        if lower.endswith(adverb, 0, start):
            start -= len(adverb) - 1
            break
    bare = next((title for title in _BARE_TITLES if lower.endswith(title, 0, start)), None)
    if bare and _opens_clause(folded, start - len(bare) + 1):
        return True  # "Thủ tướng đến Papua New Guinea": our head of government, unnamed
    end = start - 1
    for _ in range(14):
        begin = cased.rfind(" ", 0, end - 1) + 1
        if begin <= 0:
            return False
        token, low = cased[begin:end], lower[begin:end]
        if token[:1].isupper() and low not in _ARRIVING_TITLES and low not in _TITLE_HEADS:
            named = True
        elif low in _ARRIVING_TITLES and named:
            # not a letter sent, nor a trip's noun already told ("chuyến thăm của Tổng thống … tới Việt Nam")
            return not _SENT_OR_OWNED.search(lower, max(0, begin - 45), begin)
        elif not (token[:1].isupper() or low in _SUBJECT_LINKS or low in _ARRIVING_TITLES or low in _TITLE_HEADS
                  or folded.dash_before(begin)):  # ("Kim Jong-un": the folded text drops the dash)
            return False
        end = begin - 1
    return False


def _merge(folded: FoldedText, triggers: list[Hit], places: list[Place] = ()) -> list[Hit]:
    """Overlapping verbs become one ("sang thăm" + "thăm và làm việc"); the stronger class wins."""
    merged: list[Hit] = []
    for hit in sorted(triggers, key=lambda h: (h.start, -h.end)):
        lower = folded.lower
        if hit.payload == "arrive" and lower.startswith(_BARE_ARRIVAL_STARTS, hit.start) and not _titled_subject(folded, hit.start):
            continue
        ends_with_visit = lower.endswith(" thăm", 0, hit.end)
        if ends_with_visit and (
            _next_word(folded, hit.end) in _NOT_A_VISIT_AFTER or lower.endswith(_NOT_A_VISIT_BEFORE, 0, hit.end + 1)
        ):
            continue
        if lower.endswith(" tiếp", 0, hit.end) and _next_word(folded, hit.end) in ("tục", "thu", "nhận", "cận", "theo"):
            continue  # "dành thời gian tiếp tục …": going on, no guest
        if lower.startswith("tiễn ", hit.start) and lower.endswith(" thực ", 0, hit.start):
            continue  # "thực tiễn": practice, no farewell
        if hit.payload == "receive" and lower.startswith(("đón nhận ", "lễ đón nhận "), hit.start):
            continue  # "làm lễ đón nhận hài cốt", "đón nhận Huân chương": things received, no guest
        if (
            hit.payload == "receive" and lower.startswith("lễ đón ", hit.start) and lower.endswith(_AT_CEREMONY, 0, hit.start)
            and not _guest_named_after(folded, hit.end)
        ):
            continue  # "duyệt Đội danh dự tại Lễ đón": the ceremony as a place (not "dự lễ đón Tổng thống Mỹ")
        if hit.payload == "reference" and not (
            lower.endswith(_REFERENCE_BEFORE, 0, hit.start) and _comma_after_time(folded, hit.end)
        ):
            continue  # only the bare noun, the sides in what follows: "Tại buổi tiếp (chiều 7/6), Chủ tịch nước …"
        if hit.payload in ("meet", "courtesy", "receive") and (
            (_referred_back(lower, hit) and not _names_the_met(folded, hit, places)) or _opens_with_noun(folded, hit)
        ):
            continue
        if lower.startswith(("chuyến ", "cuộc ", "đoàn ", "buổi "), hit.start) and lower.endswith(_GENERIC, 0, hit.start):
            continue
        if lower.endswith(_GENERIC_NOUNS, 0, hit.start):
            continue  # "ba cuộc gặp mặt", "các buổi làm việc với", "các chuyến thăm và làm việc": no one meeting
        if hit.payload in ("receive", "meet") and _next_word(folded, hit.end) in _MANY:
            continue  # "đã tiếp đón nhiều đoàn đại diện của Việt Nam": guests over the years, no one visit
        if _HABITUAL.search(lower, max(folded.clause_bounds(hit.start)[0] - 1, hit.start - _HABITUAL_REACH), hit.start + 1):
            continue  # "nhiều đoàn … sang thăm", "nhiều lần thăm": many visits, none reported
        if hit.payload in ("meet", "receive", "visit"):
            # the adverb of this verb: just before it, or in its phrase (up to a comma)
            clause_start, clause_end = folded.clause_bounds(hit.start)
            phrase_end = lower.find(" , ", hit.end, min(clause_end, hit.end + 60))
            phrase_end = phrase_end if phrase_end != -1 else min(clause_end, hit.end + 60)
            if _HABITUAL_NEAR.search(lower, max(clause_start - 1, hit.start - 25), phrase_end + 1):
                continue
        if hit.payload == "meet" and lower.startswith(("gặp gỡ ", "gặp mặt "), hit.start) and lower.endswith(_EVENT_NOUNS, 0, hit.start):
            continue  # "Hội nghị gặp gỡ Nhật Bản": an event's name, not a meeting
        if (
            hit.payload == "meet" and lower.startswith(("gặp gỡ ", "gặp mặt "), hit.start)
            and lower.endswith((" buổi ", " cuộc "), 0, hit.start) and not lower.endswith((" có buổi ", " có cuộc "), 0, hit.start)
            and not lower.startswith(("với ", "giữa "), hit.end + 1)
        ):
            continue  # "nhấn mạnh buổi gặp mặt có ý nghĩa …": the meeting talked of, no sides named
        if hit.payload == "delegation" and lower.startswith(_STANDING, hit.end):
            continue
        if merged and hit.start <= merged[-1].end and "mission" not in (hit.payload, merged[-1].payload):
            # (our mission abroad is read apart: "tiếp Đại sứ Việt Nam tại Lào" receives our envoy)
            last = merged[-1]
            stronger = min(last.payload, hit.payload, key=_PRIORITY.index)
            merged[-1] = Hit(last.start, max(last.end, hit.end), stronger)
        else:
            merged.append(hit)
    return merged


def _guest_named_after(folded: FoldedText, end: int) -> bool:
    """Whether a name or title follows a welcome ("lễ đón chính thức Tổng thống Mỹ"), past "chính thức"."""
    for steps, (_, token) in enumerate(folded.tokens_from(end + 1, min(len(folded.lower) - 1, end + 30))):
        if token[:1].isupper():
            return True
        if steps >= 2 or token.lower() not in ("chính", "thức", "trọng", "thể"):
            return False
    return False


def _names_the_met(folded: FoldedText, hit: Hit, places: list[Place] = ()) -> bool:
    """"trong cuộc hội kiến Chủ tịch nước Trần Đại Quang", "tại buổi làm việc với …", "tại buổi tiếp đoàn
    doanh nghiệp Australia": the meeting referred to names whom it was with, so it is reported here too
    (not "Tại buổi hội đàm, …")."""
    following = folded.cased[hit.end + 1 : hit.end + 2]
    return following.isupper() or folded.lower.startswith(("với ", "giữa "), hit.end + 1) or (
        folded.lower.endswith((" với", " giữa"), 0, hit.end)
    ) or hit.payload == "receive" and any(  # the guest received ("tiếp đoàn …"), not a talk's ("kết quả hội đàm của …")
        hit.end < p.start <= hit.end + _NAMED_REACH and " , " not in folded.lower[hit.end : p.start] for p in places
    )


_NAMED_REACH = 30  # folded characters from a meeting's noun to the country of whom it was with


# "Kỷ niệm 50 năm lãnh tụ Cuba Fidel Castro đến thăm vùng giải phóng", "nhân kỷ niệm 45 năm Chủ tịch …
# đã đến thăm": the anniversary of a visit, told as history (not "Nhân dịp kỷ niệm 50 năm quan hệ ngoại
# giao, Thủ tướng thăm …": a comma ends what the anniversary governs).
_ANNIVERSARY = re.compile(r"kỷ niệm (?:\d+|tròn \d+|[^ ,]+ mươi(?: [^ ,]+)?) năm(?: [^ ,]+){0,12} $")


def _not_a_report(folded: FoldedText, trigger: Hit, clause_start: int, clause_end: int) -> bool:
    """An invitation ("mời … sang thăm"), an anniversary of a visit, or an earlier visit named as background."""
    lower = folded.lower
    if _ANNIVERSARY.search(lower, max(clause_start - 1, trigger.start - 120), trigger.start):
        return True
    if _INVITATION.search(lower, max(clause_start - 1, trigger.start - 90), trigger.start) and not lower.startswith(
        _CEREMONIAL, trigger.start
    ):
        return True
    if not lower.startswith("chuyến", trigger.start) and _WISH.search(lower, max(clause_start - 1, trigger.start - 40), trigger.start):
        return True  # "bày tỏ mong muốn thăm Việt Nam": a wish, not a visit (not "hy vọng chuyến thăm … sẽ …")
    if lower.startswith("chúc tết", trigger.start) and _BY_POST.search(lower, max(clause_start - 1, trigger.start - 30), trigger.start):
        return True  # "gửi điện chúc Tết", "thư chúc Tết": greetings sent, no call
    unofficial = _NOT_OFFICIAL.search(lower, clause_start - 1, clause_end + 1)
    if unofficial and not (unofficial.group().strip() in _OCCASIONS and _lower_has(folded, clause_start, clause_end, _OFFICIAL_GUESTS)):
        return True  # (an embassy's delegation "tới tham dự … Lễ hội Thành Tuyên" is official)
    if _PAST_OPENING.match(lower, clause_start):
        return True
    if lower.startswith("trước đó ", clause_start) and _YEAR.search(lower, clause_start, trigger.start):
        return True  # "Trước đó, vào đầu tháng 1-2013, đoàn … đã sang thăm": dated history, not the same trip's day before
    if lower.endswith(_EARLIER, 0, trigger.start):
        return True
    near = max(clause_start - 1, trigger.start - _PAST_REACH)
    if lower.startswith("trước đó ", clause_start) and near == clause_start - 1:
        near = clause_start + 7  # the clause's opening "Trước đó" is read above, however near its verb
    if _PAST_BEFORE.search(lower, near, trigger.start) or _EARLIER_BEFORE.search(lower, near, trigger.start):
        return True  # "… năm ngoái đã thăm", "… từng đến Việt Nam trong đợt … sang thăm": told of the past
    if lower.startswith("chuyến", trigger.start) and trigger.start == clause_start and _TRIP_AS_SUBJECT.match(lower, clause_start):
        return True
    if lower.startswith("chuyến", trigger.start) and _RECALL.search(lower, max(clause_start - 1, trigger.start - 40), trigger.start):
        return True  # "Nhắc lại chuyến thăm của … đến Thanh Hóa vào tháng 5/2023 vừa qua"
    trip = lower.find(" chuyến ", clause_start - 1, trigger.start)
    if trip != -1 and _BACKGROUND_TRIP.search(lower, trip + 7, min(trigger.start + 1, trip + 70)):
        return True  # "Trong chuyến thăm vừa rồi, … đều hội đàm với …": told of an earlier trip
    if lower.startswith("chuyến", trigger.start) or lower.endswith((" cuộc ", " buổi ", " chuyến "), 0, trigger.start):
        return _BACKGROUND.search(lower, trigger.end, min(clause_end + 1, trigger.end + 120)) is not None
    if trigger.payload in ("move", "visit", "credentials", "arrive") and not _PLANNED.search(lower, max(clause_start - 1, trigger.start - 30), trigger.start):
        # "Tổng thống Obama thăm Việt Nam năm 2016", "… trình Quốc thư tới Tổng thống Mỹ Donald Trump năm 2018":
        # a dated visit told as history (not "sẽ thăm … năm 2018").
        return _YEAR.search(lower, trigger.end, min(clause_end + 1, trigger.end + 60)) is not None
    return False


def _dateline_abroad(folded: FoldedText, start: int, end: int, home: list[Hit], places: list[Place]) -> bool:
    """Our side in a report datelined abroad ("Sáng 30/6 theo giờ địa phương, … Chủ tịch nước …")."""
    window = folded.lower[start - 1 : end + 1]
    return any(cue in window for cue in _ABROAD_DATELINE) and _home_side(folded, start, end, home, places)


def _between_others(
    folded: FoldedText, trigger: Hit, start: int, end: int, home: list[Hit], places: list[Place], ours
) -> bool:
    """A visit of two foreign sides ("Tổng thống Mỹ thăm Israel", "Thủ tướng Shinzo Abe hội đàm với
    Tổng thống Donald Trump"): no Vietnamese side in the clause, and a foreign side before the verb,
    two foreign countries, or a foreign name. A clause whose subject is left unsaid ("Đoàn đã làm việc
    với …") is ours when the article is (``ours``: it names our side elsewhere): provincial portals
    write of their own province that way; a text that never names our side reports others' visits."""
    if _home_side(folded, start, end, home, places):
        return False
    inside = [(p.start, p.end) for p in places]

    def foreign_name() -> bool:  # a foreign person's name in the clause, outside its places
        return any(
            _foreign_word(token) and not any(s <= position < e for s, e in inside)
            for position, token in folded.tokens_from(start, end + 1)
        )

    if (
        trigger.start == start and trigger.payload == "move" and not folded.lower.startswith("chuyến", trigger.start)
        and len({p.partner for p in places}) == 1 and " của " not in folded.lower[trigger.end : end + 1] and not foreign_name()
    ):
        return False  # "Thăm và làm việc tại tỉnh Jeonbuk (Hàn Quốc)": a headline of our own trip, its subject left unsaid
    if len({p.partner for p in places}) > 1 or not ours():
        return True
    if any(p.end <= trigger.start for p in places):
        # "Tổng thống Mỹ thăm Israel" goes to another country; "Tổ chức GPI (Hàn Quốc) đến thăm và làm việc
        # tại nhà máy nước Tân Hưng" comes to a place of the portal's own province, named elsewhere.
        return trigger.payload != "move" or any(p.start >= trigger.end for p in places) or any(
            _foreign_word(token) for position, token in folded.tokens_from(trigger.end, end + 1))
    return foreign_name()


# Syllables of Vietnamese start with one of these consonants (or a vowel) and end with a vowel or one
# of the finals; a capitalised word outside that shape is a foreign name ("Shinzo", "Donald", "Trump").
_INITIALS = ("ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr", "b", "c", "d", "đ", "g", "h", "k", "l",
             "m", "n", "p", "r", "s", "t", "v", "x")
_FINALS = ("ch", "ng", "nh", "c", "m", "n", "p", "t")
_VOWELS = frozenset("aăâeêioôơuưyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


def _foreign_word(token: str) -> bool:
    if len(token) < 3 or not token[0].isupper() or not token.isalpha():
        return False
    low = token.lower()
    if any(c in "fjwz" for c in low):
        return True
    rest = low[next((len(i) for i in _INITIALS if low.startswith(i)), 0):]
    if not rest or rest[0] not in _VOWELS:
        return True
    tail = rest.rstrip("".join(_VOWELS))
    return tail != "" and tail not in _FINALS and tail.lstrip("".join(_VOWELS)) not in _FINALS


def _foreign_name(token: str) -> bool:
    """A foreign personal or ship's name ("Esteban", "Ballarat"), not an acronym ("VGP", "TTXVN")."""
    return not token.isupper() and _foreign_word(token)


def _home_side(folded: FoldedText, start: int, end: int, home: list[Hit], places: list[Place]) -> bool:
    """Whether the clause names a Vietnamese side: a province or city (capitalised), an organ, a
    Vietnamese name ("Nguyễn Xuân Phúc", "Đặng Thị Ngọc Thịnh") that is not part of a foreign name, or
    the portal's own province unnamed ("… thăm, làm việc tại tỉnh")."""
    return (
        _home_hit(folded, start, end, home, places, True) >= 0
        or _vietnamese_name(folded, start, end, places) >= 0
        or _bare_title(folded, start, end, places)
        or _OUR_PROVINCE.search(folded.lower, max(0, start - 1), end + 1) is not None
    )


# "Đoàn đại biểu TP. Ansan (Hàn Quốc) thăm, làm việc tại tỉnh": a provincial portal's own province, left
# unnamed; the province ends the clause or a time follows ("tại tỉnh từ ngày 3/5"). Not "tỉnh này", "tỉnh
# bạn" (the one just named), nor a named one.
_OUR_PROVINCE = re.compile(
    r" (?:tại|ở|đến|tới|thăm(?: và làm việc| , làm việc)?) (?:tỉnh|thành phố) (?:$|[,.;:)] |(?:từ|vào|trong|ngày|sáng|chiều|tối|hôm|và) )"
)


# Our leaders are often named by title alone ("Thủ tướng cho rằng", "chuyến thăm Hoa Kỳ của Thủ
# tướng"); a foreign one has his country or name after the title ("Thủ tướng Nhật Bản", "Thủ tướng Abe").
_BARE_TITLES = (" thủ tướng ", " phó thủ tướng ", " tổng bí thư ", " chủ tịch quốc hội ", " thủ tướng chính phủ ")


def _opens_clause(folded: FoldedText, position: int) -> bool:
    """Whether the token at ``position`` opens a clause or follows a comma ("Tại …, đoàn đã …")."""
    return position == folded.clause_bounds(position)[0] or folded.lower.endswith(" , ", 0, position)


def _bare_title(folded: FoldedText, start: int, end: int, places: list[Place] = ()) -> bool:
    lower, cased = folded.lower, folded.cased
    for title in _BARE_TITLES:
        position = lower.find(title, max(0, start - 1), end + 1)
        while position != -1:
            after = position + len(title)
            following = cased[after : after + 1]
            if not following.isupper() and not following.isdigit() and not (
                following == "," and _foreign_title_follows(folded, after + 2, places)
            ):
                return True
            position = lower.find(title, position + 1, end + 1)
    return False


_TITLE_CHAIN_REACH = 32  # folded characters from a title's comma to the country of the next title


def _foreign_title_follows(folded: FoldedText, position: int, places) -> bool:
    """"Tổng Bí thư, Chủ tịch nước Lào": the titles of one foreign leader, joined by a comma; the first
    belongs to the country that ends the chain (no "và", no other comma between)."""
    lower = folded.lower
    for place in places:
        if position <= place.start <= position + _TITLE_CHAIN_REACH:
            between = lower[position - 1 : place.start]
            return " , " not in between and " và " not in between and " của " not in between
    return False


# "Bộ Quốc phòng nước này", "Chính phủ nước sở tại": the organ of the foreign country just named.
_THAT_COUNTRY = tuple(f" {words} " for words in ("nước này", "nước đó", "nước bạn", "nước sở tại", "sở tại", "của nước này",
                                                 "của nước đó", "của họ"))


def _home_hit(folded: FoldedText, start: int, end: int, home: list[Hit], places: list[Place], implicit: bool = False) -> int:
    """Folded start of the last Vietnamese province, place or organ in [start, end), or -1;
    ``implicit``: also an unnamed delegation ("Đoàn đã …")."""
    cased = folded.cased
    foreign = {(p.start, p.end) for p in places}
    # "Chủ tịch nước Lào", "Thủ tướng Chính phủ Lào", "Bộ Ngoại giao Trung Quốc": that country's organ.
    foreign_starts = {p.start for p in places}
    masked = [(hit.start, hit.end) for hit in home if hit.payload == NOT_HOME]
    last = -1
    for hit in home:
        if hit.payload == IMPLICIT and not (implicit and _opens_clause(folded, hit.start)):
            continue
        if hit.payload == "organ":
            # (through the organs it overlaps: "Bí thư Tỉnh" + "Tỉnh ủy" before "Phông Sa Lỳ")
            chain_end = hit.end
            if chain_end + 1 not in foreign_starts and any(hit.end < at <= hit.end + 16 for at in foreign_starts):
                chain_end = max([h.end for h in home if h.payload == "organ" and h.start < hit.end and hit.start < h.end])
            if chain_end + 1 in foreign_starts or folded.lower.startswith(_THAT_COUNTRY, chain_end):
                continue
        if start <= hit.start and hit.end <= end and hit.payload != NOT_HOME:
            if hit.payload in ("organ", IMPLICIT) or cased[hit.start].isupper():  # a place or a province
                if not any(s <= hit.start and hit.end <= e for s, e in foreign) and not any(
                    s <= hit.start and hit.end <= e and (s, e) != (hit.start, hit.end) for s, e in masked
                ):
                    last = max(last, hit.start)
    return last
    return _vietnamese_name(folded, start, end, places) >= 0


def _vietnamese_name(folded: FoldedText, start: int, end: int, places: list[Place]) -> int:
    """Folded start of the last Vietnamese personal name in [start, end), or -1. A name is a common
    Vietnamese surname (or a "Thị"/"Văn" middle name) followed by a capitalised syllable, and no part
    of a foreign name ("Hà Lan" is a country; "Nga" after "Phương" is a given name)."""
    place_ends = {p.end for p in places}
    place_starts = {p.start for p in places}
    tokens = list(folded.tokens_from(start, end + 1))
    last = -1
    spans = [(p.start, p.end) for p in places]
    for i, (position, token) in enumerate(tokens[:-1]):
        if token in _SURNAMES or (i and token in _MIDDLE and tokens[i - 1][1][:1].isupper()):
            if any(s <= position < e for s, e in spans):
                continue  # "Bồ Đào Nha": a syllable of a country's name
            if i and tokens[i - 1][1] == "(" and any(_foreign_name(t) for _, t in tokens[max(0, i - 5) : i - 1]):
                continue  # "ông Paul Chan Mo Po (Trần Mậu Ba)": a foreign name's Sino-Vietnamese reading
            following = tokens[i + 1][1]
            if (
                following[:1].isupper() and following not in _SURNAMES and (position - 1) not in place_ends
                and position not in place_starts
            ):
                last = position
    return last


def _opens_with_noun(folded: FoldedText, hit: Hit) -> bool:
    """"Cuộc hội đàm đã được ghi hình …", "Buổi tiếp diễn ra …": the meeting already reported."""
    start = folded.clause_bounds(hit.start)[0]
    # "Cuộc hội đàm giữa Thủ tướng … và …" names its sides: the report itself.
    return (
        hit.start - start in (5, 6) and folded.lower.startswith(("cuộc ", "buổi "), start)
        and not folded.lower.startswith("giữa ", hit.end + 1)
    )


def _next_word(folded: FoldedText, end: int) -> str:
    after = folded.lower.find(" ", end + 1)
    return folded.lower[end + 1 : after] if after != -1 else ""


_JOINT_REACH = 150  # folded characters after "sự chủ trì của" that name who chairs
_JOINT_SCAN = 60  # tokens of the clause searched for where a joint act is held


def _read_joint(folded: FoldedText, trigger: Hit, clause_end: int, places: list[Place], home: list[Hit] | None):
    """Two sides doing one thing together, joined by "và": ours and a foreign one. Where it is held is said
    by "tại …" in the clause ("tổ chức tại Hà Nội dưới sự chủ trì của …"), else not said."""
    if home is None:
        return None
    clause_start = folded.clause_bounds(trigger.start)[0]
    trigger_text = folded.lower[trigger.start : trigger.end]
    signed = _signed_with(folded, trigger_text, trigger, clause_start, clause_end, places, home)
    if signed is not None:
        start, end = signed
    elif folded.lower.endswith(" của", 0, trigger.end):
        start, end = trigger.end + 1, min(clause_end, trigger.end + _JOINT_REACH)
    else:
        start, end = clause_start, trigger.start
    if trigger_text.startswith("ký") and (
        folded.lower.endswith(_SIGNED_NOUNS, 0, trigger.start)
        or (_SIGNED_SINCE.search(folded.lower, clause_start - 1, trigger.start) and not _PLANNED.search(folded.lower, clause_start - 1, trigger.start))
    ):
        return None  # "biên bản ký kết hợp tác": the document, not the act; "năm 2022 … đã ký kết": its history
    sides = [p for p in places if start <= p.start and p.end <= end and not folded.lower.endswith(_FIRMS, 0, p.start)]
    # (a dash joins two provinces only as the sides of a conference or a signing: "Hà Tĩnh – Khăm Muộn ký kết")
    dashed = trigger_text in _CONFERENCES or trigger_text.startswith("ký")
    joiners = (" và ", " cùng ", " mời ") if trigger_text in _CEREMONIAL else (" và ", " cùng ")
    joined = signed is not None or any(j in folded.lower[start - 1 : end + 1] for j in joiners) or (
        dashed and any(folded.dash_before(p.start) for p in sides)  # the folded text drops the dash
    )
    if not sides or not joined or not _home_side(folded, start, end, home, places):
        return None
    if trigger_text in _OPENING_TOGETHER and not _joined_pair(folded, start, end, home, sides):
        return None  # "Sở Văn hóa, thể thao và du lịch … Lễ khai mạc … tại tỉnh Hủa Phăn": no pair opens it
    if trigger_text in _CONFERENCES and not (
        any(p.kind == "place" for p in sides) and _local_side(folded, start, end, home)
    ):
        return None  # a summit of countries' leaders ("… và Tổng thống Philippines dự Hội nghị cấp cao ASEAN")
    if trigger_text in _CHAIRING_AND_SIGNING and any(
        folded.lower.endswith(" việt nam và ", 0, side.start) or folded.lower.startswith("và việt nam ", side.end + 1)
        for side in sides
    ):
        return None  # two countries, not two delegations or provinces: a relation's history
    known = _known(home)
    where, at = _destination(folded, clause_start, clause_end, places, False, _STAY_MARKERS, known, _JOINT_SCAN)
    if where == FOREIGN:
        return OUTBOUND, _run([p for p in places if p.start >= at]) or _run(sides)
    if where == DOMESTIC and (folded.lower.startswith(("việt nam ", "nước ta "), at) or _home_place_at(folded, at, home)):
        return INBOUND, _run(sides)
    if trigger_text == "duyệt đội danh dự" and folded.lower.startswith(_OUR_GUARD, trigger.end + 1):
        return INBOUND, _run(sides)  # "… duyệt Đội danh dự Quân đội nhân dân Việt Nam": the welcome is ours
    return UNKNOWN, _run(sides)


_OUR_GUARD = ("quân đội nhân dân việt nam ", "qđnd việt nam ", "quân đội việt nam ")


# "Ký kết biên bản ghi nhớ hợp tác giữa TP. Huế và tỉnh Chungcheongnam", "Hải Dương ký kết bản ghi nhớ với
# TP Suwon, Hàn Quốc": the sides of a signing named after it.
_SIGNED_WITH = re.compile(r"(?: [^ ,;.]+){0,12}? (giữa|với) ")
_SIGNED_REACH = 90  # folded characters after "giữa"/"với" that name the other side
_SIGNED_SINCE = re.compile(r" năm (?:19|20)\d\d ")
_SIGNED_NOUNS = (" biên bản ", " văn bản ", " nội dung ", " thỏa thuận ", " bản ")  # what was signed, before the verb


def _signed_with(
    folded: FoldedText, trigger_text: str, trigger: Hit, clause_start: int, clause_end: int, places: list[Place], home: list[Hit]
):
    """(start, end) of the span that names both sides of a signing when the other side follows the verb:
    after "giữa" both sides; after "với" the foreign one, ours being the subject. Our side must be a
    province or an organ, not the country ("Việt Nam ký hiệp định với …" is a relation's business)."""
    conference = trigger_text in _CONFERENCES
    if not (conference or trigger_text.startswith("ký")) or _SIGNED_SINCE.search(
        folded.lower, clause_start, trigger.start
    ):
        return None  # "từ năm 2010, … hai bên đã ký bản ghi nhớ …": a relation's history
    after = _SIGNED_WITH.match(folded.lower, trigger.end)
    if after is None or (conference and after.group(1) != "giữa"):
        return None
    start, end = after.end(), min(clause_end, after.end() + _SIGNED_REACH)
    if not any(start <= p.start and p.end <= end for p in places):
        return None
    ours_from = start if after.group(1) == "giữa" else clause_start
    ours_to = end if after.group(1) == "giữa" else trigger.start
    if not _local_side(folded, ours_from, ours_to, home) or _home_hit(folded, ours_from, ours_to, home, places) < 0:
        return None
    return min(ours_from, start), end


_THE_COUNTRY = frozenset({"việt nam", "việt", "vn", "nước ta"})


def _joined_pair(folded: FoldedText, start: int, end: int, home: list[Hit], sides: list[Place]) -> bool:
    """Whether the subject before a joint verb is a pair joined by its last "và": one of ours on one side
    and a foreign one on the other."""
    join = folded.lower.rfind(" và ", start - 1, end + 1)
    if join == -1:
        return False
    ours = [hit.start for hit in home if start <= hit.start < end and hit.payload not in (NOT_HOME, IMPLICIT)]
    ours += [at for at in (_vietnamese_name(folded, start, join + 1, sides),) if at >= 0]
    theirs = [p.start for p in sides]
    return (any(at < join for at in ours) and any(at > join for at in theirs)) or (
        any(at < join for at in theirs) and any(at > join for at in ours))


def _local_side(folded: FoldedText, start: int, end: int, home: list[Hit]) -> bool:
    """Whether [start, end) names a province or an organ of ours, not only the country."""
    return any(
        start <= hit.start and hit.end <= end and hit.payload not in (NOT_HOME, IMPLICIT)
        and folded.lower[hit.start : hit.end] not in _THE_COUNTRY for hit in home
    )


_SUBJECT_REACH = 40  # folded characters from a clause's comma to the end of its subject


def _read_reference(folded: FoldedText, trigger: Hit, clause_end: int, places: list[Place], home: list[Hit] | None):
    """"Tại buổi tiếp, Chủ tịch nước Trần Đại Quang khẳng định … nhân dân Trung Quốc": the meeting named by
    its noun, both sides in the clause after it (ours must be). Our side receiving ("buổi tiếp", subject
    ours) is inbound; talks ("cuộc hội đàm", "cuộc gặp") say not where."""
    if home is None:
        return None
    after = [p for p in places if p.start > trigger.end]
    if not after:
        return None
    subject = trigger.end + 3  # after " , "
    if not _home_side(folded, subject, min(after[0].start, subject + _SUBJECT_REACH), home, places):
        # our side is the subject, or the partner is and ours is named after it ("Tại buổi tiếp, Đại sứ Hàn
        # Quốc cảm ơn lãnh đạo tỉnh …"); not "Tại cuộc hội đàm, hai nhà lãnh đạo … quan hệ Việt Nam - Trung Quốc"
        if after[0].start > subject + _SUBJECT_REACH or not _home_side(folded, after[0].end + 1, clause_end, home, places):
            return None
        return UNKNOWN, _run(after)
    receiving = folded.lower.startswith(("tiếp ", "đón ", "tiếp đón ", "đón tiếp "), folded.lower.find(" ", trigger.start) + 1)
    if receiving and _home_side(folded, subject, after[0].start, home, places):
        return INBOUND, _run(after)  # our side, named before the partner, receives
    return UNKNOWN, _run(after)


# Our delegation named by its nationality: it exists as such abroad ("Đoàn cấp cao Việt Nam").
_OUR_DELEGATION = tuple(
    f" {who} {of}việt nam " for who in ("đoàn", "đoàn cấp cao", "đoàn đại biểu", "đoàn đại biểu cấp cao", "phái đoàn")
    for of in ("", "của ")
)
# "Tiếp (và làm việc với) đoàn(,) có <hosts>": a clause that opens with receiving a delegation and lists
# who received it; the delegation is the article's own.
_HOSTS_LISTED = re.compile(r"(?:(?:và|,) làm việc )?(?:với )?(?:các thành viên )?(?:(?:đoàn|đoàn công tác|đoàn đại biểu|phái đoàn) )?(?:, )?có (?:: )?")
_ENVOY_OF_OURS = (" đại sứ ", " đại sứ quán ", " tổng lãnh sự ", " lãnh sự ", " cơ quan đại diện ", " đại sứ đặc mệnh toàn quyền ")


def _hosts_listed(folded: FoldedText, trigger: Hit) -> int | None:
    """Folded offset where the hosts' list starts, for a receiving verb that opens its clause and has a
    delegation as its object ("Tiếp và làm việc với đoàn có …"); else None."""
    lower = folded.lower
    if not _opens_clause(folded, trigger.start):
        return None
    if not (lower.startswith(("tiếp", "đón"), trigger.start) and (" đoàn" in lower[trigger.start : trigger.end + 40])):
        return None
    listed = _HOSTS_LISTED.match(lower, trigger.end + 1)
    return listed.end() if listed else None


def _beyond_our_posts(folded: FoldedText, places: list[Place]) -> list[Place]:
    """``places`` less where our missions are ("Đại sứ quán Việt Nam tại Anh") and the places that go on
    naming that post ("Tổng Lãnh sự quán Việt Nam tại Côn Minh, tỉnh Vân Nam, Trung Quốc")."""
    lower, kept, last_post = folded.lower, [], None
    for place in places:
        if lower.endswith(_OUR_POST, 0, place.start):
            last_post = place
            continue
        if last_post is not None and _CHAINED.fullmatch(lower, last_post.end, place.start):
            last_post = place
            continue
        last_post = None
        kept.append(place)
    return kept


_CHAINED = re.compile(r" (?:, |\( )?(?:(?:tỉnh|thành phố|nước|bang|khu tự trị|vương quốc|cộng hòa) )*")


def _known(home: list[Hit]) -> frozenset[int]:
    """Folded starts of our places and organs (``home`` hits), for ``_destination``."""
    return frozenset(hit.start for hit in home if hit.payload != NOT_HOME)


def _held_at_home(folded: FoldedText, trigger: Hit, places: list[Place], home: list[Hit]) -> bool:
    """Whether the clause places itself, before its verb, at home ("Chiều 13/12, tại trụ sở UBND tỉnh, …")."""
    clause_start = folded.clause_bounds(trigger.start)[0]
    return _destination(folded, clause_start, trigger.start, places, False, _STAY_MARKERS, _known(home))[0] == DOMESTIC


def _posted_here(folded: FoldedText, at: int, home: list[Hit]) -> bool:
    """Whether "tại"/"ở" at folded ``at`` names Viet Nam or one of our places ("Đại sứ Lào tại Việt Nam",
    "Tổng Lãnh sự Lào tại Đà Nẵng")."""
    lower = folded.lower
    if not lower.startswith(("tại ", "ở "), at):
        return False
    at = lower.index(" ", at) + 1
    return lower.startswith(("việt nam ", "nước ta "), at) or _home_place_at(folded, at, home)


def _our_envoy_post(folded: FoldedText, place: Place) -> bool:
    """Whether ``place`` is where an envoy of ours is posted ("Đại sứ … Việt Nam tại Liên bang Nga")."""
    return folded.lower.endswith(_OUR_POST, 0, place.start) and _lower_has(
        folded, max(0, place.start - 70), place.start, _ENVOY_OF_OURS)


def _received_abroad(folded: FoldedText, trigger: Hit, places: list[Place], home: list[Hit] | None):
    """Our delegation received abroad: by hosts listed after "có" who are foreign or our envoy there
    ("Tiếp và làm việc với đoàn có Đại sứ … Việt Nam tại Nhật Bản …"), or by our envoy as the subject
    ("Đại sứ … Việt Nam tại Liên bang Nga … tiếp và làm việc với đoàn"). (OUTBOUND, places) or None."""
    if home is None:
        return None
    lower = folded.lower
    listed = _hosts_listed(folded, trigger)
    if listed is not None:
        hosts = [p for p in places if p.start >= listed and not _mentioned(folded, p)]
        foreign = [p for p in places if not _our_envoy_post(folded, p)]
        if not hosts or _home_side(folded, listed, hosts[0].start, home, foreign):
            return None
        if not _our_envoy_post(folded, hosts[0]) and _posted_here(folded, hosts[0].end + 1, home):
            return None  # "… có Ngài …, Đại sứ Lào tại Việt Nam": received at a foreign mission here
        return OUTBOUND, _run(hosts)
    clause_start = folded.clause_bounds(trigger.start)[0]
    posts = [p for p in places if clause_start <= p.start and p.end <= trigger.start and _our_envoy_post(folded, p)]
    if posts and _DELEGATION_OBJECT.match(lower, trigger.end + 1) and not [p for p in places if p.start >= trigger.end]:
        return OUTBOUND, posts[-1:]
    return None


# A country's personalities and intellectuals: received where they live, which the clause may not say.
_RESIDENTS = (" nhân sĩ ", " nhân sỹ ", " trí thức ")
_RESIDENT_REACH = 40
_THANKS = (" cảm ơn ", " cám ơn ", " tri ân ")


def _thanks_for(folded: FoldedText, trigger: Hit, places: list[Place], home: list[Hit]):
    """"Chủ tịch nước … cảm ơn … nhân dân Trung Quốc về sự đón tiếp trọng thị", "Ông Kawada cảm ơn Thủ tướng
    … đã dành thời gian tiếp": who thanks for a reception is the guest, who is thanked the host."""
    lower = folded.lower
    clause_start = folded.clause_bounds(trigger.start)[0]
    at = max(lower.rfind(word, clause_start - 1, trigger.start) for word in _THANKS)
    if at == -1:
        return None
    thanker = [p for p in places if p.end <= at]
    thanked = [p for p in places if p.start > at]
    if _home_side(folded, clause_start, at + 1, home, places) and thanked:
        return OUTBOUND, _run(thanked)
    if not thanker and at <= clause_start:
        return None  # "…; cảm ơn về sự đón tiếp … mà … Pháp dành cho Tổng Bí thư": who thanks is said before ";"
    guests = thanker or thanked
    return (INBOUND, _run(guests)) if guests else None


def _attends_multilateral(folded: FoldedText, trigger: Hit, clause_end: int) -> bool:
    """Whether the verb (or, for a delegation, the attending verb after it) has a multilateral meeting for
    object ("tham dự Hội nghị Thượng đỉnh G20", "Đoàn … tham dự Hội nghị cấp cao ASEAN"; not "phái đoàn LHQ")."""
    start = trigger.start  # the verb may hold the event's first word ("dự hội nghị")
    if trigger.payload in ("delegation", "lead"):
        lower = folded.lower
        found = [at for at in (lower.find(word, trigger.end, clause_end) for word in (" dự ", " tham dự ", " tham gia ")) if at != -1]
        if not found:
            return False
        start = min(found) + 1
    stop = min(clause_end, start + _MULTILATERAL_REACH)
    return _lower_has(folded, start, stop, _MULTILATERAL) or _GROUP_MEETING.search(folded.lower, start - 1, stop + 1) is not None


def _read_clause(folded: FoldedText, trigger: Hit, clause_end: int, places: list[Place], home: list[Hit] | None = None):
    """(direction, partner mentions) for one verb in its clause, or None when it is no foreign visit."""
    verb = trigger.payload
    if verb == "mission":
        return _with_our_mission(folded, trigger, places, home)
    if verb in ("attend", "delegation", "lead") and _attends_multilateral(folded, trigger, clause_end):
        return None
    if verb == "attend" and any(_our_envoy_post(folded, p) for p in places) and not _lower_has(
        folded, folded.clause_bounds(trigger.start)[0], clause_end, _OUR_LEADERS + (" đoàn ",)
    ):
        return None  # "Phát biểu tại đây, Đại sứ Việt Nam tại Nhật Bản …": our envoy at his post, no visit
    if verb == "reference":
        return _read_reference(folded, trigger, clause_end, places, home)
    if verb == "joint":
        return _read_joint(folded, trigger, clause_end, places, home)
    if verb == "receive":
        abroad = _received_abroad(folded, trigger, places, home)
        if abroad:
            return abroad
    located = places  # where the clause is placed: our post abroad is abroad
    if verb in ("meet", "attend", "lead", "delegation", "receive", "courtesy"):
        # "Đại sứ quán Việt Nam tại Anh … làm việc với các cơ quan chức năng sở tại", "Trưởng Phái đoàn
        # Việt Nam tại Liên hợp quốc": the post of our mission is not the partner; one must be named.
        places = _beyond_our_posts(folded, places)
        # Nor is it where the clause is when the clause says first that it is at home ("tại trụ sở UBND tỉnh, …
        # làm việc với đồng chí …, Tổng Lãnh sự quán Việt Nam tại Côn Minh"): our consul came to us.
        if home is not None and len(located) > len(places) and _held_at_home(folded, trigger, located, home):
            located = places
    before = [p for p in places if p.end <= trigger.start]
    after = [p for p in places if p.start >= trigger.end]
    # Talks place themselves before their topic: "làm việc với các sở, ngành về việc chuẩn bị xúc tiến đầu tư
    # tại Nhật Bản" is held at home about a trip to come; "buổi làm việc với tỉnh Quảng Trị về chương trình
    # kỷ niệm … Cuba" is not with Cuba.
    topic = folded.lower.find(" về ", trigger.end, clause_end) if verb == "meet" else -1
    if topic >= 0:
        after = [p for p in after if p.start < topic]
    # Attending is placed by where it is held ("tại", "ở"), not by where something else goes ("đường bay đến Osaka").
    markers = _STAY_MARKERS if verb in ("delegation", "attend", "ceremony") else (_LEAD_MARKERS if verb in ("lead", "arrive") else _MARKERS)
    arriving, leading = verb == "arrive", verb == "lead"
    if verb in ("lead", "arrive"):
        verb = "move"
    known = _known(home) if home is not None else None
    # Arriving says where right after the verb ("lên đường sang Mỹ", "đã tới thủ đô Washington"), not in
    # what follows ("đã tới dự Lễ … đường bay đến Osaka", "lên đường về nơi làm việc ở các thành phố").
    where, at = _destination(
        # (not after "dẫn đầu đoàn đại biểu": the name right after it is where the delegation is from)
        folded, trigger.end + 1, topic + 1 if topic >= 0 else clause_end, located, verb in ("move", "visit") and not leading, markers, known,
        _ARRIVE_REACH if arriving else _MAX_SCAN, owned=folded.lower.endswith(" thăm", 0, trigger.end),
    )
    if arriving and where is None:
        return None
    if where is None and verb in ("meet", "move", "delegation", "receive", "courtesy"):
        # "Tại bang California, đoàn đã làm việc với …", "Chiều 12/5, tại Đại lễ đường Nhân dân ở thủ đô
        # Bắc Kinh, Chủ tịch nước đã hội kiến …": the place is said before the verb.
        clause_start = folded.clause_bounds(trigger.start)[0]
        where, at = _destination(folded, clause_start, trigger.start, located, False, _STAY_MARKERS)
        met = [p for p in after if p.start - trigger.end <= _MEET_REACH]
        if where == FOREIGN and verb in ("meet", "receive", "courtesy") and met and home is not None and _home_side(
            folded, clause_start, trigger.start, home, places
        ):
            # "Bên lề Hội nghị G20 tại Hamburg, Thủ tướng … đã gặp Thủ tướng Nhật Bản": our side abroad meets
            # whom the verb names; the host country is only where.
            return OUTBOUND, _run(met)
        if where == FOREIGN and verb in ("receive", "courtesy"):
            # "Tại Bắc Kinh, Chủ tịch Trung Quốc đón tiếp …": received abroad, our side is the guest.
            return OUTBOUND, _run([p for p in places if p.start >= at])
    if verb == "credentials":
        # "Đại sứ Việt Nam tại Ấn Độ trình Quốc thư lên Tổng thống Ấn Độ", "Tổng thống Kenya nhận Quốc
        # thư của Đại sứ Việt Nam" are ours abroad.
        ours = _lower_has(folded, folded.clause_bounds(trigger.start)[0], clause_end, _OUR_ENVOY)
        return (OUTBOUND, after or before) if ours else (INBOUND, before or after)
    if verb == "receive" and where == FOREIGN and not (
        _word_before_marker(folded, at)[:1].isupper() and _lower_has(folded, max(0, at - 45), at, _ENVOYS)
    ):
        # "Lễ đón … diễn ra trọng thị tại Nhà khách Quốc gia Akasaka … Tokyo": received abroad. (Not
        # "Đại sứ Nhật Bản tại Việt Nam", where the place after "tại" is the envoy's post.) A venue that names
        # no country ("tại sân bay quốc tế Luxor") leaves the hosts named before the verb.
        return OUTBOUND, _run([p for p in places if p.start >= at]) or _run(before)
    if verb == "receive" and before and not after and folded.lower.endswith(_TRIP_NOUNS, 0, before[0].start) and home is not None:
        # "Trong khuôn khổ chuyến thăm Nhật Bản, Thủ tướng … đã tiếp Chủ tịch Tập đoàn Toyota": our side
        # receives during its trip there.
        if _home_side(folded, before[0].end + 1, trigger.start, home, places):
            return OUTBOUND, _run(before)
    if verb == "receive" and home is not None:
        thanked = _thanks_for(folded, trigger, places, home)
        if thanked:
            return thanked
        if where != DOMESTIC and (after or before) and _lower_has(
            folded, folded.clause_bounds(trigger.start)[0], clause_end, _OUR_DELEGATION
        ):
            # "Trước lễ đón, … Đoàn cấp cao Việt Nam cùng … Nội các Nhật Bản đã có mặt": our delegation,
            # named as such, is a guest abroad.
            return OUTBOUND, _run(after or before)
    if verb == "receive":
        if after and after[0].start - trigger.end > _GUEST_REACH:
            after = []  # not a guest: a country the host talks of
        given = _GIVEN_BY.match(folded.lower, trigger.end + 1)
        if given and home is not None:
            # "nghi thức đón tiếp mà Chính phủ Nhật Bản dành cho Thủ tướng …": the host is named
            # between "mà"/"do" and "dành cho", the guest after it.
            hosts = [p for p in after if p.start < given.end()]
            if hosts and _home_side(folded, given.end(), clause_end, home, places):
                return OUTBOUND, _run(hosts)
        guest_end = min(after[0].start, trigger.end + 40) if after else 0
        guest_ours = home is not None and (
            _home_side(folded, trigger.end + 1, guest_end, home, places) or _bare_title(folded, trigger.start, trigger.end + 1, places)
        )
        if after and where != DOMESTIC and guest_ours and not _HOST_AFTER.match(folded.lower, trigger.end + 1):
            # "Đón Chủ tịch nước Trần Đại Quang, có Phó Thủ tướng Bê-la-rút …": our side is the guest.
            return OUTBOUND, after
        if after:
            guests = _run(after)
            if where is None and _lower_has(folded, max(trigger.end, guests[0].start - _RESIDENT_REACH), guests[0].start, _RESIDENTS):
                # "Chủ tịch nước tiếp một số nhân sỹ, trí thức Trung Quốc": a country's personalities live
                # there; who came to whom the clause does not say.
                return UNKNOWN, guests
            return INBOUND, guests
        # "Chính phủ Nhật Bản đón tiếp Thủ tướng Nguyễn Xuân Phúc": a foreign host receives our side.
        # "Tổng thống Mỹ chào đón Thủ tướng tại …": the title in the verb, bare, is ours.
        if _HOST_AFTER.match(folded.lower, trigger.end + 1):
            # "cảm ơn sự đón tiếp nồng hậu của lãnh đạo Việt Nam": the host follows "của".
            hosted = home is not None and not _home_side(folded, trigger.end + 1, clause_end, home, [])
        else:
            hosted = _passive(folded, trigger, before) or (
                home is not None
                and (_home_side(folded, trigger.end + 1, clause_end, home, []) or _bare_title(folded, trigger.start, trigger.end + 1, places))
            )
        return (OUTBOUND if hosted else INBOUND), before
    if where == FOREIGN:
        met = [
            p for p in after if p.start < at and p.start - trigger.end <= _MEET_REACH and not folded.lower.endswith(_FIRMS, 0, p.start)
        ] if verb == "meet" else []
        if met and at > trigger.end:
            # "tiếp xúc với Ngoại trưởng Mỹ … bên lề Hội nghị … G20 tại Bonn, Đức": whom the verb names is the
            # partner; where the meeting was held is only where
            return OUTBOUND, _run(met)
        # "thăm chính thức nước này", "nước bạn": the country named last before
        abroad = _run([p for p in places if p.start >= at]) or _run(after) or before[-1:]
        return (OUTBOUND, abroad) if abroad else None
    if verb == "visit" and where == DOMESTIC and before and (
        folded.lower.startswith(("việt nam ", "nước ta "), at) or (home is not None and _home_place_at(folded, at, home))
    ):
        return INBOUND, before  # "Tàu chiến … của Hải quân Australia sẽ thăm Việt Nam", "Tư lệnh … Hoa Kỳ thăm Đà Nẵng"
    if verb == "visit" and where == DOMESTIC and not before and home is not None and (
        folded.lower.startswith(("việt nam ", "nước ta "), at) or _home_place_at(folded, at, home)
    ):
        # "Tàu chiến HMAS Ballarat sẽ thăm Việt Nam … quan hệ giữa Hải quân Australia và Việt Nam": a visitor
        # named by a foreign name, not ours; its country is the one the clause names.
        clause_start = folded.clause_bounds(trigger.start)[0]
        named = [position for position, token in folded.tokens_from(clause_start, trigger.start) if _foreign_name(token)]
        guests = [p for p in after if p.start > at]
        if named and guests and len({p.partner for p in guests}) == 1 and not _home_side(
            folded, named[-1], trigger.start, home, places
        ):
            return INBOUND, _run(guests)
    if verb == "ceremony" and where is None and after and after[0].start - trigger.end <= _MEET_REACH and home is not None:
        # "Phó Chủ tịch nước … dự lễ nhậm chức của Tổng thống Philippines": ours, there.
        clause_start = folded.clause_bounds(trigger.start)[0]
        if _home_side(folded, clause_start, trigger.start, home, places):
            return OUTBOUND, _run(after)
    if verb == "attend" and home is not None:
        # "Tham dự PP17 tại Nha Trang có các quốc gia đối tác gồm Australia, Nhật Bản …", "Hội thảo có sự
        # tham gia của các quan chức cấp cao đến từ Chile, Peru và Việt Nam": foreign attendees, listed,
        # at an event of ours.
        listed = _ATTENDEES.search(folded.lower, trigger.end, min(clause_end + 1, trigger.end + 80))
        guests = [p for p in after if listed and p.start >= listed.end() and p.start - listed.end() <= _MEET_REACH]
        if guests and (where == DOMESTIC or (where is None and "đến từ" in listed.group())):
            return INBOUND, _run(guests)
        if guests and where is None and listed.group().endswith((" đoàn ", " đoàn đại biểu ")):
            # "Dự lễ truy điệu có đoàn đại biểu nước CHDCND Lào, …, Bí thư Tỉnh ủy …": a foreign
            # delegation among the guests of an event where our side is the host (the list of guests
            # may run on past a semicolon).
            clause_start = folded.clause_bounds(trigger.start)[0]
            if _lower_has(folded, clause_start, guests[0].start, _OUR_DELEGATION):
                # "Tham dự tọa đàm có các thành viên Đoàn đại biểu cấp cao Việt Nam; Bộ trưởng … Nga": our
                # delegation is a guest too; where the event is the clause does not say.
                return UNKNOWN, _run(guests)
            if _home_side(folded, clause_start, _past_semicolons(folded, clause_end), home, places):
                return INBOUND, _run(guests)
    if verb in ("attend", "visit", "ceremony"):
        return None
    if where == DOMESTIC:
        if verb in ("meet", "delegation"):
            # "hội đàm với X tại Hà Nội": X before the place; "Tại Hà Nội, … hội đàm với X": X after the verb.
            guests = (_run(after) if at < trigger.start else [p for p in after if p.start < at]) or before
        else:  # "X sang thăm Việt Nam"; "chuyến thăm chính thức Việt Nam của Thủ tướng Nhật Bản"
            guests = before or [p for p in after if p.start > at]
            travellers = [p for p in after if p.start < at]
            if not guests and travellers and " của " in folded.lower[trigger.end : travellers[0].start]:
                # "chuyến thăm đầu tiên của Tổng thống Hàn Quốc tới Việt Nam": whose trip it is travels
                guests = _run(travellers)
        return (INBOUND, guests) if guests else None
    if verb == "delegation":
        return None
    if verb == "meet":
        # whom one meets is named right after the verb ("hội đàm với Bộ trưởng Ngoại giao Bồ Đào Nha"), not
        # somewhere later ("Làm việc với cơ quan chức năng, lái xe … khai mua gỗ ở Lào")
        # nor what the meeting was about ("làm việc với lãnh đạo tỉnh Lào Cai về … cửa khẩu với Trung Quốc")
        topic = folded.lower.find(" về ", trigger.end, clause_end)
        met = [p for p in after if p.start - trigger.end <= _MEET_REACH and not 0 <= topic < p.start]
        if not met and before and home is not None and _province_after(folded, trigger.end, home):
            # "Đoàn doanh nghiệp Bangladesh làm việc với Sở Công Thương TP.HCM": a province hosts.
            return INBOUND, before
        subject_start = folded.clause_bounds(trigger.start)[0]
        if met and home is not None and _DELEGATION_OBJECT.match(folded.lower, trigger.end + 1) and (
            _home_hit(folded, subject_start, trigger.start, home, places) >= 0
            or _vietnamese_name(folded, subject_start, trigger.start, places) >= 0
        ):
            # "UBND tỉnh Điện Biên có buổi làm việc với đoàn công tác tỉnh Phông Sa Lỳ (Lào)": the side
            # called a delegation is the one visiting; ours receives it.
            return INBOUND, _run(met)
        return (UNKNOWN, _run(met) or before) if met or before else None
    if verb == "courtesy":
        return (INBOUND, before) if before else (OUTBOUND, after)
    if home is not None and folded.lower.startswith("của ", trigger.end + 1):
        # "chuyến thăm của Chủ tịch nước …": who follows "của" travels.
        if _home_side(folded, trigger.end + 1, trigger.end + 45, home, places):
            return (OUTBOUND, _run(after) or before) if (after or before) else None
        if after and after[0].start < trigger.end + 45:
            return INBOUND, _run(after)
    # "move" with no place said: the travellers are before the verb, or the hosts after it. When our
    # side is named nearer the verb than the partner ("Nhận lời mời của Chủ tịch Trung Quốc, Chủ tịch
    # nước Trần Đại Quang sẽ thăm cấp Nhà nước"), our side travels.
    if before and home is not None:
        clause_start = folded.clause_bounds(trigger.start)[0]
        ours = max(
            _home_hit(folded, clause_start, trigger.start, home, places),
            _vietnamese_name(folded, clause_start, trigger.start, places),
        )
        if (ours >= 0 or _bare_title(folded, clause_start, trigger.start, places)) and _lower_has(
            folded, clause_start, clause_end, _OUR_PEOPLE_ABROAD
        ):
            # "Thủ tướng … thông báo với bà con kiều bào về mục đích chuyến thăm": with our community there.
            return OUTBOUND, _run(before) if not after else _run(after)
        if ours > before[-1].start:
            if _destination_at_home(folded, ours, home):
                # "tàu chiến … của Hải quân Australia cập cảng Tiên Sa (Đà Nẵng), bắt đầu chuyến thăm": our
                # place after the partner is where the partner came.
                return INBOUND, before
            return OUTBOUND, after or before
        if (ours >= 0 or _bare_title(folded, clause_start, trigger.start, places)) and _after_marker(folded, before[-1].start):
            # "Thủ tướng đã đến thủ đô Tokyo, bắt đầu chuyến thăm": the place before is where our side went.
            return OUTBOUND, _run(before)
        if ours >= 0 and all(
            folded.lower.endswith(_FIRMS, 0, p.start) and not folded.lower.endswith(_FIRM_DELEGATIONS, 0, p.start)
            for p in before
        ):
            # "Thủ tướng … nói các doanh nghiệp Việt Nam sẽ kí hợp đồng với các đối tác Mỹ trong chuyến công du":
            # a country's firms are whom our side deals with there, not travellers.
            return OUTBOUND, _run(before)
    return (INBOUND, before) if before else (OUTBOUND, after)


_FIRMS = tuple(
    f" {firm} " for firm in ("đối tác", "doanh nghiệp", "các doanh nghiệp", "công ty", "các công ty", "tập đoàn",
                             "các tập đoàn", "nhà đầu tư", "các nhà đầu tư", "hãng", "các hãng", "thị trường")
)
_FIRM_DELEGATIONS = tuple(f" đoàn{firm}" for firm in _FIRMS)  # "Đoàn doanh nghiệp Hoa Kỳ" travels


# "làm việc với đoàn công tác …", "gặp mặt Đoàn đại biểu …": the partner met is a delegation.
_DELEGATION_OBJECT = re.compile(r"(?:với )?(?:các )?(?:đoàn|phái đoàn) ")
# Words between an arriving marker and our place: "đến Cảng Cam Ranh", "tới sân bay quốc tế Nội Bài".
_PORT_WORDS = frozenset("cảng sân bay quốc tế vịnh cửa khẩu đảo quân ga".split())


_CITY_ABBREVIATIONS = frozenset({"tp", ".", "tx", "tt"})  # "TP. Hồ Chí Minh", "TX. Sơn Tây"


def _home_place_at(folded: FoldedText, at: int, home: list[Hit]) -> bool:
    """Whether one of our provinces or places (capitalised) starts at folded offset ``at``, past admin words."""
    lower = folded.lower
    positions = [at]  # every word tried: an admin word may start a name ("hòa" of "cộng hòa" and of "Hòa Bình")
    for _ in range(3):
        end = lower.find(" ", positions[-1])
        if lower[positions[-1]:end] not in _ADMIN and lower[positions[-1]:end] not in _CITY_ABBREVIATIONS:
            break
        positions.append(end + 1)
    return any(
        hit.start in positions and hit.payload not in (NOT_HOME, IMPLICIT, "organ") and folded.cased[hit.start].isupper()
        for hit in home
    )


def _destination_at_home(folded: FoldedText, start: int, home: list[Hit]) -> bool:
    """Whether the Vietnamese side at ``start`` is a place the partner arrives at: a province or place
    after "đến", "tới", "tại" … ("vừa đến Cảng Cam Ranh") or in brackets after a venue ("Tiên Sa (Đà Nẵng)")."""
    if not any(hit.start == start and hit.payload not in (NOT_HOME, IMPLICIT, "organ") for hit in home):
        return False
    lower, cased = folded.lower, folded.cased
    end = start - 1
    for _ in range(5):
        begin = lower.rfind(" ", 0, end) + 1
        word = lower[begin:end]
        if word == "(" or word in _MARKERS:
            return True
        if not (word in _ADMIN or word in _PORT_WORDS or cased[begin:begin + 1].isupper()):
            return False
        end = begin - 1
    return False


# Who attends, listed after the verb: "… có (các) đoàn …", "sự tham gia của … đến từ".
_ATTENDEES = re.compile(r" (?:có|gồm|của)(?: [^ ]+){0,8}? (?:đến từ|gồm|đoàn|đoàn đại biểu|quốc gia|nước|đại diện) ")
# Our people abroad: a leader of ours with them is abroad too.
_OUR_PEOPLE_ABROAD = (" kiều bào ", " cộng đồng người việt ", " người việt nam ở nước ngoài ", " bà con người việt ")
_OUR_POST = (" việt nam tại ", " việt nam ở ", " việt tại ")
# Our leaders and delegations, who go abroad: "Thủ tướng", "Chủ tịch nước", "đoàn đại biểu cấp cao".
_OUR_LEADERS = (
    " thủ tướng ", " phó thủ tướng ", " chủ tịch nước ", " phó chủ tịch nước ", " chủ tịch quốc hội ",
    " phó chủ tịch quốc hội ", " tổng bí thư ", " đoàn đại biểu cấp cao ", " phu nhân ",
    " đoàn công tác ", " đoàn đại biểu ", " bí thư tỉnh ủy ", " chủ tịch ubnd ", " lãnh đạo tỉnh ",
)
# Directing our mission from home: "Bộ Ngoại giao đã chỉ đạo Đại sứ quán Việt Nam tại Anh".
_REMOTE = (" chỉ đạo ", " yêu cầu ", " đề nghị ", " giao ", " gửi điện ", " điện mừng ", " gửi thư ", " thư chúc mừng ",
           " gửi ", " bảo hộ ", " từng ", " bổ nhiệm ", " trao quyết định ")


# What a leader does with our mission or people, in person ("nói chuyện với", "gặp mặt", "cắt băng khánh
# thành", "chụp ảnh cùng", "nghe … báo cáo", "chào đón Thủ tướng"), or the trip named: without one the
# clause is what he said of them ("Thủ tướng mong muốn cộng đồng người Việt Nam tại Hà Lan tiếp tục …").
_IN_PERSON = tuple(
    f" {verb} " for verb in (
        "thăm", "đến thăm", "nói chuyện", "trò chuyện", "gặp", "gặp gỡ", "gặp mặt", "chào đón", "đón", "đón tiếp",
        "tiếp đón", "nghe", "khánh thành", "cắt băng", "chụp ảnh", "thông báo với", "chia tay", "tiễn", "buổi",
        "chuyến thăm", "chuyến công tác", "có mặt", "dâng hương", "thăm hỏi", "làm việc với", "giao lưu", "tiếp xúc",
        "tặng quà", "dự",
    )
)
# Between our people and "tại"/"ở" where they are: "cộng đồng người Việt Nam đang sinh sống, học tập tại Hà Lan".
_LIVING = frozenset("đang sinh sống làm việc học tập lao động công tác nghiên cứu định cư , và".split())


def _post_after(folded: FoldedText, end: int, places: list[Place]) -> list[Place]:
    """The foreign place where our people named up to folded ``end`` are: after "tại"/"ở", past words of
    living there and admin words ("… đang sinh sống, làm việc tại thủ đô Tokyo")."""
    starts = {p.start: p for p in places}
    steps, marked = 0, False
    for position, token in folded.tokens_from(end + 1, len(folded.lower)):
        low = token.lower()
        if position in starts and marked:
            return _run([p for p in places if p.start >= position])
        if not marked and low in _STAY_MARKERS:
            marked = True
        elif not ((low in _LIVING and not marked) or (low in _ADMIN and marked)) or steps > 10:
            return []
        steps += 1
    return []


def _with_our_mission(folded: FoldedText, trigger: Hit, places: list[Place], home: list[Hit] | None):
    """A leader of ours with our embassy or community in a country, in person: outbound, that country."""
    if home is None:
        return None
    post = _post_after(folded, trigger.end, places)
    if not post:
        return None
    lower = folded.lower
    if lower.endswith((" tiếp ", " đón ", " tiếp đón ", " triệu tập "), 0, trigger.start):
        return None  # "Chủ tịch nước tiếp Đại sứ Việt Nam tại Lào trước khi lên đường": our envoy, at home
    clause_start, clause_end = folded.clause_bounds(trigger.start)
    window = lower[clause_start - 1 : clause_end + 1]
    if not any(verb in window for verb in _IN_PERSON):
        return None
    if _held_at_home(folded, trigger, places, home):
        return None  # "tại trụ sở UBND tỉnh, … làm việc với … Tổng Lãnh sự quán Việt Nam tại Côn Minh": our consul came home
    foreign_starts = {p.start - clause_start + 1 for p in places}
    at_trigger = trigger.start - clause_start + 1
    for title in _OUR_LEADERS:
        at = window.find(title)
        while at != -1:
            following = at + len(title)
            # a foreign leader has his country after the title ("Thủ tướng Hà Lan"); our mission directed
            # from home has the order between them ("Thủ tướng đề nghị Đại sứ quán …")
            between = window[following - 1 : at_trigger + 1] if at < at_trigger else window[at_trigger : at + 1]
            if following not in foreign_starts and not any(cue in between for cue in _REMOTE):
                return OUTBOUND, post
            at = window.find(title, at + 1)
    return None


def _after_marker(folded: FoldedText, start: int) -> bool:
    """Whether the place at ``start`` follows "đến", "tới", "sang" (or "tại", "ở"), past admin words."""
    lower = folded.lower
    end = start - 1
    for _ in range(4):
        begin = lower.rfind(" ", 0, end) + 1
        word = lower[begin:end]
        if word in _MARKERS:
            return True
        if word not in _ADMIN:
            return False
        end = begin - 1
    return False


# "Đại sứ Nhật Bản tại …", "Trưởng đại diện JICA tại …": the place after "tại" is the envoy's post.
_ENVOYS = (" đại sứ ", " lãnh sự ", " đại diện ", " tùy viên ", " thường trú ")
_OUR_ENVOY = (" đại sứ việt nam ", " đại sứ nước ta ", " đại sứ đặc mệnh toàn quyền việt nam ")


def _lower_has(folded: FoldedText, start: int, end: int, phrases: tuple[str, ...]) -> bool:
    window = folded.lower[max(0, start - 1) : end + 1]
    return any(phrase in window for phrase in phrases)


_TRIP_NOUNS = (" chuyến thăm ", " chuyến công du ", " chuyến công tác ", " chuyến thăm chính thức ")
# "đón tiếp mà/do <host> dành cho <guest>"
_GIVEN_BY = re.compile(r"(?:[^ ]+ ){0,2}(?:mà|do) (?:[^ ]+ ){1,8}?dành cho ")
# "sự đón tiếp (nồng hậu) của …": who follows "của" is the host, not the guest.
_HOST_AFTER = re.compile(r"(?:[^ ]+ ){0,3}của ")
_MEET_REACH = 90  # folded characters from a meeting verb to the partner it names
# ... and from a receiving verb to its guest's country ("tiếp Đoàn đại biểu cấp cao tỉnh Sê Kông nước Cộng hòa
# Dân chủ Nhân dân Lào"), not a country the host then talks of ("Tiếp đoàn, Phó Chủ tịch … đã khái quát về …
# những dấu ấn sâu đậm của lãnh tụ Cuba")
_GUEST_REACH = 150
_RUN_GAP = 40  # folded characters between two partners of one list ("Đức, Đại sứ quán Phần Lan")


def _province_after(folded: FoldedText, end: int, home: list[Hit]) -> bool:
    """Whether one of our provinces or cities is named right after a meeting verb."""
    cased = folded.cased
    return any(
        hit.payload not in HOME_KINDS and cased[hit.start].isupper() and end < hit.start <= end + _MEET_REACH
        for hit in home
    )


def _word_before_marker(folded: FoldedText, at: int) -> str:
    """The word before the marker ("tại") that precedes folded offset ``at``."""
    cased = folded.cased
    marker = cased.rfind(" ", 0, at - 1)
    return cased[cased.rfind(" ", 0, marker) + 1 : marker]


def _run(mentions: list[Place]) -> list[Place]:
    """The first mention and those listed right after it; a country named further on is only
    mentioned ("chuyến thăm Nhật Bản của Thủ tướng diễn ra sau chuyến công du Mỹ")."""
    run = mentions[:1]
    for mention in mentions[1:]:
        if mention.start - run[-1].end > _RUN_GAP:
            break
        run.append(mention)
    return run


def _passive(folded: FoldedText, trigger: Hit, before: list[Place]) -> bool:
    """"Đoàn của tỉnh được Chính quyền Hủa Phăn (Lào) đón tiếp": the partner hosts, we travel."""
    window = folded.lower[max(0, trigger.start - 120) : trigger.start]
    marker = window.rfind(" được ")
    if marker == -1:
        return False
    marker += max(0, trigger.start - 120)
    return any(p.start > marker for p in before)


def _destination(
    folded: FoldedText, position: int, stop: int, places: list[Place], immediate: bool, markers,
    known: frozenset[int] | None = None, reach: int = _MAX_SCAN, owned: bool = False,
):
    """Where the clause places the visit: (FOREIGN | DOMESTIC | None, folded offset of the place).
    ``known``: folded starts of Vietnamese places and organs (``home`` hits). A capitalised name not
    among them ("tại Nhà khách Quốc gia Akasaka", "thăm Đại sứ quán") only says domestic when no
    foreign place follows it ("… tại thủ đô Tokyo của Nhật Bản", "… cộng đồng người Việt tại Nhật Bản")."""
    starts = {p.start for p in places}
    unsure = None
    for steps, (start, token) in enumerate(folded.tokens_from(position, stop)):
        if steps > reach:
            break
        if unsure and start in starts and folded.lower.endswith(_BEFORE_CAPITAL, 0, start):
            return FOREIGN, start  # "…, thủ đô Tokyo", "… của Nhật Bản"
        if owned and steps == 0:
            of = _OF_A_COUNTRY.match(folded.lower, start)
            if of and of.end() in starts and not _lower_has(folded, of.end(), stop, (" tại ", " ở ")):
                # (not "thăm gian hàng của Nhật Bản tại hội chợ", where the clause says where)
                return FOREIGN, of.end()  # "thăm trung tâm văn hóa lớn nhất của Nga"
        # Right after the verb ("thăm Nhật Bản"), or after a marker ("… thăm và làm việc tại tỉnh …").
        targets = ([start] if immediate and steps == 0 else []) + (
            [start + len(token) + 1] if token.lower() in markers and not folded.lower.endswith(_LIFE_BEFORE, 0, start) else []
        )
        for target in targets:
            kind = _place_kind(folded, target, stop, starts, known)
            if kind == _UNSURE:
                if unsure is None:  # the rest of the clause may still say where that venue is
                    unsure, reach = (DOMESTIC, target), steps + _MAX_SCAN
            elif kind:
                return kind, target
    return unsure or (None, -1)


_UNSURE = "unsure"
# What is visited, owned by the country named after "của" (a few lower-case words, no clause mark between).
_OF_A_COUNTRY = re.compile(r"(?:[^ ,.;:()]+ ){1,6}?(?:của|nước) ")
# Where someone lived, studied, fought or died ("liệt sĩ hy sinh tại Lào"): not where the visit is.
_LIFE_BEFORE = tuple(
    f" {verb} " for verb in ("hy sinh", "sinh sống", "học tập", "định cư", "sinh ra", "qua đời", "từ trần", "an táng",
                             "chiến đấu", "công tác lâu năm", "mất")
)
# Words before a foreign capital or country that place an unknown venue named just before them.
_BEFORE_CAPITAL = (" thủ đô ", " thành phố ", " của ", " thuộc ", " thuộc vương quốc ", " thuộc nước ", " của nước ", " của vương quốc ",
                   " nước ")  # "tại Phủ Chủ tịch nước Lào", "với các cơ quan … hai nước Phần Lan và Nauy"


# The lower-case halves of organs inside a venue's capitalised name, which may go on to name the venue's
# country ("tại Phủ Tổng thống Indonesia", "tại Văn phòng Thủ tướng Nhật Bản"; not past a comma).
_ORGAN_LINKS = frozenset({"thống", "tướng", "phủ", "hội", "phòng"})


def _place_kind(folded: FoldedText, position: int, stop: int, starts: set[int], known: frozenset[int] | None = None):
    skipped = port = False
    tokens = folded.tokens_from(position, stop)
    for start, token in tokens:
        if start in starts:
            return FOREIGN
        low = token.lower()
        if low in _PORT_WORDS and not (low in _ADMIN or low in _VENUES):
            port = True  # "sân bay quốc tế Đà Nẵng", "cảng Tiên Sa": the port's name says where; a bare "sân bay" does not
            continue
        if (low in _ADMIN or low in _VENUES) and not folded.lower.startswith("thủ tướng ", start):  # ("thủ đô")
            skipped = True
            continue
        if token[0].isupper():
            # A capitalised name: foreign if a foreign place is part of it ("Thủ đô Viêng Chăn").
            first = start
            for _, (start, token) in zip(range(8), tokens):
                if start in starts:
                    return FOREIGN
                if not (token[0].isupper() or token in "()" or token in _NAME_LINKS or token in _ORGAN_LINKS):
                    break
            of = _OF_A_COUNTRY.match(folded.lower, first)
            if of and of.end() in starts:
                return FOREIGN  # "tại Phủ Chủ tịch nước Lào": our name for a venue, and whose it is
            if known is not None and first not in known:
                # "sân bay quốc tế John F. Kennedy": a port named by a foreign name is abroad
                return FOREIGN if port and _foreign_word(folded.cased[first : folded.cased.find(" ", first)]) else _UNSURE
            return DOMESTIC
        if low in _HOME:
            of = _OF_A_COUNTRY.match(folded.lower, start) if low == "địa" else None
            if of and of.end() in starts:
                return FOREIGN  # "tại một số địa phương quan trọng của Trung Quốc"
            return DOMESTIC
        if low == "bạn" or (low in ("ngoài", "này", "chủ") and skipped):  # "nước bạn", "ở nước ngoài", "nước này"
            return FOREIGN
        break
    # "tại nhà khách", "ở các thành phố lớn": a venue that names no place
    return (DOMESTIC if known is None else _UNSURE) if skipped else None


def _visit(folded, trigger, clause_start, clause_end, direction, mentions: list[Place]) -> Visit:
    partners = list(dict.fromkeys(p.partner for p in mentions))
    places = list(dict.fromkeys(p.name for p in mentions if p.kind == "place"))
    span = folded.span_of(clause_start, clause_end)
    trigger_span = folded.span_of(trigger.start, trigger.end)
    highlights = [trigger_span] + [folded.span_of(p.start, p.end) for p in mentions]
    return Visit(
        partners=partners,
        direction=direction,
        sentence=folded.sentence(span[0], span[1]),
        clause=" ".join(folded.text[span[0] : span[1]].split()),
        trigger=folded.text[trigger_span[0] : trigger_span[1]],
        places=places,
        span=span,
        highlights=sorted(highlights),
    )
