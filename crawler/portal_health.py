"""Is a portal still doing its job? Judged from what its crawls stored, not only from HTTP errors:
portals rarely fail loudly — they move, grow a bot wall, or quietly stop publishing.

Verdicts change a portal's ``health`` once; each change (not each failure) becomes one notice to
the admin chats.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from storage.db import transaction
from storage.models import Article, CrawlRun, Portal, SkippedPage
from storage.notices import queue_admin_notice
from storage.types import utcnow

FAILURES_UNHEALTHY = 3
RECENT_ARTICLES = 20
MIN_SILENCE = timedelta(days=3)
SILENCE_FACTOR = 4
UNDATED_SHARE = 0.5
BOT_WALL = ("javascript-stub", "login-wall", "bot wall", "captcha")


@dataclass(frozen=True)
class Facts:
    consecutive_failures: int
    last_failure_reason: str | None
    last_new_article_at: datetime | None
    article_times: list[datetime]  # first_seen_at of recent articles, newest first
    undated: int
    recent: int
    bot_wall_pages: int
    # A portal that has never been crawled successfully gets no grace of three failures.
    ever_succeeded: bool = True


def judge(facts: Facts, now: datetime) -> tuple[str, str | None]:
    """(state, reason in Vietnamese)."""
    if facts.consecutive_failures and not facts.ever_succeeded:
        return "unhealthy", f"chưa thu thập thành công lần nào: {facts.last_failure_reason or 'không rõ'}"
    if facts.consecutive_failures >= FAILURES_UNHEALTHY:
        return "unhealthy", f"{facts.consecutive_failures} lần thu thập liên tiếp thất bại: {facts.last_failure_reason or 'không rõ'}"
    if facts.bot_wall_pages:
        return "unhealthy", f"trang chống bot hoặc đăng nhập thay cho nội dung ({facts.bot_wall_pages} trang gần đây)"
    if facts.recent >= 5 and facts.undated / facts.recent > UNDATED_SHARE:
        return "unhealthy", f"{facts.undated}/{facts.recent} bài gần đây không đọc được ngày đăng"
    times = facts.article_times
    if len(times) >= 5 and facts.last_new_article_at:
        gaps = [(a - b).total_seconds() for a, b in zip(times, times[1:]) if a > b]
        usual = timedelta(seconds=statistics.median(gaps)) if gaps else MIN_SILENCE
        limit = max(MIN_SILENCE, usual * SILENCE_FACTOR)
        silent = now - facts.last_new_article_at
        if silent > limit:
            return "unhealthy", f"không có bài mới trong {silent.days} ngày (thường {max(1, round(usual.total_seconds() / 86400))} ngày có bài)"
    return "healthy", None


def gather(session, portal: Portal) -> Facts:
    recent = list(
        session.execute(
            select(Article.first_seen_at, Article.published_at)
            .where(Article.portal_id == portal.id)
            .order_by(Article.id.desc())
            .limit(RECENT_ARTICLES)
        ).all()
    )
    last_run_start = session.scalar(
        select(CrawlRun.started_at).where(CrawlRun.portal_id == portal.id).order_by(CrawlRun.id.desc()).limit(1)
    )
    walls = 0
    if last_run_start is not None:
        reasons = session.scalars(
            select(SkippedPage.reason).where(SkippedPage.portal_id == portal.id, SkippedPage.first_seen_at >= last_run_start)
        )
        walls = sum(1 for reason in reasons if any(mark in reason for mark in BOT_WALL))
    return Facts(
        consecutive_failures=portal.consecutive_failures or 0,
        last_failure_reason=portal.last_failure_reason,
        last_new_article_at=portal.last_new_article_at,
        article_times=[seen for seen, _ in recent],
        undated=sum(1 for _, published in recent if published is None),
        recent=len(recent),
        bot_wall_pages=walls,
        ever_succeeded=portal.last_success_at is not None,
    )


def update_health(factory, admin_chat_ids: list[int], portal_ids: list[str] | None = None,
                  admin_emails: list[str] = ()) -> list[tuple[str, str, str | None]]:
    """Judge portals; on each change, one notice on every channel of each admin. Returns the changes."""
    now = utcnow()
    changes = []
    with transaction(factory) as session:
        query = select(Portal).order_by(Portal.id)
        if portal_ids is not None:
            query = query.where(Portal.id.in_(portal_ids))
        for portal in session.scalars(query):
            state, reason = judge(gather(session, portal), now)
            if state == portal.health and reason == portal.health_reason:
                continue
            previous = portal.health
            portal.health, portal.health_reason, portal.health_changed_at = state, reason, now
            if state == previous:
                continue  # same verdict, new wording: no message
            changes.append((portal.id, state, reason))
            if state == "unhealthy" or previous == "unhealthy":
                text = (
                    f"⚠️ Cổng {portal.name} ({portal.id}) gặp sự cố: {reason}"
                    if state == "unhealthy"
                    else f"✅ Cổng {portal.name} ({portal.id}) đã hoạt động bình thường trở lại."
                )
                queue_admin_notice(session, text, admin_chat_ids, admin_emails, now)
    return changes
