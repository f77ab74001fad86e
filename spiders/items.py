"""What spiders hand to the pipelines: a fetched article page, not yet understood."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FetchedPage:
    portal_id: str
    # The link as found on the listing or feed; its canonical form is the article's key.
    link_url: str
    canonical_url: str
    # Where the page was finally served from (after redirects).
    url: str
    status: int
    content_type: str
    body: bytes
    encoding: str | None = None
    # What the listing or feed said about the article, used when the page itself is silent.
    hints: dict = field(default_factory=dict)
    # The listing page or feed the link came from (whose validators wait for this article to be stored).
    source: str | None = None
