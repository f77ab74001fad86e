"""A sender killed with SIGKILL mid-batch of e-mails: after a restart every alert is delivered, at
most the one in flight twice, and that copy carries the same Message-ID (recognisable as a resend)."""

from __future__ import annotations

import collections

from monitor.alerting.sender import ConsoleDelivery, Sender
from storage.db import make_engine, session_factory
from storage.migrate import upgrade
from tests.fakes.smtp_server import SmtpServer
from tests.support.channels import email_channel, kill_9_mid_way, run_sender, seed, statuses

CHILD = """
import asyncio, sys
from monitor.alerting.sender import ConsoleDelivery, Sender
from storage.db import make_engine, session_factory
from tests.support.channels import email_channel
factory = session_factory(make_engine(sys.argv[1]))
sender = Sender(factory, ConsoleDelivery(), transports={"email": email_channel(sys.argv[2], per_minute=600)})
sender.recover()
asyncio.run(sender.drain())
"""


def test_kill_9_mid_batch_loses_nothing_and_repeats_at_most_the_in_flight_e_mail(tmp_path):
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    upgrade(url)
    engine = make_engine(url)
    factory = session_factory(engine)
    seed(factory, [[("email", f"nguoi{n:02d}@example.vn")] for n in range(30)], count=1)
    with SmtpServer() as smtp:
        killed_after = kill_9_mid_way(CHILD, url, smtp, after=10, seconds=60)
        assert 10 <= killed_after < 30  # really mid-batch
        run_sender(Sender(factory, ConsoleDelivery(), transports={"email": email_channel(smtp.url)}), factory)
        received = smtp.received
    engine.dispose()
    per_rcpt = collections.Counter(r.rcpt_tos[0] for r in received)
    assert set(per_rcpt) == {f"nguoi{n:02d}@example.vn" for n in range(30)}
    twice = [r for r, n in per_rcpt.items() if n > 1]
    assert len(twice) <= 1 and all(n <= 2 for n in per_rcpt.values())
    for address in twice:
        assert len({r.message["Message-ID"] for r in received if r.rcpt_tos[0] == address}) == 1
    assert statuses(factory) == {"sent": 30}
