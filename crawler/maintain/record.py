"""``fixture record``: a portal's listing page and first articles, saved as its regression test.

The pages are fetched by the portal's own spider in a dry-run check, saved byte for byte as served,
and the expected JSON is what the extractor makes of them now, read back from the saved files
exactly as the test will. Recording again replaces the folder: git keeps the old one.
"""

from __future__ import annotations

import base64
import shutil
from datetime import datetime, timezone
from pathlib import Path

from crawler.config import Settings
from crawler.errors import UserError
from crawler.maintain import fixtures
from crawler.maintain.check import CheckReport, check_portal
from spiders.schema import PortalConfig

_EXTENSIONS = {"json": "json", "xml": "xml", "rss": "xml", "atom": "xml", "html": "html", "xhtml": "html", "plain": "txt"}


def extension(content_type: str) -> str:
    media = content_type.split(";")[0].strip().lower()
    for key, ext in _EXTENSIONS.items():
        if key in media.rsplit("/", 1)[-1]:
            return ext
    return "html"


def record(
    portal: PortalConfig, settings: Settings, root: Path, count: int = 3, source: str = "live"
) -> tuple[Path, CheckReport]:
    report = check_portal(portal, settings, pages=1, articles=count, keep_bodies=True)
    if not report.usable:
        raise UserError(f"nothing recorded: {report.reason}", exit_code=1)
    good = report.good_articles[:count]
    folder = Path(root) / portal.id
    staging = Path(root) / f".{portal.id}.recording"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        _write(staging, portal, report, good, source)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)
    return folder, report


def _write(staging: Path, portal: PortalConfig, report: CheckReport, good: list[dict], source: str) -> None:
    (staging / "articles").mkdir(parents=True)
    meta = {
        "portal": portal.id,
        "recorded_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "source": source,
        "review": fixtures.REVIEW,
        "entry": portal.model_dump(mode="json", exclude_defaults=True),
        "listing": _save_listing(report, staging),
        "articles": [],
    }
    for n, article in enumerate(good, start=1):
        name = f"articles/{n:02d}.{extension(article['content_type'])}"
        (staging / name).write_bytes(base64.b64decode(article["body"]))
        meta["articles"].append(
            {
                "file": name,
                "expected": f"articles/{n:02d}.expected.json",
                "url": article["url"],
                "link_url": article["link_url"],
                "content_type": article["content_type"],
                "encoding": article["encoding"],
            }
        )
    fixture = fixtures.Fixture(staging, meta)
    fixtures.refresh(fixture, portal)
    if problems := fixtures.verify(fixtures.load(staging), portal):
        raise UserError(f"the recorded fixture does not read back the same: {problems[0]}", exit_code=1)


def _save_listing(report: CheckReport, folder: Path) -> dict:
    """The first listing page that gave links, else the first feed that had entries."""
    listing = next((item for item in report.listings if item.get("links") and item.get("body")), None)
    kind = "listing"
    if listing is None:
        listing = next((item for item in report.feeds if item.get("entries") and item.get("body")), None)
        kind = "feed"
    if listing is None:
        raise UserError("nothing recorded: no listing page with article links and no feed with entries", exit_code=1)
    name = f"listing.{extension(listing['content_type']) if kind == 'listing' else 'xml'}"
    (folder / name).write_bytes(base64.b64decode(listing["body"]))
    return {
        "file": name,
        "kind": kind,
        "url": listing["url"],
        "content_type": listing["content_type"],
        "encoding": listing.get("encoding"),
        "links": [],
        "next_page": None,
    }
