import pytest

from monitor.analysis import builtin_lexicon
from monitor.folded import FoldedText
from monitor.places import accept_places, partner_name


def partners(text: str) -> list[str]:
    folded = FoldedText(text)
    found = accept_places(folded, builtin_lexicon().scan(folded).get("place", []))
    return [p.partner for p in found]


@pytest.mark.parametrize(
    "name, partner",
    [
        ("Mỹ", "Hoa Kỳ"),
        ("Hoa Kỳ", "Hoa Kỳ"),
        ("Nga", "Liên bang Nga"),
        ("LB Nga", "Liên bang Nga"),
        ("CHLB Đức", "Đức"),
        ("Úc", "Australia"),
        ("Luông Pha Băng", "Lào"),
        ("Quảng Tây", "Trung Quốc"),
        ("Khỏn Kèn", "Thái Lan"),
        ("EU", "Liên minh châu Âu"),
        ("JICA", "Nhật Bản"),
        ("cam pu chia", "Campuchia"),
        ("Tập Cận Bình", "Trung Quốc"),
        ("Putin", "Liên bang Nga"),
        ("Hun Sen", "Campuchia"),
        ("Sochi", "Liên bang Nga"),
    ],
)
def test_partner_names_typed_by_users(name, partner):
    assert partner_name(name) == partner


def test_unknown_partner():
    assert partner_name("Atlantis") is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Khu tự trị dân tộc Choang Quảng Tây (Trung Quốc)", ["Trung Quốc", "Trung Quốc"]),
        ("tỉnh Luông Pha Băng, Lào", ["Lào", "Lào"]),
        ("làm việc với Đại sứ quán Đức", ["Đức"]),
        ("Tổng Lãnh sự Hàn Quốc tại Đà Nẵng", ["Hàn Quốc"]),
        ("các quốc gia như: Mỹ, Úc, Hàn Quốc...", ["Hoa Kỳ", "Australia", "Hàn Quốc"]),
        ("Công ty Eccholine (Bỉ) đến Việt Nam", ["Bỉ"]),
        ("Hội hữu nghị Việt - Nga tỉnh", ["Liên bang Nga"]),
        ("tiếp Đại sứ Đức Guido Hildner", ["Đức"]),
        ("nước Cộng hòa dân chủ nhân dân Lào", ["Lào"]),
        ("châu Văn Sơn (Trung Quốc)", ["Trung Quốc", "Trung Quốc"]),
        ("gặp ông Putin và ông Tập Cận Bình", ["Liên bang Nga", "Trung Quốc"]),  # a leader after "ông"
        ("làm việc với Bộ Thương mại Mỹ và Đảng Cộng sản Pháp", ["Hoa Kỳ", "Pháp"]),
    ],
)
def test_foreign_places_in_context(text, expected):
    assert partners(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Bộ trưởng Tài chính Hồ Đức Phớc",
        "Ảnh: Tuấn Anh; đồng chí Nguyễn Hoàng Anh",
        "bà Nguyễn Thị Nga, Bí thư Huyện ủy",
        "Chủ tịch Tôn Đức Thắng tại bảo tàng Tôn Đức Thắng",
        "tỉnh Lào Cai, thị xã Phú Mỹ, thành phố Mỹ Tho",
        "hút thuốc lào",
        "huyện Trùng Khánh, tỉnh Cao Bằng",
        "Ý kiến của cử tri; Pháp luật về đất đai; áo dài",
        "ông Lê Văn Pháp và anh Trần Văn Mỹ",
        "Trung ương Đảng, phường Quang Trung",
    ],
)
def test_look_alike_vietnamese_names_are_not_places(text):
    assert partners(text) == []
