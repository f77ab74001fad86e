"""Why a fetch or a page is of no use, as a short code and a sentence a maintainer can act on.

The extractor already tells JavaScript shells and login walls from articles (``verdict``); this adds
what only matters when judging a whole portal: a failed fetch (robots.txt, TLS, DNS, HTTP) and the
anti-bot cookie walls some government hosts put in front of every page.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from crawler.extract import verdict
from crawler.extract.encoding import binary_kind, decode

# A tiny page whose script sets a cookie and reloads: the "checking your browser" walls.
_COOKIE_SCRIPT = re.compile(r"document\.cookie\s*=", re.I)
_RELOAD = re.compile(
    r"location\.(?:reload|replace|href|assign)|window\.location\s*=|document\.location|http-equiv=.?refresh", re.I
)
_TEXT_OF_TAGS = re.compile(rb"<script\b.*?</script>|<style\b.*?</style>|<[^>]+>", re.I | re.S)
_TLS = re.compile(r"SSL routines|OpenSSL\.SSL\.Error|SSLError|tlsv1|sslv3 alert|wrong version number|handshake", re.I)

ADVICE = {
    "javascript-stub": "the page is a JavaScript shell; the listing needs a spider (portal add --spider)",
    "javascript-stub-spider": "the page is a JavaScript shell; start_urls must name the JSON endpoint it calls",
    "cookie-wall": "an anti-bot cookie wall answered instead of the page",
    "login-wall": "a login page answered instead of the content",
    "not-html": "the address serves no HTML page",
    "empty": "the page is empty",
}


def failure_code(failure) -> str:
    """robots | tls | dns | timeout | http | network, from a Twisted failure of a Scrapy request."""
    from scrapy.exceptions import IgnoreRequest
    from scrapy.spidermiddlewares.httperror import HttpError

    exc = failure.value
    if isinstance(exc, HttpError):
        return "http"
    if isinstance(exc, IgnoreRequest) and "robots.txt" in str(exc):
        return "robots"
    chain = _chain_text(exc)
    if _TLS.search(chain):
        return "tls"
    name = type(exc).__name__
    if "DNS" in name or "Resolve" in name:
        return "dns"
    if "Timeout" in name or "TimedOut" in name:
        return "timeout"
    return "network"


def _chain_text(exc: BaseException) -> str:
    """Scrapy wraps Twisted's failures, which wrap OpenSSL's: the type names tell only at the bottom."""
    parts, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        parts.append(f"{type(exc).__module__}.{type(exc).__name__}: {exc}")
        for reason in getattr(exc, "reasons", None) or []:
            parts.append(repr(getattr(reason, "value", reason)))
        exc = exc.__cause__ or exc.__context__
    return " ".join(parts)


def page_problem(body: bytes, encoding: str | None, content_type: str) -> tuple[str, str] | None:
    """(code, detail) when a page holds no usable content at all; None when it might."""
    media = content_type.split(";")[0].strip().lower()
    if media and not (media.startswith("text/") or "html" in media or "xml" in media or "json" in media):
        return "not-html", f"served as {media}"
    if kind := binary_kind(body):
        return "not-html", f"the response is {kind[1]}"
    if not body.strip():
        return "empty", "the response has no body"
    if is_cookie_wall(body):
        return "cookie-wall", "a script sets a cookie and reloads the page"
    try:
        tree = lxml.html.document_fromstring(decode(body, encoding).text)
    except (etree.ParserError, ValueError):
        return "empty", "no HTML document"
    # The extractor's own verdict on shells, without running the whole extraction on a listing.
    if shell := verdict.before_extraction(tree):
        code, detail = shell.split(": ", 1)
        return code, detail
    return None


def is_cookie_wall(body: bytes) -> bool:
    head = body[:20000]
    if len(b" ".join(_TEXT_OF_TAGS.sub(b" ", head).split())) >= 400:
        return False
    text = head.decode("latin-1")
    return bool(_COOKIE_SCRIPT.search(text) and _RELOAD.search(text))


def explain(code: str, detail: str | None = None) -> str:
    text = ADVICE.get(code, code)
    return f"{text} ({detail})" if detail else text
