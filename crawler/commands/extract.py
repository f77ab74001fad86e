"""``portalwatch extract``: run the article extractor on saved pages or live URLs, one JSON object per input.

PDF/DOC/DOCX/ODT files give the document's text and metadata instead (crawler/documents/files.py).

For checking a portal by hand: what the crawl would store for this page, or why it would skip it.
URLs are fetched by the crawl's own Scrapy path in a child (robots.txt, TLS settings, fetch policy,
charset repair, the extraction pipeline), so the answer is the crawler's, not a lookalike's.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from urllib.parse import urlsplit

from crawler.documents.files import document_record, is_document
from crawler.config import Settings
from crawler.errors import UserError
from crawler.extract import extract
from spiders.registry_loader import load_registry
from spiders.schema import PortalConfig


def register(sub) -> None:
    parser = sub.add_parser("extract", help="extract the article from saved pages or URLs (one JSON object per input)")
    parser.add_argument("inputs", nargs="+", metavar="FILE_OR_URL", help="a saved page, an http(s) URL, or - for standard input")
    parser.add_argument("--url", help="the page's original address, when reading a single file")
    parser.add_argument("--portal", metavar="ID", help="use this registry entry's selectors and boilerplate")
    parser.add_argument("--encoding", help="the page's encoding when it is known better than the page says")
    parser.add_argument("--pretty", action="store_true", help="indent the JSON")
    parser.set_defaults(handler=handle)


def handle(args, settings: Settings) -> int:
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    if args.url and len(args.inputs) > 1:
        raise UserError("--url names one page; give it with a single input")
    for item in args.inputs:
        if not _is_url(item) and item != "-" and not Path(item).is_file():
            raise UserError(f"no such file: {item}")
    portal = _portal(args.portal, settings) if args.portal else None
    fetched = _fetch([item for item in args.inputs if _is_url(item)], portal, args.encoding, settings)
    status = 0
    for item in args.inputs:
        if not _is_url(item) and item != "-" and is_document(Path(item)):
            record, ok = document_record(Path(item))
            print(json.dumps(record, ensure_ascii=False, indent=2 if args.pretty else None))
            status = status if ok else 1
            continue
        if _is_url(item):
            record = fetched[item]
        else:
            try:
                body = sys.stdin.buffer.read() if item == "-" else Path(item).read_bytes()
            except OSError as exc:
                record = {"input": item, "error": str(exc)}
            else:
                chosen = portal or _portal_for_url(args.url, settings)
                result = extract(body, url=args.url, portal=chosen, encoding=args.encoding)
                record = {"input": item, "portal": chosen.id if chosen else None, **result.as_json()}
        status = 1 if "error" in record else status
        print(json.dumps(record, ensure_ascii=False, indent=2 if args.pretty else None))
    return status


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def _fetch(urls: list[str], portal: PortalConfig | None, encoding: str | None, settings: Settings) -> dict[str, dict]:
    """Each URL's record, fetched and extracted in a crawl child (one per registry entry concerned)."""
    from crawler.maintain.check import failure_sentence
    from crawler.maintain.child import run_child

    groups: dict[str | None, tuple[PortalConfig | None, list[str]]] = {}
    for url in dict.fromkeys(urls):
        named = portal or _portal_for_url(url, settings)
        groups.setdefault(named.id if named else None, (named, []))[1].append(url)
    records: dict[str, dict] = {}
    for named, members in groups.values():
        chosen = named
        if encoding:  # the charset the user knows better, as a registry entry's ``encoding`` would force it
            chosen = (named or PortalConfig(id="extract", name="extract", start_urls=members)).model_copy(update={"encoding": encoding})
        request = {"urls": members, "portal": chosen.model_dump(mode="json") if chosen else None}
        found = run_child("extract", request, settings, max(60.0, settings.download_timeout * 4))
        pages = {page["link_url"]: page for page in found.get("articles", [])}
        failures = {failure["url"]: failure for failure in found.get("failures", [])}
        for url in members:
            page, failure = pages.get(url), failures.get(url)
            if page is not None and page["extraction"] is not None:
                records[url] = {"input": url, "portal": named.id if named else None, **page["extraction"]}
            elif page is not None:
                records[url] = {"input": url, "error": page["reject"]}
            elif failure is not None:
                records[url] = {"input": url, "error": failure_sentence(failure)}
            else:
                records[url] = {"input": url, "error": f"no answer within {found['timeout']:.0f} s"}
    return records


def _portal(portal_id: str, settings: Settings) -> PortalConfig:
    registry = load_registry(settings.portals)
    portal = registry.get(portal_id)
    if portal is None:
        raise UserError(f"no portal {portal_id!r} in {settings.portals}")
    return portal


def _portal_for_url(url: str | None, settings: Settings) -> PortalConfig | None:
    """The registry entry whose start URLs or feeds are on the page's host, so overrides apply without --portal."""
    host = (urlsplit(url).hostname or "").removeprefix("www.") if url else ""
    if not host:
        return None
    for portal in load_registry(settings.portals).portals:
        hosts = {(urlsplit(u).hostname or "").removeprefix("www.") for u in [*portal.start_urls, *portal.feeds]}
        if host in hosts:
            return portal
    return None
