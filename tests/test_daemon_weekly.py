"""The daemon as a real process, started after this week's Monday 08:00 (it was down then): its
start-up catch-up queues the last completed week and sends it to the opted-in chat as a photo, once;
a restart in the same week sends nothing more, and a subscriber who is not opted in gets nothing."""

from __future__ import annotations

import time
from datetime import timedelta

from crawler.store import open_store
from monitor.alerting.weekly import due_week
from storage import subscribers, weekly
from storage.db import transaction
from storage.migrate import upgrade
from storage.types import utcnow
from tests.support.daemon import running_daemon
from tests.support.server import PortalServer, loopback
from tests.support.sites import FAMILIES, FixturePortal, make_articles
from tests.test_daemon import daemon_env, registry_file

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def photos(tg, chat_id: int):
    return [m for m in tg.sent_to(chat_id) if m.photo is not None]


def test_a_daemon_down_at_monday_8_sends_that_week_once_after_its_restarts(tmp_path, sqlite_url, unlimited_telegram):
    tg = unlimited_telegram
    upgrade(sqlite_url)
    with transaction(open_store(sqlite_url)) as session:
        reader, _ = subscribers.register(session, 911, "private")
        weekly.set_weekly(session, reader.id, True, now=utcnow() - timedelta(days=8))  # before the last Monday 08:00
        subscribers.register(session, 912, "private")
    due = due_week(utcnow())
    with PortalServer(loopback(1)) as server:
        site = FixturePortal(server, FAMILIES["wordpress"])
        site.publish(make_articles(2))
        registry = registry_file(tmp_path / "p.yaml", {"good": site.listing_url})
        env = daemon_env(sqlite_url, registry, tg, PORTALWATCH_PUBLIC_URL="https://pw.example.vn")
        with running_daemon(env, tmp_path / "daemon.log") as daemon:
            [photo] = daemon.wait_for(lambda: photos(tg, 911), 90, "the weekly photo")
            code, _ = daemon.terminate()
            assert code == 0
        assert photo.photo.startswith(PNG_MAGIC)
        link = f"https://pw.example.vn/tuan/{due.iso_year}-W{due.iso_week:02d}"
        assert photo.text.endswith(link) and photo.text.count(link) == 1
        with running_daemon(env, tmp_path / "daemon2.log") as daemon:
            tg.push_message(913, "/start")  # the second daemon is up and answering
            daemon.wait_for(lambda: tg.sent_to(913), 60, "the bot's welcome")
            time.sleep(7)  # more than a sender pass (5 s idle)
            code, _ = daemon.terminate()
            assert code == 0
    assert len(photos(tg, 911)) == 1 and photos(tg, 912) == []
    with transaction(open_store(sqlite_url)) as session:
        assert [(m.iso_year, m.iso_week, m.status) for m in weekly.messages(session)] == [(due.iso_year, due.iso_week, "sent")]
