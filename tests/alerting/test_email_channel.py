"""The e-mail channel against a real SMTP server on 127.0.0.1 (aiosmtpd): messages parsed with the
``email`` package, 4xx retried, 5xx deactivating the address and telling the admins."""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from monitor.alerting.sender import ConsoleDelivery, Sender
from monitor.alerting.tokens import UNSUBSCRIBE, verify
from storage import subscribers
from storage.db import transaction
from storage.models import AlertDelivery, Channel, Notice, Subscriber
from tests.fakes.smtp_server import SmtpServer
from tests.support.channels import KEY, MAIL_FROM, SHOWN, email_channel, run_sender, seed, statuses


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


def sender_for(factory, smtp, **kw) -> Sender:
    return Sender(factory, ConsoleDelivery(), transports={"email": email_channel(smtp.url)}, **kw)


@pytest.fixture
def factory(db_factory):
    return db_factory


def test_alert_e_mail_has_vietnamese_parts_the_facts_and_a_signed_one_click_unsubscribe(factory, smtp):
    [sub_id] = seed(factory, [[("email", "an.nguyen@example.vn")]], count=1)
    run_sender(sender_for(factory, smtp), factory)
    [mail] = smtp.to("an.nguyen@example.vn")
    raw_headers = mail.raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in mail.raw else mail.raw.split(b"\n\n", 1)[0]
    assert raw_headers.isascii()  # UTF-8 reaches the wire only RFC 2047/MIME-encoded
    msg = mail.message
    assert msg["Subject"] == "[Đoàn nước ngoài] Bài 0: tiếp Đại sứ <Nhật Bản>"
    assert msg["From"].addresses[0].addr_spec == MAIL_FROM and msg["To"] == "an.nguyen@example.vn"
    with transaction(factory) as session:
        channel = session.scalar(select(Channel).where(Channel.kind == "email"))
        delivery = session.scalar(select(AlertDelivery))
    assert msg["Message-ID"] == f"<alert-{delivery.alert_id}.channel-{channel.id}@pw.example.vn>"
    assert delivery.message_id == msg["Message-ID"] and delivery.status == "sent"
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",))
    page = msg.get_body(("html",))
    assert text.get_content_charset() == "utf-8" and page.get_content_charset() == "utf-8"
    plain, markup = text.get_content(), page.get_content()
    for body in (plain, markup):
        assert "Đoàn nước ngoài" in body and SHOWN in body and "Nhật Bản" in body
    assert "https://x.vn/a0" in plain and 'href="https://x.vn/a0"' in markup
    assert "Cổng songoaivu &lt;&amp;&gt;" in markup and "&lt;Nhật Bản&gt;" in markup  # escaped, not injected
    # RFC 8058: an https link for the one-click POST, plus a mailto; the token names this channel.
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    links = re.findall(r"<([^>]+)>", msg["List-Unsubscribe"])
    https = next(l for l in links if l.startswith("https://pw.example.vn/huy-dang-ky?"))
    assert any(l.startswith(f"mailto:{MAIL_FROM}?subject=unsubscribe") for l in links)
    token = parse_qs(urlsplit(https).query)["token"][0]
    assert verify(KEY, token, UNSUBSCRIBE) == channel.id
    assert https in plain and https.replace("&", "&amp;") in markup
    assert statuses(factory) == {"sent": 1}
    # Parsing the raw bytes again with a strict parser gives the same subject (no double encoding).
    assert BytesParser(policy=policy.strict).parsebytes(mail.raw)["Subject"] == msg["Subject"]


@pytest.mark.parametrize("stage, answer", [("rcpt", "451 4.7.1 Greylisted, try again later"),
                                           ("mail", "421 4.3.2 Service not available, closing channel"),
                                           ("data", "451 4.3.0 Temporary failure")])
def test_temporary_answers_are_retried_and_each_alert_arrives_once(factory, smtp, stage, answer):
    seed(factory, [[("email", "binh@example.vn")]], count=2)
    smtp.fail_next(stage, answer, 2)
    sender = sender_for(factory, smtp)
    run_sender(sender, factory)
    subjects = [m.message["Subject"] for m in smtp.to("binh@example.vn")]
    assert sorted(subjects) == sorted(set(subjects)) and len(subjects) == 2
    assert sender.stats.retried >= 1 and statuses(factory) == {"sent": 2}


def test_permanent_refusal_deactivates_the_address_and_tells_the_admins_by_e_mail(factory, smtp):
    seed(factory, [[("email", "gone@example.vn")], [("email", "ok@example.vn")]], count=2)
    smtp.refuse("gone@example.vn", "550 5.1.1 No such user here")
    sender = sender_for(factory, smtp, admin_emails=["admin@example.vn"])
    run_sender(sender, factory, until=lambda: len(smtp.to("admin@example.vn")) >= 1 and len(smtp.to("ok@example.vn")) == 2)
    assert smtp.to("gone@example.vn") == [] and len(smtp.to("ok@example.vn")) == 2
    with transaction(factory) as session:
        gone = subscribers.get_channel(session, "email", "gone@example.vn")
        assert not gone.active and "550 5.1.1" in gone.deactivated_reason
        owner = session.get(Subscriber, gone.subscriber_id)
        assert not owner.active  # its only channel
        assert session.scalar(select(Notice.status).where(Notice.kind == "email")) == "sent"
    [notice] = smtp.to("admin@example.vn")
    told = notice.message.get_body(("plain",)).get_content()
    assert "550 5.1.1" in told and "gone@example.vn" in told
    assert "List-Unsubscribe" not in notice.message
    assert statuses(factory) == {"sent": 2, "dropped": 2}


def test_a_resend_after_a_crash_carries_the_same_message_id(factory, smtp):
    seed(factory, [[("email", "chi@example.vn")]], count=1)
    run_sender(sender_for(factory, smtp), factory)
    with transaction(factory) as session:
        delivery = session.scalar(select(AlertDelivery))
        delivery.status = "sending"  # as if the process died after the server took it
        session.get(__import__("storage.models", fromlist=["Alert"]).Alert, delivery.alert_id).status = "pending"
    run_sender(sender_for(factory, smtp), factory)
    first, second = smtp.to("chi@example.vn")
    assert first.message["Message-ID"] == second.message["Message-ID"]


def test_daily_digest_is_one_e_mail_listing_the_days_alerts(factory, smtp):
    from datetime import timedelta

    from storage.types import utcnow

    with transaction(factory) as session:
        from tests.support.channels import REASON, articles
        from storage import outbox

        ids = articles(session, 3)
        subscriber, _ = subscribers.subscribe_channel(session, "email", "dung@example.vn")
        subscribers.set_digest(session, subscriber, "07:00")
        subscriber.last_digest_at = utcnow() - timedelta(days=2)
        for article_id in ids:
            outbox.queue_alert(session, subscriber, article_id, [REASON])
    sender = sender_for(factory, smtp)
    import asyncio

    async def go():
        await sender.drain()
        sent = await sender.send_digests()
        await sender.transports["email"].close()
        return sent

    assert asyncio.run(go()) == 1
    [mail] = smtp.to("dung@example.vn")
    assert mail.message["Subject"].startswith("Bản tổng hợp ngày") and "3 bài" in mail.message["Subject"]
    body = mail.message.get_body(("plain",)).get_content()
    assert all(f"https://x.vn/a{n}" in body for n in range(3))
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert statuses(factory) == {"sent": 3}


@pytest.mark.parametrize("tls", ["starttls", "implicit"])
def test_tls_and_login_as_the_smtp_url_says(factory, tmp_path, tls):
    from urllib.parse import quote

    from monitor.alerting.email import EmailChannel, Unsubscribe, parse_smtp_url
    from tests.fakes.smtp_server import tls_pair

    server_ctx, client_ctx = tls_pair(tmp_path)
    with SmtpServer(tls=tls, context=server_ctx, credentials=("canhbao", "m@t:khau")) as server:
        url = server.url.replace("m@t:khau", quote("m@t:khau", safe=""))
        seed(factory, [[("email", "tls@example.vn")]], count=1)
        channel = EmailChannel(parse_smtp_url(url), MAIL_FROM, per_minute=6000, timeout=5,
                               unsubscribe=Unsubscribe(KEY, None, MAIL_FROM), tls_context=client_ctx)
        run_sender(Sender(factory, ConsoleDelivery(), transports={"email": channel}), factory)
        assert len(server.to("tls@example.vn")) == 1 and server.logins == ["canhbao"]


def test_smtp_answers_map_onto_the_senders_actions():
    """The exceptions smtplib raises for each answer; a connection that could not be set up at all
    (``ServerRefused``, end to end in test_email_server_down.py) halts e-mail as a whole."""
    import smtplib

    from monitor.alerting.email import ServerRefused, classify_smtp
    from monitor.alerting.telegram_errors import Action

    table = [
        (smtplib.SMTPRecipientsRefused({"a@x.vn": (550, b"5.1.1 No such user")}), Action.DEACTIVATE),
        (smtplib.SMTPRecipientsRefused({"a@x.vn": (451, b"4.7.1 Greylisted")}), Action.BACKOFF),
        (smtplib.SMTPAuthenticationError(535, b"5.7.8 Bad credentials"), Action.HALT),
        (smtplib.SMTPSenderRefused(553, b"5.7.1 Not our domain", "x@y.vn"), Action.HALT),
        (smtplib.SMTPDataError(552, b"5.3.4 Message too big"), Action.GIVE_UP),
        (smtplib.SMTPDataError(451, b"4.3.0 Try later"), Action.BACKOFF),
        (smtplib.SMTPConnectError(421, b"Too busy"), Action.BACKOFF),
        (smtplib.SMTPServerDisconnected("gone"), Action.BACKOFF),
        (ConnectionRefusedError(111, "refused"), Action.BACKOFF),
        (TimeoutError(), Action.BACKOFF),
        (ServerRefused("SMTP login refused by 127.0.0.1:25: 535 5.7.8 Bad credentials"), Action.HALT),
    ]
    for exc, action in table:
        assert classify_smtp(exc).action == action, exc
    assert "535" in classify_smtp(table[2][0]).reason


def test_a_digest_failing_on_one_channel_is_retried_there_only(factory, smtp):
    import asyncio
    from datetime import timedelta

    from monitor.alerting.apprise_channel import AppriseChannel
    from storage import outbox
    from storage.types import utcnow
    from tests.support.channels import REASON, articles
    from tests.support.daemon import free_port

    dead_hook = f"json://127.0.0.1:{free_port()}/hook?cto=1&rto=1"
    with transaction(factory) as session:
        ids = articles(session, 2)
        subscriber, _ = subscribers.subscribe_channel(session, "email", "em@example.vn")
        subscribers.add_channel(session, subscriber, "apprise", dead_hook)
        subscribers.set_digest(session, subscriber, "07:00")
        subscriber.last_digest_at = utcnow() - timedelta(days=2)
        for article_id in ids:
            outbox.queue_alert(session, subscriber, article_id, [REASON])
    sender = Sender(factory, ConsoleDelivery(), transports={"email": email_channel(smtp.url), "apprise": AppriseChannel()})

    async def twice():
        first = await sender.send_digests()
        second = await sender.send_digests()
        await sender.transports["email"].close()
        return first, second

    assert asyncio.run(twice()) == (0, 0)  # the hook is down: the digest waits for it…
    assert len(smtp.to("em@example.vn")) == 1  # …but the e-mail went once, not once per pass
    assert statuses(factory) == {"digest": 2}
    with transaction(factory) as session:
        channel = subscribers.get_channel(session, "apprise", dead_hook)
        subscribers.deactivate_channel(session, channel.id, "removed by an operator")
    assert asyncio.run(sender.send_digests()) == 1
    assert len(smtp.to("em@example.vn")) == 1 and statuses(factory) == {"sent": 2}
