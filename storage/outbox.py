"""The alert outbox: written with the match, drained by the sender, never lost.

States: ``pending`` (to send) → ``sending`` (in flight) → ``sent``; ``digest`` (waits for the
subscriber's daily digest); ``merged`` (the same event from another portal, shown inside the first
alert's message); ``failed`` (Telegram refused it for good, reason kept). A crash while ``sending``
puts the row back to ``pending`` at the next start: that one message may be delivered twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from storage.models import Alert, Article, Notice, Portal, Subscriber
from storage.types import utcnow

# Reports of one event by several portals within this window make one message.
GROUP_WINDOW = timedelta(hours=36)


def queue_alert(
    session: Session,
    subscriber: Subscriber,
    article_id: int,
    reasons: list[dict],
    event_key: str | None = None,
    now: datetime | None = None,
) -> Alert:
    """One row per (subscriber, article): a second call adds its reasons to the first."""
    now = now or utcnow()
    existing = session.scalar(
        select(Alert).where(Alert.subscriber_id == subscriber.id, Alert.article_id == article_id)
    )
    if existing is not None:
        known = {(r.get("kind"), r.get("detail"), r.get("snippet")) for r in existing.reasons}
        existing.reasons = existing.reasons + [r for r in reasons if (r.get("kind"), r.get("detail"), r.get("snippet")) not in known]
        return existing
    alert = Alert(subscriber_id=subscriber.id, article_id=article_id, reasons=reasons, event_key=event_key, created_at=now)
    primary = None
    if event_key:
        primary = session.scalar(
            select(Alert)
            .where(
                Alert.subscriber_id == subscriber.id,
                Alert.event_key == event_key,
                Alert.merged_into.is_(None),
                Alert.created_at >= now - GROUP_WINDOW,
            )
            .order_by(Alert.id)
            .limit(1)
        )
    if primary is not None:
        alert.status, alert.merged_into = "merged", primary.id
    else:
        alert.status = "digest" if subscriber.digest_time else "pending"
    session.add(alert)
    session.flush()
    return alert


def queue_notice(session: Session, chat_ids: list[int], text: str, now: datetime | None = None) -> None:
    """A message for each admin chat, delivered by the sender like an alert."""
    now = now or utcnow()
    for chat_id in chat_ids:
        session.add(Notice(chat_id=chat_id, text=text, status="pending", attempts=0, created_at=now))


def reset_in_flight(session: Session) -> int:
    """Alerts left 'sending' by a crash go back to 'pending' (the one in-flight message may repeat)."""
    result = session.execute(update(Alert).where(Alert.status == "sending").values(status="pending"))
    return result.rowcount or 0


def due_alerts(session: Session, now: datetime, limit: int = 200) -> list[Alert]:
    query = (
        select(Alert)
        .join(Subscriber, Alert.subscriber_id == Subscriber.id)
        .where(
            Alert.status == "pending",
            or_(Alert.next_attempt_at.is_(None), Alert.next_attempt_at <= now),
            Subscriber.active.is_(True),
            or_(Subscriber.muted_until.is_(None), Subscriber.muted_until <= now),
        )
        .order_by(Alert.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def digest_alerts(session: Session, subscriber_id: int) -> list[Alert]:
    return list(
        session.scalars(
            select(Alert).where(Alert.subscriber_id == subscriber_id, Alert.status == "digest").order_by(Alert.id)
        )
    )


@dataclass
class AlertView:
    """What a message needs, read in one go: the article, its portal, and every source of the event."""

    alert_id: int
    chat_id: int
    title: str
    published_at: datetime | None
    reasons: list[dict]
    sources: list[tuple[str, str]]  # (portal name, url), the first one the alert's own article
    first_seen_at: datetime | None = None


def view(session: Session, alert: Alert) -> AlertView:
    subscriber = session.get(Subscriber, alert.subscriber_id)
    article = session.get(Article, alert.article_id)
    rows = session.execute(
        select(Portal.name, Article.url)
        .join(Article, Article.portal_id == Portal.id)
        .join(Alert, Alert.article_id == Article.id)
        .where(or_(Alert.id == alert.id, Alert.merged_into == alert.id))
        .order_by(Alert.id)
    ).all()
    return AlertView(alert.id, subscriber.chat_id, article.title, article.published_at, alert.reasons,
                     [tuple(r) for r in rows], article.first_seen_at)


def mark_sending(session: Session, alert_id: int) -> None:
    session.execute(
        update(Alert).where(Alert.id == alert_id).values(status="sending", attempts=Alert.attempts + 1)
    )


def mark_sent(session: Session, alert_ids: list[int], message_id: int | None, now: datetime | None = None) -> None:
    session.execute(
        update(Alert)
        .where(Alert.id.in_(alert_ids))
        .values(status="sent", sent_at=now or utcnow(), telegram_message_id=message_id, last_error=None)
    )


def mark_retry(session: Session, alert_id: int, at: datetime, error: str) -> None:
    session.execute(
        update(Alert).where(Alert.id == alert_id).values(status="pending", next_attempt_at=at, last_error=error[:1000])
    )


def mark_failed(session: Session, alert_id: int, error: str, status: str = "failed") -> None:
    session.execute(update(Alert).where(Alert.id == alert_id).values(status=status, last_error=error[:1000]))


def drop_pending(session: Session, subscriber_id: int, reason: str) -> int:
    """A chat that is gone gets nothing more: its queued alerts are closed with the reason."""
    result = session.execute(
        update(Alert)
        .where(Alert.subscriber_id == subscriber_id, Alert.status.in_(("pending", "digest")))
        .values(status="dropped", last_error=reason[:1000])
    )
    return result.rowcount or 0


def counts_by_status(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Alert.status, func.count(Alert.id)).group_by(Alert.status)).all())


def latest_for(session: Session, subscriber_id: int, limit: int = 5) -> list[tuple[Alert, Article]]:
    rows = session.execute(
        select(Alert, Article)
        .join(Article, Alert.article_id == Article.id)
        .where(Alert.subscriber_id == subscriber_id, Alert.status.in_(("sent", "pending", "digest", "sending")))
        .order_by(Alert.id.desc())
        .limit(limit)
    ).all()
    return [(alert, article) for alert, article in rows]
