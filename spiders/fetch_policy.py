"""Which URLs a portal's crawl may fetch: the one rule, enforced by ``crawler.middlewares.FetchPolicyMiddleware``.

A portal's pages are hostile input: a feed entry or a redirect can point at ``file:///etc/…``, at the
cloud metadata address or at an admin page on the intranet. So only http(s) is fetched; a portal's
requests stay on its own hosts (those of its start URLs and feeds, plus the registry's
``allowed_hosts``); and an address in a loopback, private, link-local or otherwise internal range
is refused unless it is one of the portal's own hosts and the portal itself lives in that kind of
range (tests serve portals on 127.0.0.N; some provinces run intranet mirrors).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

SCHEMES = ("http", "https")


def __getattr__(name: str):
    """``RefusedRequest`` is built on first use: the crawl batch's pre-flight judges URLs with this
    module and must not pay for importing Scrapy (and Twisted) when no portal needs a spider."""
    if name != "RefusedRequest":
        raise AttributeError(name)
    from scrapy.exceptions import IgnoreRequest

    class RefusedRequest(IgnoreRequest):
        """A request the fetch policy would not send; its message is the reason for the run record."""

    RefusedRequest.__module__ = __name__
    globals()["RefusedRequest"] = RefusedRequest
    return RefusedRequest


def bare_host(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def address_kind(address: str) -> str | None:
    """'loopback', 'private', 'link-local' or 'internal' for a non-public IP address; None if public."""
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return None
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_private and not (ip.version == 4 and ip in _SHARED):
        return "private"
    if ip.is_multicast or ip.is_reserved or ip.is_unspecified or ip in _SHARED or not ip.is_global:
        return "internal"
    return None


_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT


def literal_kind(host: str) -> tuple[bool, str | None]:
    """(known without DNS, kind): an IP literal or ``localhost`` is classified here; a name needs a lookup."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True, "loopback"
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False, None
    return True, address_kind(host)


@dataclass(frozen=True)
class FetchPolicy:
    """``hosts``: the hosts a crawl may visit (None: any, for discovery of an unknown site);
    ``own``: the portal's own hosts, the only ones allowed on an internal address."""

    hosts: frozenset[str] | None
    own: frozenset[str]

    @classmethod
    def for_portal(cls, entry_urls, allowed_hosts=()) -> "FetchPolicy":
        own = frozenset({bare_host(urlsplit(u).hostname or "") for u in entry_urls} | {bare_host(h) for h in allowed_hosts})
        return cls(own, own)

    @classmethod
    def for_pages(cls, urls) -> "FetchPolicy":
        """Maintainers' tools on a page they named: any public host, internal only for that page's host."""
        return cls(None, frozenset(bare_host(urlsplit(u).hostname or "") for u in urls))

    def refusal(self, url: str) -> str | None:
        """Why ``url`` may not be fetched, judged without DNS (scheme and host); None when it may."""
        try:
            parts = urlsplit(url)
            host = bare_host(parts.hostname or "")
            parts.port  # noqa: B018 (raises on a port out of range)
        except ValueError as exc:
            return f"malformed URL ({exc})"
        if parts.scheme.lower() not in SCHEMES:
            return f"not an http(s) URL: {url[:120]}"
        if not host:
            return f"no host in {url[:120]}"
        if self.hosts is not None and not self._listed(host, self.hosts):
            return f"{host} is not one of the portal's hosts (list it in allowed_hosts): {url[:120]}"
        return None

    def internal_refusal(self, url: str, kind: str | None, own_kinds: set[str]) -> str | None:
        """Why a request to an address of ``kind`` is refused, given the kinds the portal's own hosts are on."""
        if kind is None:
            return None
        host = bare_host(urlsplit(url).hostname or "")
        if self._listed(host, self.own) and kind in own_kinds:
            return None
        return f"{kind} address refused ({host}): {url[:120]}"

    @staticmethod
    def _listed(host: str, hosts: frozenset[str]) -> bool:
        if host in hosts:
            return True
        return any(h.startswith("*.") and (host == h[2:] or host.endswith(h[1:])) for h in hosts)
