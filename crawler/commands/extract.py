"""``portalwatch extract``: run the article extractor on saved pages or live URLs, one JSON object per input.

PDF/DOC/DOCX/ODT files give the document's text and metadata instead (crawler/documents/files.py).

For checking a portal by hand: what the crawl would store for this page, or why it would skip it.
"""

from __future__ import annotations

import json
import logging
import sys
import urllib.error
import urllib.request
from email.message import Message
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
    status = 0
    for item in args.inputs:
        if not _is_url(item) and item != "-" and is_document(Path(item)):
            record, ok = document_record(Path(item))
            print(json.dumps(record, ensure_ascii=False, indent=2 if args.pretty else None))
            status = status if ok else 1
            continue
        try:
            body, url, encoding = _read(item, args.url, settings)
        except (OSError, urllib.error.URLError, ValueError) as exc:
            print(json.dumps({"input": item, "error": str(exc)}, ensure_ascii=False))
            status = 1
            continue
        chosen = portal or _portal_for_url(url, settings)
        result = extract(body, url=url, portal=chosen, encoding=args.encoding or encoding)
        record = {"input": item, "portal": chosen.id if chosen else None, **result.as_json()}
        print(json.dumps(record, ensure_ascii=False, indent=2 if args.pretty else None))
    return status


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def _read(item: str, url: str | None, settings: Settings) -> tuple[bytes, str | None, str | None]:
    if item == "-":
        return sys.stdin.buffer.read(), url, None
    if not _is_url(item):
        return Path(item).read_bytes(), url, None
    request = urllib.request.Request(item, headers={"User-Agent": settings.user_agent, "Accept-Language": "vi,en;q=0.5"})
    with urllib.request.urlopen(request, timeout=settings.download_timeout) as response:  # noqa: S310 (http(s) only, checked above)
        body = response.read(settings.max_page_bytes + 1)
        if len(body) > settings.max_page_bytes:
            raise ValueError(f"larger than {settings.max_page_bytes} bytes")
        header = Message()
        header["content-type"] = response.headers.get("Content-Type", "")
        return body, response.geturl(), header.get_param("charset")


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
