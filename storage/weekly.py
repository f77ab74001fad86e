"""The weekly outbox: one message per (subscriber, ISO week), each on every active channel.

``enqueue_week`` writes, in the caller's one transaction, a ``weekly_messages`` row per opted-in
subscriber (the unique key (subscriber, ISO week) makes a second call for the same week a no-op)
and a ``weekly_deliveries`` row per active channel. Deliveries go ``pending`` → ``sending`` →
``sent`` in separate commits; ``reset_in_flight`` puts a ``sending`` one back to ``pending`` after a
crash, so that one may be delivered twice and no other is. Each function takes a session; the
caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.models import Channel, Subscriber, WeeklyDelivery, WeeklyMessage
from storage.outbox import delivery_values, due_query
from storage.types import utcnow

SUPERSEDED = "superseded by a newer week"
OPTED_OUT = "the subscriber turned the weekly picture off"
NO_CHANNEL = "the subscriber has no active channel"


def set_weekly(session: Session, subscriber_id: int, on: bool, now: datetime | None = None) -> bool:
    """Opt a subscriber in to (or out of) the weekly picture; returns whether the subscriber exists.
    Opting in again keeps the first opt-in time; opting out drops what is queued for it."""
    subscriber = session.get(Subscriber, subscriber_id)
    if subscriber is None:
        return False
    if on:
        subscriber.weekly_since = subscriber.weekly_since or (now or utcnow())
    else:
        subscriber.weekly_since = None
        drop_pending(session, subscriber_id, OPTED_OUT)
    session.flush()
    return True


def enqueue_week(session: Session, iso_year: int, iso_week: int, slot: datetime, now: datetime | None = None) -> list[int]:
    """Queue ``(iso_year, iso_week)`` for every active subscriber opted in before ``slot`` (the Monday
    08:00 that week is sent at) who does not have it yet; returns the new messages' ids. Older weeks
    still queued for them are dropped: nobody wants last month's picture after this week's."""
    now = now or utcnow()
    have = select(WeeklyMessage.id).where(
        WeeklyMessage.subscriber_id == Subscriber.id, WeeklyMessage.iso_year == iso_year, WeeklyMessage.iso_week == iso_week
    )
    wanted = list(
        session.scalars(
            select(Subscriber.id)
            .where(Subscriber.active.is_(True), Subscriber.weekly_since.is_not(None), Subscriber.weekly_since <= slot,
                   ~have.exists())
            .order_by(Subscriber.id)
        )
    )
    if not wanted:
        return []
    older = (WeeklyMessage.iso_year < iso_year) | ((WeeklyMessage.iso_year == iso_year) & (WeeklyMessage.iso_week < iso_week))
    stale = list(session.scalars(
        select(WeeklyMessage.id).where(WeeklyMessage.subscriber_id.in_(wanted), WeeklyMessage.status == "pending", older)
    ))
    _close(session, stale, "dropped", SUPERSEDED)
    channels: dict[int, list[int]] = {}
    for channel_id, subscriber_id in session.execute(
        select(Channel.id, Channel.subscriber_id)
        .where(Channel.active.is_(True), Channel.subscriber_id.in_(wanted))
        .order_by(Channel.id)
    ):
        channels.setdefault(subscriber_id, []).append(channel_id)
    made = []
    for subscriber_id in wanted:
        mine = channels.get(subscriber_id, [])
        message = WeeklyMessage(subscriber_id=subscriber_id, iso_year=iso_year, iso_week=iso_week, created_at=now,
                                status="pending" if mine else "dropped", last_error=None if mine else NO_CHANNEL)
        session.add(message)
        session.flush()
        if mine:
            session.execute(
                WeeklyDelivery.__table__.insert(),
                [{"weekly_id": message.id, "channel_id": c, "status": "pending", "attempts": 0} for c in mine],
            )
        made.append(message.id)
    return made


def _close(session: Session, weekly_ids: list[int], status: str, reason: str) -> None:
    if not weekly_ids:
        return
    session.execute(
        update(WeeklyDelivery)
        .where(WeeklyDelivery.weekly_id.in_(weekly_ids), WeeklyDelivery.status.in_(("pending", "sending")))
        .values(status=status, last_error=reason[:1000])
    )
    session.execute(update(WeeklyMessage).where(WeeklyMessage.id.in_(weekly_ids)).values(status=status, last_error=reason[:1000]))


def drop_pending(session: Session, subscriber_id: int, reason: str) -> int:
    ids = list(session.scalars(
        select(WeeklyMessage.id).where(WeeklyMessage.subscriber_id == subscriber_id, WeeklyMessage.status == "pending")
    ))
    _close(session, ids, "dropped", reason)
    return len(ids)


def reset_in_flight(session: Session) -> int:
    """Deliveries left ``sending`` by a crash are pending again (that one message may repeat)."""
    result = session.execute(update(WeeklyDelivery).where(WeeklyDelivery.status == "sending").values(status="pending"))
    return result.rowcount or 0


@dataclass(frozen=True)
class WeeklyJob:
    """One weekly delivery to make."""

    delivery_id: int
    weekly_id: int
    subscriber_id: int
    iso_year: int
    iso_week: int
    channel_id: int
    kind: str
    address: str


def due_deliveries(session: Session, now: datetime, limit: int = 500, skip_kinds=()) -> list[WeeklyJob]:
    """Pending deliveries of pending messages, to active channels of active, unmuted, opted-in subscribers."""
    query = due_query(
        (WeeklyDelivery.id, WeeklyMessage.id, WeeklyMessage.subscriber_id, WeeklyMessage.iso_year,
         WeeklyMessage.iso_week, Channel.id, Channel.kind, Channel.address),
        WeeklyDelivery, WeeklyMessage, WeeklyDelivery.weekly_id == WeeklyMessage.id, now, limit, skip_kinds,
        Subscriber.weekly_since.is_not(None),
    )
    return [WeeklyJob(*row) for row in session.execute(query)]


def mark_sending(session: Session, delivery_id: int) -> bool:
    """``pending`` → ``sending`` (one more attempt); False when it is no longer pending."""
    result = session.execute(
        update(WeeklyDelivery)
        .where(WeeklyDelivery.id == delivery_id, WeeklyDelivery.status == "pending")
        .values(status="sending", attempts=WeeklyDelivery.attempts + 1)
    )
    return bool(result.rowcount)


def mark_delivery(session: Session, delivery_id: int, status: str, *, error: str | None = None,
                  at: datetime | None = None, message_id: str | None = None) -> None:
    """``sent`` (with the message id), ``pending`` again at ``at`` (a retry), ``failed`` or ``dropped``;
    the message is settled once none of its channels is left to do."""
    session.execute(update(WeeklyDelivery).where(WeeklyDelivery.id == delivery_id)
                    .values(**delivery_values(status, error, at, message_id)))
    weekly_id = session.scalar(select(WeeklyDelivery.weekly_id).where(WeeklyDelivery.id == delivery_id))
    if weekly_id is not None:
        settle(session, weekly_id)


def drop_channel(session: Session, channel_id: int, reason: str) -> None:
    """A channel switched off: its queued weekly deliveries are dropped (their messages settled)."""
    ids = list(session.scalars(
        select(WeeklyDelivery.weekly_id).where(WeeklyDelivery.channel_id == channel_id,
                                               WeeklyDelivery.status.in_(("pending", "sending")))
    ))
    session.execute(
        update(WeeklyDelivery)
        .where(WeeklyDelivery.channel_id == channel_id, WeeklyDelivery.status.in_(("pending", "sending")))
        .values(status="dropped", last_error=reason[:1000])
    )
    for weekly_id in set(ids):
        settle(session, weekly_id)


def settle(session: Session, weekly_id: int) -> None:
    """The message is ``sent`` once none of its channels is left to do (any had it), else failed/dropped.
    Its row is locked first: channels finish in concurrent transactions, and each updates its own
    delivery before taking the lock, so the last to finish sees every other one's result (PostgreSQL;
    SQLite serialises writers anyway)."""
    message = session.scalars(
        select(WeeklyMessage).where(WeeklyMessage.id == weekly_id).with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if message is None:
        return
    rows = session.execute(
        select(WeeklyDelivery.status, WeeklyDelivery.sent_at, WeeklyDelivery.last_error).where(WeeklyDelivery.weekly_id == weekly_id)
    ).all()
    if not rows or any(r.status in ("pending", "sending") for r in rows):
        return
    sent = [r for r in rows if r.status == "sent"]
    if sent:
        message.status, message.sent_at, message.last_error = "sent", max(r.sent_at for r in sent), None
    else:
        message.status = "dropped" if all(r.status == "dropped" for r in rows) else "failed"
        message.last_error = "; ".join(dict.fromkeys(r.last_error or "" for r in rows))[:1000]
    session.flush()


def attempts_of(session: Session, delivery_id: int) -> int:
    return session.scalar(select(WeeklyDelivery.attempts).where(WeeklyDelivery.id == delivery_id)) or 0


def counts_by_status(session: Session) -> dict[str, int]:
    return dict(session.execute(select(WeeklyMessage.status, func.count(WeeklyMessage.id)).group_by(WeeklyMessage.status)).all())


def messages(session: Session) -> list[WeeklyMessage]:
    return list(session.scalars(select(WeeklyMessage).order_by(WeeklyMessage.id)))


def deliveries(session: Session, weekly_id: int | None = None) -> list[tuple[WeeklyDelivery, Channel]]:
    query = select(WeeklyDelivery, Channel).join(Channel, WeeklyDelivery.channel_id == Channel.id).order_by(WeeklyDelivery.id)
    if weekly_id is not None:
        query = query.where(WeeklyDelivery.weekly_id == weekly_id)
    return [(d, c) for d, c in session.execute(query).all()]
