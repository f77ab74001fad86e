"""The sign-up pages over a real database and a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import html
import re
from datetime import datetime, timezone
from urllib.parse import urlsplit

from aiohttp.test_utils import TestClient, TestServer

from crawler.config import Settings
from tests.web.support import PageDaemon

KEY = "test-secret-key"  # the same key tests/support/channels.py signs alert e-mails with
PUBLIC_URL = "https://pw.example.vn"
MAIL_FROM = "canhbao@pw.example.vn"


def settings_for(smtp_url: str | None, public_url: str | None = PUBLIC_URL, **extra) -> Settings:
    return Settings(smtp_url=smtp_url, public_url=public_url, secret_key=KEY, mail_from=MAIL_FROM, smtp_rate=6000,
                    smtp_timeout=5, **extra)


class Clock:
    """An injected clock: sign-up limits and token expiry follow it, not the wall."""

    def __init__(self, now: datetime | None = None):
        self.now = now or datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        from datetime import timedelta

        self.now += timedelta(**delta)


def form_token(page: str, form_id: str | None = None) -> str:
    if form_id is not None:
        page = page[page.index(f'id="{form_id}"'):]
    return html.unescape(re.search(r'name="form_token" value="([^"]+)"', page).group(1))


def local(link: str) -> str:
    """A link from an e-mail (on PUBLIC_URL) as a path for the test client."""
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


class Pages:
    """Requests to the app from one client, inside one event loop (``run`` a coroutine per test step)."""

    def __init__(self, factory, settings, clock: Clock | None = None):
        self.factory, self.settings = factory, settings
        self.clock = clock or Clock()

    def run(self, steps):
        """``steps(client)`` is an async function; returns what it returns. Each run is a fresh app
        (as after a restart) on the same database and clock."""
        from web.app import build_app
        from web.subscribe import SUBSCRIPTIONS

        app = build_app(PageDaemon(self.factory, self.settings))
        app[SUBSCRIPTIONS].clock = self.clock

        async def go():
            async with TestClient(TestServer(app, host="127.0.0.1")) as client:
                return await steps(client)

        return asyncio.run(go())


async def answer(response) -> tuple[int, str, dict]:
    return response.status, await response.text(), dict(response.headers)
