"""Logging set-up: one line per event, JSON when asked, never the bot token."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import datetime, timezone

from crawler.config import Settings

# A bot token anywhere, including inside a Bot API URL (".../bot123456789:AA…/getMe").
_TOKEN = re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])")


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return _TOKEN.sub("***", text)


class _Redacting(logging.Filter):
    def __init__(self, secrets: tuple[str, ...]):
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message, self.secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class TextFormatter(logging.Formatter):
    """The text format, redacted as a whole: message, exception text and traceback, stack."""

    def __init__(self, fmt: str | None = None, secrets: tuple[str, ...] = ()):
        super().__init__(fmt)
        self.secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


class _QuietLibraries(logging.Filter):
    """Scrapy re-applies its own logger levels whenever a crawler starts; filtering at the handler
    keeps its INFO chatter (versions, stats dumps) out of our one-line-per-event log regardless."""

    PREFIXES = ("scrapy", "twisted", "py.warnings")

    def __init__(self, level: int):
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or self.level <= logging.DEBUG or not record.name.startswith(self.PREFIXES)


class JsonFormatter(logging.Formatter):
    """One JSON object per line; every text in it (message, exception and traceback, stack, extras)
    is redacted, since an exception's own message can carry the token (PTB's InvalidToken does)."""

    EXTRA = ("portal", "run_id", "batch", "event", "url", "status", "reason")

    def __init__(self, secrets: tuple[str, ...] = ()):
        super().__init__()
        self.secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        clean = lambda value: redact(value, self.secrets) if isinstance(value, str) else value  # noqa: E731
        data = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": clean(record.getMessage()),
        }
        for key in self.EXTRA:
            if hasattr(record, key):
                data[key] = clean(getattr(record, key))
        if record.exc_info:
            data["exc"] = clean(self.formatException(record.exc_info))
        if record.stack_info:
            data["stack"] = clean(self.formatStack(record.stack_info))
        return json.dumps(data, ensure_ascii=False)


def configure_logging(settings: Settings) -> None:
    handler = logging.StreamHandler(sys.stderr)
    secrets = (settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else "",)
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter(secrets))
    else:
        handler.setFormatter(TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets))
    handler.addFilter(_Redacting(secrets))
    handler.addFilter(_QuietLibraries(logging.getLevelName(settings.log_level.upper())))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
    for noisy in ("scrapy", "twisted", "htmldate", "httpx", "apscheduler", "telegram", "alembic", "filelock"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    # A portal's failure is reported once, as one line, by the crawl recorder; Scrapy's own tracebacks
    # for the same failure (retries given up, robots.txt unreachable) would only repeat it.
    for repeated in ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt"):
        logging.getLogger(repeated).setLevel(logging.CRITICAL)
    # trafilatura warns "discarding data" for every page that is not an article: that is our verdict to give.
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
