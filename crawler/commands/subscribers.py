from __future__ import annotations

import sys

from crawler.config import Settings
from crawler.errors import UserError
from crawler.store import open_store
from crawler.timefmt import short_vn
from monitor.keywords import add_keywords
from storage import outbox, subscribers
from storage.db import transaction
from storage.types import utcnow


def register(sub) -> None:
    parser = sub.add_parser("subscribers", help="list, add or remove Telegram subscribers")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.add_parser("list", help="every subscriber with its keywords (default)")
    add = actions.add_parser("add", help="subscribe a chat to the default alerts, optionally with keywords")
    add.add_argument("chat_id", type=int)
    add.add_argument("--keyword", "-k", action="append", default=[], help="a keyword rule (repeatable)")
    remove = actions.add_parser("remove", help="stop alerting a chat")
    remove.add_argument("chat_id", type=int)
    parser.set_defaults(handler=handle, action="list")


def handle(args, settings: Settings) -> int:
    factory = open_store(settings.database_url, settings.database_wait)
    with transaction(factory) as session:
        if args.action == "add":
            subscriber, created = subscribers.register(session, args.chat_id)
            result = add_keywords(session, subscriber, args.keyword, max_keywords=settings.max_keywords_per_chat,
                                  max_chars=settings.max_keyword_chars)
            for error in result.rejected:
                print(f"portalwatch: {error}", file=sys.stderr)
            if result.over_cap:
                print(f"portalwatch: {len(result.over_cap)} keywords not added: chat {args.chat_id} has the most allowed "
                      f"({settings.max_keywords_per_chat}, PORTALWATCH_MAX_KEYWORDS_PER_CHAT)", file=sys.stderr)
            print(f"{'added' if created else 'updated'} chat {args.chat_id}"
                  + (f"; keywords added: {', '.join(result.added)}" if result.added else ""))
            return 2 if result.rejected or result.over_cap else 0
        if args.action == "remove":
            subscriber = subscribers.get_subscriber(session, args.chat_id)
            if subscriber is None:
                raise UserError(f"no subscriber with chat id {args.chat_id}")
            subscribers.deactivate(session, args.chat_id, "removed by an operator")
            dropped = outbox.drop_pending(session, subscriber.id, "removed by an operator")
            print(f"removed chat {args.chat_id} ({dropped} queued alerts dropped)")
            return 0
        now = utcnow()
        print(f"{'CHAT ID':>16} {'ACTIVE':6} {'MUTED UNTIL':16} {'DIGEST':6}  KEYWORDS")
        for subscriber in subscribers.all_subscribers(session, active_only=False):
            muted = short_vn(subscriber.muted_until) if subscriber.muted_until and subscriber.muted_until > now else "-"
            keywords = ", ".join(r.name for r in subscribers.rules_of(session, subscriber)) or "-"
            print(
                f"{subscriber.chat_id:>16} {'yes' if subscriber.active else 'no':6} {muted:16} "
                f"{subscriber.digest_time or '-':6}  {keywords}"
            )
    return 0
