"""``portalwatch fixture record ID``: save a portal's listing and first articles as its regression test.

``tests/test_portal_fixtures.py`` turns every folder under ``tests/fixtures/portals`` into a test, and
fails for any portal of the bundled registry without one.
"""

from __future__ import annotations

import logging
from pathlib import Path

from crawler.config import Settings
from crawler.errors import UserError
from crawler.maintain import fixtures
from crawler.maintain.record import record
from crawler.maintain.report import render_check
from spiders.registry_loader import load_registry


def register(sub) -> None:
    parser = sub.add_parser("fixture", help="record test fixtures from a live portal (maintainer tools)")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    rec = actions.add_parser("record", help="save a portal's listing page and N articles with their expected JSON")
    rec.add_argument("portal_id", metavar="ID", help="registry id")
    rec.add_argument("--count", type=int, default=3, help="articles to save (default 3)")
    rec.add_argument("--out", type=Path, default=None, help=f"fixture root (default {fixtures.DEFAULT_ROOT})")
    rec.set_defaults(handler=handle)


def default_root() -> Path:
    """The project's fixture folder; from an installed copy without tests, the one under the current folder."""
    if fixtures.DEFAULT_ROOT.parent.is_dir():
        return fixtures.DEFAULT_ROOT
    return Path.cwd() / "tests" / "fixtures" / "portals"


def handle(args, settings: Settings) -> int:
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    if not 1 <= args.count <= 20:
        raise UserError("--count must be between 1 and 20")
    registry = load_registry(settings.portals)
    portal = registry.get(args.portal_id)
    if portal is None:
        hint = "add it first: portalwatch portal add URL --write"
        raise UserError(f"no portal {args.portal_id!r} in {settings.portals} ({hint})")
    root = args.out or default_root()
    folder, report = record(portal, settings, root, args.count)
    print(render_check(report))
    saved = fixtures.load(folder).meta
    listing, articles = saved["listing"], saved["articles"]
    print(f"\nrecorded {folder}: {listing['file']} ({len(listing['links'])} links), {len(articles)} articles")
    for article in articles:
        print(f"  {article['expected']}  ← {article['url']}")
    if len(articles) < args.count:
        print(f"only {len(articles)} of {args.count} articles extracted cleanly; see the warnings above")
    print(f"review: {fixtures.REVIEW}")
    print(f"test:   .venv/bin/pytest tests/test_portal_fixtures.py -k {portal.id}")
    return 0
