"""The bot's weekly commands against the fake Bot API: /digest weekly (and off) opt in and out without
touching the daily digest; /tuan answers this week's picture as a photo, paced like every reply, and
a 403 on it deactivates the chat."""

from __future__ import annotations

import time

from monitor.alerting.pacing import pacer_for
from monitor.alerting.weekly import current_week
from storage import subscribers
from storage.db import transaction
from storage.types import utcnow
from tests.support import weekly as pictures
from tests.test_bot import factory, replies  # noqa: F401 - the bot tests' database fixture
from tests.test_bot import run_updates as bot_updates

BASE = "https://pw.example.vn"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run_updates(server, factory, week_picture=pictures.render) -> int:
    return bot_updates(server, factory, week_picture=week_picture, base_url=BASE)


def test_digest_weekly_turns_the_weekly_picture_on_and_off_and_leaves_the_daily_digest(factory, unlimited_telegram):
    server = unlimited_telegram
    for text in ("/start", "/digest daily 07:30", "/digest weekly", "/list"):
        server.push_message(42, text)
    run_updates(server, factory)
    texts = replies(server, 42)
    assert "8:00 sáng thứ Hai" in texts[2] and "Bức tranh tuần" in texts[3] and "07:30" in texts[3]
    with transaction(factory) as session:
        subscriber = subscribers.get_subscriber(session, 42)
        first = subscriber.weekly_since
        assert first is not None and subscriber.digest_time == "07:30"

    for text in ("/digest weekly", "/digest off"):  # again: the first opt-in is kept; daily off leaves weekly
        server.push_message(42, text)
    run_updates(server, factory)
    with transaction(factory) as session:
        subscriber = subscribers.get_subscriber(session, 42)
        assert subscriber.weekly_since == first and subscriber.digest_time is None

    for text in ("/digest weekly off", "/digest weekly sometimes"):
        server.push_message(42, text)
    run_updates(server, factory)
    off, wrong = replies(server, 42)[-2:]
    assert off == "Đã tắt bức tranh tuần." and "/digest weekly off" in wrong
    with transaction(factory) as session:
        assert subscribers.get_subscriber(session, 42).weekly_since is None

    server.push_message(43, "/digest weekly")  # not registered
    run_updates(server, factory)
    assert "/start" in replies(server, 43)[0]


def test_tuan_answers_this_weeks_picture_as_a_photo_with_caption_and_link(factory, unlimited_telegram):
    server = unlimited_telegram
    pictures.CALLS.clear()
    server.push_message(51, "/tuan")
    run_updates(server, factory)
    year, week = current_week(utcnow())
    assert pictures.CALLS == [(year, week, BASE)]
    [photo] = server.sent_to(51)
    assert photo.photo.startswith(PNG_MAGIC) and photo.photo == pictures.draw_png(year, week)
    assert photo.text == f"Tuần {week}/{year}: 3 văn bản mới, 2 đoàn nước ngoài (Lào, Nhật Bản) & <12> bài\n{BASE}/tuan/{year}-W{week:02d}"
    assert [m for m, _ in server.calls if m.startswith("send")] == ["sendphoto"]


def test_tuan_is_paced_by_the_pacer_that_paces_alerts(factory, unlimited_telegram):
    server = unlimited_telegram
    held_from = time.monotonic()
    pacer_for(server.token).pause(1.5, 52)  # e.g. a RetryAfter answered to an alert for this chat
    server.push_message(52, "/tuan")
    run_updates(server, factory)
    [photo] = server.sent_to(52)
    assert photo.photo is not None and photo.at >= held_from + 1.5


def test_tuan_refused_with_403_deactivates_the_chat(factory, unlimited_telegram):
    server = unlimited_telegram
    server.push_message(53, "/start")
    run_updates(server, factory)
    server.block(53)
    server.push_message(53, "/tuan")
    run_updates(server, factory)
    assert server.count_403 == 1
    with transaction(factory) as session:
        subscriber = subscribers.get_subscriber(session, 53)
        assert not subscriber.active and "blocked" in subscriber.deactivated_reason


def test_tuan_without_a_picture_or_with_a_failing_one_says_so_in_one_line(factory, unlimited_telegram):
    server = unlimited_telegram
    server.push_message(54, "/tuan")
    run_updates(server, factory, week_picture=None)

    def broken(session, year, week, base):
        raise RuntimeError("matplotlib exploded")

    server.push_message(54, "/tuan")
    run_updates(server, factory, week_picture=broken)
    missing, failed = replies(server, 54)
    assert missing == "Bức tranh tuần chưa được bật trên máy chủ này."
    assert failed == "Chưa vẽ được bức tranh tuần lúc này, vui lòng thử lại sau."
