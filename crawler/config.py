"""The one typed settings object. Nothing else in the project reads ``os.environ``.

Settings are read once in the CLI and handed down; crawl children receive the parent's
settings serialised, so a test that builds a ``Settings`` by hand gets exactly that in the child.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

BUNDLED_PORTALS = Path(__file__).resolve().parent.parent / "spiders" / "registry"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PORTALWATCH_", extra="ignore", populate_by_name=True)

    database_url: str = "sqlite:///data/portalwatch.db"
    portals: Path = BUNDLED_PORTALS
    rules: Path | None = None
    http_port: int = 8080
    # 0.0.0.0 so the health check and metrics are reachable through a container's published port.
    http_host: str = "0.0.0.0"
    # Turns on login (HTTP Basic, any user name) for every web page but /healthz and /metrics.
    web_password: SecretStr | None = None
    log_format: Literal["text", "json"] = "text"
    log_level: str = "INFO"
    user_agent: str = "portalwatch/0.1 (+https://github.com/portalwatch/portalwatch; Vietnamese portal monitor)"
    # Hard limit on one crawl batch child process, in seconds.
    crawl_timeout: float = 1800.0
    download_timeout: float = 30.0
    # Largest page body accepted; larger responses fail that request alone.
    max_page_bytes: int = 10 * 1024 * 1024
    # Listing pages followed per listing on one visit (pagination stops earlier once a page is all seen).
    max_listing_pages: int = 5
    # New article links taken from one listing page or feed, and in all on one visit of a portal.
    max_links_per_page: int = Field(default=200, ge=1)
    max_articles_per_visit: int = Field(default=500, ge=1)
    # Where crawl children leave pid and status files (default: beside the SQLite file, else a temp folder).
    run_dir: Path | None = None
    default_interval_minutes: int = 15
    # The daemon starts each portal's first crawl at a random moment within this many seconds.
    first_crawl_within: float = 45.0
    # Multiplies every crawl interval; tests and soak benchmarks shrink it to run many cycles quickly.
    interval_scale: float = 1.0
    # Politeness; tests on 127.0.0.1 lower the delay.
    download_delay: float = 1.0
    autothrottle: bool = True
    obey_robots: bool = True

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

    @field_validator("run_dir", "web_password", mode="before")
    @classmethod
    def _empty_is_default(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_admin_chat_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        return value

    def public_dict(self) -> dict:
        """Settings safe to log or show: the bot token is never included."""
        data = self.model_dump(mode="json")
        data["telegram_bot_token"] = "***" if self.telegram_bot_token else None
        data["web_password"] = "***" if self.web_password else None
        return data

    def to_json(self) -> str:
        """Full serialisation (secrets included) for handing settings to a crawl child over a pipe."""
        import json

        data = self.model_dump(mode="json", by_alias=False)
        data["telegram_bot_token"] = self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> "Settings":
        import json

        return cls.model_validate(json.loads(text))
