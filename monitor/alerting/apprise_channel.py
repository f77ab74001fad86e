"""The Apprise channel: an alert to any URL Apprise understands (ntfy, Matrix, Teams, Slack,
Discord, Mattermost, webhooks…), with Apprise's own title and body.

Apprise reports failure as a false result and explains it in its log, so a send captures that
log and raises ``AppriseFailed`` with it, retried with backoff like any transient error (a wrong
URL is refused when the channel is added, not here). The URL holds the secrets (tokens,
passwords, private topics): only ``redact(url)`` — scheme and host — ever reaches logs, metrics,
stored errors or pages.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from urllib.parse import urlsplit

from monitor.alerting.telegram_errors import Action, SendAction


def _quiet_apprise() -> None:
    """Apprise logs raw URLs (secrets included) on errors: its log never reaches ours. Each send
    captures it instead, and what is kept of it is scrubbed."""
    logger = logging.getLogger("apprise")
    logger.propagate = False
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())


_quiet_apprise()


class AppriseFailed(Exception):
    """Apprise could not deliver; the message is its own (redacted) explanation."""


def redact(url: str) -> str:
    """``scheme://host/***``: enough to tell channels apart, nothing that grants access."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return "***"
    scheme = parts.scheme or "?"
    rest = parts.path.strip("/") or parts.query or parts.username
    return f"{scheme}://{host}{'/***' if rest else ''}"


def scrub(text: str, url: str) -> str:
    """``text`` with the URL and every piece of it that could be a secret replaced by ***."""
    pieces = {p for p in re.split(r"[/:@?&=#]+", url) if len(p) >= 4}
    pieces -= {urlsplit(url).scheme, urlsplit(url).hostname or ""}
    text = text.replace(url, redact(url))
    for piece in sorted(pieces, key=len, reverse=True):
        text = text.replace(piece, "***")
    return text


def check_url(url: str) -> str:
    """The URL if Apprise knows its scheme and can read it; ValueError (naming no secret) otherwise."""
    import apprise

    with apprise.LogCapture(level=logging.ERROR):
        plugin = apprise.Apprise.instantiate(url)
    if plugin is None:
        raise ValueError(f"not an Apprise URL this Apprise understands: {redact(url)}")
    return url


class AppriseChannel:
    kind = "apprise"
    pacer = None

    def __init__(self, cache_size: int = 256, timeout: float = 60.0):
        import apprise  # noqa: F401 - a heavy first import, done here (off the event loop in the daemon), not at the first send

        self._cache: OrderedDict[str, object] = OrderedDict()
        self.cache_size = cache_size
        # Apprise's own per-request timeouts (4 s, or the URL's cto=/rto=) times its retries can add up;
        # no send waits longer than this in all, so one stuck service never holds its channel for long.
        self.timeout = timeout

    def _apprise(self, url: str):
        import apprise

        client = self._cache.pop(url, None)
        if client is None:
            client = apprise.Apprise()
            if not client.add(url):
                raise AppriseFailed(f"Apprise cannot read the URL {redact(url)}")
        self._cache[url] = client
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return client

    async def notify(self, url: str, title: str, body: str, attach: str | None = None) -> None:
        """One notification, with ``attach`` (a file path) as an attachment where the service takes one."""
        await self._notify(url, title, body, attach)

    async def _notify(self, url: str, title: str, body: str, attach: str | None = None) -> None:
        import apprise

        client = self._apprise(url)
        with apprise.LogCapture(level=logging.WARNING) as captured:
            ok = await client.async_notify(body=body, title=title, attach=attach, timeout=self.timeout)
        if not ok:
            lines = [line.split(" - ", 2)[-1] for line in captured.getvalue().splitlines() if line.strip()]
            raise AppriseFailed(scrub("; ".join(lines[-3:]) or "Apprise reported a failure", url))

    async def send(self, target, view) -> None:
        from monitor.alerting.format import render_text
        from monitor.alerting.sender import message_of

        text = render_text(message_of(view))
        title, _, body = text.partition("\n")
        await self._notify(target.address, title, body)

    async def send_digest(self, target, html_text: str, plain: str) -> None:
        title, _, body = plain.partition("\n")
        await self._notify(target.address, title, body)

    async def send_notice(self, address: str, text: str) -> None:
        await self._notify(address, "portalwatch", text)

    def classify(self, exc: BaseException) -> SendAction:
        if isinstance(exc, AppriseFailed | OSError | TimeoutError):
            return SendAction(Action.BACKOFF, str(exc))
        return SendAction(Action.GIVE_UP, f"unexpected {type(exc).__name__}")
