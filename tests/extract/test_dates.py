"""Vietnamese date lines: day-first always, Vietnam time, a time only where one is shown."""

from __future__ import annotations

from datetime import datetime

import pytest

from crawler.extract.dates import VIETNAM, Stamp, choose, iso, parse_iso, parse_text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("22/04/2021", "2021-04-22"),
        ("16/11/2015 - 20:10", "2015-11-16T20:10:00+07:00"),
        ("Thứ Tư, 10/06/2020 15:20", "2020-06-10T15:20:00+07:00"),
        ("07-03-2026 - 09:40 AM", "2026-03-07T09:40:00+07:00"),
        ("07-03-2026 - 00:01 AM", "2026-03-07T00:01:00+07:00"),
        ("11/10/2025 10:02 PM", "2025-10-11T22:02:00+07:00"),
        ("Ngày 07 tháng 03 năm 2026", "2026-03-07"),
        ("Thứ Bảy, ngày 7 tháng 3, năm 2026", "2026-03-07"),
        ("Thứ bảy, 7/3/2026, 00:05 (GMT+7)", "2026-03-07T00:05:00+07:00"),
        ("Nguyên Minh - 07/03/2026 08:47", "2026-03-07T08:47:00+07:00"),
        ("10:02 | 11/10/2025", "2025-10-11T10:02:00+07:00"),
        ("Cập nhật lúc 8g30, 05.03.2024", "2024-03-05T08:30:00+07:00"),
        ("21/12/2012 | 12:00 AM", "2012-12-21"),
        ("07/03/2026 08:06 GMT+7", "2026-03-07T08:06:00+07:00"),
    ],
)
def test_visible_date_lines(text, expected):
    assert iso(parse_text(text)) == expected


@pytest.mark.parametrize("text", ["03/13/2020", "31/02/2021", "Chỉ thị 04-CT/TW", "2021-2025", "số 1.751 lượt người", "45/67/1999"])
def test_impossible_or_month_first_dates_are_not_dates(text):
    assert parse_text(text) is None


def test_day_first_even_when_month_first_would_also_be_valid():
    assert iso(parse_text("03/07/2021")) == "2021-07-03"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2025-10-11T10:02:08+0700", "2025-10-11T10:02:08+07:00"),
        ("2026-03-07T08:52:11.000 +07:00", "2026-03-07T08:52:11+07:00"),
        ("2026-03-07T00:01:00", "2026-03-07T00:01:00+07:00"),
        ("2021-12-14T03:45:33Z", "2021-12-14T10:45:33+07:00"),
        ("2021-12-14T20:15:00-05:00", "2021-12-15T08:15:00+07:00"),
        ("2026-03-07T00:00:00", "2026-03-07"),
        ("2026-03-07", "2026-03-07"),
    ],
)
def test_machine_dates_are_vietnam_time(value, expected):
    assert iso(parse_iso(value)) == expected


def _stamp(text: str) -> Stamp:
    return parse_iso(text) or parse_text(text)


def test_the_date_line_wins_over_metadata_of_another_day():
    visible, meta = _stamp("16/11/2015 - 20:10"), _stamp("2015-11-20T09:00:00+07:00")
    assert iso(choose(visible, meta)) == "2015-11-16T20:10:00+07:00"


def test_metadata_adds_seconds_only_when_it_agrees_to_the_minute():
    visible = _stamp("07/03/2026 08:01")
    assert iso(choose(visible, _stamp("2026-03-07T08:01:53+07:00"))) == "2026-03-07T08:01:53+07:00"
    assert iso(choose(visible, _stamp("2026-03-07T09:30:00+07:00"))) == "2026-03-07T08:01:00+07:00"


def test_metadata_adds_the_time_to_a_date_only_line():
    assert iso(choose(_stamp("Ngày 14 tháng 12 năm 2021"), _stamp("2021-12-14T10:45:33+07:00"))) == "2021-12-14T10:45:33+07:00"


def test_no_date_anywhere():
    assert choose(None, None) is None


def test_stamps_are_aware_vietnam_datetimes():
    stamp = parse_text("16/11/2015 - 20:10")
    assert stamp.when == datetime(2015, 11, 16, 20, 10, tzinfo=VIETNAM)
    assert stamp.when.utcoffset().total_seconds() == 7 * 3600
