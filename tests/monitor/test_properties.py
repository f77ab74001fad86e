import unicodedata

from hypothesis import given, settings, strategies as st

from monitor.analysis import Monitor
from monitor.folded import FoldedText
from monitor.normalise import canonical, fold_term, strip_accents
from monitor.rules import Rule, bundled_rules
from tests.monitor.spelling import nfd, tone_on_second_vowel

WORDS = [
    "Đại sứ", "Nhật Bản", "tiếp", "sang thăm và làm việc", "tại", "tỉnh", "Lào", "Lào Cai", "hòa bình",
    "thủy lợi", "khỏe", "Ủy ban", "quý", "hoàn", "biên giới", "cửa khẩu", "Chỉ thị số", "04-CT/TW",
    "481/QĐ-UBND", "41/2013/QĐ-TTg", "ngày 06/7/2011", "Quảng Tây", "(Trung Quốc)", "Mỹ", "Đức", "Nguyễn",
    "Văn", "đoàn đại biểu", "hội đàm", "đối ngoại", "COVID-19", "TP.HCM", "bạn bè", "bàn về", "thăm hỏi",
    "Hủa Phăn", "Đoàn", "Việt - Lào", "1.000", "U23",
]
SEPARATORS = [" ", " ", " ", ", ", ". ", "; ", ": ", " - ", "\n", "\n\n", "  ", "\t"]

vietnamese_text = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=40
).map(lambda pairs: "".join(w + s for w, s in pairs))
any_text = st.text(max_size=200) | vietnamese_text

MONITOR = Monitor(
    bundled_rules()
    + [
        Rule(id="border", any=["biên giới", "cửa khẩu"]),
        Rule(id="friends", any=["bạn bè"], none=["thăm hỏi"]),
        Rule(id="loose", any=["hoa binh"], accent_insensitive=True),
        Rule(id="laos-visit", detector="visit", partners=["Lào"]),
    ],
    keywords=["Lào", "hòa bình", "Ủy ban"],
)


@given(any_text)
def test_canonical_is_idempotent(text):
    once = canonical(text)
    assert canonical(once) == once


@given(any_text)
def test_canonical_ignores_unicode_form(text):
    assert canonical(nfd(text)) == canonical(unicodedata.normalize("NFC", text))


@given(vietnamese_text)
def test_canonical_ignores_tone_placement(text):
    assert canonical(tone_on_second_vowel(text)) == canonical(text)


@given(any_text)
def test_fold_term_is_idempotent(text):
    once = fold_term(text)
    assert fold_term(once) == once


@given(vietnamese_text)
def test_strip_accents_keeps_length(text):
    text = canonical(text)
    assert len(strip_accents(text)) == len(text)


@given(any_text)
def test_accent_insensitive_text_is_aligned_with_the_folded_text(text):
    folded = FoldedText(text)
    assert len(folded.stripped) == len(folded.lower)
    assert [i for i, c in enumerate(folded.stripped) if c == " "] == [i for i, c in enumerate(folded.lower) if c == " "]


@given(any_text)
def test_every_token_maps_back_to_its_place_in_the_text(text):
    folded = FoldedText(text)
    for index in range(folded.token_count):
        start, end = folded.token_span(index, index)
        assert folded.text[start:end] == folded.token(index)


@settings(max_examples=60, deadline=None)
@given(vietnamese_text)
def test_matching_nfc_nfd_and_either_tone_placement_gives_the_same_result(text):
    expected = MONITOR.analyse(unicodedata.normalize("NFC", text)).as_json()
    assert MONITOR.analyse(nfd(text)).as_json() == expected
    assert MONITOR.analyse(tone_on_second_vowel(text)).as_json() == expected
