"""An article first found long after it was published (a portal's archive reached on a later crawl)
is not breaking news: its alert says "phát hiện muộn" with its real date, and digest subscribers
get it in their digest."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from monitor.alerting.digest import render_digest
from monitor.alerting.sender import Sender, TelegramDelivery
from monitor.processing import MonitorCache, match_pending
from storage import outbox, repositories as repo, subscribers
from storage.db import transaction
from tests.fakes.telegram_html import visible_text
from tests.test_bot import factory, replies  # noqa: F401 - the bot tests' database fixture

VN = timezone(timedelta(hours=7))
TEXT = "Ngày {day}, UBND tỉnh ban hành Quyết định số {code} về việc kiện toàn Ban Chỉ đạo công tác đối ngoại."


def _article(session, n: int, code: str, published: datetime) -> None:
    repo.add_article(
        session, portal_id="caobang", url=f"https://x.vn/{n}", canonical_url=f"https://x.vn/{n}",
        title=f"Quyết định {code} kiện toàn Ban Chỉ đạo", text=TEXT.format(day=published.strftime("%d/%m"), code=code),
        content_hash=f"{n:064d}", published_at=published, first_seen_at=datetime.now(timezone.utc),
    )


def test_an_old_article_found_now_is_labelled_late_with_its_date_and_goes_to_the_digest(factory, unlimited_telegram):
    with transaction(factory) as session:
        subscribers.register(session, 91, "private", None)
        digest_reader, _ = subscribers.register(session, 92, "private", None)
        subscribers.set_digest(session, digest_reader, "07:00")
        _article(session, 1, "2718/QĐ-UBND", datetime(2025, 1, 10, 8, 30, tzinfo=VN))
        _article(session, 2, "2719/QĐ-UBND", datetime.now(VN) - timedelta(hours=3))
    match_pending(factory, MonitorCache(None))
    with transaction(factory) as session:
        waiting = outbox.digest_alerts(session, digest_reader.id)
        assert len(waiting) == 2 and len(outbox.due_alerts(session, datetime.now(timezone.utc))) == 2  # chat 91: at once
        html_text, plain = render_digest([outbox.view(session, a) for a in waiting], datetime.now(timezone.utc))
    old_line = next(line for line in plain.splitlines() if "2718" in line)
    assert "10/01/2025 08:30 (phát hiện muộn)" in old_line
    assert "phát hiện muộn" not in next(line for line in plain.splitlines() if "2719" in line)

    async def send():
        sender = Sender(factory, TelegramDelivery(unlimited_telegram.bot()))
        await sender.drain()
        await sender.delivery.bot.shutdown()

    asyncio.run(send())
    assert replies(unlimited_telegram, 92) == []  # not instantly: in the digest
    old, new = sorted((visible_text(t) for t in replies(unlimited_telegram, 91)), key=lambda t: "2719" in t)
    assert old.splitlines()[0] == "🔔 Quyết định mới (phát hiện muộn)"
    assert "Đăng lúc: 10/01/2025 08:30 (giờ Việt Nam) — phát hiện muộn: bài cũ, mới thấy lần đầu lúc" in old
    assert new.splitlines()[0] == "🔔 Quyết định mới" and "phát hiện muộn" not in new
