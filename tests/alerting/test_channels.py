"""Subscribers with several channels: one channel's failure never blocks another; admins hear on
every channel they have; today's Telegram subscribers migrate to channels; Apprise over real HTTP."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time

import pytest
from aiohttp import web
from sqlalchemy import create_engine, select, text

from monitor.alerting.apprise_channel import AppriseChannel, redact, scrub
from monitor.alerting.pacing import Pacer
from monitor.alerting.sender import ConsoleDelivery, Sender, TelegramDelivery
from monitor.alerting.tokens import UNSUBSCRIBE, BadToken, sign, verify
from storage import notices, subscribers
from storage.db import transaction
from storage.models import AlertDelivery, Channel, Notice
from tests.fakes.smtp_server import SmtpServer
from tests.support.channels import SHOWN, email_channel, run_sender, seed, statuses, timed_on_loop
from tests.support.daemon import free_port


@pytest.fixture
def factory(db_factory):
    return db_factory


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


def deliveries(factory) -> dict[str, list[str]]:
    with transaction(factory) as session:
        rows = session.execute(select(Channel.kind, AlertDelivery.status).join(Channel, AlertDelivery.channel_id == Channel.id)).all()
    out: dict[str, list[str]] = {}
    for kind, status in rows:
        out.setdefault(kind, []).append(status)
    return out


def test_telegram_failing_with_500s_does_not_hold_back_the_e_mail(factory, smtp, unlimited_telegram):
    seed(factory, [[("telegram", "901"), ("email", "hoa@example.vn")]], count=2)
    unlimited_telegram.fail_next(1000, 500, "Internal Server Error")
    sender = Sender(factory, TelegramDelivery(unlimited_telegram.bot(), Pacer()), transports={"email": email_channel(smtp.url)})
    run_sender(sender, factory, deadline=3, until=lambda: len(smtp.to("hoa@example.vn")) == 2)
    assert len(smtp.to("hoa@example.vn")) == 2 and unlimited_telegram.sent_to(901) == []
    assert sorted(deliveries(factory)["email"]) == ["sent", "sent"]
    assert deliveries(factory)["telegram"][0] == "pending"  # retried later, not lost
    assert statuses(factory) == {"pending": 2}  # the alert waits for its last channel only
    with unlimited_telegram._lock:
        unlimited_telegram._faults.clear()
    with transaction(factory) as session:  # the backoff has passed
        session.execute(AlertDelivery.__table__.update().values(next_attempt_at=None))
    sender = Sender(factory, TelegramDelivery(unlimited_telegram.bot(), Pacer()), transports={"email": email_channel(smtp.url)})
    run_sender(sender, factory)
    assert len(unlimited_telegram.sent_to(901)) == 2 and len(smtp.to("hoa@example.vn")) == 2
    assert statuses(factory) == {"sent": 2}


def test_telegram_unreachable_still_delivers_the_e_mail(factory, smtp):
    from telegram import Bot
    from telegram.request import HTTPXRequest

    seed(factory, [[("telegram", "902"), ("email", "lan@example.vn")]], count=1)
    dead = Bot("123:dead", base_url=f"http://127.0.0.1:{free_port()}/bot", request=HTTPXRequest(connect_timeout=1, read_timeout=1))
    sender = Sender(factory, TelegramDelivery(dead, Pacer()), transports={"email": email_channel(smtp.url)})
    run_sender(sender, factory, deadline=3, until=lambda: len(smtp.to("lan@example.vn")) == 1)
    assert len(smtp.to("lan@example.vn")) == 1
    assert deliveries(factory) == {"email": ["sent"], "telegram": ["pending"]}
    assert sender.stats.retried >= 1


def test_a_blocked_chat_turns_off_that_channel_only(factory, smtp, unlimited_telegram):
    [owner] = seed(factory, [[("telegram", "903"), ("email", "mai@example.vn")]], count=2)
    unlimited_telegram.block(903)
    sender = Sender(factory, TelegramDelivery(unlimited_telegram.bot(), Pacer()), transports={"email": email_channel(smtp.url)})
    run_sender(sender, factory)
    assert len(smtp.to("mai@example.vn")) == 2
    with transaction(factory) as session:
        telegram = subscribers.get_channel(session, "telegram", "903")
        assert not telegram.active and "blocked" in telegram.deactivated_reason
        assert session.get(subscribers.Subscriber, owner).active  # still reached by e-mail
    assert statuses(factory) == {"sent": 2}


def test_e_mail_channels_wait_queued_while_no_smtp_server_is_configured(factory, smtp):
    seed(factory, [[("email", "nam@example.vn")]], count=1)
    asyncio.run(Sender(factory, ConsoleDelivery()).drain())
    assert deliveries(factory) == {"email": ["pending"]} and statuses(factory) == {"pending": 1}
    run_sender(Sender(factory, ConsoleDelivery(), transports={"email": email_channel(smtp.url)}), factory)
    assert len(smtp.to("nam@example.vn")) == 1 and statuses(factory) == {"sent": 1}


def test_admin_notices_go_to_every_channel_the_admin_has(factory):
    with transaction(factory) as session:
        admin, _ = subscribers.register(session, 777, "private")
        subscribers.add_channel(session, admin, "email", "admin@example.vn")
        subscribers.add_channel(session, admin, "apprise", "json://127.0.0.1:9/hook")
        count = notices.queue_admin_notice(session, "⚠️ Cổng X gặp sự cố", chat_ids=[777, 888], emails=["admin@example.vn", "other@example.vn"])
    with transaction(factory) as session:
        got = sorted((n.kind, n.chat_id, n.address) for n in session.scalars(select(Notice)))
    assert count == 5
    assert got == sorted([("telegram", 777, None), ("email", None, "admin@example.vn"), ("apprise", None, "json://127.0.0.1:9/hook"),
                          ("telegram", 888, None), ("email", None, "other@example.vn")])


def test_migration_gives_each_telegram_subscriber_its_channel(db_url):
    from storage.migrate import upgrade

    upgrade(db_url, revision="0004")
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        for chat_id, active in ((4242, True), (-1001, False), (0, True)):
            conn.execute(text(
                "INSERT INTO subscribers (chat_id, active, follows_defaults, created_at, updated_at) "
                "VALUES (:c, :a, :a, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"c": chat_id, "a": active})
    upgrade(db_url)
    with engine.begin() as conn:
        rows = conn.execute(text(
            "SELECT s.chat_id, c.kind, c.address, c.active FROM channels c JOIN subscribers s ON s.id = c.subscriber_id ORDER BY s.id"
        )).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [(4242, "telegram", "4242", True), (-1001, "telegram", "-1001", False), (0, "console", "0", True)]


def test_unsubscribe_tokens_are_signed_expiring_and_single_purpose():
    token = sign(b"k", UNSUBSCRIBE, 42, lifetime=60, now=1000)
    assert verify(b"k", token, UNSUBSCRIBE, now=1030) == 42
    for bad in (lambda: verify(b"other", token, UNSUBSCRIBE, now=1030), lambda: verify(b"k", token, UNSUBSCRIBE, now=2000),
                lambda: verify(b"k", token, "manage", now=1030), lambda: verify(b"k", token[:-2] + "xx", UNSUBSCRIBE, now=1030),
                lambda: verify(b"k", "garbage", UNSUBSCRIBE)):
        with pytest.raises(BadToken):
            bad()


class HookServer:
    """An HTTP endpoint for Apprise's json:// on 127.0.0.1: answers the queued statuses, then 200."""

    def __init__(self):
        self.port = free_port()
        self.posts: list[dict] = []
        self.answers: list[int | float] = []  # a status, or a float: seconds to stall before 200
        self._ready = threading.Event()

    async def _hook(self, request):
        body = await request.json()
        answer = self.answers.pop(0) if self.answers else 200
        if isinstance(answer, float):
            await asyncio.sleep(answer)
            answer = 200
        if answer == 200:
            self.posts.append({"path": request.path, **body})
        return web.Response(status=answer, text="ok" if answer == 200 else "boom")

    def __enter__(self):
        def serve():
            self.loop = asyncio.new_event_loop()
            app = web.Application()
            app.router.add_post("/{tail:.*}", self._hook)
            self.runner = web.AppRunner(app)
            self.loop.run_until_complete(self.runner.setup())
            self.loop.run_until_complete(web.TCPSite(self.runner, "127.0.0.1", self.port).start())
            self._ready.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=serve, daemon=True)
        self.thread.start()
        self._ready.wait(5)
        return self

    def __exit__(self, *exc):
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def test_apprise_json_endpoint_gets_title_and_body_after_500s_and_a_timeout(factory, caplog):
    caplog.set_level("DEBUG")
    with HookServer() as hook:
        url = f"json://user:s3cretpass@127.0.0.1:{hook.port}/hooks/t0ken-abcdef?rto=1&cto=1"
        seed(factory, [[("apprise", url)]], count=1)
        hook.answers = [500, 2.5, 500]
        sender = Sender(factory, ConsoleDelivery(), transports={"apprise": AppriseChannel()})
        run_sender(sender, factory, deadline=40, until=lambda: hook.posts and not hook.answers)
        with transaction(factory) as session:
            if session.scalar(select(AlertDelivery.next_attempt_at)) is not None:
                session.execute(AlertDelivery.__table__.update().values(next_attempt_at=None))
        run_sender(sender, factory, deadline=20)
        assert len(hook.posts) in (1, 2)  # the stalled request may have been accepted late: at most once more
        post = hook.posts[-1]
        assert post["path"] == "/hooks/t0ken-abcdef"
        assert post["title"] == "[Đoàn nước ngoài] Bài 0: tiếp Đại sứ <Nhật Bản>"
        assert "https://x.vn/a0" in post["message"] and SHOWN in post["message"]
        assert sender.stats.retried >= 3 and statuses(factory) == {"sent": 1}
        with transaction(factory) as session:
            errors = " ".join(str(e) for e in session.scalars(select(AlertDelivery.last_error)))
        assert "s3cretpass" not in errors and "t0ken-abcdef" not in errors
        ours = " ".join(r.getMessage() for r in caplog.records if r.name.startswith("portalwatch"))
        assert "s3cretpass" not in ours and "t0ken-abcdef" not in ours
        assert logging.getLogger("apprise").propagate is False  # Apprise's own log (raw URLs) never reaches ours


def test_apprise_urls_are_redacted_to_scheme_and_host():
    url = "discord://webhook_id/webhook_token_secret"
    assert redact(url) == "discord://webhook_id/***"
    assert redact("ntfys://ntfy.sh/private-topic") == "ntfys://ntfy.sh/***"
    assert "private-topic" not in scrub("failed sending to ntfys://ntfy.sh/private-topic (private-topic)", "ntfys://ntfy.sh/private-topic")


def test_a_portal_going_unhealthy_is_told_to_admins_by_telegram_and_e_mail(factory):
    from datetime import datetime, timezone

    from crawler.portal_health import update_health
    from storage.models import Portal

    with transaction(factory) as session:
        session.add(Portal(id="p1", name="Cổng P1", consecutive_failures=3, last_failure_reason="HTTP 503",
                           last_success_at=datetime(2026, 1, 1, tzinfo=timezone.utc)))
        admin, _ = subscribers.register(session, 555, "private")
        subscribers.add_channel(session, admin, "email", "admin@example.vn")
    changes = update_health(factory, [555], admin_emails=["ops@example.vn"])
    assert [c[:2] for c in changes] == [("p1", "unhealthy")]
    with transaction(factory) as session:
        got = sorted((n.kind, n.chat_id, n.address) for n in session.scalars(select(Notice)))
        texts = {n.text for n in session.scalars(select(Notice))}
    assert got == sorted([("telegram", 555, None), ("email", None, "admin@example.vn"), ("email", None, "ops@example.vn")])
    assert len(texts) == 1 and "HTTP 503" in texts.pop()


def test_a_stuck_apprise_service_is_cut_at_the_channel_timeout_without_stalling_the_loop():
    """The URL allows a 30 s read; the channel's own ceiling (0.5 s here) ends the send, retried later, and
    the event loop keeps running all the while (Apprise works in its threads)."""

    from monitor.alerting.apprise_channel import AppriseFailed

    channel = AppriseChannel(timeout=0.5)

    async def scenario(url: str) -> tuple[float, float, Exception]:
        error = None

        async def attempt():
            nonlocal error
            try:
                await channel.send_notice(url, "Cổng ngừng hoạt động")
            except Exception as exc:  # noqa: BLE001 - what it raised is checked below
                error = exc

        took, longest = await timed_on_loop(attempt())
        return took, longest, error

    with HookServer() as hook:
        hook.answers = [4.5]  # the server's shutdown waits for this stalled answer (its limit is 5 s)
        took, longest, error = asyncio.run(scenario(f"json://127.0.0.1:{hook.port}/hooks/x?rto=30&cto=2"))
    assert isinstance(error, AppriseFailed) and channel.classify(error).action.value == "backoff"
    assert took < 3.5  # a bound, not a timing: below the 4.5 s stall, far above the 0.5 s ceiling
    assert longest < 1.0
