from datetime import date

import pytest

from monitor.directives import canonical_code, detect_directives
from monitor.folded import FoldedText
from tests.monitor.labelled import load_articles
from tests.monitor.spelling import SPELLINGS


def directives(text: str):
    return detect_directives(FoldedText(text))


def codes(text: str) -> list[str]:
    return [d.code for d in directives(text)]


@pytest.mark.parametrize(
    "text, code, kind, number, year, issuer",
    [
        ("Chỉ thị số 04-CT/TW", "04-CT/TW", "Chỉ thị", 4, None, "TW"),
        ("Nghị quyết 22-NQ/TW", "22-NQ/TW", "Nghị quyết", 22, None, "TW"),
        ("Quyết định số 481/QĐ-UBND", "481/QĐ-UBND", "Quyết định", 481, None, "UBND"),
        ("Quyết định số 41/2013/QĐ-TTg", "41/2013/QĐ-TTg", "Quyết định", 41, 2013, "TTg"),
        ("Kết luận 57-KL/TW", "57-KL/TW", "Kết luận", 57, None, "TW"),
        ("Kế hoạch số 36-KH/TU", "36-KH/TU", "Kế hoạch", 36, None, "TU"),
        ("Chương trình hành động số 18-CTr/TU", "18-CTr/TU", "Chương trình", 18, None, "TU"),
        ("Nghị định 68/2026/NĐ-CP", "68/2026/NĐ-CP", "Nghị định", 68, 2026, "CP"),
        ("Thông tư 05/2024/TT-BNG", "05/2024/TT-BNG", "Thông tư", 5, 2024, "BNG"),
        ("Chỉ thị 16/CT-TTg", "16/CT-TTg", "Chỉ thị", 16, None, "TTg"),
        ("Quy định số 08-QĐi/TW", "08-QĐi/TW", "Quy định", 8, None, "TW"),
        ("Quy định số 105-QĐ/TW", "105-QĐ/TW", "Quy định", 105, None, "TW"),
        ("Hướng dẫn số 12-HD/BTGTW", "12-HD/BTGTW", "Hướng dẫn", 12, None, "BTGTW"),
        ("Thông tư liên tịch 01/2015/TTLT-BTC-BNV", "01/2015/TTLT-BTC-BNV", "Thông tư liên tịch", 1, 2015, "BTC-BNV"),
        ("Luật Chứng khoán số 54/2019/QH14", "54/2019/QH14", "Luật", 54, 2019, "QH14"),
        ("Nghị quyết số 254/2025/QH15", "254/2025/QH15", "Nghị quyết", 254, 2025, "QH15"),
        ("Quyết định số 1520/QĐ-BCĐ", "1520/QĐ-BCĐ", "Quyết định", 1520, None, "BCĐ"),
    ],
)
def test_codes_become_structured_records(text, code, kind, number, year, issuer):
    [found] = directives(f"Thực hiện {text} của cấp trên.")
    assert (found.code, found.kind, found.number, found.year, found.issuer) == (code, kind, number, year, issuer)
    assert found.sentence == f"Thực hiện {text} của cấp trên."


@pytest.mark.parametrize(
    "written, code",
    [
        ("12 - CT/TW", "12-CT/TW"),
        ("12-CT / TW", "12-CT/TW"),
        ("18-Ctr/TU", "18-CTr/TU"),
        ("18-ctr/tu", "18-CTr/TU"),
        ("4-CT/TW", "04-CT/TW"),
        ("481 / QĐ - UBND", "481/QĐ-UBND"),
        ("5/QD-UBND", "05/QĐ-UBND"),
        ("41/2013/QĐ-TTG", "41/2013/QĐ-TTg"),
        ("68/2026/ND-CP", "68/2026/NĐ-CP"),
    ],
)
def test_spelling_variants_give_one_canonical_code(written, code):
    assert codes(f"Theo văn bản số {written}, tỉnh triển khai.") == [code]
    assert canonical_code(written) == code


@pytest.mark.parametrize("end", [".", ",", ";", ")", "”", ":", "…", "\n"])
def test_trailing_punctuation(end):
    assert codes(f"(theo Chỉ thị 04-CT/TW{end} và các văn bản khác") == ["04-CT/TW"]


@pytest.mark.parametrize(
    "text",
    [
        "Ngày 06/7/2011, lúc 10:30, ngày 15-3-2026",
        "Điện thoại: 043.7366620, Fax: 043.7366617, hotline 1900 1234",
        "phòng chống dịch COVID-19 và Covid-19 tại TP.HCM, Tp. HCM",
        "Quốc lộ 1A, QL.14, đường tỉnh ĐT.741, Km 15+300, đường 3/2, đường 30/4",
        "U23 Việt Nam thắng 2-1, mùa giải 2020/2021, giai đoạn 2016 - 2020, 24/7",
        "tỷ lệ 1/2, lô CN-1/KH, số 123456-CT/TW, mã A12-CT/TW, 1.04-CT/TW",
        "Thông tư 17 và Nghị định 68 (không có số hiệu đầy đủ)",
        "HIV/AIDS, A/H5N1, 5G, G7, F1",
    ],
)
def test_no_false_codes(text):
    assert codes(text) == []


def test_issuing_date_after_the_code():
    [found] = directives("Chỉ thị số 04-CT/TW ngày 06/7/2011 của Ban Bí thư.")
    assert found.date == date(2011, 7, 6)
    assert found.year == 2011
    [found] = directives("Quyết định số 41/2013/QĐ-TTg, ngày 15/7/2013 của Thủ tướng")
    assert found.date == date(2013, 7, 15)
    [found] = directives("Nghị quyết 09-NQ/TU ngày 5 tháng 3 năm 2021 của Tỉnh ủy")
    assert found.date == date(2021, 3, 5)


def test_issuing_date_before_the_code_only_when_the_sentence_says_it_was_issued():
    [found] = directives("Ngày 27/9/2016, Tỉnh ủy Lai Châu đã ban hành Quyết định số 238-QĐ/TU ban hành Quy chế.")
    assert found.date == date(2016, 9, 27)
    [found] = directives("Ngày 5/3/2024, tỉnh tiếp tục quán triệt Chỉ thị 05-CT/TW.")
    assert found.date is None


def test_an_effective_date_is_not_the_issuing_date():
    [found] = directives("Nghị định số 58/2026/NĐ-CP có hiệu lực từ ngày 15/3/2026.")
    assert found.date is None and found.year == 2026


def test_mentions_are_merged_per_code_in_order_of_first_mention():
    text = "Chỉ thị 04-CT/TW và Kế hoạch 36-KH/TU. Thực hiện Chỉ thị số 04 - CT/TW ngày 6/7/2011."
    found = directives(text)
    assert [(d.code, d.mentions) for d in found] == [("04-CT/TW", 2), ("36-KH/TU", 1)]
    assert found[0].date == date(2011, 7, 6)
    assert found[0].sentence == "Chỉ thị 04-CT/TW và Kế hoạch 36-KH/TU."


def test_as_json_has_the_cli_fields():
    [found] = directives("Chỉ thị số 04-CT/TW ngày 06/7/2011.")
    assert found.as_json() == {
        "code": "04-CT/TW",
        "kind": "Chỉ thị",
        "number": 4,
        "year": 2011,
        "issuer": "TW",
        "date": "2011-07-06",
        "sentence": "Chỉ thị số 04-CT/TW ngày 06/7/2011.",
        "mentions": 1,
        "scope": "",
    }


SEEDS = [a for a in load_articles() if a.id.startswith("seed-")]


@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
@pytest.mark.parametrize("article", SEEDS, ids=[a.id for a in SEEDS])
def test_every_seed_code_in_every_spelling(article, spelling):
    assert codes(SPELLINGS[spelling](article.text)) == article.directives


@pytest.mark.parametrize(
    "text, code, kind",
    [
        ("Công văn số 123/UBND-NC", "123/UBND-NC", "Công văn"),
        ("văn bản số 6068/VPCP-KTTH", "6068/VPCP-KTTH", "Công văn"),
        ("Công văn 2411/BTTTT-CBC", "2411/BTTTT-CBC", "Công văn"),
        ("Công văn số 152/TTg-CN", "152/TTg-CN", "Công văn"),
        ("Công văn 2916/C67-P9", "2916/C67-P9", "Công văn"),
        ("Công văn 2000/BTC – TTr", "2000/BTC-TTr", "Công văn"),
        ("Công văn số 4171-CV/VPTW", "4171-CV/VPTW", "Công văn"),
        ("Chỉ thị 05-CT/TƯ", "05-CT/TW", "Chỉ thị"),
        ("Quy định 217-QĐ/T.Ư", "217-QĐ/TW", "Quy định"),
        ("Chỉ thị 04 - CT/T W", "04-CT/TW", "Chỉ thị"),
        ("Quyết định 476-QĐNS/TW", "476-QĐNS/TW", "Quyết định"),
        ("Nghị quyết 19-2017/NQ-CP", "19/2017/NQ-CP", "Nghị quyết"),
        ("Chỉ thị 04\u2011CT/TW", "04-CT/TW", "Chỉ thị"),
        ("Chỉ thị 04\u2212CT/TW", "04-CT/TW", "Chỉ thị"),
        ("Quyết định 481\uff0fQĐ-UBND", "481/QĐ-UBND", "Quyết định"),
        ("Nghị định 67/CP", "67/CP", "Nghị định"),
        ("Báo cáo số 05/BC-BCA-C81", "05/BC-BCA-C81", "Báo cáo"),
        ("Công điện số 17/CĐ-TW", "17/CĐ-TW", "Công điện"),
        ("Thông tư liên tịch số 05/2013/TTLT-BCA-BQP-BYT-TANDTC-VKSNDTC", "05/2013/TTLT-BCA-BQP-BYT-TANDTC-VKSNDTC", "Thông tư liên tịch"),
        # the kind is the nearest document word; a state-shaped Party code is the Party's
        ("Các nội dung được quy định tại Quyết định số 1665/QĐ-BCT", "1665/QĐ-BCT", "Quyết định"),
        ("hình thức kỷ luật theo Quy định số 181-QĐ/TW", "181-QĐ/TW", "Quy định"),
        ("Phiếu chuyển số 480/PC-BTT ngày 9/9/2016", "480/PC-BTT", "Phiếu chuyển"),
        ("giấy chứng nhận nuôi nhốt (GCN) số 1148/CCKL-BTTN", "1148/CCKL-BTTN", "Giấy chứng nhận"),
        ("Nghị quyết 19- 2017/NQ-CP", "19/2017/NQ-CP", "Nghị quyết"),
        ("Bộ Chính trị đã có Nghị quyết số 13/NQ-TW", "13-NQ/TW", "Nghị quyết"),
        ("Công điện số 17/CĐ-TW", "17/CĐ-TW", "Công điện"),
    ],
)
def test_official_letters_party_centre_spellings_and_unknown_types(text, code, kind):
    """Issue 12: number/issuer-unit codes, "TƯ" for TW, QĐNS, NUMBER-YEAR, odd dashes and slashes, kinds."""
    [found] = directives(f"Thực hiện {text} của cấp trên.")
    assert (found.code, found.kind) == (code, kind)


@pytest.mark.parametrize(
    "text",
    [
        "Quyết định số 768/QĐ- ban hành ngày 5/3",  # a lower-case word after the dash is no issuer
        "đối chiếu QCVN 10-MT:2015/BTNMT - Quy chuẩn",  # a standard's year, not a code
        "mùa 2020/2021, tỷ lệ 1/TP, số 3/Theo-X, 24/7-CT",
        "số 12/CP và 45/LĐLĐ không có tên văn bản trước",  # a bare issuer needs a document word
    ],
)
def test_no_false_codes_of_the_new_shapes(text):
    assert codes(text) == []


@pytest.mark.parametrize(
    "text, portal_province, scope",
    [
        ("UBND tỉnh Cao Bằng ban hành Quyết định số 481/QĐ-UBND về hợp tác.", None, "Cao Bằng"),
        ("Thực hiện Quyết định số 481/QĐ-UBND ngày 5/3/2024 của UBND tỉnh Lai Châu, huyện triển khai.", "Cao Bằng", "Lai Châu"),
        ("Thực hiện Quyết định số 481/QĐ-UBND, huyện triển khai.", "Thừa Thiên Huế", "Huế"),
        ("Thực hiện Quyết định số 481/QĐ-UBND về hỗ trợ người dân Hà Giang.", None, "?"),
        ("Kế hoạch 36-KH/TU và Công văn 331/UBND-TH, Công văn 2210/SGDĐT-KTKĐCLGD.", "Lai Châu", "Lai Châu"),
        ("Chỉ thị 04-CT/TW, Quyết định 41/2013/QĐ-TTg, Công văn 6068/VPCP-KTTH, 12-HD/BTGTW.", "Lai Châu", "VN"),
    ],
)
def test_scope_national_by_issuer_local_by_the_province_named_or_the_portal(text, portal_province, scope):
    from monitor.analysis import ArticleInput, Monitor

    found = Monitor().analyse(ArticleInput(text, province=portal_province)).directives
    assert found and {d.scope for d in found} == {scope}
    assert all(d.key == (d.code, scope) for d in found)


@pytest.mark.parametrize("text, found", [("theo NĐ155/CP nhưng", [("155/CP", "Nghị định")]), ("số CT5/TW, xe QD12/AB", [])])
def test_press_short_form_with_the_type_glued_to_the_number(text, found):
    assert [(d.code, d.kind) for d in directives(text)] == found


@pytest.mark.parametrize(
    "text, expected",
    [
        # the number cell and the place cell of a document's header run together in a page's text
        ("Số: 05/2017/TT-BNGHà Nội, ngày 17 tháng 10 năm 2017", ["05/2017/TT-BNG"]),
        ("Số: 12/QĐ-UBNDĐà Lạt, ngày 3 tháng 2 năm 2024", ["12/QĐ-UBND"]),
        ("Số 45-CT/TWHà Nội, ngày 5", ["45-CT/TW"]),
        # ... while a code's own mixed-case parts stay whole
        ("Quyết định 41/2013/QĐ-TTg ngày 11/7", ["41/2013/QĐ-TTg"]),
        ("Công văn 2000/BTC-TTr về thanh tra", ["2000/BTC-TTr"]),
    ],
)
def test_a_code_glued_to_the_next_capitalised_word(text, expected):
    assert codes(text) == expected
