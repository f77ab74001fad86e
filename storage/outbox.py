"""The alert outbox: written with the match, drained by the sender, never lost.

States: ``pending`` (to send) → ``sending`` (in flight) → ``sent``; ``digest`` (waits for the
subscriber's daily digest); ``merged`` (the same event from another portal, shown inside the first
alert's message); ``failed`` (Telegram refused it for good, reason kept). A crash while ``sending``
puts the row back to ``pending`` at the next start: that one message may be delivered twice.

Each alert goes to each active channel of its subscriber through one ``alert_deliveries`` row per
(alert, channel) with the same states; the alert is ``sent`` once no channel still has it to do,
so a channel that keeps failing delays only itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.orm import Session

from storage.models import Alert, AlertDelivery, Article, Channel, Portal, Subscriber
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


def reset_in_flight(session: Session) -> int:
    """Alerts left 'sending' by a crash go back to 'pending' (the one in-flight message may repeat)."""
    result = session.execute(update(Alert).where(Alert.status == "sending").values(status="pending"))
    deliveries = session.execute(
        update(AlertDelivery).where(AlertDelivery.status == "sending").values(status="pending")
    )
    return (result.rowcount or 0) + (deliveries.rowcount or 0)


NO_CHANNEL = "the subscriber has no active channel"


def prepare_deliveries(session: Session, limit: int = 2000) -> int:
    """Pending alerts not yet fanned out get one delivery row per active channel of their subscriber.
    Done lazily, so a channel added before the send gets the alert too; returns the rows made."""
    alerts = session.execute(
        select(Alert.id, Alert.subscriber_id)
        .where(Alert.status == "pending", ~exists().where(AlertDelivery.alert_id == Alert.id))
        .order_by(Alert.id)
        .limit(limit)
    ).all()
    if not alerts:
        return 0
    channels: dict[int, list[int]] = {}
    for channel_id, subscriber_id in session.execute(
        select(Channel.id, Channel.subscriber_id).where(
            Channel.active.is_(True), Channel.subscriber_id.in_({s for _, s in alerts})
        ).order_by(Channel.id)
    ):
        channels.setdefault(subscriber_id, []).append(channel_id)
    rows, orphans = [], []
    for alert_id, subscriber_id in alerts:
        if subscriber_id not in channels:
            orphans.append(alert_id)
        rows += [{"alert_id": alert_id, "channel_id": c, "status": "pending", "attempts": 0} for c in channels.get(subscriber_id, ())]
    if rows:
        session.execute(AlertDelivery.__table__.insert(), rows)
    if orphans:
        session.execute(update(Alert).where(Alert.id.in_(orphans)).values(status="dropped", last_error=NO_CHANNEL))
    return len(rows)


@dataclass(frozen=True)
class Job:
    """One delivery to make: which alert, on which channel."""

    delivery_id: int
    alert_id: int
    channel_id: int
    kind: str
    address: str


def reachable(now: datetime) -> list:
    """Conditions for a channel that may be sent to at ``now``: active, of an active subscriber not
    muted (alerts, digests and the weekly picture alike)."""
    return [
        Channel.active.is_(True),
        Subscriber.active.is_(True),
        or_(Subscriber.muted_until.is_(None), Subscriber.muted_until <= now),
    ]


def due_query(columns, delivery, parent, on, now: datetime, limit: int, skip_kinds=(), *extra):
    """Pending deliveries (``delivery``: AlertDelivery or WeeklyDelivery) of pending ``parent`` rows
    (joined ``on``) that are due at ``now``, to reachable channels, oldest first; ``extra`` narrows it.
    Shared by the alert and the weekly outbox."""
    query = (
        select(*columns)
        .join(parent, on)
        .join(Channel, delivery.channel_id == Channel.id)
        .join(Subscriber, parent.subscriber_id == Subscriber.id)
        .where(
            delivery.status == "pending",
            parent.status == "pending",
            or_(delivery.next_attempt_at.is_(None), delivery.next_attempt_at <= now),
            *reachable(now),
            *extra,
        )
        .order_by(delivery.id)
        .limit(limit)
    )
    if skip_kinds:
        query = query.where(Channel.kind.not_in(list(skip_kinds)))
    return query


def due_deliveries(session: Session, now: datetime, limit: int = 500, skip_kinds=()) -> list[Job]:
    query = due_query((AlertDelivery.id, AlertDelivery.alert_id, Channel.id, Channel.kind, Channel.address),
                      AlertDelivery, Alert, AlertDelivery.alert_id == Alert.id, now, limit, skip_kinds)
    return [Job(*row) for row in session.execute(query)]


def mark_delivery(session: Session, delivery_id: int, status: str, *, error: str | None = None,
                  at: datetime | None = None, message_id: str | None = None) -> None:
    """``sent`` (with the message id), ``pending`` again at ``at`` (a retry), ``failed`` or ``dropped``."""
    session.execute(update(AlertDelivery).where(AlertDelivery.id == delivery_id)
                    .values(**delivery_values(status, error, at, message_id)))


def delivery_values(status: str, error: str | None, at: datetime | None, message_id: str | None) -> dict:
    """The columns a delivery (alert or weekly) takes when it becomes ``status``."""
    values: dict = {"status": status, "last_error": error[:1000] if error else None}
    if status == "sent":
        values.update(sent_at=at or utcnow(), message_id=message_id)
    elif status == "pending":
        values["next_attempt_at"] = at
    return values


def settle(session: Session, alert_ids) -> None:
    """An alert whose channels are all done becomes ``sent`` (any channel had it), else ``failed``/``dropped``."""
    alert_ids = set(alert_ids)
    if not alert_ids:
        return
    by_alert: dict[int, list] = {}
    for row in session.execute(
        select(AlertDelivery.alert_id, AlertDelivery.status, AlertDelivery.sent_at, AlertDelivery.message_id,
               AlertDelivery.last_error, Channel.kind)
        .join(Channel, AlertDelivery.channel_id == Channel.id)
        .where(AlertDelivery.alert_id.in_(alert_ids))
        .order_by(AlertDelivery.id)
    ):
        by_alert.setdefault(row.alert_id, []).append(row)
    sent_rows = []
    for alert_id, rows in by_alert.items():
        if any(r.status in ("pending", "sending") for r in rows):
            continue
        sent = [r for r in rows if r.status == "sent"]
        if sent:
            telegram = next((r.message_id for r in sent if r.kind == "telegram" and r.message_id and r.message_id.isdigit()), None)
            sent_rows.append({"id": alert_id, "status": "sent", "sent_at": max(r.sent_at for r in sent),
                              "telegram_message_id": int(telegram) if telegram else None, "last_error": None})
        else:
            status = "dropped" if all(r.status == "dropped" for r in rows) else "failed"
            mark_failed(session, alert_id, "; ".join(dict.fromkeys(r.last_error or "" for r in rows)), status=status)
    if sent_rows:
        session.execute(update(Alert), sent_rows)  # one UPDATE per row by primary key, sent as one batch


def claim_deliveries(session: Session, deliveries: list[int]) -> dict[int, "AlertView"]:
    """Of these deliveries, those still to send (they and their alert ``pending``) are marked ``sending``;
    returns each one's view (as ``view`` makes it) by delivery id. Three statements however many."""
    if not deliveries:
        return {}
    rows = session.execute(
        select(AlertDelivery.id, Alert.id, Subscriber.chat_id, Article.title, Article.published_at, Alert.reasons,
               Article.first_seen_at)
        .join(Alert, AlertDelivery.alert_id == Alert.id)
        .join(Subscriber, Alert.subscriber_id == Subscriber.id)
        .join(Article, Alert.article_id == Article.id)
        .where(AlertDelivery.id.in_(deliveries), AlertDelivery.status == "pending", Alert.status == "pending")
    ).all()
    if not rows:
        return {}
    sources = sources_of(session, [row[1] for row in rows])
    session.execute(
        update(AlertDelivery)
        .where(AlertDelivery.id.in_([row[0] for row in rows]))
        .values(status="sending", attempts=AlertDelivery.attempts + 1)
    )
    return {
        delivery_id: AlertView(alert_id, chat_id, title, published_at, reasons, sources.get(alert_id, []), first_seen_at)
        for delivery_id, alert_id, chat_id, title, published_at, reasons, first_seen_at in rows
    }


def mark_deliveries_sent(session: Session, sent: list[tuple[int, int, str | None]], at: datetime | None = None) -> None:
    """Several deliveries went out: (delivery id, alert id, message id) each; their alerts are settled."""
    if not sent:
        return
    at = at or utcnow()
    session.execute(update(AlertDelivery), [
        {"id": delivery_id, "status": "sent", "sent_at": at, "message_id": message_id, "last_error": None}
        for delivery_id, _, message_id in sent
    ])
    settle(session, [alert_id for _, alert_id, _ in sent])


def digest_channels_done(session: Session, alert_ids: list[int]) -> set[int]:
    """Channels that already took the digest holding these alerts (not to be sent it twice on a retry)."""
    if not alert_ids:
        return set()
    rows = session.execute(
        select(AlertDelivery.channel_id, func.count(AlertDelivery.id))
        .where(AlertDelivery.alert_id.in_(alert_ids), AlertDelivery.status.in_(("sent", "failed")))
        .group_by(AlertDelivery.channel_id)
    ).all()
    return {channel_id for channel_id, n in rows if n == len(alert_ids)}


def record_digest(session: Session, alert_ids: list[int], channel_id: int, status: str,
                  message_id: str | None = None, error: str | None = None) -> None:
    """The digest holding ``alert_ids`` went to (``sent``) or was given up on (``failed``) one channel."""
    now = utcnow()
    session.execute(
        AlertDelivery.__table__.insert(),
        [{"alert_id": a, "channel_id": channel_id, "status": status, "attempts": 1, "sent_at": now if status == "sent" else None,
          "message_id": message_id, "last_error": error[:1000] if error else None} for a in alert_ids],
    )


def deliveries_of(session: Session, alert_id: int) -> list[tuple[AlertDelivery, Channel]]:
    rows = session.execute(
        select(AlertDelivery, Channel).join(Channel, AlertDelivery.channel_id == Channel.id)
        .where(AlertDelivery.alert_id == alert_id).order_by(AlertDelivery.id)
    ).all()
    return [(d, c) for d, c in rows]


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
    channel_id: int | None = None  # the channel it is being sent on (e-mail's Message-ID, unsubscribe link)


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


def sources_of(session: Session, alert_ids) -> dict[int, list[tuple[str, str]]]:
    """``view``'s sources for many alerts in one query: each alert's own article, then those merged into it."""
    alert_ids = set(alert_ids)
    sources: dict[int, list[tuple[str, str]]] = {}
    for alert_id, merged_into, name, url in session.execute(
        select(Alert.id, Alert.merged_into, Portal.name, Article.url)
        .join(Article, Alert.article_id == Article.id)
        .join(Portal, Article.portal_id == Portal.id)
        .where(or_(Alert.id.in_(alert_ids), Alert.merged_into.in_(alert_ids)))
        .order_by(Alert.id)
    ):
        for owner in {alert_id, merged_into} & alert_ids:
            sources.setdefault(owner, []).append((name, url))
    return sources


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
