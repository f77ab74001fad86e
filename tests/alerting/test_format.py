"""Alert messages: Vietnamese labels, Vietnam time, escaping, and acceptance by the fake server."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from monitor.alerting.format import (
    Alert, EventKind, Reason, Source, render_html, render_parts, render_text, spans_from_markers, vn_time,
)
from tests.fakes.telegram_html import telegram_length, visible_text

UTC = dt.timezone.utc


SNIPPET = "Ngày 14/3, UBND tỉnh ban hành Chỉ thị số 12/CT-UBND về ..."
MATCH = (SNIPPET.index("Chỉ thị"), SNIPPET.index(" về"))


def _alert(**changes) -> Alert:
    fields = dict(
        title="UBND tỉnh ban hành Chỉ thị số 12/CT-UBND về phòng, chống thiên tai",
        reasons=[Reason(EventKind.DIRECTIVE, SNIPPET, [MATCH], 'số hiệu "12/CT-UBND"', doc_kinds=("Chỉ thị",))],
        sources=[Source("Cổng TTĐT tỉnh Quảng Ninh", "https://quangninh.gov.vn/tin/12-ct?id=5&lang=vi")],
        published_at=dt.datetime(2025, 3, 14, 2, 30, tzinfo=UTC),
    )
    return Alert(**{**fields, **changes})


def test_message_has_kind_title_portal_vietnam_time_reason_and_link():
    text = visible_text(render_html(_alert()))
    lines = text.splitlines()
    assert lines[0] == "🔔 Chỉ thị mới"
    assert lines[1] == "UBND tỉnh ban hành Chỉ thị số 12/CT-UBND về phòng, chống thiên tai"
    assert lines[2] == "Nguồn: Cổng TTĐT tỉnh Quảng Ninh"
    assert lines[3] == "Đăng lúc: 14/03/2025 09:30 (giờ Việt Nam)"
    assert 'Chỉ thị mới — số hiệu "12/CT-UBND"' in text
    assert "Xem bài trên Cổng TTĐT tỉnh Quảng Ninh" in text
    assert '<a href="https://quangninh.gov.vn/tin/12-ct?id=5&amp;lang=vi">' in render_html(_alert())
    assert "<b>Chỉ thị số 12/CT-UBND</b> về" in render_html(_alert())


@pytest.mark.parametrize(("moment", "shown"), [
    (dt.datetime(2024, 12, 31, 17, 5, tzinfo=UTC), "01/01/2025 00:05"),
    (dt.datetime(2025, 6, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))), "01/06/2025 06:00"),
    (dt.datetime(2025, 6, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), "01/06/2025 08:00"),
])
def test_times_are_shown_in_vietnam_time(moment, shown):
    assert vn_time(moment) == shown


def test_naive_times_are_refused_rather_than_guessed():
    with pytest.raises(ValueError, match="naive"):
        vn_time(dt.datetime(2025, 1, 1, 8, 0))


@pytest.mark.parametrize(("kinds", "new", "heading"), [
    (("Quyết định",), True, "Quyết định mới"),
    (("Nghị quyết",), True, "Nghị quyết mới"),
    (("Kế hoạch",), True, "Kế hoạch mới"),
    ((), True, "Văn bản mới"),  # kind unknown (e.g. an alert stored before kinds were kept)
    (("Quyết định", "Kế hoạch"), True, "Văn bản mới"),
    (("Quyết định",), False, "Quyết định"),  # a mention of a known document
])
def test_a_document_alert_is_headed_by_the_documents_kind(kinds, new, heading):
    alert = _alert(reasons=[Reason(EventKind.DIRECTIVE, SNIPPET, [MATCH], "x", doc_kinds=kinds, new=new)])
    assert visible_text(render_html(alert)).splitlines()[0] == f"🔔 {heading}"
    assert render_text(alert).startswith(f"[{heading}] ")


def test_a_quyet_dinh_from_matching_is_not_headed_chi_thi():
    from monitor.analysis import Monitor
    from monitor.processing import reason_of
    from monitor.rules import bundled_rules
    from monitor.alerting.sender import message_of
    from storage.outbox import AlertView

    analysis = Monitor(bundled_rules()).analyse("UBND tỉnh ban hành Quyết định số 2718/QĐ-UBND về việc phê duyệt kế hoạch.")
    reasons = [reason_of(m, analysis.directives) for m in analysis.rules]
    view = AlertView(1, 5, "Quyết định 2718/QĐ-UBND", None, reasons, [("Cổng", "https://x.vn/qd")])
    assert visible_text(render_html(message_of(view))).splitlines()[0] == "🔔 Quyết định mới"


def test_unknown_publication_time_is_said_so():
    assert "Đăng lúc: không rõ" in render_text(_alert(published_at=None))


def test_portal_text_is_escaped_everywhere():
    hostile = _alert(
        title='<script>alert(1)</script> & "Quyết định" <b>',
        reasons=[Reason(EventKind.KEYWORD, "a < b && c > d <i>", [(0, 1)], "từ khóa <x>")],
        sources=[Source("Báo <Lạng Sơn> & Co", 'https://x.vn/?a="1"&b=<2>')],
    )
    message = render_html(hostile)
    shown = visible_text(message)  # the fake server's parser: raises on anything Telegram refuses
    assert '<script>alert(1)</script> & "Quyết định" <b>' in shown
    assert "a < b && c > d <i>" in shown and "Báo <Lạng Sơn> & Co" in shown
    assert 'href="https://x.vn/?a=&quot;1&quot;&amp;b=&lt;2&gt;"' in message


def test_non_web_links_are_shown_not_linked():
    message = render_html(_alert(sources=[Source("Cổng X", "javascript:alert(1)")]))
    assert "<a " not in message and "Cổng X: javascript:alert(1)" in visible_text(message)


def test_several_kinds_and_sources_are_listed_once_each():
    alert = _alert(
        reasons=[Reason(EventKind.FOREIGN_VISIT, "Đoàn công tác Nhật Bản thăm tỉnh", [(0, 22)], "đoàn khách"),
                 Reason("keyword", "hợp tác đầu tư", [(0, 7)], 'từ khóa "hợp tác"'),
                 Reason(EventKind.KEYWORD, "đầu tư", [], "")],
        sources=[Source("Cổng A", "https://a.vn/1"), Source("Báo B", "https://b.vn/2"), Source("Cổng A", "https://a.vn/1")],
    )
    text = visible_text(render_html(alert))
    assert text.splitlines()[0] == "🔔 Đoàn nước ngoài · Từ khóa"
    assert "Nguồn: Cổng A, Báo B" in text and text.count("Xem bài trên") == 2


def test_plain_text_for_the_console_marks_matches():
    text = render_text(_alert())
    assert text.splitlines()[0].startswith("[Chỉ thị mới] UBND tỉnh")
    assert "«Chỉ thị số 12/CT-UBND» về" in text
    assert "Link: https://quangninh.gov.vn/tin/12-ct?id=5&lang=vi (Cổng TTĐT tỉnh Quảng Ninh)" in text


def test_markers_become_spans():
    snippet, spans = spans_from_markers("Tiếp [[đoàn]] khách [[Hàn Quốc]].")
    assert snippet == "Tiếp đoàn khách Hàn Quốc." and spans == ((5, 9), (16, 24))
    message = render_html(_alert(reasons=[Reason(EventKind.FOREIGN_VISIT, snippet, spans)]))
    assert "Tiếp <b>đoàn</b> khách <b>Hàn Quốc</b>." in message


def test_long_snippets_are_cut_to_a_window_around_the_match():
    snippet = "mở đầu " * 200 + "Chỉ thị số 7" + " kết" * 200
    start = snippet.index("Chỉ thị")
    message = render_html(_alert(reasons=[Reason(EventKind.DIRECTIVE, snippet, [(start, start + 12)])]), max_snippet=120)
    quote = visible_text(message).split("\n")[6]
    assert quote.startswith("…") and quote.endswith("…") and "Chỉ thị số 7" in quote and len(quote) <= 122


def test_every_part_of_a_huge_alert_is_accepted_by_the_server(unlimited_telegram):
    reasons = [Reason(EventKind.KEYWORD, f"Đoạn {i}: <hội nghị> & hợp tác với đối tác 😀 " * 20, [(0, 5)], f"lý do {i}")
               for i in range(30)]
    parts = render_parts(_alert(reasons=reasons), limit=4096)
    assert len(parts) > 2 and all(telegram_length(p) <= 4096 for p in parts)

    async def send_all():
        async with unlimited_telegram.bot() as bot:
            for part in parts:
                await bot.send_message(1, part, parse_mode="HTML")

    asyncio.run(send_all())
    assert [m.text for m in unlimited_telegram.sent] == parts
