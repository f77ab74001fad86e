"""Tables. Every change here comes with an Alembic migration in ``storage/migrations/versions``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import false as sa_false
from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import UTCDateTime, utcnow


class Base(DeclarativeBase):
    pass


class Portal(Base):
    """A watched portal as last seen in the registry, plus what crawling has learnt about it."""

    __tablename__ = "portals"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    province: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str | None] = mapped_column(String(30))
    config_hash: Mapped[str | None] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Paused by an admin (bot /pause): survives registry syncs, unlike ``enabled``.
    paused: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # The first successful crawl stores the archive as a baseline (no alerts for old news).
    baseline_done: Mapped[bool] = mapped_column(Boolean, default=False)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_failure_reason: Mapped[str | None] = mapped_column(Text)
    last_new_article_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # healthy | unhealthy | unknown, with the reason a maintainer reads, kept so a change is noticed once.
    health: Mapped[str] = mapped_column(String(20), default="unknown", server_default="unknown")
    health_reason: Mapped[str | None] = mapped_column(Text)
    health_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class CrawlRun(Base):
    """One visit of one portal. A run left 'running' by a killed child is closed as 'interrupted'."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    portal_id: Mapped[str] = mapped_column(ForeignKey("portals.id", ondelete="CASCADE"), index=True)
    batch_id: Mapped[str | None] = mapped_column(String(40), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # running | ok | partial | failed | interrupted
    status: Mapped[str] = mapped_column(String(20), default="running")
    reason: Mapped[str | None] = mapped_column(Text)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    listing_pages: Mapped[int] = mapped_column(Integer, default=0)
    not_modified: Mapped[int] = mapped_column(Integer, default=0)
    article_pages: Mapped[int] = mapped_column(Integer, default=0)
    new_articles: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)

    portal: Mapped[Portal] = relationship()


class ListingPage(Base):
    """HTTP validators and body hash of a listing or feed, for conditional GET on the next visit."""

    __tablename__ = "listing_pages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    portal_id: Mapped[str] = mapped_column(ForeignKey("portals.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    body_hash: Mapped[str | None] = mapped_column(String(64))
    fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Article(Base):
    """A stored article. Its full-text index (migration 0008, queried by storage/search.py) is not
    mapped: FTS5 tables kept by triggers on SQLite, generated tsvector columns on PostgreSQL."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    portal_id: Mapped[str] = mapped_column(ForeignKey("portals.id", ondelete="CASCADE"), index=True)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="SET NULL"))
    url: Mapped[str] = mapped_column(Text)
    canonical_url: Mapped[str] = mapped_column(Text, unique=True)
    title: Mapped[str] = mapped_column(Text)
    lead: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # True when the portal showed a time of day, not only a date.
    published_has_time: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    # Stored during a portal's first crawl: kept, but never alerted as news.
    baseline: Mapped[bool] = mapped_column(Boolean, default=False)
    # Foreign-affairs relevance, set by the monitor ("doi-ngoai" or None) with its score.
    topic: Mapped[str | None] = mapped_column(String(40))
    topic_score: Mapped[float | None] = mapped_column(Float)
    # When the monitor processed the article; NULL means matching is still to do.
    matched_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    portal: Mapped[Portal] = relationship()


class SkippedPage(Base):
    """A fetched page that is not an article (or duplicates one), remembered so it is not fetched again."""

    __tablename__ = "skipped_pages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    portal_id: Mapped[str] = mapped_column(ForeignKey("portals.id", ondelete="CASCADE"), index=True)
    canonical_url: Mapped[str] = mapped_column(Text, unique=True)
    reason: Mapped[str] = mapped_column(Text)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Directive(Base):
    """A Party or State document, with the article that mentioned it first.

    Its identity is (code, scope): "VN" for a national issuer's code (one document whatever portal
    reports it), the province for a local issuer's ("481/QĐ-UBND" of Lai Châu and of Cao Bằng are two
    documents), "?" when no one could tell which province (kept apart, never merged into a province's).
    """

    __tablename__ = "directives"
    __table_args__ = (UniqueConstraint("code", "scope", name="uq_directives_code_scope"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(120))
    scope: Mapped[str] = mapped_column(String(80), default="VN", server_default="VN")
    kind: Mapped[str | None] = mapped_column(String(60))
    number: Mapped[str | None] = mapped_column(String(30))
    year: Mapped[int | None] = mapped_column(Integer)
    issuer: Mapped[str | None] = mapped_column(String(60))
    issued_on: Mapped[str | None] = mapped_column(String(10))  # ISO date when a sentence gives one
    first_article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    mentions: Mapped[int] = mapped_column(Integer, default=0)
    # What a document register row or the document's own first page says (migration 0006).
    summary: Mapped[str | None] = mapped_column(Text)  # trích yếu
    issuer_name: Mapped[str | None] = mapped_column(Text)  # "UBND tỉnh Sơn La", as the register writes it
    signer: Mapped[str | None] = mapped_column(Text)
    effective_on: Mapped[str | None] = mapped_column(String(10))  # ISO date
    register_url: Mapped[str | None] = mapped_column(Text)
    first_portal_id: Mapped[str | None] = mapped_column(String(100))


class DirectiveMention(Base):
    __tablename__ = "directive_mentions"
    __table_args__ = (UniqueConstraint("directive_id", "article_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    sentence: Mapped[str | None] = mapped_column(Text)


class DocumentSighting(Base):
    """Where a document was met outside news text: a register row or a post carrying its file."""

    __tablename__ = "document_sightings"
    __table_args__ = (UniqueConstraint("directive_id", "portal_id", "source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id", ondelete="CASCADE"), index=True)
    portal_id: Mapped[str] = mapped_column(ForeignKey("portals.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(20))  # register | attachment
    page_url: Mapped[str] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DocumentFile(Base):
    """One attachment, once per content (sha256): its extracted text, never the binary.

    A failed fetch or extraction is a row too (``error``, no text), so it is not fetched again every cycle.
    """

    __tablename__ = "document_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    directive_id: Mapped[int | None] = mapped_column(ForeignKey("directives.id", ondelete="SET NULL"), index=True)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"), index=True)
    portal_id: Mapped[str | None] = mapped_column(ForeignKey("portals.id", ondelete="SET NULL"))
    url: Mapped[str] = mapped_column(Text, index=True)
    sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Another URL serving bytes already stored: a row of its own (so the URL is not fetched again), no text.
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("document_files.id", ondelete="CASCADE"))
    size: Mapped[int | None] = mapped_column(Integer)
    media_type: Mapped[str | None] = mapped_column(String(120))
    pages: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)
    text_source: Mapped[str | None] = mapped_column(String(20))  # text-layer | docx | odt | doc | ocr
    ocr_confidence: Mapped[float | None] = mapped_column(Float)
    legacy_encoding: Mapped[str | None] = mapped_column(String(10))
    signature: Mapped[str | None] = mapped_column(Text)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Match(Base):
    """Why an article matters: one row per detector or rule that fired, with the snippet to show."""

    __tablename__ = "matches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    # directive | visit | keyword | rule
    kind: Mapped[str] = mapped_column(String(20))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("rules.id", ondelete="SET NULL"))
    rule_name: Mapped[str | None] = mapped_column(String(200))
    terms: Mapped[list] = mapped_column(JSON, default=list)
    snippet: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Subscriber(Base):
    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # The Telegram chat the bot knows this subscriber by; NULL for a subscriber reached only by
    # e-mail or Apprise. Every way of reaching the person is a row in ``channels``.
    chat_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    chat_type: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Default alerts: new directives and foreign visits from all portals.
    follows_defaults: Mapped[bool] = mapped_column(Boolean, default=True)
    muted_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    digest_time: Mapped[str | None] = mapped_column(String(5))  # "HH:MM" Vietnam time, or NULL for instant
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Opted in to the weekly picture (Monday 08:00 Vietnam time) since then; NULL: not opted in.
    # A week is sent only to subscribers opted in before its Monday slot (migration 0010).
    weekly_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deactivated_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Channel(Base):
    """One way of reaching a subscriber: a Telegram chat, an e-mail address, an Apprise URL (or the
    console). A subscriber has one set of rules and any number of channels; each alert goes to each."""

    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("kind", "address"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), index=True)
    # telegram | email | apprise | console
    kind: Mapped[str] = mapped_column(String(20))
    # The chat id as text, the e-mail address (lower case), or the Apprise URL (holds secrets: never log it).
    address: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    deactivated_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Signup(Base):
    """A sign-up on the web page waiting for its e-mail confirmation (double opt-in): nothing is
    subscribed until the signed link in the confirmation e-mail is opened. Rows also count the
    confirmations sent per address and per client for the hourly limits; old rows are pruned."""

    __tablename__ = "signups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    address: Mapped[str] = mapped_column(String(320), index=True)  # lower case
    keywords: Mapped[list] = mapped_column(JSON, default=list)  # as checked at the door
    follows_defaults: Mapped[bool] = mapped_column(Boolean, default=True)
    digest_time: Mapped[str | None] = mapped_column(String(5))  # "HH:MM" Vietnam time, or NULL for instant
    # An HMAC of the client's network address (not the address itself), for the per-client limit.
    client: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id", ondelete="SET NULL"))


class Rule(Base):
    """A subscriber's keyword rule; global rules come from YAML and are not stored."""

    __tablename__ = "rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    any_terms: Mapped[list] = mapped_column(JSON, default=list)
    all_terms: Mapped[list] = mapped_column(JSON, default=list)
    none_terms: Mapped[list] = mapped_column(JSON, default=list)
    accent_insensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    portals: Mapped[list] = mapped_column(JSON, default=list)
    provinces: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Alert(Base):
    """The outbox. One row per (subscriber, article): a chat gets one message per article however many
    rules fired. Rows survive crashes; the sender drains them."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("subscriber_id", "article_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    # The event the article reports (a directive code, a visit's partners and day): same key, one message.
    event_key: Mapped[str | None] = mapped_column(String(300), index=True)
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    # pending | sending | sent | merged | failed | dropped | digest
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("alerts.id", ondelete="SET NULL"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)


class _ChannelDelivery:
    """The columns every per-channel delivery has (alerts' and weekly messages'): the sender drives
    them the same way. The owning class declares its ``id`` and the key of what is delivered."""

    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"), index=True)
    # pending | sending | sent | failed | dropped
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Telegram's message id, or the e-mail's Message-ID.
    message_id: Mapped[str | None] = mapped_column(String(300))


class AlertDelivery(_ChannelDelivery, Base):
    """An alert on one channel. The alert's own status is the sum of these: it stays ``pending``
    until every channel has it ``sent`` (or given up), so a failing channel never blocks another."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (UniqueConstraint("alert_id", "channel_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)


class WeeklyMessage(Base):
    """The weekly outbox: one row per (subscriber, ISO week), queued on the Monday after the week in
    one transaction with a ``weekly_deliveries`` row per active channel; the sender drains them."""

    __tablename__ = "weekly_messages"
    __table_args__ = (UniqueConstraint("subscriber_id", "iso_year", "iso_week", name="uq_weekly_subscriber_week"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), index=True)
    iso_year: Mapped[int] = mapped_column(Integer)
    iso_week: Mapped[int] = mapped_column(Integer)
    # pending (a channel still to do) | sent (any channel had it) | failed | dropped
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WeeklyDelivery(_ChannelDelivery, Base):
    """A weekly message on one channel: ``sending`` before the request, ``sent`` after it."""

    __tablename__ = "weekly_deliveries"
    __table_args__ = (UniqueConstraint("weekly_id", "channel_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    weekly_id: Mapped[int] = mapped_column(ForeignKey("weekly_messages.id", ondelete="CASCADE"), index=True)


class Notice(Base):
    """A message to an admin (a portal went unhealthy or recovered, an address bounced), delivered
    like an alert to one of the admin's channels."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # A Telegram admin chat; NULL when the notice goes to another kind of channel.
    chat_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    kind: Mapped[str] = mapped_column(String(20), default="telegram", server_default="telegram")
    # The e-mail address or Apprise URL when ``kind`` is not telegram.
    address: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    # pending | sending | sent | failed
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PollSchedule(Base):
    """A portal's learnt publication rhythm (crawler/policy.py) and its next poll: a restart keeps both."""

    __tablename__ = "poll_schedules"

    portal_id: Mapped[str] = mapped_column(ForeignKey("portals.id", ondelete="CASCADE"), primary_key=True)
    rhythm: Mapped[dict] = mapped_column(JSON, default=dict)
    learned_from: Mapped[int] = mapped_column(Integer, default=0)
    learned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class KeyValue(Base):
    """Small durable state (e.g. the bot's getUpdates offset)."""

    __tablename__ = "state"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)


Index("ix_crawl_runs_portal_started", CrawlRun.portal_id, CrawlRun.started_at)
