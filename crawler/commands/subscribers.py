"""`portalwatch subscribers`: operators add, list and remove subscribers and their channels
(a Telegram chat, an e-mail address, an Apprise URL) without the bot."""

from __future__ import annotations

import re
import sys

from crawler.config import Settings
from crawler.errors import UserError
from crawler.store import open_store
from crawler.timefmt import short_vn
from monitor.alerting.email import ADDRESS
from monitor.keywords import add_keywords
from storage import outbox, subscribers
from storage.db import transaction
from storage.types import utcnow

EMAIL = ADDRESS  # one definition, shared with the web sign-up
DEFAULT_DIGEST_AT = "07:00"


def register(sub) -> None:
    parser = sub.add_parser("subscribers", help="list, add or remove subscribers (Telegram, e-mail, Apprise)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.add_parser("list", help="every subscriber with its channels and keywords (default)")
    add = actions.add_parser("add", help="subscribe a chat, an e-mail address or an Apprise URL to the default alerts")
    add.add_argument("chat_id", type=int, nargs="?", help="a Telegram chat id")
    _channel_options(add)
    add.add_argument("--keyword", "-k", action="append", default=[], help="a keyword rule (repeatable)")
    add.add_argument("--digest", choices=("daily", "off"), help="one e-mail/message a day instead of instant alerts")
    add.add_argument("--digest-at", default=DEFAULT_DIGEST_AT, metavar="HH:MM", help="Vietnam time of the daily digest")
    add.add_argument("--weekly", nargs="?", const="on", choices=("on", "off"),
                     help="the weekly picture every Monday 08:00 Vietnam time (--weekly off: stop it)")
    remove = actions.add_parser("remove", help="stop alerting a chat (or one of a subscriber's channels)")
    remove.add_argument("chat_id", type=int, nargs="?")
    _channel_options(remove)
    parser.set_defaults(handler=handle, action="list")


def _channel_options(parser) -> None:
    parser.add_argument("--email", action="append", default=[], metavar="ADDR", help="an e-mail address (repeatable)")
    parser.add_argument("--apprise", action="append", default=[], metavar="URL", help="an Apprise URL, e.g. ntfys://… (repeatable)")


def _channels(args) -> list[tuple[str, str]]:
    """(kind, address) of every channel named on the command line, checked."""
    from monitor.alerting.apprise_channel import check_url

    named = []
    for address in args.email:
        address = address.strip().lower()
        if not EMAIL.fullmatch(address):
            raise UserError(f"not an e-mail address: {address!r}")
        named.append(("email", address))
    for url in args.apprise:
        try:
            named.append(("apprise", check_url(url.strip())))
        except ValueError as exc:
            raise UserError(str(exc)) from None
    return named


def display(kind: str, address: str) -> str:
    """A channel as shown to operators: Apprise URLs hold secrets and are shown redacted."""
    from monitor.alerting.apprise_channel import redact

    return f"{kind}:{redact(address) if kind == 'apprise' else address}"


def _add(session, args, settings: Settings) -> int:
    named = _channels(args)
    if args.chat_id is None and not named:
        raise UserError("name a Telegram chat id, --email ADDR or --apprise URL")
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", args.digest_at):
        raise UserError(f"--digest-at must be HH:MM (Vietnam time), not {args.digest_at!r}")
    owners = {c.subscriber_id for c in (subscribers.get_channel(session, k, a) for k, a in named) if c is not None}
    if args.chat_id is not None:
        subscriber, created = subscribers.register(session, args.chat_id)
    elif owners:
        subscriber, created = subscribers.subscribe_channel(session, *named[0])
    else:
        subscriber, created = subscribers.subscribe_channel(session, *named[0], title=named[0][1] if named[0][0] == "email" else None)
    if owners - {subscriber.id}:
        raise UserError("those channels belong to different subscribers; add them one at a time")
    subscriber.active, subscriber.deactivated_reason = True, None
    for kind, address in named:
        subscribers.add_channel(session, subscriber, kind, address)
    # The bot's door: the matcher's own checks, the per-subscriber cap (monitor/keywords.py).
    result = add_keywords(session, subscriber, args.keyword, max_keywords=settings.max_keywords_per_chat,
                          max_chars=settings.max_keyword_chars)
    for error in result.rejected:
        print(f"portalwatch: {error}", file=sys.stderr)
    if args.digest:
        subscribers.set_digest(session, subscriber, args.digest_at if args.digest == "daily" else None)
    if args.weekly:
        subscribers.set_weekly(session, subscriber.id, args.weekly == "on")
    what = [f"chat {args.chat_id}"] if args.chat_id is not None else []
    what += [display(k, a) for k, a in named]
    if result.over_cap:
        print(f"portalwatch: {len(result.over_cap)} keywords not added: {', '.join(what)} has the most allowed "
              f"({settings.max_keywords_per_chat}, PORTALWATCH_MAX_KEYWORDS_PER_CHAT)", file=sys.stderr)
    print(f"{'added' if created else 'updated'} {', '.join(what)}"
          + (f"; keywords added: {', '.join(result.added)}" if result.added else ""))
    return 2 if result.rejected or result.over_cap else 0


def _remove(session, args) -> int:
    named = _channels(args)
    if args.chat_id is None and not named:
        raise UserError("name a Telegram chat id, --email ADDR or --apprise URL")
    reason = "removed by an operator"
    if args.chat_id is not None:
        subscriber = subscribers.get_subscriber(session, args.chat_id)
        if subscriber is None:
            raise UserError(f"no subscriber with chat id {args.chat_id}")
        subscribers.deactivate(session, args.chat_id, reason)
        dropped = outbox.drop_pending(session, subscriber.id, reason)
        print(f"removed chat {args.chat_id} ({dropped} queued alerts dropped)")
    for kind, address in named:
        channel = subscribers.get_channel(session, kind, address)
        if channel is None:
            raise UserError(f"no subscriber with {display(kind, address)}")
        touched = subscribers.deactivate_channel(session, channel.id, reason)
        outbox.settle(session, touched)
        print(f"removed {display(kind, address)}")
    return 0


def handle(args, settings: Settings) -> int:
    factory = open_store(settings.database_url, settings.database_wait)
    with transaction(factory) as session:
        if args.action == "add":
            return _add(session, args, settings)
        if args.action == "remove":
            return _remove(session, args)
        now = utcnow()
        print(f"{'ID':>5} {'ACTIVE':6} {'MUTED UNTIL':16} {'DIGEST':6} {'WEEKLY':6}  CHANNELS  |  KEYWORDS")
        for subscriber in subscribers.all_subscribers(session, active_only=False):
            muted = short_vn(subscriber.muted_until) if subscriber.muted_until and subscriber.muted_until > now else "-"
            keywords = ", ".join(r.name for r in subscribers.rules_of(session, subscriber)) or "-"
            channels = ", ".join(
                display(c.kind, c.address) + ("" if c.active else " (off)")
                for c in subscribers.channels_of(session, subscriber.id, active_only=False)
            ) or (f"telegram:{subscriber.chat_id}" if subscriber.chat_id is not None else "-")
            print(
                f"{subscriber.id:>5} {'yes' if subscriber.active else 'no':6} {muted:16} "
                f"{subscriber.digest_time or '-':6} {'yes' if subscriber.weekly_since else '-':6}  {channels}  |  {keywords}"
            )
    return 0
