"""The registry entry schema. Strict: an unknown or misspelt field is an error, not a silent default."""

from __future__ import annotations

import codecs
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from spiders import safe_regex

PORTAL_ID = r"^[a-z0-9][a-z0-9_-]{1,79}$"
PortalKind = Literal["government", "foreign-affairs", "front", "newspaper", "other"]


def _check_http_url(value: str) -> str:
    value = value.strip()
    if not re.match(r"^https?://[^\s/]+", value):
        raise ValueError(f"not an http(s) URL: {value!r}")
    return value


HttpUrl = Annotated[str, AfterValidator(_check_http_url)]


def _check_host(value: str) -> str:
    value = value.strip().lower()
    if not re.match(r"^(\*\.)?[a-z0-9.-]+(:\d+)?$", value) or value.startswith("."):
        raise ValueError(f"not a host name: {value!r}")
    return value.split(":")[0]


def _linear_time(ignore_case: bool):
    """Registry patterns run on page text and URLs on the linear-time engine (RE2): one that engine cannot run
    (a syntax error, a lookaround, a backreference, \\b) is an error of this entry, reported at load."""

    def check(value: str) -> str:
        try:
            safe_regex.compile(value, ignore_case=ignore_case)
        except safe_regex.PatternError as exc:
            raise ValueError(f"invalid regular expression {value!r}: {exc}") from None
        return value

    return AfterValidator(check)


class Selectors(BaseModel):
    """CSS selectors (or ``xpath:...``) for pages the generic extractor gets wrong."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    date: str | None = None
    body: str | None = None
    author: str | None = None
    lead: str | None = None
    # Elements removed before extraction (portal chrome the generic cleanup does not know).
    remove: list[str] = Field(default_factory=list)


class PortalConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=PORTAL_ID)
    name: str = Field(min_length=1)
    start_urls: list[HttpUrl] = Field(default_factory=list)
    feeds: list[HttpUrl] = Field(default_factory=list)
    # Hosts besides those of start_urls/feeds that article links may lead to ("*.example.vn" for subdomains).
    allowed_hosts: list[Annotated[str, AfterValidator(_check_host)]] = Field(default_factory=list)
    # Official-document registers ("Văn bản", "Công báo"): rows are documents (spiders/documents.py).
    documents: list[HttpUrl] = Field(default_factory=list)
    province: str | None = None
    kind: PortalKind | None = None
    # A fixed poll interval; without it the polling policy learns the portal's rhythm.
    interval_minutes: int | None = Field(default=None, ge=1, le=7 * 24 * 60)
    # Polls (listing/feed checks) a day the policy may make of this portal; default: the setting.
    daily_budget: int | None = Field(default=None, ge=1, le=2000)
    article_url_pattern: Annotated[str, _linear_time(ignore_case=False)] | None = None
    selectors: Selectors | None = None
    # Extra boilerplate line patterns (regular expressions) for this portal's chrome.
    boilerplate: list[Annotated[str, _linear_time(ignore_case=True)]] = Field(default_factory=list)
    encoding: str | None = None
    max_pages: int | None = Field(default=None, ge=1, le=100)
    enabled: bool = True
    # Dotted path of a spider class for portals that need code (subclass of a generic spider).
    spider: str | None = None
    # What was verified and how (e.g. "offline fixture 2026-11"; "needs live check").
    verified: str | None = None
    notes: str | None = None

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                codecs.lookup(value)
            except LookupError:
                raise ValueError(f"unknown encoding {value!r}") from None
        return value

    @model_validator(mode="after")
    def _has_entry_points(self) -> "PortalConfig":
        if not self.start_urls and not self.feeds and not self.documents:
            raise ValueError("needs at least one of start_urls or feeds, or documents (register pages)")
        return self
