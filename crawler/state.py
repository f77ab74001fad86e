"""What the Scrapy components of one portal crawl share: its run, its seen URLs, its listing validators.

Validators (ETag, Last-Modified, body hash) are written only when a run ends cleanly, and only for
listings whose every new article was stored: if a crawl dies, a callback fails, the database refuses
an article or a cap leaves links for later, the next run must see that listing as changed again, or
those articles would be skipped forever.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spiders.registry_loader import config_hash
from spiders.schema import PortalConfig
from storage import repositories as repo
from storage.db import transaction

_MISSING = object()


@dataclass
class Validators:
    etag: str | None
    last_modified: str | None
    body_hash: str | None


@dataclass
class CrawlState:
    factory: object
    batch_id: str | None
    run_id: int | None = None
    portal_id: str | None = None
    first_crawl: bool = False
    validators: dict[str, Validators] = field(default_factory=dict)
    pending: dict[str, Validators] = field(default_factory=dict)
    new_articles: int = 0
    skipped: int = 0

    @classmethod
    def of(cls, crawler) -> "CrawlState | None":
        """The crawler's state, or None when no database is configured (a dry run)."""
        state = getattr(crawler, "_portalwatch_state", _MISSING)
        if state is _MISSING:
            url = crawler.settings.get("PORTALWATCH_DATABASE_URL")
            if url:
                from crawler.store import open_store

                state = cls(open_store(url), crawler.settings.get("PORTALWATCH_BATCH_ID"))
            else:
                state = None
            crawler._portalwatch_state = state
        return state

    def open(self, spider) -> None:
        portal: PortalConfig = spider.portal
        self.portal_id = portal.id
        with transaction(self.factory) as session:
            row = repo.sync_portal(
                session,
                repo.PortalFields(portal.id, portal.name, portal.province, portal.kind, config_hash(portal), portal.enabled),
            )
            self.first_crawl = not row.baseline_done
            previous = repo.last_run_status(session, portal.id)
            spider.resume = previous is not None and previous != "ok"
            self.run_id = repo.start_run(session, portal.id, self.batch_id).id
            spider.seen = repo.seen_urls(session, portal.id)
            self.validators = {
                url: Validators(row.etag, row.last_modified, row.body_hash)
                for url, row in repo.listing_validators(session, portal.id).items()
            }

    def close(self, spider, reason: str) -> tuple[str, str | None]:
        outcome = spider.outcome
        status, why = outcome.status()
        if reason == "shutdown":
            status, why = "interrupted", "crawl stopped before it finished"
        elif reason not in ("finished",) and status == "ok":
            status, why = "partial", f"crawl closed early: {reason}"
        counters = {
            "requests": outcome.requests,
            "listing_pages": outcome.listing_pages,
            "not_modified": outcome.not_modified,
            "article_pages": outcome.article_pages,
            "new_articles": self.new_articles,
            "skipped": self.skipped,
            "errors": len(outcome.article_errors) + len(outcome.errors) + sum(1 for r in outcome.entries.values() if r),
        }
        with transaction(self.factory) as session:
            repo.finish_run(session, self.run_id, status, why, counters)
            if reason == "finished" and status in ("ok", "partial"):
                for url, v in self.pending.items():
                    if url not in outcome.incomplete:
                        repo.save_listing(session, self.portal_id, url, v.etag, v.last_modified, v.body_hash)
        return status, why
