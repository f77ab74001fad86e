import unicodedata

import pytest

from monitor.analysis import Monitor
from monitor.folded import FoldedText
from monitor.normalise import canonical, fold_key, fold_term, strip_accents
from tests.monitor.spelling import nfd, tone_on_second_vowel


@pytest.mark.parametrize(
    "written, expected",
    [
        ("hoà bình", "hòa bình"),
        ("Thuỷ lợi", "Thủy lợi"),
        ("KHOẺ MẠNH", "KHỎE MẠNH"),
        ("Uỷ ban nhân dân", "Ủy ban nhân dân"),
        ("toà án", "tòa án"),
        ("hòa bình", "hòa bình"),
    ],
)
def test_both_tone_placements_become_one(written, expected):
    assert canonical(written) == expected


@pytest.mark.parametrize("word", ["quý", "Quý", "hoàn thành", "khoảng", "thuyền", "quỳnh"])
def test_syllables_with_one_possible_placement_are_left_alone(word):
    assert canonical(word) == word


def test_nfd_input_is_composed():
    assert canonical(nfd("Đối ngoại nhân dân")) == "Đối ngoại nhân dân"
    assert canonical(nfd("hòa")) == canonical("hoà") == "hòa"


def test_lookalike_eth_and_invisible_characters():
    assert canonical("\u00d0à Nẵng") == "Đà Nẵng"
    assert canonical("biên\u200b giới\u00ad") == "biên giới"


def test_fold_term_is_case_and_punctuation_blind_but_keeps_accents():
    assert fold_term("Kinh tế - xã hội") == fold_term("kinh tế-xã hội") == fold_term("KINH TẾ  XÃ HỘI")
    assert fold_term("TP.HCM") == fold_term("TP HCM") == " tp hcm "
    assert fold_term("ĐỐI NGOẠI") == fold_term("đối ngoại")
    assert fold_term("bạn bè") != fold_term("bàn về")
    assert fold_term("...") == ""


def test_strip_accents_keeps_length_and_handles_d():
    text = "Đồng chí Bí thư thăm Lào"
    assert strip_accents(text) == "Dong chi Bi thu tham Lao"
    assert len(strip_accents(text)) == len(text)


def test_fold_key_for_names():
    assert fold_key("Tỉnh  Lai Châu") == fold_key("tinh lai chau") == "tinh lai chau"


def test_folded_text_maps_matches_back_to_the_canonical_text():
    folded = FoldedText("Hợp tác với tỉnh Hủa Phăn (Lào), thăm TP.HCM.")
    key = fold_term("Hủa Phăn")
    end = folded.lower.index(key) + len(key) - 1
    start, stop = folded.match_span(end, key)
    assert folded.text[start:stop] == "Hủa Phăn"
    assert folded.match_spans([end], key) == [(start, stop)]


def _count(keyword: str, text: str, insensitive: bool = False) -> int:
    analysis = Monitor(keywords=[keyword], accent_insensitive=insensitive).analyse(text)
    return analysis.keywords[0].count


def test_matching_is_accent_sensitive_by_default():
    assert _count("bạn bè", "Ông nói về bàn về kinh tế.") == 0
    assert _count("bạn bè", "Tranh thủ sự ủng hộ của bạn bè quốc tế.") == 1
    assert _count("ban be", "Tranh thủ sự ủng hộ của bạn bè quốc tế.") == 0


def test_accent_insensitive_matching_on_request():
    assert _count("ban be", "Tranh thủ sự ủng hộ của bạn bè quốc tế.", insensitive=True) == 1
    assert _count("bien gioi viet lao", "Biên giới Việt - Lào", insensitive=True) == 1


def test_matches_respect_syllable_boundaries():
    assert _count("Lào", "Làoo, Láo và Lào.") == 1
    assert _count("an", "Toàn dân an tâm.") == 1
    assert _count("Nam", "Namibia và Việt Nam") == 1


def test_a_foreign_name_does_not_match_inside_a_vietnamese_name_that_contains_it():
    text = "Tỉnh Lào Cai hợp tác với Lào; cấm hút thuốc lào; Mỹ Tho và Hoa Kỳ (Mỹ)."
    assert _count("Lào", text) == 1
    assert _count("Lào Cai", text) == 1
    assert _count("Mỹ", text) == 1
    assert _count("Cai", text) == 1  # only foreign names are protected


def test_phrases_do_not_run_across_sentences_but_do_across_dashes():
    assert _count("Hà Nội", "Đến Hà. Nội dung khác.") == 0
    assert _count("kinh tế xã hội", "phát triển kinh tế - xã hội") == 1


def test_all_spellings_of_a_text_match_alike():
    text = "Hòa bình, thủy lợi và sức khỏe; Ủy ban Biên giới quốc gia."
    for variant in (nfd(text), tone_on_second_vowel(text), unicodedata.normalize("NFD", tone_on_second_vowel(text))):
        assert _count("hoà bình", variant) == 1
        assert _count("Uỷ ban biên giới", variant) == 1
