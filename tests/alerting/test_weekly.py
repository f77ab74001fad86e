"""The weekly picture, delivered: queued on Monday 08:00 Vietnam time (injected clock) once per
opted-in subscriber per ISO week, then sent on every channel with real peers — the fake Bot API
(sendPhoto upload), aiosmtpd (inline image by cid) and an Apprise json:// endpoint on 127.0.0.1."""

from __future__ import annotations

import asyncio
import base64
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError

from monitor.alerting import weekly as weekly_delivery
from monitor.alerting.apprise_channel import AppriseChannel
from monitor.alerting.sender import ConsoleDelivery, Sender, TelegramDelivery
from storage import subscribers, weekly
from storage.db import transaction
from storage.models import WeeklyMessage
from tests.alerting.test_channels import HookServer
from tests.fakes.smtp_server import SmtpServer
from tests.support import weekly as pictures
from tests.support.channels import KEY, MAIL_FROM, PUBLIC_URL, close_transports, email_channel, subscriber_with

VN = timezone(timedelta(hours=7))
BASE = "https://pw.example.vn"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SUNDAY_NIGHT = datetime(2026, 11, 29, 23, 59, tzinfo=VN)  # the last minute of ISO week 48
MONDAY_8 = datetime(2026, 11, 30, 8, 0, tzinfo=VN)
OPTED_IN = datetime(2026, 11, 25, 9, 0, tzinfo=VN)  # Wednesday of week 48: after week 47's slot


def person(session, channels: list[tuple[str, str]], weekly_since: datetime | None):
    subscriber = subscriber_with(session, channels)
    if weekly_since is not None:
        weekly.set_weekly(session, subscriber.id, True, now=weekly_since)
    return subscriber.id


def queued(factory) -> list[tuple[int, int, int]]:
    with transaction(factory) as session:
        return sorted((m.subscriber_id, m.iso_year, m.iso_week) for m in weekly.messages(session))


def send(factory, sender: Sender, clock=None) -> weekly_delivery.WeeklySender:
    """One weekly pass (recover, send what is due) through ``sender``'s transports, then close them."""
    weekly_sender = weekly_delivery.WeeklySender(factory, sender, pictures.render, BASE, clock=clock or (lambda: MONDAY_8))

    async def go():
        weekly_sender.recover()
        try:
            await weekly_sender.send_due()
        finally:
            await close_transports(sender)

    asyncio.run(go())
    return weekly_sender


def test_monday_8_queues_last_week_once_per_opted_in_subscriber(db_factory):
    factory = db_factory
    with transaction(factory) as session:
        reader = person(session, [("telegram", "501")], OPTED_IN)
        both = person(session, [("email", "hai@example.vn"), ("apprise", "json://127.0.0.1:9/h")], OPTED_IN)
        never = person(session, [("telegram", "502")], None)
        gone = person(session, [("telegram", "503")], OPTED_IN)
        weekly.set_weekly(session, gone, False)
        late = person(session, [("telegram", "504")], datetime(2026, 12, 1, 10, 0, tzinfo=VN))  # opted in after Monday

    assert weekly_delivery.enqueue_due(factory, SUNDAY_NIGHT) == 0  # week 48 is not over
    assert queued(factory) == []
    assert weekly_delivery.enqueue_due(factory, MONDAY_8) == 2
    assert queued(factory) == [(reader, 2026, 48), (both, 2026, 48)]
    with transaction(factory) as session:
        kinds = sorted(c.kind for _, c in weekly.deliveries(session))
    assert kinds == ["apprise", "email", "telegram"]  # one delivery per channel, written with the message

    # The same week again — a second run, the start-up catch-up, Sunday night — queues nothing new.
    for now in (MONDAY_8, MONDAY_8 + timedelta(hours=5), datetime(2026, 12, 6, 23, 59, tzinfo=VN)):
        assert weekly_delivery.enqueue_due(factory, now) == 0
    assert len(queued(factory)) == 2
    # The key is the database's, not only the code's.
    with pytest.raises(IntegrityError), transaction(factory) as session:
        session.add(WeeklyMessage(subscriber_id=reader, iso_year=2026, iso_week=48, status="pending"))
        session.flush()

    # The next Monday: week 49 for everyone opted in by then, the late one included; the opted-out never.
    assert weekly_delivery.enqueue_due(factory, datetime(2026, 12, 7, 8, 0, 30, tzinfo=VN)) == 3
    assert {s for s, _, w in queued(factory) if w == 49} == {reader, both, late}
    assert never not in {s for s, _, _ in queued(factory)} and gone not in {s for s, _, _ in queued(factory)}
    with transaction(factory) as session:
        statuses = {(m.subscriber_id, m.iso_week): m.status for m in weekly.messages(session)}
    assert statuses[(reader, 48)] == "dropped"  # never sent, superseded by week 49: no stale picture


def test_the_cron_trigger_fires_monday_8_vietnam_time_with_a_generous_misfire_grace():
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    trigger = weekly_delivery.weekly_trigger()
    assert trigger.get_next_fire_time(None, SUNDAY_NIGHT) == MONDAY_8
    assert trigger.get_next_fire_time(MONDAY_8, MONDAY_8 + timedelta(seconds=1)) == MONDAY_8 + timedelta(days=7)
    assert trigger.get_next_fire_time(None, datetime(2026, 11, 30, 0, 30, tzinfo=timezone.utc)) == MONDAY_8  # 07:30 in Vietnam

    # Across the new year: 2026 has an ISO week 53 (28/12/2026–03/01/2027), sent on Monday 04/01/2027.
    due = weekly_delivery.due_week(datetime(2027, 1, 4, 8, 0, tzinfo=VN))
    assert (due.iso_year, due.iso_week) == (2026, 53)
    assert weekly_delivery.subject(2026, 53).startswith("Tuần 53/2026 (28/12–03/01/2027)")
    assert weekly_delivery.due_week(datetime(2027, 1, 4, 0, 59, tzinfo=timezone.utc)).iso_week == 52  # 07:59 in Vietnam

    scheduler = AsyncIOScheduler(timezone="Asia/Ho_Chi_Minh")
    weekly_delivery.add_weekly_job(scheduler, lambda: None)
    [job] = scheduler.get_jobs()
    assert job.coalesce is True and job.max_instances == 1
    assert job.misfire_grace_time >= 24 * 3600  # APScheduler's default of 1 s would skip a week's picture


def test_telegram_gets_one_photo_with_caption_and_link_and_the_opted_out_nothing(db_factory, unlimited_telegram):
    factory, server = db_factory, unlimited_telegram
    with transaction(factory) as session:
        person(session, [("telegram", "601")], OPTED_IN)
        person(session, [("telegram", "602")], None)
    weekly_delivery.enqueue_due(factory, MONDAY_8)
    pictures.CALLS.clear()
    first = send(factory, Sender(factory, TelegramDelivery(server.bot())))
    assert first.stats.sent == 1 and pictures.CALLS == [(2026, 48, BASE)]
    [photo] = server.sent_to(601)
    assert photo.photo.startswith(PNG_MAGIC) and photo.photo == pictures.draw_png(2026, 48)
    assert photo.text.startswith("Tuần 48/2026: 3 văn bản mới") and "& <12> bài" in photo.text
    assert photo.text.endswith(f"\n{BASE}/tuan/2026-W48")
    assert server.sent_to(602) == []
    assert [method for method, _ in server.calls].count("sendphoto") == 1
    # Another pass, and another enqueue for the same week: nothing more.
    weekly_delivery.enqueue_due(factory, MONDAY_8 + timedelta(minutes=5))
    assert send(factory, Sender(factory, TelegramDelivery(server.bot()))).stats.sent == 0
    assert len(server.sent_to(601)) == 1
    with transaction(factory) as session:
        assert weekly.counts_by_status(session) == {"sent": 1}
        [(delivery, _)] = weekly.deliveries(session)
        assert delivery.message_id == str(photo.message_id)


def test_e_mail_is_text_and_html_with_the_png_inline_by_cid(db_factory):
    factory = db_factory
    with transaction(factory) as session:
        sid = person(session, [("email", "lan.tran@example.vn")], OPTED_IN)
        channel_id = subscribers.get_channel(session, "email", "lan.tran@example.vn").id
    weekly_delivery.enqueue_due(factory, MONDAY_8)
    with SmtpServer() as smtp:
        send(factory, Sender(factory, ConsoleDelivery(), transports={"email": email_channel(smtp.url)}))
        [mail] = smtp.to("lan.tran@example.vn")
    message = mail.message
    assert message["Subject"].startswith("Tuần 48/2026 (23/11–29/11/2026)")
    assert message["Message-ID"] == f"<weekly-2026W48.subscriber-{sid}.channel-{channel_id}@pw.example.vn>"
    assert message.get_content_type() == "multipart/alternative"
    link = f"<{PUBLIC_URL}/huy-dang-ky?token="
    assert message["List-Unsubscribe"].startswith(link) and message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    plain = message.get_body(("plain",)).get_content()
    assert "Tuần 48/2026: 3 văn bản mới" in plain and f"{BASE}/tuan/2026-W48" in plain
    related = next(part for part in message.iter_parts() if part.get_content_type() == "multipart/related")
    html_part, image = list(related.iter_parts())
    html = html_part.get_content()
    assert html_part.get_content_type() == "text/html" and "&amp; &lt;12&gt; bài" in html  # the caption escaped
    assert f'href="{BASE}/tuan/2026-W48"' in html
    cid = re.search(r'<img src="cid:([^"]+)"', html).group(1)
    assert image.get_content_type() == "image/png" and image["Content-ID"] == f"<{cid}>"
    assert image.get_content_disposition() == "inline"
    png = image.get_content()
    assert png.startswith(PNG_MAGIC) and png == pictures.draw_png(2026, 48)


def test_apprise_gets_the_png_as_an_attachment(db_factory):
    factory = db_factory
    with HookServer() as hook:
        url = f"json://127.0.0.1:{hook.port}/hooks/weekly-t0ken?rto=3&cto=3"
        with transaction(factory) as session:
            person(session, [("apprise", url)], OPTED_IN)
        weekly_delivery.enqueue_due(factory, MONDAY_8)
        send(factory, Sender(factory, ConsoleDelivery(), transports={"apprise": AppriseChannel()}))
        [post] = hook.posts
    assert post["title"].startswith("Tuần 48/2026 (23/11–29/11/2026)")
    assert "3 văn bản mới" in post["message"] and f"{BASE}/tuan/2026-W48" in post["message"]
    [attachment] = post["attachments"]
    assert attachment["filename"] == "tuan-48-2026.png" and attachment["mimetype"] == "image/png"
    png = base64.b64decode(attachment["base64"])
    assert png.startswith(PNG_MAGIC) and png == pictures.draw_png(2026, 48)


def test_a_blocked_chat_loses_its_telegram_channel_and_the_e_mail_still_goes(db_factory, unlimited_telegram):
    factory, server = db_factory, unlimited_telegram
    with transaction(factory) as session:
        sid = person(session, [("telegram", "701"), ("email", "bay@example.vn")], OPTED_IN)
    server.block(701)
    weekly_delivery.enqueue_due(factory, MONDAY_8)
    with SmtpServer() as smtp:
        stats = send(factory, Sender(factory, TelegramDelivery(server.bot()), transports={"email": email_channel(smtp.url)})).stats
        assert len(smtp.to("bay@example.vn")) == 1
    assert stats.sent == 1 and stats.deactivated == 1 and server.count_403 == 1
    with transaction(factory) as session:
        assert [(c.kind, c.active) for c in subscribers.channels_of(session, sid, active_only=False)] == [("telegram", False), ("email", True)]
        assert weekly.counts_by_status(session) == {"sent": 1}


def test_e_mail_waits_queued_without_an_smtp_server_and_a_bad_drawing_is_retried(db_factory):
    factory = db_factory
    with transaction(factory) as session:
        person(session, [("email", "tam@example.vn")], OPTED_IN)
    weekly_delivery.enqueue_due(factory, MONDAY_8)
    assert send(factory, Sender(factory, ConsoleDelivery())).stats.sent == 0  # no e-mail transport: it waits
    with transaction(factory) as session:
        assert weekly.counts_by_status(session) == {"pending": 1}

    def broken(session, year, week, base):
        raise RuntimeError("no data")

    with SmtpServer() as smtp:
        sender = Sender(factory, ConsoleDelivery(), transports={"email": email_channel(smtp.url)})
        weekly_sender = weekly_delivery.WeeklySender(factory, sender, broken, BASE, clock=lambda: MONDAY_8)
        asyncio.run(weekly_sender.send_due())
        assert weekly_sender.stats.retried == 1 and smtp.received == []
        with transaction(factory) as session:
            [(delivery, _)] = weekly.deliveries(session)
            assert delivery.status == "pending" and "no data" in delivery.last_error and delivery.next_attempt_at
        later = lambda: delivery.next_attempt_at + timedelta(seconds=1)  # noqa: E731
        send(factory, Sender(factory, ConsoleDelivery(), transports={"email": email_channel(smtp.url)}), clock=later)
        assert len(smtp.to("tam@example.vn")) == 1


def test_opting_out_after_the_week_is_queued_sends_nothing(db_factory, unlimited_telegram):
    factory, server = db_factory, unlimited_telegram
    with transaction(factory) as session:
        sid = person(session, [("telegram", "801")], OPTED_IN)
    weekly_delivery.enqueue_due(factory, MONDAY_8)
    with transaction(factory) as session:
        assert subscribers.set_weekly(session, sid, False) is True
        assert subscribers.set_weekly(session, 987654, True) is False  # no such subscriber
    assert send(factory, Sender(factory, TelegramDelivery(server.bot()))).stats.sent == 0
    assert server.sent_to(801) == []
    with transaction(factory) as session:
        assert weekly.counts_by_status(session) == {"dropped": 1}


def test_photo_caption_fits_telegrams_limit_and_keeps_the_link_whole():
    link = f"{BASE}/tuan/2026-W48"
    long = pictures.WeekPicture(b"", "Đoàn đại biểu 🇱🇦 " * 200, link)
    caption = weekly_delivery.photo_caption(long)
    assert len(caption.encode("utf-16-le")) // 2 <= 1024 and caption.endswith("…\n" + link)
    short = pictures.WeekPicture(b"", "Tuần 48/2026", link)
    assert weekly_delivery.photo_caption(short) == f"Tuần 48/2026\n{link}"


def test_a_caption_that_names_its_link_is_not_given_it_twice():
    link = f"{BASE}/tuan/2026-W48"
    named = pictures.WeekPicture(b"", f"Tuần 48/2026\n• 12 bài viết mới\nChi tiết: {link}", link)
    assert weekly_delivery.photo_caption(named) == named.caption
    assert weekly_delivery.with_link(named).count(link) == 1
    long = pictures.WeekPicture(b"", "Đối tác: Lào (3), " * 100 + f"\nChi tiết: {link}", link)
    caption = weekly_delivery.photo_caption(long)
    assert len(caption) <= 1024 and caption.count(link) == 1 and caption.endswith(link)


def test_the_webs_own_picture_goes_out_by_e_mail_and_telegram(db_factory, unlimited_telegram):
    """The wiring the daemon uses (crawler.alerts.week_picture → web.week), on real peers."""
    from crawler.alerts import week_picture

    factory, server = db_factory, unlimited_telegram
    with transaction(factory) as session:
        person(session, [("telegram", "951"), ("email", "that@example.vn")], OPTED_IN)
    weekly_delivery.enqueue_due(factory, MONDAY_8)
    link = f"{BASE}/tuan/2026-W48"
    with SmtpServer() as smtp:
        sender = Sender(factory, TelegramDelivery(server.bot()), transports={"email": email_channel(smtp.url)})
        weekly_sender = weekly_delivery.WeeklySender(factory, sender, week_picture, BASE, clock=lambda: MONDAY_8)

        async def go():
            await weekly_sender.send_due()
            await sender.transports["email"].close()
            await sender.delivery.bot.shutdown()

        asyncio.run(go())
        [mail] = smtp.to("that@example.vn")
    [photo] = server.sent_to(951)
    assert photo.photo.startswith(PNG_MAGIC) and photo.text.count(link) == 1 and len(photo.text) <= 1024
    related = next(part for part in mail.message.iter_parts() if part.get_content_type() == "multipart/related")
    html_part, image = list(related.iter_parts())
    assert image.get_content() == photo.photo  # the same picture on both channels
    assert f'<a href="{link}">{link}</a>' in html_part.get_content()
    assert mail.message.get_body(("plain",)).get_content().count(link) == 1
