"""The one typed settings object. Nothing else in the project reads ``os.environ``.

Settings are read once in the CLI and handed down; crawl children receive the parent's
settings serialised, so a test that builds a ``Settings`` by hand gets exactly that in the child.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

BUNDLED_PORTALS = Path(__file__).resolve().parent.parent / "spiders" / "registry"


_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+$")


def is_address(value: str) -> bool:
    """A bare address (local@domain), as the From of a message and an admin address must be."""
    return bool(_ADDRESS.match(value.strip()))


class Settings(BaseSettings):
    # Errors name the setting but never echo its value: SMTP URLs and database URLs carry passwords.
    model_config = SettingsConfigDict(env_prefix="PORTALWATCH_", extra="ignore", populate_by_name=True, hide_input_in_errors=True)

    database_url: str = "sqlite:///data/portalwatch.db"
    # The server's password on its own (compose passes POSTGRES_PASSWORD here): put into the URL
    # properly encoded, so '@', ':', '/', '%' or '#' in it never break the URL.
    database_password: SecretStr | None = None
    # Seconds a command keeps retrying (with backoff) a database server that refuses connections.
    database_wait: float = Field(default=10.0, ge=0)
    portals: Path = BUNDLED_PORTALS
    rules: Path | None = None
    http_port: int = Field(default=8080, ge=1, le=65535)
    # 0.0.0.0 so the health check and metrics are reachable through a container's published port.
    http_host: str = "0.0.0.0"
    # A connection must send a whole request within this many seconds, and at most this many are open.
    http_read_timeout: float = Field(default=10.0, gt=0)
    http_max_connections: int = Field(default=200, ge=8)
    # Turns on login (HTTP Basic, any user name) for every web page but /healthz and /metrics.
    web_password: SecretStr | None = None
    # A users file (web/auth.py): lines name:role:hash, role admin or viewer, written by
    # `portalwatch web-user add`. Logins of either kind; only admins may pause or resume portals.
    web_users: Path | None = None
    log_format: Literal["text", "json"] = "text"
    log_level: str = "INFO"
    user_agent: str = "portalwatch/0.1 (+https://github.com/portalwatch/portalwatch; Vietnamese portal monitor)"
    # Hard limit on one crawl batch child process, in seconds.
    crawl_timeout: float = Field(default=1800.0, gt=0)
    download_timeout: float = Field(default=30.0, gt=0)
    # Largest page body accepted; larger responses fail that request alone.
    max_page_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    # Listing pages followed per listing on one visit (pagination stops earlier once a page is all seen).
    max_listing_pages: int = Field(default=5, ge=1)
    # The polling policy (crawler/policy.py) for portals without a fixed ``interval_minutes``.
    poll_floor_minutes: float = Field(default=3.0, gt=0)
    poll_ceiling_minutes: float = Field(default=120.0, gt=0)
    poll_daily_budget: int = Field(default=100, ge=1)
    # New article links taken from one listing page or feed, and in all on one visit of a portal.
    max_links_per_page: int = Field(default=200, ge=1)
    max_articles_per_visit: int = Field(default=500, ge=1)
    # Where crawl children leave pid and status files (default: beside the SQLite file, else a temp folder).
    run_dir: Path | None = None
    # CPU seconds one article page may take to extract; a page over it is skipped with that reason.
    extract_time_budget: float = Field(default=20.0, gt=0)
    # The daemon starts each portal's first crawl at a random moment within this many seconds.
    first_crawl_within: float = Field(default=45.0, ge=0)
    # Multiplies every crawl interval; tests and soak benchmarks shrink it to run many cycles quickly.
    interval_scale: float = Field(default=1.0, gt=0)
    # Politeness; tests on 127.0.0.1 lower the delay.
    download_delay: float = Field(default=1.0, ge=0)
    autothrottle: bool = True
    obey_robots: bool = True
    # Ask each portal's listings and feeds "changed?" before building its Scrapy spider (issue 17).
    preflight: bool = True

    # Subscribers' keywords (bot /subscribe, `subscribers add --keyword`): most per chat, longest.
    max_keywords_per_chat: int = Field(default=200, ge=1)
    max_keyword_chars: int = Field(default=100, ge=1, le=200)

    telegram_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "telegram_bot_token")
    )
    telegram_api_url: str = Field(
        default="https://api.telegram.org", validation_alias=AliasChoices("TELEGRAM_API_URL", "telegram_api_url")
    )
    telegram_admin_chat_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        validation_alias=AliasChoices("TELEGRAM_ADMIN_CHAT_IDS", "telegram_admin_chat_ids"),
    )

    # E-mail channel: smtps://user:pass@host:465, or smtp://host:25 (STARTTLS when the server offers
    # it; ?starttls=1 makes it required). Unset: e-mail channels wait, queued.
    smtp_url: SecretStr | None = None
    # The From address; defaults to portalwatch@<the SMTP host>.
    mail_from: str | None = None
    # Messages per minute to the SMTP server (most providers throttle or block bursts).
    smtp_rate: float = Field(default=60.0, gt=0)
    smtp_timeout: float = Field(default=30.0, gt=0)
    # Signs unsubscribe links; when unset a random key is generated once and kept in the database.
    secret_key: SecretStr | None = None
    # Where the web workspace is reached from outside (https://…): unsubscribe links point there.
    public_url: str | None = None
    # Admins reached by e-mail (portal health, bounced addresses), beside TELEGRAM_ADMIN_CHAT_IDS.
    admin_emails: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("admin_emails", mode="before")
    @classmethod
    def _split_emails(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip().lower() for part in value.replace(";", ",").split(",") if part.strip()]
        return value

    @field_validator("smtp_url", "secret_key", "public_url", "mail_from", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            from monitor.alerting.email import parse_smtp_url

            parse_smtp_url(value.get_secret_value())  # ValueError names the problem, never the password
        return value

    @field_validator("web_users")
    @classmethod
    def _users_file(cls, value: Path | None) -> Path | None:
        if value is not None:
            from web.auth import read_users

            # ValueError names the file and the line, never a hash; a file not made yet in a folder
            # that exists has no users (`portalwatch web-user add` makes it).
            read_users(value, missing_ok=True)
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        if value.strip().upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value.strip()

    @field_validator("public_url", "telegram_api_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None:
            from urllib.parse import urlsplit

            parts = urlsplit(value.strip())
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError("must be an http:// or https:// address")
        return value

    @field_validator("mail_from")
    @classmethod
    def _mail_from(cls, value: str | None) -> str | None:
        if value is not None and not is_address(value):
            raise ValueError("must be a bare e-mail address such as canhbao@example.vn")
        return value.strip() if value else value

    @field_validator("admin_emails")
    @classmethod
    def _admin_emails(cls, value: list[str]) -> list[str]:
        bad = [address for address in value if not is_address(address)]
        if bad:
            raise ValueError(f"{len(bad)} of its entries are not e-mail addresses (separate addresses with commas)")
        return value

    @model_validator(mode="after")
    def _does_something(self) -> "Settings":
        """Combinations that would leave a part of the service silently doing nothing."""
        if self.poll_floor_minutes > self.poll_ceiling_minutes:
            raise ValueError("PORTALWATCH_POLL_FLOOR_MINUTES is above PORTALWATCH_POLL_CEILING_MINUTES")
        return self

    @field_validator("run_dir", "web_password", "web_users", mode="before")
    @classmethod
    def _empty_is_default(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_admin_chat_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
            except ValueError:
                raise ValueError("must be Telegram chat ids (whole numbers) separated by commas") from None
        return value

    @field_validator("database_password", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _password_into_url(self) -> "Settings":
        if self.database_password is not None and not self.database_url.startswith("sqlite"):
            from sqlalchemy.engine import make_url
            from sqlalchemy.exc import ArgumentError

            try:
                url = make_url(self.database_url).set(password=self.database_password.get_secret_value())
            except ArgumentError:
                return self  # reported as a bad URL where the database is opened
            self.database_url = url.render_as_string(hide_password=False)
        return self

    def public_dict(self) -> dict:
        """Settings safe to log or show: the bot token and the database password are never included."""
        from storage.db import safe_url

        data = self.model_dump(mode="json")
        data["telegram_bot_token"] = "***" if self.telegram_bot_token else None
        data["database_password"] = "***" if self.database_password else None
        data["database_url"] = safe_url(self.database_url)
        if self.smtp_url is not None:
            from monitor.alerting.email import parse_smtp_url

            data["smtp_url"] = parse_smtp_url(self.smtp_url.get_secret_value()).redacted()
        data["secret_key"] = "***" if self.secret_key else None
        data["web_password"] = "***" if self.web_password else None
        return data

    def to_json(self) -> str:
        """Full serialisation (secrets included) for handing settings to a crawl child over a pipe."""
        import json

        data = self.model_dump(mode="json", by_alias=False)
        data["telegram_bot_token"] = self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None
        data["database_password"] = self.database_password.get_secret_value() if self.database_password else None
        for name in ("smtp_url", "secret_key"):
            value = getattr(self, name)
            data[name] = value.get_secret_value() if value else None
        data["web_users"] = None  # children serve no pages; an edit of the file must not stop crawls
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> "Settings":
        import json

        return cls.model_validate(json.loads(text))


def env_name(field: str) -> str:
    """The environment variable a setting is read from (``http_port`` → ``PORTALWATCH_HTTP_PORT``)."""
    info = Settings.model_fields.get(field)
    alias = getattr(info, "validation_alias", None) if info is not None else None
    choices = getattr(alias, "choices", None)
    if choices:
        return str(choices[0])
    if field.isupper():
        return field  # pydantic reports an alias (TELEGRAM_ADMIN_CHAT_IDS) as it was given
    return f"PORTALWATCH_{field.upper()}"


def settings_error(exc: Exception) -> str:
    """One line naming each bad setting and what is wrong with it, never its value (it may be a secret)."""
    errors = getattr(exc, "errors", None)
    if errors is None:
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    parts = []
    for error in errors(include_input=False, include_url=False):
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        where = [str(part) for part in error.get("loc", ()) if isinstance(part, str)]
        name = env_name(where[0]) if where else ""
        if name and name in message:
            parts.append(message)  # the message already names the variable
        elif name:
            parts.append(f"{name}: {message}")
        else:
            parts.append(message)
    return "; ".join(dict.fromkeys(" ".join(p.split()) for p in parts))


# PORTALWATCH_* variables that are no setting of this object but are read elsewhere on purpose.
OTHER_VARIABLES = ("PORTALWATCH_MIGRATE_ATTEMPTS", "PORTALWATCH_MIGRATE_DELAY")
OTHER_PREFIXES = ("PORTALWATCH_TEST_", "PORTALWATCH_BENCH_")


def unknown_variables(environ) -> list[str]:
    """One warning per PORTALWATCH_* variable that no setting reads (a typo is otherwise silently ignored)."""
    import difflib

    known = {env_name(field) for field in Settings.model_fields}
    warnings = []
    for name in sorted(environ):
        if (not name.startswith("PORTALWATCH_") or name in known or name in OTHER_VARIABLES
                or name.startswith(OTHER_PREFIXES)):
            continue
        # Same last word first (PORTALWATCH_WEB_PORT → PORTALWATCH_HTTP_PORT), else anything alike.
        kin = sorted(k for k in known if k.rsplit("_", 1)[-1] == name.rsplit("_", 1)[-1])
        close = difflib.get_close_matches(name, kin, n=1, cutoff=0.3) or difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
        warnings.append(f"{name} is not a setting and is ignored" + (f" (did you mean {close[0]}?)" if close else ""))
    return warnings
