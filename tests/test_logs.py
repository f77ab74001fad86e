"""Logs never carry the bot token: not in messages, not in exception text, not in tracebacks,
in the text and the JSON format. The exception is PTB's own, from a real Bot the fake API refuses."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from telegram import Bot
from telegram.error import InvalidToken

from crawler.config import Settings
from crawler.logs import configure_logging
from tests.fakes.telegram_api import FakeTelegramServer

CONFIGURED = "123456789:AAE-the-configured-token-abcdef"
OTHER = "987654321:AAF-some-other-token-0123456789"  # not in the settings: found by its shape


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _rejected(token: str) -> InvalidToken:
    async def start():
        async with FakeTelegramServer() as server:  # its token differs: the API answers 401
            async with Bot(token, base_url=server.base_url):
                pass

    with pytest.raises(InvalidToken) as caught:
        asyncio.run(start())
    return caught.value


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_rejected_token_leaves_no_trace_of_itself_in_the_log(log_format, capsys, restore_logging):
    configure_logging(Settings(log_format=log_format, telegram_bot_token=CONFIGURED))
    log = logging.getLogger("portalwatch.test")
    for token in (CONFIGURED, OTHER):
        exc = _rejected(token)
        assert token in str(exc)  # PTB puts the token in the exception's message
        try:
            raise RuntimeError("bot could not start") from exc
        except RuntimeError:
            log.exception("bot could not start; crawling and queueing go on")
        log.error("failed: %s", exc, stack_info=True)
        log.warning("GET https://api.telegram.org/bot%s/getMe", token)
    err = capsys.readouterr().err
    assert "InvalidToken" in err and "Traceback" in err and "was rejected" in err
    assert CONFIGURED not in err and OTHER not in err
    assert "AAE-the-configured" not in err and "AAF-some-other" not in err
    if log_format == "json":
        records = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
        assert any("exc" in r for r in records) and any("stack" in r for r in records)
