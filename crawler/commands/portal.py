"""``portalwatch portal add URL`` and ``portalwatch portal check ID_OR_URL``: maintainer tools.

``add`` discovers what a page offers (listing sections, feeds, sitemaps), proposes a registry entry,
checks it live and appends it to the registry only with ``--write``. ``check`` is a live dry run of
an entry: nothing is stored, the exit status says whether the portal is usable.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from crawler.config import Settings
from crawler.errors import UserError
from crawler.maintain import discover, propose, registry_write, scaffold
from crawler.maintain.check import check_portal
from crawler.maintain.report import render_check, render_discovery
from spiders.registry_loader import load_registry
from spiders.schema import PORTAL_ID, PortalConfig
from spiders.urls import canonicalize


def register(sub) -> None:
    parser = sub.add_parser("portal", help="add a portal to the registry, or check one live (maintainer tools)")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    add = actions.add_parser("add", help="discover a portal's listings and feeds and propose a registry entry")
    add.add_argument("url", metavar="URL", help="the portal's home page or a listing page")
    add.add_argument("--id", dest="portal_id", metavar="ID", help="registry id (default: made from the host name)")
    add.add_argument("--name", help="portal name (default: the site's own name)")
    add.add_argument("--write", action="store_true", help="append the entry to the registry (PORTALWATCH_PORTALS)")
    add.add_argument(
        "--spider", nargs="?", const="auto", choices=("auto", *scaffold.KINDS),
        help="also write a spider module for a portal that needs code (kind guessed from the page by default)",
    )
    add.add_argument("--spider-dir", type=Path, default=scaffold.DEFAULT_DIR, help="package folder for the spider module")
    add.add_argument("--timeout", type=float, help="seconds before a discovery or check is given up")
    add.set_defaults(handler=handle_add)

    check = actions.add_parser("check", help="live dry run of a portal: links, first articles, warnings")
    check.add_argument("target", metavar="ID_OR_URL", help="a registry id, or a listing or feed URL")
    check.add_argument("--pages", type=int, default=2, help="listing pages per entry point (default 2)")
    check.add_argument("--articles", type=int, default=5, help="articles to fetch and extract (default 5)")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.add_argument("--timeout", type=float, help="seconds before the check is given up")
    check.set_defaults(handler=handle_check)


def handle(args, settings: Settings) -> int:
    return args.handler(args, settings)


# -- check ---------------------------------------------------------------------------------------


def resolve(target: str, settings: Settings) -> PortalConfig:
    """A registry entry by id, the entry a URL belongs to, or a one-off entry for an unknown URL."""
    registry = load_registry(settings.portals)
    if portal := registry.get(target):
        return portal
    if not target.startswith(("http://", "https://")):
        broken = [e for e in registry.errors if e.portal == target]
        if broken:
            raise UserError(f"portal {target!r} is in the registry but invalid: {broken[0]}")
        raise UserError(f"no portal {target!r} in {settings.portals} (give a registry id or an http(s) URL)")
    wanted = canonicalize(target)
    for portal in registry.portals:
        if wanted in {canonicalize(u) for u in (*portal.start_urls, *portal.feeds)}:
            return portal
    taken = {p.id for p in registry.portals}
    is_feed = discover.looks_like_feed(target)
    return PortalConfig(
        id=discover.propose_id(target, taken),
        name=urlsplit(target).hostname or target,
        **({"feeds": [target]} if is_feed else {"start_urls": [target]}),
    )


def _positive(value, flag: str):
    if value is not None and value <= 0:
        raise UserError(f"{flag} must be more than 0")
    return value


def handle_check(args, settings: Settings) -> int:
    portal = resolve(args.target, settings)
    report = check_portal(
        portal, settings, pages=_positive(args.pages, "--pages"), articles=_positive(args.articles, "--articles"),
        timeout=_positive(args.timeout, "--timeout"),
    )
    print(json.dumps(report.as_json(), ensure_ascii=False, indent=2) if args.json else render_check(report))
    if not report.usable:
        raise UserError(f"{portal.id} is not usable: {report.reason}", exit_code=1)
    return 0


# -- add -----------------------------------------------------------------------------------------


def handle_add(args, settings: Settings) -> int:
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    url = args.url.strip()
    _positive(args.timeout, "--timeout")
    if not url.startswith(("http://", "https://")):
        raise UserError(f"not an http(s) URL: {url}")
    registry = load_registry(settings.portals)
    taken = {p.id for p in registry.portals}
    if args.portal_id is not None and not re.match(PORTAL_ID, args.portal_id):
        raise UserError(f"--id {args.portal_id!r}: use 2 to 80 lower-case letters, digits, '-' or '_'")
    if args.portal_id in taken:
        where = registry.sources[args.portal_id]
        raise UserError(f"a portal with id {args.portal_id!r} is already in the registry ({where})")
    found = propose.discover_site(url, settings, args.timeout)
    print(render_discovery(found))
    kind = scaffold.choose_kind(found) if args.spider == "auto" else args.spider
    portal = propose.propose(found, url, taken, args.portal_id, args.name, needs_code=bool(kind))
    module = None
    if kind:
        module, dotted = scaffold.write_spider(portal.id, portal.name, kind, args.spider_dir)
        portal = scaffold.with_spider(portal, dotted)
        print(f"\nwrote {module} ({kind} spider): edit its hooks, then `portalwatch portal check {portal.id}`")
    print()
    report = check_portal(portal, settings, timeout=args.timeout)
    print(render_check(report, articles=3))
    portal = _mark(portal, report.usable, kind, len(report.good_articles), len(report.articles))
    comment = f"added by `portalwatch portal add {url}`"
    print("\nproposed entry:\n" + registry_write.render(portal))
    if not report.usable and not kind:
        hint = "" if "--spider" in report.reason else " (a portal that needs code: add --spider)"
        raise UserError(f"{'not written' if args.write else 'not usable'}: {report.reason}{hint}", exit_code=1)
    if not report.usable:
        print(f"the spider needs work ({report.reason}); the entry stays disabled until `portal check` passes")
    if not args.write:
        print("not written (add --write to append it to the registry)")
        return 0
    written = registry_write.append_entry(settings.portals, portal, comment)
    print(f"written to {written}")
    if report.usable:
        print(f"next: `portalwatch fixture record {portal.id}` to give it a regression test")
    else:
        print(f"next: edit {module} until `portalwatch portal check {portal.id}` passes, set `enabled: true`, "
              f"then `portalwatch fixture record {portal.id}`")
    return 0


def _mark(portal: PortalConfig, usable: bool, spider: str | None, good: int, fetched: int) -> PortalConfig:
    """Says what the live check saw; a spider still to be written stays disabled until it works."""
    today = f"{date.today():%Y-%m-%d}"
    verified = (
        f"portal check {today}: {good} of {fetched} articles extracted; needs a fixture (fixture record)"
        if usable
        else f"portal check {today}: not usable yet"
    )
    data = portal.model_dump(mode="json", exclude_defaults=True)
    data["verified"] = verified
    if spider and not usable:
        data["enabled"] = False
        data["notes"] = "; ".join(filter(None, [data.get("notes"), "enable once its spider passes portal check"]))
    return PortalConfig.model_validate(data)
