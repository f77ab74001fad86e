"""Splitting HTML into Telegram-sized parts: whole tags and entities, tags reopened, nothing lost."""

from __future__ import annotations

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.alerting.htmlsplit import split_message
from tests.fakes.telegram_html import styled_chars, telegram_length, visible_text


def _check(parts: list[str], original: str, limit: int) -> None:
    for part in parts:
        assert telegram_length(part) <= limit
        assert visible_text(part).strip()  # parses as Telegram would, and is not blank
    # Whitespace at a cut is dropped (Telegram would trim it anyway); every other character stays.
    assert "".join("".join(visible_text(p).split()) for p in parts) == "".join(visible_text(original).split())


def test_a_message_that_fits_is_left_alone():
    assert split_message("<b>ngắn</b> & gọn") == ["<b>ngắn</b> & gọn"]
    assert split_message(" \n ") == []


def test_entities_are_never_cut():
    original = "&amp;&lt;&#39;&#x1F600;" * 60
    parts = split_message(original, limit=64)
    _check(parts, original, 64)
    assert all(part.startswith("&") and part.endswith(";") for part in parts)


def test_open_tags_are_closed_and_reopened():
    original = '<blockquote><a href="https://x.vn/?a=1&amp;b=2">' + "chữ đẹp " * 60 + "</a></blockquote> hết"
    parts = split_message(original, limit=200)
    _check(parts, original, 200)
    for part in parts[:-1]:
        assert part.startswith('<blockquote><a href="https://x.vn/?a=1&amp;b=2">')
        assert part.endswith("</a></blockquote>")
    assert parts[-1].endswith("</a></blockquote> hết")


def test_cuts_prefer_line_ends_then_spaces():
    lines = [f"Dòng {i}: nội dung thông báo của tỉnh" for i in range(40)]
    parts = split_message("\n".join(lines), limit=200)
    assert all(part.split("\n")[-1] in lines for part in parts)
    words = split_message("từ " * 200, limit=100)
    assert all(part.rstrip().endswith("từ") for part in words)


def test_utf16_units_are_counted_like_telegram():
    parts = split_message("😀" * 100, limit=64)
    assert [telegram_length(p) for p in parts] == [64, 64, 64, 8]


def test_combining_marks_stay_with_their_letter():
    decomposed = "Vie\u0302\u0323t Nam "  # "Việt" written with combining marks
    parts = split_message(decomposed * 40, limit=64)
    _check(parts, decomposed * 40, 64)
    assert not any(part[0] in "\u0302\u0323" for part in parts)


def test_a_tag_too_long_for_any_part_is_dropped_not_broken():
    original = '<a href="https://x.vn/' + "p" * 200 + '">liên kết</a> ' + "văn bản " * 30
    parts = split_message(original, limit=64)
    _check(parts, original, 64)
    assert "<a " not in "".join(parts)


def test_stray_end_tags_do_not_break_parts():
    original = "mở </b>" + "<i>nghiêng</i> " * 30
    _check(split_message(original, limit=64), original.replace("</b>", ""), 64)


def test_tiny_limits_are_refused():
    with pytest.raises(ValueError):
        split_message("x" * 100, limit=10)


_TAGS = ["<b>", "<i>", "<u>", "<s>", "<code>", "<blockquote>", '<span class="tg-spoiler">',
         '<a href="https://x.vn/?a=1&amp;b=2">', "<tg-spoiler>"]
_TEXT = st.text(st.sampled_from(list("ab cđệỗ\n<>&\"'😀\u0301")), max_size=40).map(
    lambda t: html.escape(t, quote=False))


def _element(tag: str, children: list[str]) -> str:
    name = tag[1:].split(">")[0].split()[0]
    return f"{tag}{''.join(children)}</{name}>"


_HTML = st.recursive(
    _TEXT, lambda inner: st.builds(_element, st.sampled_from(_TAGS), st.lists(inner, max_size=4)), max_leaves=30
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_HTML, min_size=1, max_size=8).map("".join), st.integers(64, 400))
def test_any_well_formed_message_splits_into_valid_parts_with_the_same_formatting(original, limit):
    if not visible_text(original).strip():
        assert split_message(original, limit) in ([], [original])
        return
    parts = split_message(original, limit)
    _check(parts, original, limit)
    styled = [(ch, tags) for ch, tags in styled_chars(original) if not ch.isspace()]
    overhead = max((sum(telegram_length(t) + len(t.split()[0].rstrip(">")) + 2 for t in tags) for _, tags in styled),
                   default=0)
    if overhead <= limit // 2:  # otherwise some tag had to be dropped: the text check above suffices
        joined = [(ch, tags) for p in parts for ch, tags in styled_chars(p) if not ch.isspace()]
        assert joined == styled
