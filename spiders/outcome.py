"""What one visit of a portal achieved, kept by the spider and written down by the crawler."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CrawlOutcome:
    entries: dict[str, str | None] = field(default_factory=dict)  # entry URL -> failure reason or None
    requests: int = 0
    listing_pages: int = 0
    not_modified: int = 0
    article_pages: int = 0
    article_errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Exceptions in callbacks and pipelines: bugs or a failing database, never a site's fault alone.
    errors: list[str] = field(default_factory=list)
    # Listing/feed URLs whose articles were not all taken or stored: their validators must not be
    # saved, or the next visit would see them unchanged and never fetch what was lost.
    incomplete: dict[str, str] = field(default_factory=dict)

    def entry_ok(self, entry: str) -> None:
        if self.entries.get(entry) is None:
            self.entries[entry] = None

    def entry_failed(self, entry: str, reason: str) -> None:
        self.entries[entry] = reason

    def listing_incomplete(self, url: str | None, reason: str) -> None:
        if url:
            self.incomplete.setdefault(url, reason)

    def status(self) -> tuple[str, str | None]:
        """ok / partial / failed, and the first reason a maintainer should read."""
        failures = [reason for reason in self.entries.values() if reason]
        if self.entries and len(failures) == len(self.entries):
            return "failed", "; ".join(dict.fromkeys(failures + self.errors[:3]))
        problems = failures + self.errors[:3] + self.article_errors[:3] + self.warnings[:3]
        if problems:
            return "partial", "; ".join(dict.fromkeys(problems))
        return "ok", None
