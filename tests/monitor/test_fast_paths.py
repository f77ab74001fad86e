"""The shortcuts taken for throughput (see tests/bench_monitor.py) give what the plain ways give.

Each fast path is checked against the straightforward code it replaced: a Python loop over the
automaton's hits, ``finditer`` over the whole text, ``\\d{1,5}`` in the code pattern, and match
records built eagerly.
"""

import re
from collections import defaultdict

from hypothesis import given, settings, strategies as st

from monitor.analysis import Monitor
from monitor.directives import CODE, find_codes
from monitor.findings import RuleMatch
from monitor.folded import _SENTENCE_END, FoldedText
from monitor.places import entries as place_entries, exclusions
from monitor.rules import Rule, bundled_rules
from monitor.terms import TermIndex
from tests.monitor.test_properties import any_text, vietnamese_text

TEXT = (
    "Tăng cường quản lý biên giới Việt - Lào\n"
    "Ngày 5/4, Chủ tịch UBND tỉnh Lai Châu tiếp Đại sứ Lào tại Việt Nam. "
    "Hai bên bàn về cửa khẩu Ma Lù Thàng và Chỉ thị số 04-CT/TW ngày 06/7/2011. "
    "Tỉnh cũng triển khai Quyết định số 481/QĐ-UBND về bóng đá học đường, biên giới và cửa khẩu."
)
PLACES = ["Lào", "Mỹ", "Trung Quốc", "Lào Cai", "Phú Mỹ", "lao", "My"]
PLACE_TEXT = st.lists(
    st.sampled_from(PLACES + ["Cai", "thuốc lào", "Phú", "và", ",", ".", "tỉnh", "Lao Cai", "\n"]), max_size=30
).map(" ".join)


def _index() -> TermIndex:
    index = TermIndex()
    for insensitive in (False, True):
        for term in PLACES + ["biên giới", "Lào Cai", "cửa khẩu"]:
            index.add(term, insensitive)
    index.build()
    return index


INDEX = _index()


def reference_find(index: TermIndex, folded: FoldedText) -> dict[int, list[int]]:
    """The loop ``TermIndex.find`` replaced: term id -> ends, foreign names inside exclusions dropped."""
    found: dict[int, list[int]] = defaultdict(list)
    for automaton, insensitive in index._automata:
        excluded = []
        for end, tid in automaton.iter(folded.stripped if insensitive else folded.lower):
            if tid < 0:
                excluded.append((end + tid + 2, end))
                continue
            found[tid].append(end)
            if tid in index._excluding:
                excluded.append((end - index._excluding[tid] + 1, end))
        for tid in list(found):
            if tid not in index._place_terms or index.terms[tid].insensitive != insensitive or not excluded:
                continue
            length = len(index.terms[tid].key)
            kept = [
                end for end in found[tid]
                if not any(s <= end - length + 1 and end <= e and e - s >= length for s, e in excluded)
            ]
            if kept:
                found[tid] = kept
            else:
                del found[tid]
    return dict(sorted(found.items()))


def test_the_index_has_exclusions_and_both_accent_settings():
    assert len(INDEX._automata) == 2 and INDEX._excluding and INDEX._place_terms
    assert "Lào Cai" in exclusions() and any(term == "Lào" for term, _ in place_entries())


@settings(max_examples=200, deadline=None)
@given(PLACE_TEXT | vietnamese_text)
def test_occurrences_are_those_of_a_plain_loop(text):
    folded = FoldedText(text)
    found = INDEX.find(folded)
    expected = reference_find(INDEX, folded)
    assert found.as_dict() == expected
    assert found.tids == set(expected)
    for tid in range(len(INDEX.terms)):
        assert found.count(tid) == len(expected.get(tid, []))
        assert (tid in found) == (tid in expected)


def test_a_foreign_name_inside_a_vietnamese_place_does_not_count():
    folded = FoldedText("Tỉnh Lào Cai giáp Lào; thuốc lào; Lao Cai.")
    found = INDEX.find(folded).as_dict()
    assert found == reference_find(INDEX, folded)
    sensitive_lao = INDEX._ids[next(t for t in INDEX._ids if t.key == " lào " and not t.insensitive)]
    assert len(found[sensitive_lao]) == 1  # "Lào", not "Lào Cai" nor "thuốc lào"


@settings(max_examples=200, deadline=None)
@given(any_text | vietnamese_text)
def test_sentence_ends_are_those_of_finditer(text):
    folded = FoldedText(text)
    assert folded._sentence_ends() == [m.end() for m in _SENTENCE_END.finditer(folded.text)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["12", "123456", "/", " / ", "2020", "-", " - ", "CT", "QĐ", "TW", "UBND", "QH15", "x", " "]),
                max_size=20).map("".join) | vietnamese_text)
def test_code_pattern_opening_with_one_digit_class_finds_the_same_codes(text):
    plain = re.compile(CODE.pattern.replace(r"(?P<number>\d\d{0,4})", r"(?P<number>\d{1,5})", 1))
    assert plain.pattern != CODE.pattern
    assert [m.groupdict() for m in CODE.finditer(text)] == [m.groupdict() for m in plain.finditer(text)]
    find_codes(text)


def test_matches_say_the_same_whether_read_or_not():
    rules = bundled_rules() + [
        Rule(id=f"s{i}", subscriber=i, any=[term]) for i, term in enumerate(["biên giới", "cửa khẩu", "Lào"] * 3)
    ] + [Rule(id="both", all=["biên giới", "cửa khẩu"]), Rule(id="topic", any=["cửa khẩu"], topic="doi-ngoai")]
    monitor = Monitor(rules)
    unread = monitor.analyse(TEXT)
    read = monitor.analyse(TEXT)
    jsons = [m.as_json() for m in read.rules]
    assert [m.rule for m in unread.rules] == [j["rule"] for j in jsons]
    assert unread.rules == read.rules  # compared by value: rule, kind, terms, snippet, reasons
    by_rule = {m.rule: m for m in read.rules}
    assert by_rule["s0"].reasons == ("từ khóa “biên giới” (2 lần)",)
    assert by_rule["s0"].reasons is by_rule["s3"].reasons  # one rule, two subscribers: built once
    assert by_rule["s0"].snippet is by_rule["s3"].snippet
    assert by_rule["both"].terms == ("biên giới", "cửa khẩu")
    assert by_rule["both"].reasons == ("từ khóa “biên giới” (2 lần)", "từ khóa “cửa khẩu” (2 lần)")
    assert by_rule["topic"].reasons == ("từ khóa “cửa khẩu” (2 lần)", "chủ đề đối ngoại")
    assert "RuleMatch(rule='s0'" in repr(by_rule["s0"])


def test_a_rule_match_can_be_made_directly():
    [match] = [m for m in Monitor([Rule(id="b", any=["biên giới"])]).analyse(TEXT).rules]
    copy = RuleMatch("b", None, None, match.finding, match.article)
    assert copy == match and (copy.rule, copy.name, copy.subscriber, copy.kind) == ("b", None, None, "keyword")
