from __future__ import annotations

import json
import sys

from crawler.config import Settings
from crawler.errors import UserError
from crawler.store import open_store
from crawler.timefmt import iso_vn, short_vn
from spiders.registry_loader import load_registry
from storage import repositories as repo
from storage.db import transaction


def register(sub) -> None:
    parser = sub.add_parser("articles", help="list stored articles, newest first")
    parser.add_argument("--portal", metavar="ID")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--text", action="store_true", help="include the article text (with --json)")
    parser.add_argument("--limit", type=int, default=None)
    parser.set_defaults(handler=handle)


def article_json(article, with_text: bool = False) -> dict:
    data = {
        "id": article.id,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "portal": article.portal_id,
        "title": article.title,
        "published_at": iso_vn(article.published_at),
        "first_seen_at": iso_vn(article.first_seen_at),
        "author": article.author,
        "lead": article.lead,
        "baseline": article.baseline,
    }
    if with_text:
        data["text"] = article.text
    return data


def handle(args, settings: Settings) -> int:
    with transaction(open_store(settings.database_url, settings.database_wait)) as session:
        if args.portal and not repo.portal_exists(session, args.portal) and load_registry(settings.portals).get(args.portal) is None:
            raise UserError(f"unknown portal {args.portal!r} (see `portalwatch portals`)")
        articles = repo.list_articles(session, args.portal, args.limit)
        if not articles:
            where = f" for portal {args.portal!r}" if args.portal else ""
            print(f"no articles stored{where} yet (`portalwatch crawl` collects them)", file=sys.stderr)
        for article in articles:
            if args.json:
                print(json.dumps(article_json(article, args.text), ensure_ascii=False))
            else:
                print(f"{short_vn(article.published_at):16}  {article.portal_id:20}  {article.title}\n{'':18}{article.url}")
    return 0
