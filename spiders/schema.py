"""The registry entry schema. Strict: an unknown or misspelt field is an error, not a silent default."""

from __future__ import annotations

import codecs
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

PORTAL_ID = r"^[a-z0-9][a-z0-9_-]{1,79}$"
PortalKind = Literal["government", "foreign-affairs", "front", "newspaper", "other"]


def _check_http_url(value: str) -> str:
    value = value.strip()
    if not re.match(r"^https?://[^\s/]+", value):
        raise ValueError(f"not an http(s) URL: {value!r}")
    return value


HttpUrl = Annotated[str, AfterValidator(_check_http_url)]


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
    # Official-document registers ("Văn bản", "Công báo"): rows are documents (spiders/documents.py).
    documents: list[HttpUrl] = Field(default_factory=list)
    province: str | None = None
    kind: PortalKind | None = None
    interval_minutes: int | None = Field(default=None, ge=1, le=7 * 24 * 60)
    article_url_pattern: str | None = None
    selectors: Selectors | None = None
    # Extra boilerplate line patterns (regular expressions) for this portal's chrome.
    boilerplate: list[str] = Field(default_factory=list)
    encoding: str | None = None
    max_pages: int | None = Field(default=None, ge=1, le=100)
    enabled: bool = True
    # Dotted path of a spider class for portals that need code (subclass of a generic spider).
    spider: str | None = None
    # What was verified and how (e.g. "offline fixture 2026-11"; "needs live check").
    verified: str | None = None
    notes: str | None = None

    @field_validator("article_url_pattern")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"invalid regular expression: {exc}") from None
        return value

    @field_validator("boilerplate")
    @classmethod
    def _patterns(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {value!r}: {exc}") from None
        return values

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
