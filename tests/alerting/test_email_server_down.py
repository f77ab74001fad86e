"""An SMTP server that refuses the login (535) or cannot be reached is a server-level failure: e-mail
halts as a whole (no address is deactivated, nothing is lost), is probed again with bounded backoff
on an injected clock, the admins hear of it once, and sending resumes by itself when the server
accepts again. Against aiosmtpd on 127.0.0.1."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from monitor.alerting.pacing import Pacer
from monitor.alerting.sender import Sender, TelegramDelivery
from storage.db import transaction
from storage.models import Channel
from tests.fakes.smtp_server import SmtpServer
from tests.support.channels import email_channel, seed, statuses, timed_on_loop

ADMIN = 9001
PEOPLE = ["an@example.vn", "binh@example.vn", "chi@example.vn"]


@pytest.fixture
def factory(db_factory):
    return db_factory


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_sender(factory, tg, url: str, clock: Clock) -> Sender:
    return Sender(factory, TelegramDelivery(tg.bot(pool_size=4), Pacer()), transports={"email": email_channel(url)},
                  admin_chat_ids=[ADMIN], pause_base=60.0, pause_cap=120.0, clock=clock)


def notices_to_admin(tg) -> list[str]:
    return [m.text for m in tg.sent_to(ADMIN)]


def deliveries_received(smtp) -> list[str]:
    return sorted(address for m in smtp.received for address in m.rcpt_tos)


def test_a_refused_login_halts_e_mail_tells_the_admins_once_and_resumes_when_the_server_accepts(factory, unlimited_telegram):
    tg, clock = unlimited_telegram, Clock()
    seed(factory, [[("email", a)] for a in PEOPLE], count=2)
    with SmtpServer(credentials=("canhbao", "mat-khau")) as smtp:
        smtp.refuse_logins = True
        sender = make_sender(factory, tg, smtp.url, clock)

        async def scenario():
            sender.recover()
            await sender.drain()
            assert "535" in sender.halted_kinds["email"]
            assert len(smtp.logins) == 1  # the sends waiting behind it got the refusal without a new login each
            await sender.send_notices()
            [down] = notices_to_admin(tg)
            assert "email" in down and "535" in down and "mat-khau" not in down
            await sender.drain()
            await sender.send_notices()
            assert len(smtp.logins) == 1 and len(notices_to_admin(tg)) == 1  # the backoff has not run out

            clock.now += 121  # past the cap: one probe, refused again, no second notice
            await sender.drain()
            await sender.send_notices()
            assert len(smtp.logins) == 2 and len(notices_to_admin(tg)) == 1 and smtp.received == []

            smtp.refuse_logins = False
            clock.now += 121
            await sender.drain()
            await sender.send_notices()
            for transport in sender.transports.values():
                if hasattr(transport, "close"):
                    await transport.close()
            await sender.delivery.bot.shutdown()
            sender.close()

        asyncio.run(scenario())
        assert deliveries_received(smtp) == sorted(PEOPLE * 2)  # each alert once, none lost
    assert sender.halted_kinds == {}
    assert statuses(factory) == {"sent": 6}
    down, up = notices_to_admin(tg)
    assert up.startswith("✅") and "email" in up
    with transaction(factory) as session:
        assert all(c.active for c in session.scalars(select(Channel)))  # no address paid for the server's fault


def test_an_unreachable_server_halts_e_mail_until_it_listens(factory, unlimited_telegram):
    tg, clock = unlimited_telegram, Clock()
    seed(factory, [[("email", a)] for a in PEOPLE], count=1)
    smtp = SmtpServer()  # not started yet: connections to its port are refused
    sender = make_sender(factory, tg, smtp.url, clock)

    async def scenario():
        await sender.drain()
        assert "unreachable" in sender.halted_kinds["email"]
        await sender.send_notices()
        assert len(notices_to_admin(tg)) == 1
        with smtp:
            clock.now += 121
            await sender.drain()
            await sender.send_notices()
            await sender.transports["email"].close()
            received = deliveries_received(smtp)
        await sender.delivery.bot.shutdown()
        sender.close()
        return received

    assert asyncio.run(scenario()) == sorted(PEOPLE)
    assert statuses(factory) == {"sent": 3} and sender.halted_kinds == {}
    assert [t[0] for t in notices_to_admin(tg)] == ["⚠", "✅"]


def test_a_server_that_accepts_but_never_greets_costs_one_timeout_and_halts_e_mail(factory, unlimited_telegram):
    """TCP accepted, no 220 ever: the connect is cut at the channel's timeout (1 s here) on a worker
    thread, the sends queued behind it get the same failure without dialling again, and e-mail halts."""
    import socket

    from monitor.alerting.email import EmailChannel, MailPacer, parse_smtp_url
    from tests.support.channels import MAIL_FROM

    tg, clock = unlimited_telegram, Clock()
    people = [f"nguoi{n}@example.vn" for n in range(6)]
    seed(factory, [[("email", a)] for a in people], count=1)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"smtp://127.0.0.1:{silent.getsockname()[1]}"
        channel = EmailChannel(parse_smtp_url(url), MAIL_FROM, timeout=1.0, pacer=MailPacer(6000.0))
        sender = Sender(factory, TelegramDelivery(tg.bot(pool_size=4), Pacer()), transports={"email": channel},
                        admin_chat_ids=[ADMIN], pause_base=60.0, pause_cap=120.0, clock=clock)

        async def scenario() -> tuple[float, float]:
            took, longest = await timed_on_loop(sender.drain())
            await sender.delivery.bot.shutdown()
            sender.close()
            return took, longest

        took, longest = asyncio.run(scenario())
    assert "unreachable" in sender.halted_kinds["email"]
    assert took < 4.0  # one 1 s timeout, not one per address (6 s): a bound, not a timing
    assert longest < 0.9  # the wait was on a thread
    assert statuses(factory) == {"pending": 6}
