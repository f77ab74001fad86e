"""A process that queued the week and was killed with SIGKILL mid-way through its e-mails: after a
restart (which queues the same week again, a no-op) every opted-in subscriber has the week's
picture, at most the one in flight twice, and that copy carries the same Message-ID."""

from __future__ import annotations

import collections

from monitor.alerting import weekly as weekly_delivery
from monitor.alerting.sender import ConsoleDelivery, Sender
from storage import subscribers, weekly
from storage.db import make_engine, session_factory, transaction
from storage.migrate import upgrade
from tests.alerting.test_weekly import MONDAY_8, OPTED_IN, person, send
from tests.fakes.smtp_server import SmtpServer
from tests.support.channels import email_channel, kill_9_mid_way

CHILD = """
import asyncio, sys
from monitor.alerting import weekly as weekly_delivery
from monitor.alerting.sender import ConsoleDelivery, Sender
from storage.db import make_engine, session_factory
from tests.alerting.test_weekly import BASE, MONDAY_8
from tests.support import weekly as pictures
from tests.support.channels import email_channel
factory = session_factory(make_engine(sys.argv[1]))
weekly_delivery.enqueue_due(factory, MONDAY_8)
sender = Sender(factory, ConsoleDelivery(), transports={"email": email_channel(sys.argv[2], per_minute=600)})
weekly_sender = weekly_delivery.WeeklySender(factory, sender, pictures.render, BASE, workers=1, clock=lambda: MONDAY_8)
weekly_sender.recover()
asyncio.run(weekly_sender.send_due())
"""


def test_kill_9_after_queueing_loses_no_week_and_repeats_at_most_the_in_flight_e_mail(tmp_path):
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    upgrade(url)
    engine = make_engine(url)
    factory = session_factory(engine)
    with transaction(factory) as session:
        for n in range(30):
            person(session, [("email", f"nguoi{n:02d}@example.vn")], OPTED_IN)
        person(session, [("email", "khong@example.vn")], None)  # not opted in
    with SmtpServer() as smtp:
        killed_after = kill_9_mid_way(CHILD, url, smtp, after=10, seconds=90)
        assert 10 <= killed_after < 30  # really mid-way
        assert weekly_delivery.enqueue_due(factory, MONDAY_8) == 0  # the restart's catch-up: already queued
        send(factory, Sender(factory, ConsoleDelivery(), transports={"email": email_channel(smtp.url)}))  # the restart
        received = smtp.received
    per_rcpt = collections.Counter(r.rcpt_tos[0] for r in received)
    assert set(per_rcpt) == {f"nguoi{n:02d}@example.vn" for n in range(30)}
    twice = [r for r, n in per_rcpt.items() if n > 1]
    assert len(twice) <= 1 and all(n <= 2 for n in per_rcpt.values())
    for address in twice:
        assert len({r.message["Message-ID"] for r in received if r.rcpt_tos[0] == address}) == 1
    assert all(r.message["Subject"].startswith("Tuần 48/2026") for r in received)
    with transaction(factory) as session:
        assert weekly.counts_by_status(session) == {"sent": 30}
        assert subscribers.get_channel(session, "email", "khong@example.vn") is not None
    engine.dispose()
