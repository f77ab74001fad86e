"""The portal fixture format, and the one check every portal's regression test runs.

``<root>/<portal id>/``: ``listing.html`` (or ``listing.xml`` for a feed, ``listing.json`` for a JSON
endpoint) as it was served, ``articles/NN.html`` with ``NN.expected.json`` (the extractor's output
when recorded, to be read and corrected by a person), and ``meta.json`` with the URLs, encodings and
the article links found on the listing. The listing is read back with the portal's own spider class,
so a custom spider's ``article_links``/``next_page`` hooks are tested along with the generic ones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from scrapy.http import Headers
from scrapy.responsetypes import responsetypes

from crawler.extract import extract
from crawler.extract.verdict import code_of
from crawler.spiderloader import spider_class
from spiders.feeds import entry_link, parse_feed
from spiders.schema import PortalConfig

PROJECT = Path(__file__).resolve().parents[2]
DEFAULT_ROOT = PROJECT / "tests" / "fixtures" / "portals"
COMPARED = ("title", "published_at", "has_time", "author", "lead", "text", "captions")
REVIEW = "expected JSON is the extractor's output when recorded: read each against its page before merging"


@dataclass
class Fixture:
    folder: Path
    meta: dict

    @property
    def portal_id(self) -> str:
        return self.meta["portal"]

    def snapshot(self) -> PortalConfig:
        """The entry as it was when recorded, for a fixture whose portal is not in the registry at hand."""
        return PortalConfig.model_validate(self.meta["entry"])

    def body(self, relative: str) -> bytes:
        return (self.folder / relative).read_bytes()


def load(folder: Path) -> Fixture:
    return Fixture(Path(folder), json.loads((Path(folder) / "meta.json").read_text(encoding="utf-8")))


def fixtures_in(root: Path) -> list[Fixture]:
    root = Path(root)
    if not root.is_dir():
        return []
    return [load(p) for p in sorted(root.iterdir()) if not p.name.startswith(".") and (p / "meta.json").is_file()]


def response_for(url: str, body: bytes, content_type: str, encoding: str | None):
    """The response Scrapy would have built for these bytes, so spider hooks can read them."""
    headers = Headers({"Content-Type": content_type or "text/html"})
    cls = responsetypes.from_args(headers=headers, url=url, body=body)
    kwargs = {"encoding": encoding} if encoding and hasattr(cls, "text") else {}
    return cls(url=url, body=body, headers=headers, **kwargs)


def listing_links(portal: PortalConfig, listing: dict, body: bytes) -> tuple[list[str], str | None]:
    """Article links (and the next page) the portal's spider finds in the saved listing or feed."""
    if listing.get("kind") == "feed":
        return [urljoin(listing["url"], link) for e in parse_feed(body).entries if (link := entry_link(e))], None
    spider = spider_class(portal)()
    response = response_for(listing["url"], body, listing.get("content_type", ""), listing.get("encoding"))
    return [link.url for link in spider.article_links(response)], spider.next_page(response, 1)


def expectation(portal: PortalConfig, article: dict, body: bytes) -> dict:
    found = extract(body, url=article["url"], portal=portal, encoding=article.get("encoding")).as_json()
    found.pop("warnings", None)
    return found


def verify(fixture: Fixture, portal: PortalConfig | None = None) -> list[str]:
    """Every difference between what the fixture expects and what the code does now; [] when none."""
    portal = portal or fixture.snapshot()
    meta, problems = fixture.meta, []
    listing = meta["listing"]
    links, following = listing_links(portal, listing, fixture.body(listing["file"]))
    if links != listing["links"]:
        missing = [u for u in listing["links"] if u not in links]
        extra = [u for u in links if u not in listing["links"]]
        problems.append(f"{listing['file']}: links differ (missing {missing[:3]}, unexpected {extra[:3]})")
    if listing.get("kind") != "feed" and following != listing.get("next_page"):
        problems.append(f"{listing['file']}: next page {following!r}, expected {listing.get('next_page')!r}")
    if not meta["articles"]:
        problems.append("no articles recorded")
    for article in meta["articles"]:
        want = json.loads(fixture.body(article["expected"]))
        got = expectation(portal, article, fixture.body(article["file"]))
        if want.get("rejected") or got.get("rejected"):
            if code_of(want.get("rejected")) != code_of(got.get("rejected")):
                problems.append(f"{article['file']}: rejected {got.get('rejected')!r}, expected {want.get('rejected')!r}")
            continue
        for key in COMPARED:
            if got.get(key) != want.get(key):
                problems.append(f"{article['file']}: {key} is {_clip(got.get(key))}, expected {_clip(want.get(key))}")
    return problems


def _clip(value) -> str:
    text = repr(value)
    return text if len(text) < 120 else text[:117] + "..."


def refresh(fixture: Fixture, portal: PortalConfig) -> None:
    """Re-derive links and expected JSON from the saved pages (after a reviewed extractor change)."""
    listing = fixture.meta["listing"]
    listing["links"], listing["next_page"] = listing_links(portal, listing, fixture.body(listing["file"]))
    if listing.get("kind") == "feed":
        listing["next_page"] = None
    for article in fixture.meta["articles"]:
        _write_json(fixture.folder / article["expected"], expectation(portal, article, fixture.body(article["file"])))
    fixture.meta["entry"] = portal.model_dump(mode="json", exclude_defaults=True)
    _write_json(fixture.folder / "meta.json", fixture.meta)


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
