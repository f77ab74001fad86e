"""URL canonicalisation: one article, one key, whatever tracking or session junk a link carries."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Parameters that never select content: analytics, social shares, sessions, cache busters.
_DROP_PARAMS = re.compile(
    r"^(utm_[a-z]+|fbclid|gclid|dclid|msclkid|zarsrc|zarsrc_\w+|_ga|_gl|mc_cid|mc_eid|ref|ref_src|"
    r"source|src|share|from|jsessionid|phpsessid|aspsessionid\w*|sid|sessionid|s_id|cfid|cftoken|"
    r"_|timestamp|cache|nocache|rnd|random|print|amp)$",
    re.IGNORECASE,
)
_PATH_SESSION = re.compile(r";(jsessionid|phpsessid|sid)=[^/?#]*", re.IGNORECASE)
# ASP.NET cookieless sessions: /(S(abc123))/page.aspx
_ASPNET_SESSION = re.compile(r"/\((?:S|A|F)\([^)]*\)\)", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonicalize(url: str) -> str:
    """Lower-case scheme and host, drop default ports, fragments, session and tracking parameters,
    sort the remaining query, and normalise percent-encoding. ``http``/``https`` and ``www.`` stay
    distinct: some government hosts serve different sites on them."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower() or "http"
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = _ASPNET_SESSION.sub("", _PATH_SESSION.sub("", parts.path)) or "/"
    path = quote(unquote(path), safe="/%:@!$&'()*+,;=-._~")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _DROP_PARAMS.match(k)]
    query.sort()
    return urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))


def host_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host
