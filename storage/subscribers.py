"""Subscribers and their keyword rules. Each function takes a session; the caller commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from storage.models import AlertDelivery, Channel, Rule, Subscriber
from storage import weekly
from storage.outbox import drop_pending
from storage.types import utcnow


def get_subscriber(session: Session, chat_id: int) -> Subscriber | None:
    return session.scalar(select(Subscriber).where(Subscriber.chat_id == chat_id))


def register(session: Session, chat_id: int, chat_type: str | None = None, title: str | None = None) -> tuple[Subscriber, bool]:
    """Create or reactivate a chat; returns (subscriber, created)."""
    subscriber = get_subscriber(session, chat_id)
    created = subscriber is None
    if created:
        subscriber = Subscriber(chat_id=chat_id, active=True, follows_defaults=True)
        session.add(subscriber)
    subscriber.active, subscriber.deactivated_reason = True, None
    subscriber.follows_defaults = True
    subscriber.chat_type = chat_type or subscriber.chat_type
    subscriber.title = title or subscriber.title
    session.flush()
    add_channel(session, subscriber, "console" if chat_id == CONSOLE_CHAT_ID else "telegram", str(chat_id))
    return subscriber, created


def get_channel(session: Session, kind: str, address: str) -> Channel | None:
    return session.scalar(select(Channel).where(Channel.kind == kind, Channel.address == address))


def add_channel(session: Session, subscriber: Subscriber, kind: str, address: str) -> tuple[Channel, bool]:
    """Give ``subscriber`` a channel (or reactivate the one it has); returns (channel, created)."""
    channel = get_channel(session, kind, address)
    created = channel is None
    if created:
        channel = Channel(subscriber_id=subscriber.id, kind=kind, address=address, active=True)
        session.add(channel)
    channel.subscriber_id, channel.active, channel.deactivated_reason = subscriber.id, True, None
    session.flush()
    return channel, created


def channel_by_id(session: Session, channel_id: int) -> Channel | None:
    return session.get(Channel, channel_id)


def subscriber_by_id(session: Session, subscriber_id: int) -> Subscriber | None:
    return session.get(Subscriber, subscriber_id)


def subscribe_channel(session: Session, kind: str, address: str, title: str | None = None) -> tuple[Subscriber, bool]:
    """The subscriber reached at (kind, address), created with the default rules if new, reactivated if not."""
    channel = get_channel(session, kind, address)
    subscriber = session.get(Subscriber, channel.subscriber_id) if channel is not None else None
    created = subscriber is None
    if created:
        subscriber = Subscriber(chat_id=None, chat_type=kind, title=title, active=True, follows_defaults=True)
        session.add(subscriber)
        session.flush()
    subscriber.active, subscriber.deactivated_reason = True, None
    add_channel(session, subscriber, kind, address)
    return subscriber, created


def channels_of(session: Session, subscriber_id: int, active_only: bool = True) -> list[Channel]:
    query = select(Channel).where(Channel.subscriber_id == subscriber_id).order_by(Channel.id)
    if active_only:
        query = query.where(Channel.active.is_(True))
    return list(session.scalars(query))


def deactivate_channel(session: Session, channel_id: int, reason: str) -> list[int]:
    """Stop one channel; its queued deliveries are dropped. A subscriber left with no channel is
    deactivated (its queue closed). Returns the alerts whose delivery state changed."""
    channel = session.get(Channel, channel_id)
    if channel is None:
        return []
    channel.active, channel.deactivated_reason = False, reason[:500]
    touched = list(
        session.scalars(
            select(AlertDelivery.alert_id).where(
                AlertDelivery.channel_id == channel_id, AlertDelivery.status.in_(("pending", "sending"))
            )
        )
    )
    session.execute(
        update(AlertDelivery)
        .where(AlertDelivery.channel_id == channel_id, AlertDelivery.status.in_(("pending", "sending")))
        .values(status="dropped", last_error=reason[:1000])
    )
    weekly.drop_channel(session, channel_id, reason)
    if not channels_of(session, channel.subscriber_id):
        subscriber = session.get(Subscriber, channel.subscriber_id)
        subscriber.active, subscriber.deactivated_reason = False, reason[:500]
        drop_pending(session, subscriber.id, reason)
    session.flush()
    return touched


# Telegram never uses chat id 0: it stands for the console when no bot token is set.
CONSOLE_CHAT_ID = 0
CONSOLE_OFF = "TELEGRAM_BOT_TOKEN is set: alerts go to Telegram, not the console"


def set_console(session: Session, active: bool) -> Subscriber | None:
    """Without a bot token the console subscribes to the default rules, so the embedded default shows
    its first new directive; with a token it is switched off and its queue closed."""
    subscriber = get_subscriber(session, CONSOLE_CHAT_ID)
    if active:
        if subscriber is None:
            subscriber = Subscriber(chat_id=CONSOLE_CHAT_ID, chat_type="console", title="console", follows_defaults=True)
            session.add(subscriber)
        subscriber.active, subscriber.deactivated_reason = True, None
        session.flush()
        add_channel(session, subscriber, "console", str(CONSOLE_CHAT_ID))
    elif subscriber is not None and subscriber.active:
        subscriber.active, subscriber.deactivated_reason = False, CONSOLE_OFF
        drop_pending(session, subscriber.id, CONSOLE_OFF)
    return subscriber


def deactivate(session: Session, chat_id: int, reason: str) -> None:
    subscriber = get_subscriber(session, chat_id)
    if subscriber is not None:
        subscriber.active, subscriber.deactivated_reason = False, reason[:500]


def migrate_chat(session: Session, old_chat_id: int, new_chat_id: int) -> Subscriber | None:
    """A group became a supergroup: same subscriber, new id (merging into an existing row if needed)."""
    old = get_subscriber(session, old_chat_id)
    if old is None:
        return get_subscriber(session, new_chat_id)
    existing = get_subscriber(session, new_chat_id)
    if existing is not None and existing.id != old.id:
        old.active, old.deactivated_reason = False, f"migrated to {new_chat_id}"
        return existing
    old.chat_id = new_chat_id
    session.execute(
        update(Channel)
        .where(Channel.kind == "telegram", Channel.address == str(old_chat_id))
        .values(address=str(new_chat_id))
    )
    session.flush()
    return old


def add_rule(
    session: Session,
    subscriber: Subscriber,
    name: str,
    any_terms: list[str] | None = None,
    all_terms: list[str] | None = None,
    none_terms: list[str] | None = None,
    accent_insensitive: bool = False,
    portals: list[str] | None = None,
    provinces: list[str] | None = None,
) -> Rule:
    rule = Rule(
        subscriber_id=subscriber.id,
        name=name,
        any_terms=any_terms or [],
        all_terms=all_terms or [],
        none_terms=none_terms or [],
        accent_insensitive=accent_insensitive,
        portals=portals or [],
        provinces=provinces or [],
    )
    session.add(rule)
    session.flush()
    return rule


def rules_of(session: Session, subscriber: Subscriber) -> list[Rule]:
    return list(session.scalars(select(Rule).where(Rule.subscriber_id == subscriber.id).order_by(Rule.id)))


def remove_rules(session: Session, subscriber: Subscriber, name: str | None = None) -> int:
    """Remove the rule(s) named ``name`` (case-insensitive), or all keyword rules when ``name`` is None."""
    rules = rules_of(session, subscriber)
    doomed = [r for r in rules if name is None or r.name.casefold() == name.casefold()]
    if doomed:
        session.execute(delete(Rule).where(Rule.id.in_([r.id for r in doomed])))
    return len(doomed)


def all_subscribers(session: Session, active_only: bool = True) -> list[Subscriber]:
    query = select(Subscriber).order_by(Subscriber.id)
    if active_only:
        query = query.where(Subscriber.active.is_(True))
    return list(session.scalars(query))


def all_rules(session: Session) -> list[Rule]:
    """Keyword rules of active subscribers."""
    query = select(Rule).join(Subscriber, Rule.subscriber_id == Subscriber.id).where(Subscriber.active.is_(True))
    return list(session.scalars(query.order_by(Rule.id)))


def set_mute(session: Session, subscriber: Subscriber, until: datetime | None) -> None:
    subscriber.muted_until = until


def set_defaults(session: Session, subscriber: Subscriber, follows: bool) -> None:
    subscriber.follows_defaults = follows


def set_digest(session: Session, subscriber: Subscriber, at: str | None) -> None:
    subscriber.digest_time = at
    if at and subscriber.last_digest_at is None:
        subscriber.last_digest_at = utcnow()


def set_weekly(session: Session, subscriber_id: int, on: bool) -> bool:
    """Opt a subscriber in to (``on``) or out of the weekly picture sent Monday 08:00 Vietnam time
    (the bot's /digest weekly, the CLI's --weekly, the e-mail manage page); False: no such subscriber."""
    return weekly.set_weekly(session, subscriber_id, on)
