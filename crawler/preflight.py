"""The crawl batch's pre-flight: a conditional GET of each portal's listings and feeds before Scrapy.

Tighter polling multiplies polls, and most polls find nothing new. Building a Scrapy crawler per
portal (middlewares, pipelines, extensions, a database read of every seen URL) costs ten times what
asking "changed?" costs. So the batch child first asks each portal's entries with the stored
validators (If-None-Match / If-Modified-Since, then the stored body hash), under the same fetch
rules as the crawl: robots.txt obeyed (read once per host per batch and parsed by Protego as Scrapy
does), ``spiders.fetch_policy`` (http(s) only, the portal's own hosts, no internal address unless the
portal lives there; the address judged is the one connected to), the same user agent, headers, TLS
tolerance, timeout, size limit and per-host politeness delay.

The pre-flight only ever decides one thing: "every entry of this portal answered unchanged". Such
a portal's run is recorded exactly as Scrapy's unchanged visit records it (ok, one request, one
listing page and one not-modified per entry; the validators of a 200-with-the-same-body refreshed;
a 304 saves nothing). Anything else — a changed or unknown body, a redirect, an error, a timeout,
a robots.txt disallow, a refusal, a first crawl, a previous run that was not ok, a custom spider —
hands the portal to Scrapy, which then crawls it as it always did, so every edge keeps today's
behaviour and today's recorded reason.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import socket
import ssl
import time
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from crawler.config import Settings
from crawler.state import Validators
from spiders.fetch_policy import FetchPolicy, address_kind, literal_kind
from spiders.schema import PortalConfig
from storage import repositories as repo
from storage.db import transaction
from storage.types import utcnow

log = logging.getLogger("portalwatch.preflight")
# Scrapy's DEFAULT_REQUEST_HEADERS: the pre-flight asks as the crawl asks.
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CONCURRENCY = 32  # the crawl's CONCURRENT_REQUESTS


class NeedsCrawl(Exception):
    """Why the pre-flight cannot call a portal unchanged (for the debug log; Scrapy then decides)."""


@dataclass
class Unchanged:
    portal: PortalConfig
    requests: int
    refreshed: dict[str, Validators] = field(default_factory=dict)  # 200 with the stored body


def entry_key(url: str) -> str:
    """The URL as Scrapy's Request holds it: listing validators are stored under that form."""
    from w3lib.url import safe_url_string

    return safe_url_string(url, "utf-8")


def eligible(portal: PortalConfig, facts: repo.PollFacts | None) -> bool:
    """Only a generic spider's portal whose last visit was ok and whose every entry has validators."""
    if portal.spider or facts is None or not facts.baseline_done or facts.last_status != "ok":
        return False
    return all(entry_key(url) in facts.validators for url in entries(portal))


def entries(portal: PortalConfig) -> list[str]:
    """What a visit asks first: listings, feeds and document registers (all conditional GETs)."""
    return [*portal.start_urls, *portal.feeds, *portal.documents]


def tls_context() -> ssl.SSLContext:
    """The crawl's TLS tolerance: expired or self-signed certificates and old ciphers still get read."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # no CA store loaded: nothing is verified
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    return context


class Preflight:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._robots: dict[str, asyncio.Future] = {}
        self._addresses: dict[str, str] = {}  # host -> the address judged, which is the one connected to
        self._slots: dict[str, _Slot] = {}
        self._limit = asyncio.Semaphore(CONCURRENCY)
        self.session = None
        # As Scrapy's HttpProxyMiddleware: the environment's proxies, read once (aiohttp's trust_env
        # would read them, and .netrc, in a thread for every request).
        self._proxies = urllib.request.getproxies()

    async def run(self, portals: list[tuple[PortalConfig, repo.PollFacts]]) -> dict[str, Unchanged]:
        import aiohttp

        connector = aiohttp.TCPConnector(ssl=tls_context(), resolver=_PinnedResolver(self._addresses), limit=CONCURRENCY)
        timeout = aiohttp.ClientTimeout(total=self.settings.download_timeout)
        headers = {"User-Agent": self.settings.user_agent, "Accept": ACCEPT, "Accept-Language": "en"}
        async with aiohttp.ClientSession(connector=connector, timeout=timeout, headers=headers,
                                         cookie_jar=aiohttp.CookieJar(unsafe=True)) as self.session:
            verdicts = await asyncio.gather(*(self._portal(p, f) for p, f in portals))
        return {v.portal.id: v for v in verdicts if v is not None}

    async def _portal(self, portal: PortalConfig, facts: repo.PollFacts) -> Unchanged | None:
        policy = FetchPolicy.for_portal(entries(portal), portal.allowed_hosts)
        verdict = Unchanged(portal, 0)
        try:
            for url in entries(portal):
                key = entry_key(url)
                await self._allowed(key, policy)
                verdict.requests += 1
                known = facts.validators[key]
                fresh = await self._conditional_get(key, known)
                if fresh is not None:
                    verdict.refreshed[key] = fresh
        except NeedsCrawl as why:
            log.debug("portal %s needs a crawl: %s", portal.id, why, extra={"portal": portal.id})
            return None
        except Exception as exc:  # noqa: BLE001 - any surprise: Scrapy crawls it and says what happened
            log.debug("portal %s: pre-flight error %r", portal.id, exc, extra={"portal": portal.id})
            return None
        return verdict

    # -- the crawl's fetch rules ------------------------------------------------------------------

    async def _allowed(self, url: str, policy: FetchPolicy) -> None:
        await self._policy_allows(url, policy)
        if not self.settings.obey_robots:
            return
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = asyncio.ensure_future(self._read_robots(f"{origin}/robots.txt", policy))
        robots = await asyncio.shield(self._robots[origin])
        if not robots.can_fetch(url, self.settings.user_agent):
            raise NeedsCrawl(f"robots.txt forbids {url}")

    async def _policy_allows(self, url: str, policy: FetchPolicy) -> None:
        if why := policy.refusal(url):
            raise NeedsCrawl(why)
        kind = await self._kind(urlsplit(url).hostname or "")
        if kind is not None:
            own = {k for host in policy.own if (k := await self._own_kind(host))}
            if why := policy.internal_refusal(url, kind, own):
                raise NeedsCrawl(why)

    async def _own_kind(self, host: str) -> str | None:
        try:  # an own host that does not resolve is no kind, as in the crawl
            return await self._kind(host)
        except NeedsCrawl:
            return None

    async def _kind(self, host: str) -> str | None:
        host = host.lower()
        known, kind = literal_kind(host)
        if known or not host or host.startswith("*."):
            return kind
        if host not in self._addresses:
            try:  # as Scrapy's resolver: the first IPv4 address
                found = await asyncio.get_running_loop().getaddrinfo(host, None, family=socket.AF_INET, type=socket.SOCK_STREAM)
            except OSError as exc:
                raise NeedsCrawl(f"DNS lookup of {host} failed") from exc
            self._addresses[host] = found[0][4][0]
        return address_kind(self._addresses[host])

    async def _read_robots(self, url: str, policy: FetchPolicy):
        from protego import Protego

        await self._policy_allows(url, policy)
        status, _, body = await self._get(url, {})
        if status >= 300 and status not in (400, 401, 403, 404, 410):
            raise NeedsCrawl(f"robots.txt answered HTTP {status}")  # redirects, retries: Scrapy's way
        # Scrapy's ProtegoRobotParser reads whatever body came, as UTF-8 ignoring bad bytes.
        return Protego.parse(body.decode("utf-8-sig", errors="ignore"))

    async def _conditional_get(self, url: str, known) -> Validators | None:
        """None for a 304; the validators to save for a 200 with the stored body; NeedsCrawl otherwise."""
        if not all(v.isascii() for v in (known.etag or "", known.last_modified or "")):
            raise NeedsCrawl("validators beyond ASCII: sent as the crawl sends them (latin-1)")
        headers = {}
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        status, response_headers, body = await self._get(url, headers)
        if status == 304:
            return None
        if status != 200:
            raise NeedsCrawl(f"HTTP {status} at {url}")
        digest = hashlib.sha256(body).hexdigest()
        if digest != known.body_hash:
            raise NeedsCrawl(f"changed: {url}")
        # As Scrapy's Headers.get: the last value of a repeated header.
        etag, modified = (response_headers.getall(name, [""])[-1] for name in ("ETag", "Last-Modified"))
        if not (etag.isascii() and modified.isascii()):
            raise NeedsCrawl("validators beyond ASCII: stored as the crawl stores them (latin-1)")
        return Validators(etag or None, modified or None, digest)

    async def _get(self, url: str, headers: dict):
        """(status, headers (case-insensitive), body) of one request, redirects not followed."""
        from multidict import CIMultiDict
        from yarl import URL

        limit = self.settings.max_page_bytes
        async with self._slot(urlsplit(url).hostname or ""), self._limit:  # no slot held while waiting for a host
            async with self.session.get(URL(url, encoded=True), headers=headers, allow_redirects=False, proxy=self._proxy(url)) as response:
                if (response.content_length or 0) > limit:
                    raise NeedsCrawl(f"larger than {limit} bytes: {url}")
                body = bytearray()
                async for chunk in response.content.iter_chunked(65536):
                    body += chunk
                    if len(body) > limit:
                        raise NeedsCrawl(f"larger than {limit} bytes: {url}")
                return response.status, CIMultiDict(response.headers), bytes(body)

    def _proxy(self, url: str) -> str | None:
        parts = urlsplit(url)
        proxy = self._proxies.get(parts.scheme)
        return proxy if proxy and not urllib.request.proxy_bypass(parts.hostname or "") else None

    def _slot(self, host: str) -> "_Slot":
        if host not in self._slots:
            self._slots[host] = _Slot(self.settings.download_delay)
        return self._slots[host]


class _Slot:
    """Per-host politeness as the crawl's DOWNLOAD_DELAY (with its 0.5 jitter): one request at a time."""

    def __init__(self, delay: float):
        self.delay, self.lock, self.last = delay, asyncio.Lock(), 0.0

    async def __aenter__(self):
        await self.lock.acquire()
        wait = self.last + self.delay * random.uniform(0.5, 1.5) - time.monotonic()
        if self.last and wait > 0:
            await asyncio.sleep(wait)

    async def __aexit__(self, *exc):
        self.last = time.monotonic()
        self.lock.release()


class _PinnedResolver:
    """aiohttp connects to the address the fetch policy judged, never to a second DNS answer."""

    def __init__(self, addresses: dict[str, str]):
        from aiohttp.resolver import DefaultResolver

        self.addresses = addresses
        self.fallback = DefaultResolver()

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET):
        address = self.addresses.get(host.lower())
        if address is None:  # 'localhost' and other literals known without DNS
            return await self.fallback.resolve(host, port, family)
        return [{"hostname": host, "host": address, "port": port, "family": socket.AF_INET, "proto": 0,
                 "flags": socket.AI_NUMERICHOST}]

    async def close(self) -> None:
        await self.fallback.close()


def split_batch(settings: Settings, factory, portals: list[PortalConfig], batch_id: str) -> list[PortalConfig]:
    """Record the runs of unchanged portals; the portals Scrapy still has to crawl."""
    started = utcnow()
    with transaction(factory) as session:
        facts = repo.poll_facts(session, [p.id for p in portals])
    candidates = [(p, facts[p.id]) for p in portals if eligible(p, facts.get(p.id))]
    if not candidates:
        return portals
    unchanged = asyncio.run(Preflight(settings).run(candidates))
    if unchanged:
        try:
            record_unchanged(factory, list(unchanged.values()), batch_id, started)
        except Exception:
            log.exception("recording %d unchanged portals failed: crawling them instead", len(unchanged))
            return portals
    log.info("pre-flight: %d of %d portals unchanged, %d to crawl", len(unchanged), len(portals), len(portals) - len(unchanged))
    return [p for p in portals if p.id not in unchanged]


def record_unchanged(factory, verdicts: list[Unchanged], batch_id: str, started) -> None:
    """One transaction for all: each run as ``CrawlState.open``/``close`` record an unchanged visit."""
    from spiders.registry_loader import config_hash

    visits, refreshed = [], {}
    for verdict in verdicts:
        portal, n = verdict.portal, verdict.requests
        fields = repo.PortalFields(portal.id, portal.name, portal.province, portal.kind, config_hash(portal), portal.enabled)
        visits.append((fields, {"requests": n, "listing_pages": n, "not_modified": n, "article_pages": 0,
                                "new_articles": 0, "skipped": 0, "errors": 0}))
        refreshed.update({url: (v.etag, v.last_modified, v.body_hash) for url, v in verdict.refreshed.items()})
    with transaction(factory) as session:
        repo.add_unchanged_runs(session, batch_id, started, visits)
        repo.refresh_listings(session, refreshed)
    for verdict in verdicts:
        log.info("portal %s: ok, 0 new articles, %d requests (unchanged)", verdict.portal.id, verdict.requests,
                 extra={"portal": verdict.portal.id, "status": "ok", "reason": None})
