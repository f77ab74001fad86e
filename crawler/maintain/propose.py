"""From a URL to a registry entry: discover what the page offers, then choose entry points.

A page that itself lists articles is the listing. A home page is not: its sections named like news or
foreign affairs are, when they list articles. Feeds advertised by the page join the entry; site-wide
feeds join only when no listing was found (they carry every section, and the crawl fetches them all).
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from pydantic import ValidationError

from crawler.config import Settings
from crawler.errors import UserError
from crawler.maintain import discover
from crawler.maintain.child import run_child
from crawler.maintain.diagnose import explain
from spiders.schema import PortalConfig

MIN_LINKS = 3


def discover_site(url: str, settings: Settings, timeout: float | None = None) -> dict:
    found = run_child("discover", {"url": url}, settings, timeout or max(60.0, settings.download_timeout * 4))
    page = found.get("page")
    if page is None:
        raise UserError(f"no answer from {url}" + (" in time" if found.get("timed_out") else ""), exit_code=1)
    if error := page.get("error"):
        if error["code"] == "robots":
            raise UserError(f"robots.txt disallows {url}", exit_code=1)
        if error["code"] == "tls":
            raise UserError(f"TLS handshake failed for {url}: {error['detail']}"[:300], exit_code=1)
        raise UserError(f"cannot fetch {url}: {error['detail']}", exit_code=1)
    return found


def page_problem(found: dict) -> str | None:
    """Why the page itself is no listing (a shell, a wall, not HTML), or None."""
    problem = found["page"].get("problem")
    return f"{explain(problem['code'], problem['detail'])} at {found['page']['url']}" if problem else None


def choose_entry_points(found: dict) -> tuple[list[str], list[str]]:
    page = found["page"]
    is_home = urlsplit(page["url"]).path in ("", "/") and not urlsplit(page["url"]).query
    sections = [s["url"] for s in found["sections"] if (s.get("links") or 0) >= MIN_LINKS and not s.get("problem")]
    own = (page.get("links") or 0) >= MIN_LINKS and not page.get("problem")
    if own and not (is_home and sections):
        start_urls = [page["url"]]  # where the URL given led, so the crawl is not redirected every time
    else:
        start_urls = sections[:2]
    feeds = [f["url"] for f in found["feeds"] if f.get("advertised") or not start_urls]
    return start_urls, feeds[:2]


def propose(
    found: dict, url: str, taken: set[str], portal_id: str | None = None, name: str | None = None,
    needs_code: bool = False,
) -> PortalConfig:
    page = found["page"]
    start_urls, feeds = choose_entry_points(found)
    if not start_urls and not feeds:
        if not needs_code:
            why = page_problem(found) or "no listing with article links and no feed found"
            hint = "" if "--spider" in why else " (a portal that needs code: portal add --spider)"
            raise UserError(f"nothing to crawl at {url}: {why}{hint}", exit_code=1)
        start_urls = [url]
    name = name or page.get("site_name") or urlsplit(url).hostname
    notes = []
    if found["sitemaps"]:
        notes.append("sitemaps: " + " ".join(found["sitemaps"]))
    entry = {
        "id": portal_id or discover.propose_id(url, taken),
        "name": name,
        "province": discover.province_of(name),
        "kind": discover.kind_of(name, url),
        "start_urls": start_urls,
        "feeds": feeds,
        "documents": [r["url"] for r in found.get("registers", []) if r.get("rows")][:2],
        "verified": f"portal add {date.today():%Y-%m-%d}: not yet checked",
        "notes": "; ".join(notes) or None,
    }
    try:
        return PortalConfig.model_validate({k: v for k, v in entry.items() if v not in (None, [])})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "entry"
        raise UserError(f"the proposed entry is not valid: {where}: {first['msg']}") from None
