"""Fixtures for the alerting tests: a fake Telegram Bot API server on 127.0.0.1 per test."""

from __future__ import annotations

import pytest

from tests.fakes.telegram_api import FakeTelegramServer, Limits


@pytest.fixture
def fake_telegram():
    """A fake Bot API server with Telegram's limits; ``fake_telegram.bot()`` is a real PTB Bot for it."""
    with FakeTelegramServer() as server:
        yield server


@pytest.fixture
def unlimited_telegram():
    """The same server without rate limits, for tests about anything but pacing."""
    with FakeTelegramServer(limits=Limits(enabled=False)) as server:
        yield server


def pytest_configure(config):
    # PTB's own RetryAfter constructor reads the deprecated int ``retry_after``; nothing to act on.
    config.addinivalue_line(
        "filterwarnings", "ignore:Deprecated since version v22.2.*`retry_after`:telegram.warnings.PTBDeprecationWarning"
    )
